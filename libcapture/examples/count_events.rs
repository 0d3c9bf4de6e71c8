//! Counts the events of a `.scap` capture by type, linking `libcapture` the way
//! another program would.
//!
//! ```text
//! cargo run -p libcapture --example count_events -- trace.scap
//! ```

use std::collections::BTreeMap;
use std::process::ExitCode;

use libcapture::capture::{CaptureBuilder, Next};

fn count(path: &str) -> libcapture::Result<BTreeMap<&'static str, u64>> {
    let mut capture = CaptureBuilder::savefile(path).open()?;
    let mut by_type = BTreeMap::new();
    while let Next::Event(captured) = capture.next()? {
        let name = captured.event.info().map_or("<unknown>", |info| info.name);
        *by_type.entry(name).or_insert(0) += 1;
    }
    Ok(by_type)
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: count_events FILE.scap");
        return ExitCode::from(2);
    };
    match count(&path) {
        Ok(by_type) => {
            for (name, n) in by_type {
                println!("{n:>8} {name}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("count_events: {err}");
            ExitCode::FAILURE
        }
    }
}
