//! The kmod backend: consumes kernel-module rings with the module's
//! protocol, either from the module's `/dev/<name><cpu>` devices or from
//! harrier's user-space producer (the ptrace/seccomp shim in
//! [`driver::shim`]) where no module or eBPF probe may be loaded.
//!
//! ```text
//!  KmodSource::Spawn(cmd) / Attach(pid)     KmodSource::Module { name }
//!  shim tracer thread ─▶ memfd ring         kernel ─▶ /dev/<name>0 … /dev/<name>N
//!                 └──────────┬───────────────────────────┘
//!        driver::ring::Device (same consumer code: block, walk, advance tail)
//!                            ▼ next(): refill every ring into the stream
//!        stream: one producer per device, merged by timestamp
//!                            ▼
//!        KmodCapture::next() ─▶ CapturedEvent (lent)
//! ```
//!
//! **Drops.** The ring counters (`n_drops_buffer`, `n_drops_pf`) of every
//! device and the stream's own drops show in [`Capture::stats`]. With
//! [`KmodOptions::dropping`] a full ring drops and counts; otherwise the
//! shim waits for the consumer (the traced program waits with it).
//!
//! **Module devices** follow libscap's open sequence (spec §5.9: versions,
//! info and data mappings, syscall mask, tracepoints); they are documented
//! but not testable on kernels that cannot load modules.
//!
//! ```no_run
//! use libcapture::backend::kmod::{KmodOptions, KmodSource};
//! use libcapture::capture::{Capture, Next};
//!
//! let mut capture = KmodOptions::new(KmodSource::Spawn(vec!["ls".into(), "/".into()])).open()?;
//! capture.start()?;
//! loop {
//!     match capture.next()? {
//!         Next::Event(event) => println!("{} {} {}", event.ts(), event.tid(), event.code()),
//!         Next::Timeout => {}
//!         Next::Eof => break,
//!     }
//! }
//! println!("exit status {:?}", capture.exit_status());
//! # Ok::<(), libcapture::Error>(())
//! ```
//!
//! # Minimum kernel version
//!
//! The shim: Linux 5.3 (`PTRACE_GET_SYSCALL_INFO`), 5.6 for socket tuples.

use std::ffi::OsString;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use driver::ring::{self, ControlOp, Device, RingProducer, SyscallMask};
use driver::shim::{Outcome, Shim, ShimOptions, Target};

use crate::capture::{Capture, CpuStats, Drops, Next, Setting, Stats};
use crate::meta::Snapshot;
use crate::stream::{self, Consumer, Delivery, Producer};
use crate::{Error, Result};

/// How long [`Capture::next`] waits for an event before [`Next::Timeout`].
const NEXT_TIMEOUT: Duration = Duration::from_millis(100);

/// libscap's polling rule (spec §5.6): while every ring holds less than
/// this many bytes, sleep, starting at [`MIN_POLL`] and doubling up to
/// [`MAX_POLL`]. An idle consumer then wakes ~33 times a second instead of
/// competing with the traced program for its CPU.
const POLL_BATCH_BYTES: usize = 20_000;
const MIN_POLL: Duration = Duration::from_micros(500);
const MAX_POLL: Duration = Duration::from_millis(30);

/// Where the rings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KmodSource {
    /// Run this command (program and arguments) under the shim.
    Spawn(Vec<OsString>),
    /// Attach the shim to this running process (every thread).
    Attach(i32),
    /// The kernel module's devices `/dev/<name>0 …` (one per online CPU).
    Module {
        /// Device base name (`scap`, `falco`, …).
        name: String,
    },
}

/// Options of the kmod backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmodOptions {
    /// Where the rings come from.
    pub source: KmodSource,
    /// Bytes of each ring (the module's `g_buffer_bytes_dim`).
    pub ring_bytes: u32,
    /// Syscalls that produce events.
    pub syscalls: SyscallMask,
    /// Bytes of I/O data kept per read/write event.
    pub snaplen: u32,
    /// A full ring drops and counts instead of blocking the producer.
    pub dropping: bool,
    /// How long events are held to merge rings in timestamp order.
    pub reorder_window: Duration,
    /// Bytes of each stream ring between the device rings and `next`.
    pub stream_bytes: usize,
    /// Whether to read the `/proc` snapshot when opening.
    pub scan_proc: bool,
    /// Pin the shim's tracer (and the spawned command) to this CPU.
    pub cpu: Option<usize>,
}

impl KmodOptions {
    /// Defaults for `source`: 8 MiB rings, the security-relevant syscalls,
    /// snaplen 80, blocking mode.
    pub fn new(source: KmodSource) -> KmodOptions {
        KmodOptions {
            source,
            ring_bytes: 8 << 20,
            syscalls: SyscallMask::security_default(),
            snaplen: 80,
            dropping: false,
            reorder_window: Duration::from_millis(20),
            stream_bytes: 8 << 20,
            scan_proc: true,
            cpu: None,
        }
    }

    /// Opens the devices (creating the shim's) and checks their versions.
    /// A shim target is started by [`Capture::start`].
    pub fn open(self) -> Result<KmodCapture> {
        KmodCapture::open(self)
    }
}

/// Turns a ring or shim failure into the crate's error.
fn ring_error(err: ring::Error) -> Error {
    Error::Io {
        path: "kmod".into(),
        source: std::io::Error::other(err.to_string()),
    }
}

/// A live capture through kmod rings.
#[derive(Debug)]
pub struct KmodCapture {
    options: KmodOptions,
    devices: Vec<Device>,
    /// The shim's producer end until `start` hands it to the tracer.
    pending_producer: Option<RingProducer>,
    shim: Option<Shim>,
    outcome: Option<Outcome>,
    producers: Vec<Producer>,
    consumer: Consumer,
    snapshot: Snapshot,
    delivery: Delivery,
    /// Current sleep between polls of idle rings.
    poll: Duration,
    stopped: bool,
}

impl KmodCapture {
    fn open(options: KmodOptions) -> Result<KmodCapture> {
        let (devices, pending_producer) = match &options.source {
            KmodSource::Spawn(_) | KmodSource::Attach(_) => {
                let producer = RingProducer::create_memfd("harrier-shim", options.ring_bytes)
                    .map_err(ring_error)?;
                let fd = producer
                    .fd()
                    .as_fd()
                    .try_clone_to_owned()
                    .map_err(|source| Error::Io {
                        path: "kmod: shim device".into(),
                        source,
                    })?;
                let device = Device::from_shim_fd("shim ring".into(), fd).map_err(ring_error)?;
                (vec![device], Some(producer))
            }
            KmodSource::Module { name } => (open_module(name, options.ring_bytes)?, None),
        };
        for device in &devices {
            device.set_syscalls(&options.syscalls).map_err(ring_error)?;
            device
                .control(ControlOp::SetSnaplen(options.snaplen))
                .map_err(ring_error)?;
            let mode = if options.dropping {
                ControlOp::EnableDroppingMode(1)
            } else {
                ControlOp::DisableDroppingMode
            };
            device.control(mode).map_err(ring_error)?;
        }
        let window = u64::try_from(options.reorder_window.as_nanos()).unwrap_or(u64::MAX);
        let (producers, consumer) = stream::channel(devices.len(), options.stream_bytes, window);
        let snapshot = if options.scan_proc {
            crate::proc_scan::scan()?.snapshot
        } else {
            Snapshot::default()
        };
        Ok(KmodCapture {
            options,
            devices,
            pending_producer,
            shim: None,
            outcome: None,
            producers,
            consumer,
            snapshot,
            delivery: Delivery::default(),
            poll: MIN_POLL,
            stopped: false,
        })
    }

    /// The traced root process (shim sources, once started).
    pub fn root_pid(&self) -> Option<i32> {
        self.shim.as_ref().map(Shim::root_pid)
    }

    /// The root process's raw wait status, once the shim saw it end.
    pub fn exit_status(&self) -> Option<i32> {
        self.outcome.as_ref().and_then(|o| o.root_status)
    }

    /// The root process's exit code as a shell reports it (128 + signal
    /// for a killed process), once it ended.
    pub fn exit_code(&self) -> Option<u8> {
        self.exit_status().map(|s| {
            if libc::WIFSIGNALED(s) {
                128u8.wrapping_add(libc::WTERMSIG(s) as u8)
            } else {
                libc::WEXITSTATUS(s) as u8
            }
        })
    }

    /// Whether the tracer has ended (every tracee gone or detached).
    pub fn tracer_finished(&self) -> bool {
        self.shim.as_ref().is_none_or(Shim::is_finished)
    }

    /// Whether the shim detached from an attached process.
    pub fn detached(&self) -> bool {
        self.outcome.as_ref().is_some_and(|o| o.detached)
    }

    /// Copies every published event of every device into the stream and
    /// frees the ring space it took.
    fn refill(&mut self) -> Result<()> {
        for (index, device) in self.devices.iter().enumerate() {
            let Some(producer) = self.producers.get_mut(index) else {
                continue;
            };
            let block = device.ring().block();
            let mut consumed = 0;
            for item in block.events() {
                let (at, bytes) = item.map_err(ring_error)?;
                if !producer.push(index as u16, bytes) {
                    // Stream full: leave the rest in the ring for the next refill.
                    break;
                }
                consumed = at + bytes.len();
            }
            device.ring().advance(consumed);
        }
        Ok(())
    }

    /// Whether every source has ended and every ring is drained.
    /// A tracer that failed mid-capture is reported here, once.
    fn sources_done(&mut self) -> Result<bool> {
        let shim_done = self.shim.as_ref().is_none_or(Shim::is_finished);
        let rings_done = self
            .devices
            .iter()
            .all(|d| d.producer_done() && d.ring().readable() == 0);
        if shim_done && self.outcome.is_none() {
            if let Some(shim) = self.shim.take() {
                self.outcome = Some(shim.wait().map_err(ring_error)?);
            }
        }
        Ok(shim_done && rings_done && self.pending_producer.is_none())
    }
}

/// Opens `/dev/<name>0 …` for every possible CPU, skipping offline ones.
fn open_module(name: &str, dim: u32) -> Result<Vec<Device>> {
    let mut devices = Vec::new();
    for cpu in 0..std::thread::available_parallelism().map_or(1, |n| n.get()) * 4 {
        let path = format!("/dev/{name}{cpu}");
        if !std::path::Path::new(&path).exists() {
            break;
        }
        match Device::open(&path, dim) {
            Ok(device) => devices.push(device),
            Err(ring::Error::Sys { source, .. }) if source.raw_os_error() == Some(libc::ENODEV) => {
            }
            Err(e) => return Err(ring_error(e)),
        }
    }
    if devices.is_empty() {
        return Err(Error::Io {
            path: format!("/dev/{name}0"),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no kernel module devices"),
        });
    }
    Ok(devices)
}

impl Capture for KmodCapture {
    fn next(&mut self) -> Result<Next<'_>> {
        let deadline = Instant::now() + NEXT_TIMEOUT;
        let cpu = loop {
            self.refill()?;
            let window = self.options.reorder_window;
            match self.delivery.pop(&mut self.consumer, self.stopped, window) {
                Some(Some(cpu)) => break cpu,
                Some(None) => {
                    if self.sources_done()? && self.consumer_drained() {
                        self.producers.clear();
                        continue;
                    }
                    if Instant::now() >= deadline {
                        return Ok(Next::Timeout);
                    }
                    self.sleep_while_idle(deadline);
                }
                None => return Ok(Next::Eof),
            }
        };
        self.poll = MIN_POLL;
        Ok(Next::Event(self.delivery.event("kmod", cpu)?))
    }

    fn start(&mut self) -> Result<()> {
        if let Some(producer) = self.pending_producer.take() {
            let target = match &self.options.source {
                KmodSource::Spawn(argv) => Target::Spawn(argv.clone()),
                KmodSource::Attach(pid) => Target::Attach(*pid),
                KmodSource::Module { .. } => return Ok(()),
            };
            let options = ShimOptions {
                syscalls: self.options.syscalls,
                cpu: self.options.cpu,
            };
            self.shim = Some(Shim::start(target, producer, options).map_err(ring_error)?);
        }
        for device in &self.devices {
            device
                .control(ControlOp::EnableCapture)
                .map_err(ring_error)?;
        }
        Ok(())
    }

    fn stop(&mut self) -> Result<()> {
        self.stopped = true;
        if let Some(shim) = &self.shim {
            shim.stop();
        }
        // A shim that never started has nothing to wait for.
        self.pending_producer = None;
        for device in &self.devices {
            if device.kind() == ring::DeviceKind::Module {
                device
                    .control(ControlOp::DisableCapture)
                    .map_err(ring_error)?;
            }
        }
        Ok(())
    }

    fn configure(&mut self, setting: Setting) -> Result<bool> {
        let op = match setting {
            Setting::Snaplen(n) => ControlOp::SetSnaplen(n),
            Setting::Sampling(1) => ControlOp::DisableDroppingMode,
            Setting::Sampling(n) => ControlOp::EnableDroppingMode(n),
            _ => return Ok(false),
        };
        for device in &self.devices {
            device.control(op).map_err(ring_error)?;
        }
        Ok(true)
    }

    fn stats(&self) -> Stats {
        let counters: Vec<_> = self.devices.iter().map(|d| d.ring().counters()).collect();
        let stream_drops: u64 = self.consumer.producer_stats().iter().map(|p| p.drops).sum();
        let buffer_full: u64 = counters.iter().map(|c| c.drops_buffer).sum();
        let page_faults: u64 = counters.iter().map(|c| c.drops_pf).sum();
        let other: u64 = counters.iter().map(|c| c.preemptions).sum();
        Stats {
            events: self.delivery.events,
            bytes: self.delivery.bytes,
            drops: buffer_full + page_faults + other + stream_drops,
            drops_by_category: Drops {
                buffer_full: buffer_full + stream_drops,
                page_faults,
                other,
                ..Drops::default()
            },
            per_cpu: counters
                .iter()
                .map(|c| CpuStats {
                    events: c.events,
                    drops: c.drops_buffer + c.drops_pf + c.preemptions,
                })
                .collect(),
        }
    }

    fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }
}

impl KmodCapture {
    /// Sleeps with libscap's backoff unless a ring already holds a batch.
    fn sleep_while_idle(&mut self, deadline: Instant) {
        let readable: usize = self.devices.iter().map(|d| d.ring().readable()).sum();
        if readable >= POLL_BATCH_BYTES {
            self.poll = MIN_POLL;
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        std::thread::sleep(self.poll.min(left));
        self.poll = (self.poll * 2).min(MAX_POLL);
    }

    fn consumer_drained(&self) -> bool {
        let stats = self.consumer.producer_stats();
        stats.iter().map(|s| s.events).sum::<u64>() == self.consumer.stats().events
    }
}
