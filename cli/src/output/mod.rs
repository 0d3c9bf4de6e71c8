//! Alert outputs: one module per sink behind one small trait, with delivery
//! that never loses an alert silently.
//!
//! ```text
//! detect loop ──emit()──▶ noise control ──try_send──▶ bounded queue ─▶ worker ─▶ sink
//!                 (never blocks)                        per sink        │  ▲
//!                                                                       ▼  │ retry, backoff
//!                                                             backlog: spool dir / memory
//! ```
//!
//! [`Outputs::emit`] only enqueues. Each sink has its own thread that
//! delivers in order, keeps what fails in a backlog (on disk when
//! `delivery.spool_dir` is set, so it survives restarts) and retries the
//! oldest pending alert with exponential backoff. Whatever cannot be
//! delivered is counted in `harrier_output_failures_total{sink,reason}` and
//! in the [`DeliveryReport`] that [`Outputs::shutdown`] returns.
//!
//! A subcommand flattens [`args::OutputArgs`] into its flags, calls
//! `start()` for an [`Outputs`], `emit`s each alert, updates its own counters
//! through [`Outputs::registry`] (events read, drops, rule evaluation time)
//! and ends with [`Outputs::shutdown`].

pub mod args;
pub mod config;
pub mod delivery;
pub mod metrics;
pub mod noise;
pub mod record;
mod report;
pub mod sink;

use std::collections::HashMap;
use std::fmt;
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use engine::alert::{Alert, Priority};

pub use config::{OutputConfig, SinkConfig};
pub use metrics::{MetricsServer, Registry};
pub use record::Record;
pub use report::{DeliveryReport, SinkReport};

use delivery::{Backlog, Backoff, Msg, SinkStats, Spool, Worker};
use metrics::{Counter, Gauge};
use noise::{Noise, Verdict};

/// Why the outputs could not start.
#[derive(Debug)]
pub struct OutputError(pub String);

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OutputError {}

/// The emitting side of one sink.
struct Lane {
    min_priority: Priority,
    tx: SyncSender<Msg>,
    queued: Gauge,
    queue_full: Counter,
    gone: Counter,
}

/// Everything `emit` touches, shared with the dedup timer thread.
struct Fanout {
    lanes: Vec<Lane>,
    noise: Option<Mutex<Noise>>,
    registry: Arc<Registry>,
    /// `harrier_alerts_total` handles by rule and priority, so counting an
    /// alert does not build label strings each time.
    alert_counters: Mutex<HashMap<String, [Option<Counter>; 8]>>,
}

impl Fanout {
    fn send(&self, record: &Record) {
        for lane in &self.lanes {
            if !record.priority.at_least(lane.min_priority) {
                continue;
            }
            match lane.tx.try_send(Msg::Alert(record.clone())) {
                Ok(()) => lane.queued.add(1),
                Err(TrySendError::Full(_)) => lane.queue_full.inc(),
                Err(TrySendError::Disconnected(_)) => lane.gone.inc(),
            }
        }
    }

    fn count_alert(&self, rule: &str, priority: Priority) {
        let mut counters = self
            .alert_counters
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !counters.contains_key(rule) {
            counters.insert(rule.to_string(), Default::default());
        }
        if let Some(slots) = counters.get_mut(rule) {
            slots[priority as usize]
                .get_or_insert_with(|| self.registry.alerts(rule, priority.name()))
                .inc();
        }
    }

    fn noise(&self) -> Option<MutexGuard<'_, Noise>> {
        // The state is plain maps: still usable if a holder panicked.
        self.noise
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn suppressed(&self, rule: &str, reason: &str) {
        self.registry
            .counter(
                "harrier_alerts_suppressed_total",
                "Alerts held back by noise control, by rule and reason.",
                &[("rule", rule), ("reason", reason)],
            )
            .inc();
    }
}

/// A sink's thread and name, joined at shutdown.
struct WorkerHandle {
    name: String,
    thread: JoinHandle<u64>,
}

/// The running outputs: the fan-out to every sink's queue and the threads
/// that deliver them.
pub struct Outputs {
    fanout: Arc<Fanout>,
    workers: Vec<WorkerHandle>,
    ticker: Option<(SyncSender<()>, JoinHandle<()>)>,
    server: Option<MetricsServer>,
    reloaded: Vec<(String, usize)>,
    shutdown_timeout: Duration,
}

/// How often dedup windows are checked for ending.
const DEDUP_TICK: Duration = Duration::from_millis(200);

impl Outputs {
    /// Starts every configured sink (and the metrics endpoint if
    /// `metrics.listen` is set) with a fresh metrics registry.
    pub fn from_config(config: &OutputConfig) -> Result<Outputs, OutputError> {
        Outputs::with_registry(config, Arc::new(Registry::new()))
    }

    /// As [`Outputs::from_config`], counting into `registry` (which the
    /// detect loop also updates: events read, drops, rule evaluation time).
    pub fn with_registry(
        config: &OutputConfig,
        registry: Arc<Registry>,
    ) -> Result<Outputs, OutputError> {
        let mut lanes = Vec::new();
        let mut workers = Vec::new();
        let mut reloaded = Vec::new();
        for (name, sink_config) in sink_names(&config.outputs).into_iter().zip(&config.outputs) {
            let (lane, worker) = start_sink(&name, sink_config, config, &registry)?;
            if !worker.backlog.is_empty() {
                reloaded.push((name.clone(), worker.backlog.len()));
            }
            let thread = thread::Builder::new()
                .name(format!("output-{name}"))
                .spawn(move || worker.run())
                .map_err(|e| OutputError(format!("output {name}: {e}")))?;
            lanes.push(lane);
            workers.push(WorkerHandle { name, thread });
        }
        let noise = Noise::new(&config.noise);
        let has_dedup = noise.as_ref().is_some_and(Noise::has_dedup);
        let fanout = Arc::new(Fanout {
            lanes,
            noise: noise.map(Mutex::new),
            registry: Arc::clone(&registry),
            alert_counters: Mutex::new(HashMap::new()),
        });
        let ticker = if has_dedup {
            Some(start_ticker(Arc::clone(&fanout))?)
        } else {
            None
        };
        let server = match &config.metrics.listen {
            Some(addr) => Some(
                MetricsServer::start(addr, Arc::clone(&registry))
                    .map_err(|e| OutputError(format!("metrics listen {addr}: {e}")))?,
            ),
            None => None,
        };
        Ok(Outputs {
            fanout,
            workers,
            ticker,
            server,
            reloaded,
            shutdown_timeout: config.delivery.shutdown_timeout,
        })
    }

    /// The registry the outputs count into.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.fanout.registry
    }

    /// Where `/metrics` is served, if it is.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.server.as_ref().map(MetricsServer::local_addr)
    }

    /// The configured `delivery.shutdown_timeout`, for [`Outputs::shutdown`].
    pub fn shutdown_timeout(&self) -> Duration {
        self.shutdown_timeout
    }

    /// Sinks that found undelivered alerts from an earlier run, and how many.
    pub fn reloaded(&self) -> &[(String, usize)] {
        &self.reloaded
    }

    /// Hands an alert to every sink whose minimum priority it meets. Never
    /// blocks: a full queue counts the alert as failed for that sink.
    pub fn emit(&self, alert: &Alert) {
        self.emit_record(Record::from_alert(alert));
    }

    /// [`Outputs::emit`] for an alert already in output form.
    pub fn emit_record(&self, record: Record) {
        let fanout = &self.fanout;
        fanout.count_alert(&record.rule, record.priority);
        let record = match fanout.noise() {
            None => record,
            Some(mut noise) => {
                let rule = record.rule.clone();
                match noise.admit(record, Instant::now()) {
                    Verdict::Pass(r) => r,
                    Verdict::Folded => return fanout.suppressed(&rule, "dedup"),
                    Verdict::RateLimited => return fanout.suppressed(&rule, "rate_limit"),
                }
            }
        };
        fanout.send(&record);
    }

    /// Stops taking alerts, sends pending dedup summaries, and gives every
    /// sink until `timeout` to deliver its queue. What is left is persisted
    /// in the spool (and delivered on the next start) or counted as failed.
    pub fn shutdown(mut self, timeout: Duration) -> DeliveryReport {
        self.close(timeout)
    }

    fn close(&mut self, timeout: Duration) -> DeliveryReport {
        let deadline = Instant::now() + timeout;
        if let Some((stop, thread)) = self.ticker.take() {
            drop(stop);
            let _ = thread.join();
        }
        let summaries = self
            .fanout
            .noise()
            .map(|mut n| n.expired(None))
            .unwrap_or_default();
        for record in summaries {
            self.fanout.send(&record);
        }
        for lane in &self.fanout.lanes {
            // Blocking send: the worker is draining, the queue frees up.
            if lane.tx.send(Msg::Shutdown(deadline)).is_err() {
                lane.gone.inc();
            }
        }
        let mut sinks = Vec::new();
        for handle in std::mem::take(&mut self.workers) {
            let persisted = handle.thread.join().unwrap_or(0);
            sinks.push(SinkReport::read(
                &self.fanout.registry,
                &handle.name,
                persisted,
            ));
        }
        if let Some(mut server) = self.server.take() {
            server.stop();
        }
        DeliveryReport { sinks }
    }
}

impl Drop for Outputs {
    /// An error path that never called [`Outputs::shutdown`] still delivers,
    /// spools or counts what is queued instead of losing it with the process.
    fn drop(&mut self) {
        if !self.workers.is_empty() {
            let report = self.close(self.shutdown_timeout);
            eprint!("{report}");
        }
    }
}

/// Names sinks by `name:` or kind, suffixing repeats (`loki`, `loki-2`) so
/// each has its own metrics and spool directory.
fn sink_names(sinks: &[SinkConfig]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for s in sinks {
        let base = s.name.clone().unwrap_or_else(|| s.kind.name().to_string());
        let mut name = base.clone();
        let mut n = 2;
        while seen.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        seen.push(name);
    }
    seen
}

fn start_sink(
    name: &str,
    sink_config: &SinkConfig,
    config: &OutputConfig,
    registry: &Arc<Registry>,
) -> Result<(Lane, Worker), OutputError> {
    let err = |what: String| OutputError(format!("output {name}: {what}"));
    let sink = sink::build(&sink_config.kind).map_err(|e| err(e.to_string()))?;
    let delivery = &config.delivery;
    let backlog = match (&delivery.spool_dir, sink_config.kind.is_remote()) {
        (Some(dir), true) => {
            let dir = dir.join(name);
            let spool = Spool::open(&dir, delivery.spool_max_bytes)
                .map_err(|e| err(format!("spool {}: {e}", dir.display())))?;
            Backlog::Disk(Box::new(spool))
        }
        _ => Backlog::Memory {
            queue: Default::default(),
            capacity: delivery.queue_capacity,
        },
    };
    let (tx, rx) = mpsc::sync_channel(delivery.queue_capacity.max(1));
    let stats = SinkStats::new(Arc::clone(registry), name);
    let lane = Lane {
        min_priority: sink_config.min_priority,
        tx,
        queued: stats.queued.clone(),
        queue_full: delivery::failures(registry, name, "queue_full"),
        gone: delivery::failures(registry, name, "worker_gone"),
    };
    let max_batch = if sink.batches() {
        delivery.max_batch.max(1)
    } else {
        1
    };
    let worker = Worker {
        name: name.to_string(),
        max_batch,
        sink,
        rx,
        backlog,
        stats,
        backoff: Backoff::new(delivery.initial_backoff, delivery.max_backoff),
    };
    Ok((lane, worker))
}

/// Sends dedup summaries when their windows end, until its channel closes.
fn start_ticker(fanout: Arc<Fanout>) -> Result<(SyncSender<()>, JoinHandle<()>), OutputError> {
    let (stop, wait) = mpsc::sync_channel::<()>(0);
    let thread = thread::Builder::new()
        .name("output-dedup".into())
        .spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(DEDUP_TICK) {
                let summaries = fanout
                    .noise()
                    .map(|mut n| n.expired(Some(Instant::now())))
                    .unwrap_or_default();
                for record in summaries {
                    fanout.send(&record);
                }
            }
        })
        .map_err(|e| OutputError(format!("dedup timer: {e}")))?;
    Ok((stop, thread))
}
