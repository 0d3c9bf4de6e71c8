//! The syscall side of `harrier detect`: `.scap` replay through the
//! inspection state and the syscall field source.

use std::path::{Path, PathBuf};

use engine::alert::local_hostname;
use engine::engine::{Ruleset, Selection};
use engine::rules::{Diagnostic, Loaded};
use engine::syscall::{Inspector, Limits, SyscallSource};
use libcapture::capture::{CaptureBuilder, Next};

use super::{ruleset, OnAlert};

/// Compile diagnostics of the syscall rules of `loaded`.
pub fn diagnostics(loaded: &Loaded) -> Vec<Diagnostic> {
    Ruleset::compile(loaded, &SyscallSource).1
}

/// Replays a `.scap` capture through the syscall rules; returns the number
/// of events read.
pub fn replay(
    files: &[PathBuf],
    path: &Path,
    selection: &Selection,
    on_alert: &mut OnAlert<'_>,
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
    let mut events = 0u64;
    loop {
        let captured = match capture.next()? {
            Next::Event(captured) => captured,
            Next::Timeout => continue,
            Next::Eof => break,
        };
        events += 1;
        let evt = inspector.process(captured.event, captured.cpu, Some(captured.flags));
        if let Some(alert) = set.process(&source, &evt, &hostname) {
            on_alert(alert)?;
        }
    }
    Ok(events)
}
