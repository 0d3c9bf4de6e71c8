//! The per-sink metrics the delivery layer keeps.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::output::metrics::{Counter, Gauge, Registry};
use crate::output::sink::DeliveryError;

/// How often one sink may log a delivery error to stderr.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// Metric handles of one sink.
pub struct SinkStats {
    registry: Arc<Registry>,
    sink: String,
    /// Alerts the sink accepted.
    pub delivered: Counter,
    /// Successful requests (a batch of alerts each, or one alert).
    pub batches: Counter,
    /// Repeated attempts at the oldest pending alerts (one per request).
    pub retries: Counter,
    /// Alerts written to the on-disk spool.
    pub spooled: Counter,
    /// Failed delivery attempts (each retry that fails counts).
    pub errors: Counter,
    /// Alerts waiting in the in-memory queue.
    pub queued: Gauge,
    /// Alerts waiting in the retry backlog (spool or memory).
    pub backlog: Gauge,
    /// 1 while the sink takes alerts, 0 from a retryable failure until the
    /// next success.
    pub up: Gauge,
    last_log: Option<Instant>,
}

impl SinkStats {
    /// Registers the series of sink `sink`.
    pub fn new(registry: Arc<Registry>, sink: &str) -> SinkStats {
        let l: &[(&str, &str)] = &[("sink", sink)];
        let stats = SinkStats {
            delivered: registry.counter(
                "harrier_output_deliveries_total",
                "Alerts delivered, by sink.",
                l,
            ),
            batches: registry.counter(
                "harrier_output_batches_total",
                "Successful deliveries of one or more alerts in one request, by sink.",
                l,
            ),
            retries: registry.counter(
                "harrier_output_retries_total",
                "Delivery retries, by sink.",
                l,
            ),
            spooled: registry.counter(
                "harrier_output_spooled_total",
                "Alerts written to the on-disk spool, by sink.",
                l,
            ),
            errors: registry.counter(
                "harrier_output_errors_total",
                "Failed delivery attempts, by sink.",
                l,
            ),
            queued: registry.gauge(
                "harrier_output_queue_depth",
                "Alerts in the in-memory queue, by sink.",
                l,
            ),
            backlog: registry.gauge(
                "harrier_output_backlog",
                "Alerts waiting for a retry (spool or memory), by sink.",
                l,
            ),
            up: registry.gauge(
                "harrier_output_up",
                "1 while the sink accepts alerts, 0 while deliveries fail, by sink.",
                l,
            ),
            registry,
            sink: sink.to_string(),
            last_log: None,
        };
        stats.up.set(1);
        stats
    }

    /// `harrier_output_failures_total{sink,reason}`: alerts given up on.
    pub fn failed(&self, reason: &str) -> Counter {
        failures(&self.registry, &self.sink, reason)
    }

    /// `n` alerts delivered in one request.
    pub fn ok(&self, n: usize) {
        self.delivered.add(n as u64);
        self.batches.inc();
        self.up.set(1);
    }

    /// One alert left the in-memory queue.
    pub fn dequeued(&self) {
        self.queued.add(-1);
    }

    /// The backlog now holds `n` alerts.
    pub fn set_backlog(&self, n: usize) {
        self.backlog.set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// Counts a failed attempt and logs it, at most once per [`LOG_EVERY`].
    pub fn note_error(&mut self, name: &str, e: &DeliveryError) {
        self.errors.inc();
        if e.retryable {
            self.up.set(0);
        }
        if self.last_log.is_none_or(|t| t.elapsed() >= LOG_EVERY) {
            let what = if e.retryable {
                "will retry"
            } else {
                "rejected, not retried"
            };
            eprintln!("harrier: output {name}: delivery failed ({what}): {e}");
            self.last_log = Some(Instant::now());
        }
    }
}

/// The failure counter of `sink` for `reason`.
pub fn failures(registry: &Registry, sink: &str, reason: &str) -> Counter {
    registry.counter(
        "harrier_output_failures_total",
        "Alerts not delivered, by sink and reason.",
        &[("sink", sink), ("reason", reason)],
    )
}
