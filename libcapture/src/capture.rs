//! The `Capture` trait shared by every backend.
//!
//! A backend hands out events one at a time. [`Capture::next`] *lends* the
//! event: the returned [`CapturedEvent`] borrows the backend's buffer (a ring
//! or a file's read buffer) and is consumed when the borrow ends, so the
//! borrow checker, not a documented call order, keeps a consumer from holding
//! an event across the next call. Why no event came is part of the answer:
//! [`Next::Timeout`] (a live source was idle) is not an error, and
//! [`Next::Eof`] ends the stream.
//!
//! Only `next` is required; `start`, `stop`, `configure` and `stats` have
//! defaults suited to sources that need no setup, like a recorded file.

use std::path::PathBuf;

use driver::EventRef;

use crate::meta::Snapshot;
use crate::Result;

/// Dump flag: the producer filtered the event out but kept it because it
/// changes state; viewers hide such events.
pub const FLAG_STATE_ONLY: u32 = 1;

/// A source of events: a live backend or a recorded capture.
pub trait Capture {
    /// The next event, or why there is none. The event borrows the backend
    /// until it is dropped.
    fn next(&mut self) -> Result<Next<'_>>;

    /// Starts producing events. Recorded captures are always started.
    fn start(&mut self) -> Result<()> {
        Ok(())
    }

    /// Stops producing events; events already buffered can still be read.
    fn stop(&mut self) -> Result<()> {
        Ok(())
    }

    /// Changes a setting. A backend that cannot apply one returns `Ok(false)`,
    /// so callers can warn instead of failing (a recorded file has no snaplen).
    fn configure(&mut self, setting: Setting) -> Result<bool> {
        let _ = setting;
        Ok(false)
    }

    /// Counters: events and bytes delivered, drops by category and by cpu.
    fn stats(&self) -> Stats;

    /// The system state at capture start: machine, interfaces, users, groups,
    /// threads and their fds.
    fn snapshot(&self) -> &Snapshot;
}

/// What [`Capture::next`] found.
#[derive(Debug)]
pub enum Next<'a> {
    /// An event, valid until the next call.
    Event(CapturedEvent<'a>),
    /// A live source had nothing within its timeout; call `next` again.
    Timeout,
    /// The capture has ended: the file is exhausted or the source stopped.
    Eof,
}

/// One event as a backend delivers it: the device it came from, its dump
/// flags and a zero-copy view of its bytes (26-byte header, parameter
/// lengths, parameters).
#[derive(Debug, Clone, Copy)]
pub struct CapturedEvent<'a> {
    /// Device (ring) index the event came from; for kmod and per-cpu rings the
    /// cpu, for other sources an index that need not be one.
    pub cpu: u16,
    /// Dump flags (see [`FLAG_STATE_ONLY`]); 0 for most events.
    pub flags: u32,
    /// The event: header accessors and decoded parameters.
    pub event: EventRef<'a>,
}

impl<'a> CapturedEvent<'a> {
    /// Wraps event bytes, checking that the header and every parameter length fit.
    pub fn new(cpu: u16, flags: u32, raw: &'a [u8]) -> Result<Self, driver::Error> {
        Ok(CapturedEvent {
            cpu,
            flags,
            event: EventRef::parse(raw)?,
        })
    }

    /// Timestamp: nanoseconds since the Unix epoch.
    pub fn ts(&self) -> u64 {
        self.event.ts()
    }

    /// Thread id (initial pid namespace); `u64::MAX` for events of no thread.
    pub fn tid(&self) -> u64 {
        self.event.tid()
    }

    /// Event code: even for enter events, odd for exit events.
    pub fn code(&self) -> u16 {
        self.event.code().0
    }

    /// The whole event, header included.
    pub fn raw(&self) -> &'a [u8] {
        self.event.as_bytes()
    }

    /// Whether the producer kept this event only for state.
    pub fn is_state_only(&self) -> bool {
        self.flags & FLAG_STATE_ONLY != 0
    }
}

/// A capture setting, applied with [`Capture::configure`] between opening and
/// starting (or while running, where the backend allows it).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Setting {
    /// Bytes of I/O buffers to keep per event.
    Snaplen(u32),
    /// Only these event codes are produced; others cost as little as possible.
    EventCodes(Vec<u16>),
    /// Drop exit events of failed syscalls.
    DropFailed(bool),
    /// Keep one event in `n` (dropping mode); 1 keeps everything.
    Sampling(u32),
}

/// Counters of a capture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Events delivered.
    pub events: u64,
    /// Event bytes delivered.
    pub bytes: u64,
    /// Events lost, all causes.
    pub drops: u64,
    /// Events lost, by cause.
    pub drops_by_category: Drops,
    /// Per device (cpu or ring) counters, indexed by device.
    pub per_cpu: Vec<CpuStats>,
}

/// Events lost, by cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drops {
    /// A producer's ring was full.
    pub buffer_full: u64,
    /// The kernel or producer could not read the syscall's arguments.
    pub page_faults: u64,
    /// Dropped on purpose in sampling (dropping) mode.
    pub sampling: u64,
    /// Anything else the backend counts.
    pub other: u64,
}

/// Counters of one device.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuStats {
    /// Events delivered from this device.
    pub events: u64,
    /// Events lost on this device.
    pub drops: u64,
}

/// Typed options of each backend, chosen when the capture is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackendOptions {
    /// Read a recorded `.scap` file.
    Savefile(crate::backend::savefile::SavefileOptions),
}

/// Opens a capture with typed per-backend options.
///
/// ```no_run
/// use libcapture::capture::{Capture, CaptureBuilder};
///
/// let capture = CaptureBuilder::savefile("trace.scap").open()?;
/// println!("{} threads at start", capture.snapshot().threads.len());
/// # Ok::<(), libcapture::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CaptureBuilder {
    options: BackendOptions,
    settings: Vec<Setting>,
}

impl CaptureBuilder {
    /// A builder for reading the recorded capture at `path`.
    pub fn savefile(path: impl Into<PathBuf>) -> Self {
        CaptureBuilder::new(BackendOptions::Savefile(
            crate::backend::savefile::SavefileOptions::new(path),
        ))
    }

    /// A builder for any backend's options.
    pub fn new(options: BackendOptions) -> Self {
        CaptureBuilder {
            options,
            settings: Vec::new(),
        }
    }

    /// A setting to apply once the capture is open, before it starts.
    pub fn setting(mut self, setting: Setting) -> Self {
        self.settings.push(setting);
        self
    }

    /// Opens the capture and applies the settings. The capture is not started.
    pub fn open(self) -> Result<Box<dyn Capture>> {
        let mut capture: Box<dyn Capture> = match self.options {
            BackendOptions::Savefile(options) => Box::new(options.open()?),
        };
        for setting in self.settings {
            capture.configure(setting)?;
        }
        Ok(capture)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test data is fixed")]
mod tests {
    use super::*;
    use driver::{EventBuilder, EventCode, ParamValue};

    #[test]
    fn header_fields_and_params_are_read_in_place() {
        let mut bytes = Vec::new();
        EventBuilder::new(EventCode::OPENAT_2_E, 11, 22)
            .fd(-100)
            .relpath("/etc/passwd")
            .flags32(1)
            .u32(0)
            .finish(&mut bytes)
            .unwrap();
        let ev = CapturedEvent::new(1, FLAG_STATE_ONLY, &bytes).unwrap();
        assert_eq!(
            (ev.ts(), ev.tid(), ev.code()),
            (11, 22, EventCode::OPENAT_2_E.0)
        );
        assert!(ev.is_state_only());
        assert_eq!(
            ev.event.param(1).unwrap().unwrap(),
            ParamValue::Str(b"/etc/passwd")
        );
        assert_eq!(ev.raw().len(), bytes.len());
    }

    #[test]
    fn malformed_events_are_refused() {
        let mut bytes = Vec::new();
        EventBuilder::new(EventCode::OPENAT_2_E, 1, 2)
            .fd(3)
            .relpath("x")
            .flags32(0)
            .u32(0)
            .finish(&mut bytes)
            .unwrap();
        assert!(
            CapturedEvent::new(0, 0, &bytes[..20]).is_err(),
            "short header"
        );
        let mut long = bytes.clone();
        long[28] = 200; // second param claims 200 bytes
        assert!(CapturedEvent::new(0, 0, &long).is_err());
    }
}
