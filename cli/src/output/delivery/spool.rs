//! The on-disk queue a remote sink spills to while it is down.
//!
//! A directory of append-only segments (`seg-<16 digits>.jsonl`, one
//! [`Record`] as JSON per line, fsync'd by [`Spool::sync`] after each batch
//! of appends) and a `cursor`
//! file naming the next undelivered record (`<segment> <byte offset>`),
//! replaced atomically after each delivery. Fully delivered segments are
//! deleted. A crash between a delivery and the cursor update delivers that
//! one alert again on restart (at least once); a torn last line left by a
//! crash mid-append is cut off on open.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::output::record::Record;

/// Segments are closed for appending past this size.
const SEGMENT_BYTES: u64 = 8 * 1024 * 1024;

/// Why an append was refused.
#[derive(Debug)]
pub enum PushError {
    /// The spool holds `max_bytes` already.
    Full,
    /// Writing failed.
    Io(io::Error),
}

/// A persistent FIFO of records.
pub struct Spool {
    dir: PathBuf,
    max_bytes: u64,
    /// Segment numbers on disk, oldest first.
    segments: Vec<u64>,
    writer: Option<(u64, File, u64)>,
    read_seg: u64,
    read_off: u64,
    reader: Option<BufReader<File>>,
    head: Option<(Record, u64)>,
    len: usize,
    bytes: u64,
    corrupt: u64,
    unsynced: bool,
}

impl Spool {
    /// Opens (creating) the spool in `dir`, finding what an earlier run left.
    pub fn open(dir: &Path, max_bytes: u64) -> io::Result<Spool> {
        fs::create_dir_all(dir)?;
        let mut segments = Vec::new();
        for entry in fs::read_dir(dir)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            if let Some(seq) = name
                .strip_prefix("seg-")
                .and_then(|s| s.strip_suffix(".jsonl"))
            {
                if let Ok(seq) = seq.parse::<u64>() {
                    segments.push(seq);
                }
            }
        }
        segments.sort_unstable();
        let (mut read_seg, mut read_off) =
            read_cursor(dir).unwrap_or((segments.first().copied().unwrap_or(0), 0));
        // Segments before the cursor were delivered already.
        for seq in segments.iter().filter(|s| **s < read_seg) {
            fs::remove_file(segment_path(dir, *seq))?;
        }
        segments.retain(|s| *s >= read_seg);
        if segments.first() != Some(&read_seg) {
            read_seg = segments.first().copied().unwrap_or(read_seg);
            read_off = 0;
        }
        let mut spool = Spool {
            dir: dir.to_path_buf(),
            max_bytes,
            segments,
            writer: None,
            read_seg,
            read_off,
            reader: None,
            head: None,
            len: 0,
            bytes: 0,
            corrupt: 0,
            unsynced: false,
        };
        spool.scan()?;
        Ok(spool)
    }

    /// Counts what is pending and cuts a torn last line.
    fn scan(&mut self) -> io::Result<()> {
        let last = self.segments.last().copied();
        for seq in self.segments.clone() {
            let path = segment_path(&self.dir, seq);
            let data = fs::read(&path)?;
            let start = if seq == self.read_seg {
                usize::try_from(self.read_off).unwrap_or(usize::MAX)
            } else {
                0
            };
            let complete = data.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            if complete < data.len() && Some(seq) == last {
                OpenOptions::new()
                    .write(true)
                    .open(&path)?
                    .set_len(complete as u64)?;
            }
            if start < complete {
                self.len += data[start..complete]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count();
                self.bytes += (complete - start) as u64;
            }
        }
        Ok(())
    }

    /// Pending records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Lines skipped because they did not parse, since the last call.
    pub fn take_corrupt(&mut self) -> u64 {
        std::mem::take(&mut self.corrupt)
    }

    /// Appends a record; it is durable after the next [`Spool::sync`].
    pub fn push(&mut self, record: &Record) -> Result<(), PushError> {
        let mut line = serde_json::to_vec(record).map_err(|e| PushError::Io(e.into()))?;
        line.push(b'\n');
        let n = line.len() as u64;
        if self.bytes + n > self.max_bytes {
            return Err(PushError::Full);
        }
        let (_, file, size) = self.writable().map_err(PushError::Io)?;
        file.write_all(&line).map_err(PushError::Io)?;
        *size += n;
        self.unsynced = true;
        self.len += 1;
        self.bytes += n;
        Ok(())
    }

    fn writable(&mut self) -> io::Result<&mut (u64, File, u64)> {
        let full = self
            .writer
            .as_ref()
            .is_none_or(|(_, _, size)| *size >= SEGMENT_BYTES);
        if full {
            // The segment being closed must be durable before moving on.
            if let Some((_, file, _)) = &self.writer {
                if self.unsynced {
                    file.sync_data()?;
                    self.unsynced = false;
                }
            }
            let last = self.segments.last().copied();
            let seq = match (&self.writer, last) {
                // Reuse the newest segment left by an earlier run if it has room.
                (None, Some(seq))
                    if fs::metadata(segment_path(&self.dir, seq))?.len() < SEGMENT_BYTES =>
                {
                    seq
                }
                (_, Some(seq)) => seq + 1,
                (_, None) => self.read_seg,
            };
            let path = segment_path(&self.dir, seq);
            let file = OpenOptions::new().create(true).append(true).open(&path)?;
            let size = file.metadata()?.len();
            if self.segments.last() != Some(&seq) {
                self.segments.push(seq);
                sync_dir(&self.dir)?;
            }
            self.writer = Some((seq, file, size));
        }
        self.writer
            .as_mut()
            .ok_or_else(|| io::Error::other("spool writer missing"))
    }

    /// Makes every record pushed so far durable (one fsync per batch).
    pub fn sync(&mut self) -> io::Result<()> {
        if self.unsynced {
            if let Some((_, file, _)) = &self.writer {
                file.sync_data()?;
            }
            self.unsynced = false;
        }
        Ok(())
    }

    /// The oldest pending record, if any.
    pub fn peek(&mut self) -> io::Result<Option<&Record>> {
        while self.head.is_none() && self.len > 0 {
            if self.reader.is_none() {
                let mut file = File::open(segment_path(&self.dir, self.read_seg))?;
                file.seek(SeekFrom::Start(self.read_off))?;
                self.reader = Some(BufReader::new(file));
            }
            let mut line = Vec::new();
            let n = match self.reader.as_mut() {
                Some(r) => r.read_until(b'\n', &mut line)?,
                None => 0,
            };
            if n > 0 && line.ends_with(b"\n") {
                match serde_json::from_slice::<Record>(&line) {
                    Ok(record) => self.head = Some((record, n as u64)),
                    Err(_) => {
                        self.corrupt += 1;
                        self.advance(n as u64)?;
                    }
                }
            } else if !self.next_segment()? {
                // Counted records that are not on disk: trust the disk.
                self.reader = None;
                self.len = 0;
                self.bytes = 0;
            }
        }
        Ok(self.head.as_ref().map(|(r, _)| r))
    }

    /// Removes the oldest record (after it was delivered or given up on).
    pub fn pop(&mut self) -> io::Result<()> {
        if let Some((_, n)) = self.head.take() {
            self.advance(n)?;
        }
        Ok(())
    }

    fn advance(&mut self, n: u64) -> io::Result<()> {
        self.read_off += n;
        self.len = self.len.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(n);
        write_cursor(&self.dir, self.read_seg, self.read_off)
    }

    /// Moves the read side to the next segment, deleting the finished one.
    fn next_segment(&mut self) -> io::Result<bool> {
        let Some(next) = self.segments.iter().copied().find(|s| *s > self.read_seg) else {
            return Ok(false);
        };
        let done = self.read_seg;
        self.read_seg = next;
        self.read_off = 0;
        self.reader = None;
        write_cursor(&self.dir, next, 0)?;
        if self.writer.as_ref().is_some_and(|(seq, _, _)| *seq == done) {
            self.writer = None;
        }
        self.segments.retain(|s| *s != done);
        fs::remove_file(segment_path(&self.dir, done))?;
        Ok(true)
    }
}

fn segment_path(dir: &Path, seq: u64) -> PathBuf {
    dir.join(format!("seg-{seq:016}.jsonl"))
}

fn read_cursor(dir: &Path) -> Option<(u64, u64)> {
    let text = fs::read_to_string(dir.join("cursor")).ok()?;
    let (seg, off) = text.trim().split_once(' ')?;
    Some((seg.parse().ok()?, off.parse().ok()?))
}

fn write_cursor(dir: &Path, seg: u64, off: u64) -> io::Result<()> {
    let tmp = dir.join("cursor.tmp");
    fs::write(&tmp, format!("{seg} {off}\n"))?;
    fs::rename(tmp, dir.join("cursor"))
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::output::record::tests::sample;
    use engine::alert::Priority;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("harrier-spool-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn num(r: &Record) -> u64 {
        r.output_fields["evt.num"].as_u64().unwrap()
    }

    #[test]
    fn keeps_order_across_reopen_and_skips_torn_and_corrupt_lines() {
        let dir = temp("order");
        let mut spool = Spool::open(&dir, 1 << 20).unwrap();
        for n in 0..5 {
            spool.push(&sample(n, Priority::Notice)).unwrap();
        }
        assert_eq!(num(spool.peek().unwrap().unwrap()), 0);
        spool.pop().unwrap();
        assert_eq!(num(spool.peek().unwrap().unwrap()), 1);
        spool.pop().unwrap();
        drop(spool);

        // A crash mid-append leaves a torn line; a bad disk a corrupt one.
        let seg = segment_path(&dir, 0);
        let mut f = OpenOptions::new().append(true).open(&seg).unwrap();
        f.write_all(b"not json\n{\"time_ns\":1,\"ru").unwrap();
        drop(f);

        let mut spool = Spool::open(&dir, 1 << 20).unwrap();
        assert_eq!(spool.len(), 4, "3 good + 1 corrupt complete line");
        let mut seen = Vec::new();
        while let Some(r) = spool.peek().unwrap() {
            seen.push(num(r));
            spool.pop().unwrap();
        }
        assert_eq!(seen, [2, 3, 4]);
        assert_eq!(spool.take_corrupt(), 1);
        spool.push(&sample(9, Priority::Notice)).unwrap();
        assert_eq!(num(spool.peek().unwrap().unwrap()), 9);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_past_its_size_and_rolls_segments() {
        let dir = temp("full");
        let one = serde_json::to_vec(&sample(0, Priority::Notice))
            .unwrap()
            .len() as u64
            + 1;
        let mut spool = Spool::open(&dir, one * 3).unwrap();
        for n in 0..3 {
            spool.push(&sample(n, Priority::Notice)).unwrap();
        }
        assert!(matches!(
            spool.push(&sample(3, Priority::Notice)),
            Err(PushError::Full)
        ));
        spool.peek().unwrap();
        spool.pop().unwrap();
        spool.push(&sample(3, Priority::Notice)).unwrap();
        // Force a second segment and read across the boundary.
        spool.writer.as_mut().unwrap().2 = SEGMENT_BYTES;
        spool.max_bytes = u64::MAX;
        spool.push(&sample(4, Priority::Notice)).unwrap();
        assert_eq!(spool.segments.len(), 2);
        let mut seen = Vec::new();
        while let Some(r) = spool.peek().unwrap() {
            seen.push(num(r));
            spool.pop().unwrap();
        }
        assert_eq!(seen, [1, 2, 3, 4]);
        assert_eq!(spool.segments, [1]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
