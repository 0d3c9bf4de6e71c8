//! The CO-RE eBPF backend: harrier's probe (`bpf/` in the repository) loaded
//! with libbpf, feeding the [`stream`](crate::stream) behind [`Capture`].
//!
//! ```text
//!  kernel                                   user space
//!  tp_btf/task_rename: marks threads whose exec is an execveat (no event)
//!  tp_btf/sys_exit ──▶ dispatcher ─tail─▶ per-syscall program ─┐
//!  tp_btf/sched_process_{exec,fork,exit} ──────────────────────┤ event in the
//!                                                              ▼ driver's format
//!             BPF ring buffer per group of CPUs (BPF_RB_NO_WAKEUP)
//!                                                              │ drain thread,
//!                                                              ▼ every drain_interval
//!             stream: one producer per ring, merged by timestamp
//!                                                              ▼
//!             BpfCapture::next() ─▶ CapturedEvent (lent)
//! ```
//!
//! **Ordering.** Events of one ring are in submit order; rings are merged by
//! timestamp with a reordering window ([`BpfOptions::reorder_window`], default
//! 20 ms): an event is handed out once it is older than the newest event seen
//! minus the window, or once the capture has been idle for a window. A CPU
//! that lags by more than the window can produce out-of-order events; the
//! stream counts them.
//!
//! **Selection.** A per-syscall table in the probe decides which syscalls
//! produce events ([`SyscallSet`]); unselected syscalls return before any
//! buffer work. The capturing process never traces itself, and
//! [`BpfCapture::spawn_target`] restricts capture to one process tree.
//!
//! **Drops.** A full kernel ring is counted per CPU and per category (syscall,
//! exec, fork, exit) in a per-CPU map; a full stream ring is counted by the
//! stream. Both show in [`Capture::stats`].
//!
//! **Load time.** Opening is nearly all the kernel verifier checking the
//! probe's programs. With `HARRIER_BPF_VERIFIER_STATS` set in the environment,
//! [`BpfOptions::open`] prints the verifier's figures for every program to
//! stderr (`benches/bpf/load.sh` measures the load time and reads them).
//!
//! # Minimum kernel version
//!
//! BTF (`/sys/kernel/btf/vmlinux`), `tp_btf` programs, BPF ring buffers and
//! `bpf_get_current_task_btf`: Linux 5.11 or newer; root (CAP_BPF, CAP_PERFMON
//! and CAP_SYS_RESOURCE) to load.
//!
//! ```no_run
//! use libcapture::backend::bpf::BpfOptions;
//! use libcapture::capture::{Capture, Next};
//!
//! let mut capture = BpfOptions::default().open()?;
//! capture.start()?;
//! for _ in 0..100 {
//!     if let Next::Event(event) = capture.next()? {
//!         println!("{} {} {}", event.ts(), event.tid(), event.code());
//!     }
//! }
//! capture.stop()?;
//! # Ok::<(), libcapture::Error>(())
//! ```

mod drain;
pub mod enter;
mod probe;
pub mod selection;
mod verifier;

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub use enter::synthesize_enter;
pub use selection::SyscallSet;

use self::drain::Drain;
use self::probe::{Probe, ProbeConfig};
use crate::capture::{Capture, CpuStats, Drops, Next, Setting, Stats};
use crate::meta::Snapshot;
use crate::stream::{self, Consumer, Delivery, Producer};
use crate::sys::{self, Call};
use crate::{Error, Result};

/// How long [`Capture::next`] waits for an event before returning [`Next::Timeout`].
const NEXT_TIMEOUT: Duration = Duration::from_millis(100);

/// Options of the bpf backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BpfOptions {
    /// Bytes of each kernel ring buffer (rounded up to a power of two, at least a page).
    pub ring_bytes: u32,
    /// CPUs sharing one kernel ring buffer (1 = one ring per CPU).
    pub cpus_per_ring: u32,
    /// Bytes of I/O data kept per read/write/send/recv event.
    pub snaplen: u32,
    /// Syscalls that produce events.
    pub syscalls: SyscallSet,
    /// How long events are held to merge the rings in timestamp order.
    pub reorder_window: Duration,
    /// How often the drain thread empties the kernel rings.
    pub drain_interval: Duration,
    /// Bytes of each user-space stream ring between the drain thread and `next`.
    pub stream_bytes: usize,
    /// Whether to read the `/proc` snapshot when opening.
    pub scan_proc: bool,
}

impl Default for BpfOptions {
    fn default() -> Self {
        BpfOptions {
            ring_bytes: 8 << 20,
            cpus_per_ring: 1,
            snaplen: 80,
            syscalls: SyscallSet::security_default(),
            reorder_window: Duration::from_millis(20),
            drain_interval: Duration::from_micros(500),
            stream_bytes: 32 << 20,
            scan_proc: true,
        }
    }
}

impl BpfOptions {
    /// Checks privileges and BTF, loads the probe and reads the `/proc`
    /// snapshot. Nothing is attached until [`Capture::start`].
    pub fn open(self) -> Result<BpfCapture> {
        BpfCapture::open(self)
    }
}

/// A live capture through the eBPF probe.
#[derive(Debug)]
pub struct BpfCapture {
    options: BpfOptions,
    probe: Probe,
    producers: Option<Vec<Producer>>,
    drain: Option<Drain>,
    consumer: Consumer,
    snapshot: Snapshot,
    /// The event lent by the last `next`, copied out of the stream.
    delivery: Delivery,
    stopped: bool,
}

/// Turns a libbpf failure into the crate's error, naming the call.
pub(crate) fn libbpf_error(call: &'static str, source: libbpf_rs::Error) -> Error {
    Error::Io {
        path: format!("bpf: {call}"),
        source: std::io::Error::other(source),
    }
}

fn requirement(what: &str) -> Error {
    Error::Io {
        path: "bpf".into(),
        source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, what.to_string()),
    }
}

impl BpfCapture {
    fn open(options: BpfOptions) -> Result<BpfCapture> {
        if !Path::new("/sys/kernel/btf/vmlinux").exists() {
            return Err(requirement(
                "the kernel has no BTF (/sys/kernel/btf/vmlinux is missing; \
                 CONFIG_DEBUG_INFO_BTF=y is required for the eBPF backend)",
            ));
        }
        if sys::call(Call::Geteuid)? != 0 {
            return Err(requirement(
                "loading the eBPF probe needs root (CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)",
            ));
        }
        let _ = sys::call(Call::UnlimitMemlock);
        let config = ProbeConfig {
            ring_bytes: options.ring_bytes,
            cpus_per_ring: options.cpus_per_ring,
            snaplen: options.snaplen,
            boot_time_ns: sys::boot_time_ns()?,
            self_tgid: u32::try_from(sys::call(Call::Getpid)?).unwrap_or(0),
        };
        let mut probe = Probe::load(&config)?;
        probe.set_syscalls(&options.syscalls);
        let rings = probe.ring_handles()?.len();
        let window = u64::try_from(options.reorder_window.as_nanos()).unwrap_or(u64::MAX);
        let (producers, consumer) = stream::channel(rings, options.stream_bytes, window);
        let snapshot = if options.scan_proc {
            crate::proc_scan::scan()?.snapshot
        } else {
            Snapshot::default()
        };
        Ok(BpfCapture {
            options,
            probe,
            producers: Some(producers),
            drain: None,
            consumer,
            snapshot,
            delivery: Delivery::default(),
            stopped: false,
        })
    }

    /// Restricts the capture to the process tree [`spawn_target`](Self::spawn_target)
    /// will start: until then nothing is traced. Call before [`Capture::start`].
    pub fn target_only(&mut self) {
        self.probe.target_next_child_of(0);
    }

    /// Spawns `command` and restricts the capture to its process tree (the
    /// child and every descendant); call before [`Capture::start`] to see the
    /// child's first `execve`. The tree is marked in the kernel when the child
    /// is forked, so no event of it is missed.
    pub fn spawn_target(&mut self, command: &mut Command) -> Result<Child> {
        let tid = u32::try_from(sys::call(Call::Gettid)?).unwrap_or(0);
        self.probe.target_next_child_of(tid);
        let child = command.spawn();
        self.probe.clear_spawner();
        child.map_err(|source| Error::Io {
            path: format!("{:?}", command.get_program()),
            source,
        })
    }
}

impl Capture for BpfCapture {
    fn next(&mut self) -> Result<Next<'_>> {
        let deadline = Instant::now() + NEXT_TIMEOUT;
        let cpu = loop {
            let window = self.options.reorder_window;
            match self.delivery.pop(&mut self.consumer, self.stopped, window) {
                Some(Some(cpu)) => break cpu,
                Some(None) => {
                    if Instant::now() >= deadline {
                        return Ok(Next::Timeout);
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                None => return Ok(Next::Eof),
            }
        };
        Ok(Next::Event(self.delivery.event("bpf", cpu)?))
    }

    fn start(&mut self) -> Result<()> {
        let Some(producers) = self.producers.take() else {
            return Ok(());
        };
        let rings = self.probe.ring_handles()?;
        self.drain = Some(Drain::start(rings, producers, self.options.drain_interval)?);
        self.probe.attach()
    }

    fn stop(&mut self) -> Result<()> {
        self.probe.detach();
        self.stopped = true;
        // Without a drain thread the producers were never handed out: close them here.
        self.producers = None;
        match self.drain.as_mut() {
            Some(drain) => drain.finish(),
            None => Ok(()),
        }
    }

    fn configure(&mut self, setting: Setting) -> Result<bool> {
        match setting {
            Setting::Snaplen(n) => {
                self.options.snaplen = n;
                self.probe.set_snaplen(n);
                Ok(true)
            }
            Setting::EventCodes(codes) => {
                self.options.syscalls = SyscallSet::for_event_codes(&codes);
                self.probe.set_syscalls(&self.options.syscalls);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn stats(&self) -> Stats {
        let kernel = self.probe.counters().unwrap_or_default();
        let stream_drops: u64 = self.consumer.producer_stats().iter().map(|p| p.drops).sum();
        let buffer_full: u64 = kernel.iter().flat_map(|c| c.drops).sum();
        let other: u64 = kernel.iter().map(|c| c.no_ring).sum();
        Stats {
            events: self.delivery.events,
            bytes: self.delivery.bytes,
            drops: buffer_full + stream_drops + other,
            drops_by_category: Drops {
                buffer_full: buffer_full + stream_drops,
                other,
                ..Drops::default()
            },
            per_cpu: kernel
                .iter()
                .map(|c| CpuStats {
                    events: c.events,
                    drops: c.drops.iter().sum(),
                })
                .collect(),
        }
    }

    fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }
}

impl BpfCapture {
    /// Kernel ring drops by category (syscall, exec, fork, exit), summed over CPUs.
    pub fn drops_by_probe_category(&self) -> [u64; 4] {
        let mut out = [0u64; 4];
        for c in self.probe.counters().unwrap_or_default() {
            for (o, d) in out.iter_mut().zip(c.drops) {
                *o += d;
            }
        }
        out
    }

    /// Events the probe cut at the maximum event size, summed over CPUs.
    pub fn truncated_events(&self) -> u64 {
        self.probe
            .counters()
            .unwrap_or_default()
            .iter()
            .map(|c| c.truncated)
            .sum()
    }
}

impl Drop for BpfCapture {
    fn drop(&mut self) {
        self.probe.detach();
    }
}
