//! `harrier detect --live`: the eBPF capture through the inspection state
//! and the syscall rules, optionally scoped to one command's process tree.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use engine::alert::local_hostname;
use engine::engine::Selection;
use engine::syscall::{Inspector, Limits, SyscallSource};
use libcapture::backend::bpf::BpfOptions;
use libcapture::capture::{Capture, Next, Setting};
use libcapture::scap::Writer;

use super::syscall::{publish, publish_drops};
use super::{ruleset, OnAlert};
use crate::output::metrics::EventMeter;

/// How a live run is scoped.
#[derive(Debug, Default)]
pub struct Scope {
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Watch only this command's process tree and stop when it exits.
    pub command: Vec<String>,
    /// Also record the evaluated events to this .scap file.
    pub record: Option<PathBuf>,
    /// Bytes of each kernel ring buffer, when not the backend's default.
    pub ring_bytes: Option<u32>,
}

impl Scope {
    /// The scope `harrier detect --live` was given.
    pub fn of(args: &super::Args) -> Scope {
        Scope {
            duration: args.duration,
            command: args.command.clone(),
            record: args.write.clone(),
            ring_bytes: args.ring_size,
        }
    }
}

/// Opens the recording and writes the capture's starting state into it.
fn start_recording(path: &Path, capture: &dyn Capture) -> anyhow::Result<Writer<BufWriter<File>>> {
    let context = || format!("recording to {}", path.display());
    let file = File::create(path).with_context(context)?;
    let mut writer = Writer::new(BufWriter::new(file)).with_context(context)?;
    writer
        .write_snapshot(capture.snapshot())
        .with_context(context)?;
    Ok(writer)
}

/// Runs the live capture through the rules until Ctrl-C, the duration, or
/// the watched command's exit, counting into `meter` (events, drops by
/// category, evaluation time) as it goes; returns the number of events seen.
pub fn run(
    files: &[PathBuf],
    selection: &Selection,
    scope: &Scope,
    on_alert: &mut OnAlert<'_>,
    meter: &mut EventMeter,
) -> anyhow::Result<u64> {
    let source = SyscallSource;
    let (_, set) = ruleset(files, &source, selection)?;
    let mut options = BpfOptions::default();
    if let Some(bytes) = scope.ring_bytes {
        options.ring_bytes = bytes;
    }
    let mut capture = options.open().context("cannot start the eBPF capture")?;
    // Backends that can select events in the kernel only produce what rules need.
    capture.configure(Setting::EventCodes(set.event_codes()))?;
    let mut inspector = Inspector::from_snapshot(capture.snapshot(), Limits::default());
    let hostname = local_hostname();
    inspector.set_hostname(hostname.clone());

    let interrupted = crate::cmd::stop_flag()?;
    if !scope.command.is_empty() {
        capture.target_only();
    }
    let mut recording = match &scope.record {
        Some(path) => Some(start_recording(path, &capture)?),
        None => None,
    };
    capture.start()?;
    let mut child = match scope.command.split_first() {
        Some((program, rest)) => Some(capture.spawn_target(Command::new(program).args(rest))?),
        None => None,
    };
    let started = Instant::now();
    let mut stopping = false;
    let mut events = 0u64;
    publish(meter, &capture, 0);
    loop {
        if !stopping {
            let exited = child
                .as_mut()
                .is_some_and(|c| c.try_wait().ok().flatten().is_some());
            let timed_out = scope.duration.is_some_and(|d| started.elapsed() >= d);
            if exited || timed_out || interrupted.load(Ordering::Acquire) {
                stopping = true;
                capture.stop()?;
            }
        }
        let due = match capture.next()? {
            Next::Event(captured) => {
                events += 1;
                let ts = captured.ts();
                if let Some(writer) = recording.as_mut() {
                    writer
                        .write_event(captured.cpu, captured.flags, &captured.event)
                        .context("writing the recording")?;
                }
                let evt = inspector.process(captured.event, captured.cpu, Some(captured.flags));
                if let Some(alert) = meter.evaluate(|| set.process(&source, &evt, &hostname)) {
                    on_alert(alert)?;
                }
                meter.tick_at(ts).then_some(ts)
            }
            // Idle: what was counted goes out now, not with the next event.
            Next::Timeout => Some(now_ns()),
            Next::Eof => break,
        };
        if let Some(ts) = due {
            publish(meter, &capture, ts);
        }
    }
    meter.publish();
    publish_drops(meter, &capture);
    if let Some(child) = child.as_mut() {
        let _ = child.wait();
    }
    if let Some(writer) = recording {
        writer
            .finish()
            .and_then(|mut out| out.flush())
            .context("finishing the recording")?;
    }
    Ok(events)
}

/// The wall clock in event-timestamp units (nanoseconds since the epoch).
fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}
