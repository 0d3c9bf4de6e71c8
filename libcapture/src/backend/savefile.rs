//! The savefile backend: a recorded `.scap` file behind the [`Capture`] trait.
//!
//! Opening reads the file (decompressing gzip) into memory and collects the
//! first section's metadata blocks into a [`Snapshot`]. Events are then lent
//! straight out of the file's bytes; only events stored in the pre-2018 V1
//! layout are upgraded into a side buffer first.
//!
//! A damaged file yields every event before the damage, then an error that
//! names the byte offset and the block.

use std::path::{Path, PathBuf};

use self_cell::self_cell;

use crate::capture::{Capture, CapturedEvent, Next, Stats};
use crate::meta::Snapshot;
use crate::scap::{self, Block, Blocks, ScapFile, SnapshotBuilder};
use crate::{Error, Result};

/// Options of the savefile backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavefileOptions {
    path: PathBuf,
}

impl SavefileOptions {
    /// Options for reading the capture at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        SavefileOptions { path: path.into() }
    }

    /// Opens the file and reads its metadata.
    pub fn open(self) -> Result<SavefileCapture> {
        let file = ScapFile::open(&self.path)?;
        SavefileCapture::from_file(self.path, file)
    }
}

/// Opens the recorded capture at `path`.
///
/// ```no_run
/// use libcapture::capture::{Capture, Next};
///
/// let mut capture = libcapture::backend::savefile::open_savefile("trace.scap")?;
/// while let Next::Event(event) = capture.next()? {
///     println!("{} {}", event.ts(), event.code());
/// }
/// # Ok::<(), libcapture::Error>(())
/// ```
pub fn open_savefile(path: impl AsRef<Path>) -> Result<SavefileCapture> {
    SavefileOptions::new(path.as_ref()).open()
}

/// The block walk over a file's bytes and the event it last delivered.
struct Walk<'a> {
    blocks: Blocks<'a>,
    current: Option<CapturedEvent<'a>>,
}

self_cell!(
    /// The file's bytes and the walk over them.
    struct FileWalk {
        owner: ScapFile,
        #[covariant]
        dependent: Walk,
    }
);

impl std::fmt::Debug for FileWalk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileWalk")
            .field("offset", &self.borrow_dependent().blocks.offset())
            .finish()
    }
}

/// One step of the walk.
enum Step {
    Event,
    Metadata,
    Eof,
}

/// A recorded capture being read.
#[derive(Debug)]
pub struct SavefileCapture {
    path: PathBuf,
    walk: FileWalk,
    /// State at capture start: metadata blocks of every section, in file order.
    snapshot: SnapshotBuilder,
    /// The first event was met while reading metadata and is delivered first.
    first_pending: bool,
    stats: Stats,
    sections: u64,
}

impl SavefileCapture {
    /// Reads the metadata phase of an already loaded file.
    pub fn from_file(path: impl Into<PathBuf>, file: ScapFile) -> Result<SavefileCapture> {
        let mut capture = SavefileCapture {
            path: path.into(),
            walk: FileWalk::new(file, |file| Walk {
                blocks: file.blocks(),
                current: None,
            }),
            snapshot: SnapshotBuilder::new(),
            first_pending: false,
            stats: Stats::default(),
            sections: 0,
        };
        loop {
            match capture.step()? {
                Step::Metadata => continue,
                Step::Event => capture.first_pending = true,
                Step::Eof => {}
            }
            break;
        }
        Ok(capture)
    }

    /// The file this capture reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file was gzip-compressed.
    pub fn is_compressed(&self) -> bool {
        self.walk.borrow_owner().is_compressed()
    }

    /// Section header blocks seen so far (several when captures were concatenated).
    pub fn sections(&self) -> u64 {
        self.sections
    }

    /// Reads the next block, folding metadata into the snapshot and keeping
    /// an event as the walk's current one.
    fn step(&mut self) -> Result<Step> {
        let path = &self.path;
        let snapshot = &mut self.snapshot;
        let sections = &mut self.sections;
        let stats = &mut self.stats;
        self.walk.with_dependent_mut(|_, walk| {
            walk.current = None;
            let Some(block) = walk.blocks.next() else {
                return Ok(Step::Eof);
            };
            match block.map_err(|source| scap_error(path, source))? {
                Block::Event(block) => {
                    stats.events += 1;
                    stats.bytes += block.event.len() as u64;
                    walk.current = Some(CapturedEvent {
                        cpu: block.cpu,
                        flags: block.flags.unwrap_or(0),
                        event: block.event,
                    });
                    Ok(Step::Event)
                }
                Block::SectionHeader(_) => {
                    *sections += 1;
                    Ok(Step::Metadata)
                }
                other => {
                    snapshot
                        .absorb(&other)
                        .map_err(|source| scap_error(path, source))?;
                    Ok(Step::Metadata)
                }
            }
        })
    }
}

fn scap_error(path: &Path, source: scap::Error) -> Error {
    Error::Scap {
        path: path.display().to_string(),
        damage: source,
    }
}

impl Capture for SavefileCapture {
    fn next(&mut self) -> Result<Next<'_>> {
        if !std::mem::take(&mut self.first_pending) {
            loop {
                match self.step()? {
                    Step::Metadata => continue,
                    Step::Eof => return Ok(Next::Eof),
                    Step::Event => break,
                }
            }
        }
        Ok(self
            .walk
            .borrow_dependent()
            .current
            .map_or(Next::Eof, Next::Event))
    }

    fn stats(&self) -> Stats {
        self.stats.clone()
    }

    fn snapshot(&self) -> &Snapshot {
        self.snapshot.snapshot()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn shared() -> PathBuf {
        std::env::var_os("HARRIER_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
    }

    fn count_events(capture: &mut SavefileCapture) -> u64 {
        let mut n = 0;
        while let Next::Event(_) = capture.next().unwrap() {
            n += 1;
        }
        n
    }

    #[test]
    fn reads_every_event_and_the_metadata_of_a_v2_capture() {
        let path = shared().join("falco-regression/trace_files/ping_sendto.scap");
        let mut capture = open_savefile(&path).unwrap();
        assert!(capture.is_compressed());
        // spec §6.1: MI, IL_V2, UL_V2, PL_V9, FDL_V2×136, EV_V2×1526.
        assert_eq!(count_events(&mut capture), 1526);
        assert_eq!(capture.stats().events, 1526);
        assert!(matches!(capture.next().unwrap(), Next::Eof), "Eof repeats");
        let snapshot = capture.snapshot();
        assert!(snapshot.machine.is_some());
        assert!(!snapshot.interfaces.is_empty());
        assert!(snapshot.users.iter().any(|u| u.uid == 0));
        let with_fds = snapshot
            .threads
            .iter()
            .filter(|t| !t.fds.is_empty())
            .count();
        let fds: usize = snapshot.threads.iter().map(|t| t.fds.len()).sum();
        assert!(
            with_fds > 0 && with_fds <= 136,
            "at most one FDL block per thread ({with_fds})"
        );
        assert!(fds >= with_fds);
        assert_eq!(capture.sections(), 1);
    }

    #[test]
    fn truncation_gives_the_events_before_it_then_an_error_with_the_offset() {
        let file = ScapFile::open(shared().join("scap-samples/sample.scap")).unwrap();
        let cut = file.data().len() - 1000;
        let damaged = ScapFile::from_bytes(file.data()[..cut].to_vec());
        let mut capture = SavefileCapture::from_file("cut.scap", damaged).unwrap();
        let mut events = 0;
        let err = loop {
            match capture.next() {
                Ok(Next::Event(_)) => events += 1,
                Ok(other) => panic!("expected an error, got {other:?}"),
                Err(err) => break err,
            }
        };
        assert!(
            events > 500,
            "events before the damage are delivered ({events})"
        );
        let text = err.to_string();
        assert!(text.starts_with("cut.scap: at byte "), "{text}");
        assert!(text.contains("truncated"), "{text}");
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let err = open_savefile("/nonexistent/x.scap").unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.scap"), "{err}");
    }
}
