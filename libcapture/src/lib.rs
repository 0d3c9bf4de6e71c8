//! Capture library: reads and writes `.scap` files and exposes live and
//! recorded event sources behind one [`Capture`](capture::Capture) trait.
//!
//! # How the parts fit
//!
//! - [`capture`]: the [`Capture`](capture::Capture) trait every backend
//!   implements, the lent [`CapturedEvent`](capture::CapturedEvent), counters
//!   ([`Stats`](capture::Stats)) and the [`CaptureBuilder`](capture::CaptureBuilder).
//! - [`backend`]: one module per backend; [`backend::savefile`] reads a
//!   recorded capture.
//! - [`scap`]: the `.scap` block reader and writer; [`meta`]: the owned
//!   machine, thread, fd, user and interface state a capture starts with.
//! - [`proc_scan`]: fills that state from `/proc` for live captures.
//! - [`stream`]: the lock-free stream live backends feed (N producers, one
//!   consumer, merged by timestamp).
//!
//! # Phases of a capture
//!
//! ```text
//!  CaptureBuilder::savefile(path)      typed per-backend options
//!  CaptureBuilder::new(options)
//!        │ .setting(Setting::…)        snaplen, event codes, drop-failed, sampling
//!        ▼ .open()
//!  Box<dyn Capture>  (opened)          snapshot() is available; configure(…)
//!        │ .start()
//!        ▼
//!  running ── next() ─▶ Next::Event(CapturedEvent<'_>)  lent until the next call
//!        │           ├▶ Next::Timeout                   idle live source, not an error
//!        │           └▶ Next::Eof                       end of file / stopped source
//!        ▼ .stop()
//!  stopped: buffered events still come out of next(), then Eof; stats() stays valid
//! ```
//!
//! # Example: a program counting the events of a capture by type
//!
//! The same program ships as `examples/count_events.rs`.
//!
//! ```no_run
//! use std::collections::BTreeMap;
//!
//! use libcapture::capture::{CaptureBuilder, Next};
//!
//! fn main() -> libcapture::Result<()> {
//!     let path = std::env::args().nth(1).unwrap_or_else(|| "trace.scap".into());
//!     let mut capture = CaptureBuilder::savefile(path).open()?;
//!     let mut by_type: BTreeMap<&str, u64> = BTreeMap::new();
//!     while let Next::Event(captured) = capture.next()? {
//!         let name = captured.event.info().map_or("<unknown>", |info| info.name);
//!         *by_type.entry(name).or_default() += 1;
//!     }
//!     for (name, count) in by_type {
//!         println!("{count:>8} {name}");
//!     }
//!     println!("{} events, {} dropped", capture.stats().events, capture.stats().drops);
//!     Ok(())
//! }
//! ```

pub mod backend;
pub mod capture;
mod error;
pub mod meta;
pub mod proc_scan;
pub mod scap;
pub mod stream;
#[cfg_attr(
    not(feature = "bpf"),
    allow(dead_code, reason = "only the bpf backend calls the kernel directly")
)]
mod sys;

pub use error::{Error, Result};
