//! The syscall side of `harrier detect`: `.scap` replay through the
//! inspection state and the syscall field source.

use std::path::{Path, PathBuf};

use engine::alert::local_hostname;
use engine::engine::{Ruleset, Selection};
use engine::rules::{Diagnostic, Loaded};
use engine::syscall::{Inspector, Limits, SyscallSource};
use libcapture::capture::{Capture, CaptureBuilder, Next};

use super::{ruleset, OnAlert};
use crate::output::metrics::EventMeter;

/// Compile diagnostics of the syscall rules of `loaded`.
pub fn diagnostics(loaded: &Loaded) -> Vec<Diagnostic> {
    Ruleset::compile(loaded, &SyscallSource).1
}

/// Replays a `.scap` capture through the syscall rules, counting into
/// `meter`; returns the number of events read.
pub fn replay(
    files: &[PathBuf],
    path: &Path,
    selection: &Selection,
    on_alert: &mut OnAlert<'_>,
    meter: &mut EventMeter,
) -> anyhow::Result<u64> {
    let source = SyscallSource;
    let (_, set) = ruleset(files, &source, selection)?;
    let mut capture = CaptureBuilder::savefile(path).open()?;
    let mut inspector = Inspector::from_snapshot(capture.snapshot(), Limits::default());
    let hostname = capture
        .snapshot()
        .machine
        .as_ref()
        .map(|m| m.hostname.clone())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(local_hostname);
    publish(meter, &*capture, 0);
    let mut events = 0u64;
    loop {
        let due = match capture.next()? {
            Next::Event(captured) => {
                events += 1;
                let ts = captured.ts();
                let evt = inspector.process(captured.event, captured.cpu, Some(captured.flags));
                if let Some(alert) = meter.evaluate(|| set.process(&source, &evt, &hostname)) {
                    on_alert(alert)?;
                }
                meter.tick_at(ts).then_some(ts)
            }
            Next::Timeout => continue,
            Next::Eof => break,
        };
        if let Some(ts) = due {
            publish(meter, &*capture, ts);
        }
    }
    meter.publish();
    publish_drops(meter, &*capture);
    Ok(events)
}

/// Publishes the meter (as of event time `ts_ns`) and, at most once a
/// second, the capture's drop counters.
pub fn publish(meter: &mut EventMeter, capture: &dyn Capture, ts_ns: u64) {
    meter.publish_at(ts_ns);
    if meter.poll_due() {
        publish_drops(meter, capture);
    }
}

/// The capture's drop counters, by category, into the meter.
pub fn publish_drops(meter: &mut EventMeter, capture: &dyn Capture) {
    let drops = capture.stats().drops_by_category;
    meter.drops_total("buffer_full", drops.buffer_full);
    meter.drops_total("page_faults", drops.page_faults);
    meter.drops_total("sampling", drops.sampling);
    meter.drops_total("other", drops.other);
}
