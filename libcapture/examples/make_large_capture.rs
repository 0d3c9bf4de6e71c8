//! Builds a large capture out of the real events of existing captures, for
//! benchmarks: the first input's machine, process and fd state, then the
//! visible (non-internal) events of all inputs repeated until `COUNT` events
//! are written, with timestamps rewritten to increase by 1 µs.
//!
//! ```text
//! cargo run --release -p libcapture --example make_large_capture -- OUT.scap COUNT IN.scap...
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use driver::Category;
use libcapture::capture::{CaptureBuilder, Next};
use libcapture::meta::Snapshot;
use libcapture::scap::Writer;

/// One real event: device index, dump flags and bytes.
type Event = (u16, u32, Vec<u8>);

fn collect(inputs: &[String]) -> libcapture::Result<(Snapshot, Vec<Event>)> {
    let mut snapshot = None;
    let mut events = Vec::new();
    for input in inputs {
        let mut capture = CaptureBuilder::savefile(input).open()?;
        snapshot.get_or_insert_with(|| capture.snapshot().clone());
        while let Next::Event(captured) = capture.next()? {
            let internal = captured.event.info().is_none_or(|i| {
                i.category.contains(Category::INTERNAL) || i.category.contains(Category::METAEVENT)
            });
            if !internal {
                events.push((captured.cpu, captured.flags, captured.raw().to_vec()));
            }
        }
    }
    Ok((snapshot.unwrap_or_default(), events))
}

fn write(out: &str, count: u64, snapshot: &Snapshot, events: &[Event]) -> std::io::Result<()> {
    let mut writer = Writer::new(BufWriter::with_capacity(1 << 20, File::create(out)?))?;
    writer.write_snapshot(snapshot)?;
    let mut ts: u64 = 1_700_000_000_000_000_000;
    let mut bytes = Vec::new();
    for (cpu, flags, event) in events.iter().cycle().take(count as usize) {
        bytes.clear();
        bytes.extend_from_slice(event);
        bytes[..8].copy_from_slice(&ts.to_le_bytes());
        ts += 1_000;
        writer.write_event_bytes(*cpu, *flags, &bytes)?;
    }
    writer.finish()?.flush()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(out), Some(count), inputs) = (
        args.first(),
        args.get(1).and_then(|c| c.parse().ok()),
        args.get(2..),
    ) else {
        eprintln!("usage: make_large_capture OUT.scap COUNT IN.scap...");
        return ExitCode::from(2);
    };
    let inputs = inputs.unwrap_or_default();
    let (snapshot, events) = match collect(inputs) {
        Ok(found) if !found.1.is_empty() => found,
        Ok(_) => {
            eprintln!("make_large_capture: no events in the inputs");
            return ExitCode::FAILURE;
        }
        Err(err) => {
            eprintln!("make_large_capture: {err}");
            return ExitCode::FAILURE;
        }
    };
    match write(out, count, &snapshot, &events) {
        Ok(()) => {
            eprintln!(
                "{out}: {count} events from {} distinct real events",
                events.len()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("make_large_capture: {out}: {err}");
            ExitCode::FAILURE
        }
    }
}
