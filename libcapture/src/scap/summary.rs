//! A one-pass summary of a capture, for `info`-style reports.

use std::collections::BTreeMap;

use super::error::Error;
use super::reader::{Block, ScapFile};

/// Counts and time range of a capture, gathered in one pass over its blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Whether the file was gzip-compressed.
    pub compressed: bool,
    /// Size of the (decompressed) block stream in bytes.
    pub stream_bytes: u64,
    /// Section headers (more than one for concatenated captures).
    pub sections: u64,
    /// Blocks by raw block type code.
    pub blocks: BTreeMap<u32, u64>,
    /// Event blocks.
    pub events: u64,
    /// Events by event code, as stored (before any normalisation).
    pub event_codes: BTreeMap<u16, u64>,
    /// Events whose block stored a V1 (22-byte header) event.
    pub v1_events: u64,
    /// Smallest and largest event timestamp (ns since the epoch); 0 values are ignored.
    pub time_range: Option<(u64, u64)>,
    /// Threads in process lists.
    pub threads: u64,
    /// Descriptors in fd lists.
    pub fds: u64,
    /// The damage that ended the pass early, if any; counts cover the blocks before it.
    pub error: Option<Error>,
}

impl ScapFile {
    /// Walks every block once and counts what it finds.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            compressed: self.is_compressed(),
            stream_bytes: self.data().len() as u64,
            ..Summary::default()
        };
        let mut blocks = self.blocks();
        while let Some(block) = blocks.next_with_offset() {
            let block = match block {
                Ok(block) => block,
                Err(e) => {
                    s.error = Some(e);
                    break;
                }
            };
            *s.blocks.entry(block.block_type).or_default() += 1;
            match block.block {
                Block::SectionHeader(_) => s.sections += 1,
                Block::ProcList(list) => s.threads += list.entries().count() as u64,
                Block::FdList(list) => s.fds += list.entries().count() as u64,
                Block::Event(ev) => {
                    s.events += 1;
                    s.v1_events += u64::from(ev.upgraded_from_v1);
                    *s.event_codes.entry(ev.event.code().0).or_default() += 1;
                    let ts = ev.event.ts();
                    if ts != 0 {
                        s.time_range = Some(match s.time_range {
                            Some((lo, hi)) => (lo.min(ts), hi.max(ts)),
                            None => (ts, ts),
                        });
                    }
                }
                _ => {}
            }
        }
        s
    }
}
