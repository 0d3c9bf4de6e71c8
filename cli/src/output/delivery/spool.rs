//! The on-disk queue a remote sink spills to while it is down.
//!
//! A directory of append-only segments (`seg-<16 digits>.jsonl`, one
//! [`Record`] as JSON per line, fsync'd by [`Spool::sync`] after each batch
//! of appends) and a `cursor`
//! file naming the next undelivered record (`<segment> <byte offset>`),
//! replaced atomically after each delivered batch. Fully delivered segments
//! are deleted. A crash between a delivery and the cursor update delivers
//! that batch again on restart (at least once); a torn last line left by a
//! crash mid-append is cut off on open.
//!
//! A batch ([`Spool::peek_batch`]) is read ahead of the cursor within one
//! segment: the segment is deleted only once the cursor leaves it.

use std::collections::VecDeque;
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
    /// Lines read past the cursor, not yet popped: the record (`None` for a
    /// line that did not parse) and its length in bytes.
    ahead: VecDeque<(Option<Record>, u64)>,
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
            ahead: VecDeque::new(),
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
        self.fill(1)?;
        Ok(self.ahead.iter().find_map(|(r, _)| r.as_ref()))
    }

    /// Up to `max` of the oldest pending records, in order (fewer when the
    /// current segment ends first).
    pub fn peek_batch(&mut self, max: usize) -> io::Result<Vec<Record>> {
        self.fill(max)?;
        Ok(self
            .ahead
            .iter()
            .filter_map(|(r, _)| r.clone())
            .take(max)
            .collect())
    }

    /// Reads ahead until `max` records are there, the current segment ends
    /// with records read, or nothing is pending.
    fn fill(&mut self, max: usize) -> io::Result<()> {
        loop {
            let good = self.ahead.iter().filter(|(r, _)| r.is_some()).count();
            if good >= max || self.ahead.len() >= self.len {
                return Ok(());
            }
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
                let record = serde_json::from_slice::<Record>(&line).ok();
                if record.is_none() {
                    self.corrupt += 1;
                }
                self.ahead.push_back((record, n as u64));
                if good == 0 && self.ahead.iter().all(|(r, _)| r.is_none()) {
                    // Nothing deliverable before it: skip at once.
                    self.pop_lines(self.ahead.len())?;
                }
            } else if !self.ahead.is_empty() {
                // A batch ends with its segment; the next starts in the next one.
                return Ok(());
            } else if !self.next_segment()? {
                // Counted records that are not on disk: trust the disk.
                self.reader = None;
                self.len = 0;
                self.bytes = 0;
                return Ok(());
            }
        }
    }

    /// Removes the oldest record (after it was delivered or given up on).
    pub fn pop(&mut self) -> io::Result<()> {
        self.pop_batch(1)
    }

    /// Removes the `n` oldest records (a delivered batch) with one cursor
    /// update; unreadable lines among them go too.
    pub fn pop_batch(&mut self, n: usize) -> io::Result<()> {
        let mut records = 0;
        let mut lines = 0;
        for (record, _) in &self.ahead {
            if record.is_some() {
                if records == n {
                    break;
                }
                records += 1;
            }
            lines += 1;
        }
        self.pop_lines(lines)
    }

    fn pop_lines(&mut self, lines: usize) -> io::Result<()> {
        if lines == 0 {
            return Ok(());
        }
        let bytes: u64 = self.ahead.drain(..lines).map(|(_, n)| n).sum();
        self.read_off += bytes;
        self.len = self.len.saturating_sub(lines);
        self.bytes = self.bytes.saturating_sub(bytes);
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
    fn batches_are_read_ahead_within_a_segment_and_popped_with_one_cursor() {
        let dir = temp("batch");
        let mut spool = Spool::open(&dir, 1 << 20).unwrap();
        for n in 0..4 {
            spool.push(&sample(n, Priority::Notice)).unwrap();
        }
        // Close the segment: the next records go to a second one.
        spool.writer.as_mut().unwrap().2 = SEGMENT_BYTES;
        for n in 4..6 {
            spool.push(&sample(n, Priority::Notice)).unwrap();
        }
        let nums = |b: Vec<Record>| b.iter().map(num).collect::<Vec<_>>();
        assert_eq!(nums(spool.peek_batch(3).unwrap()), [0, 1, 2]);
        assert_eq!(spool.len(), 6, "reading ahead pops nothing");
        drop(spool);

        // Not popped before a restart: delivered again.
        let mut spool = Spool::open(&dir, 1 << 20).unwrap();
        assert_eq!(nums(spool.peek_batch(3).unwrap()), [0, 1, 2]);
        spool.pop_batch(3).unwrap();
        assert_eq!(
            nums(spool.peek_batch(10).unwrap()),
            [3],
            "a batch ends with its segment"
        );
        spool.pop_batch(1).unwrap();
        assert_eq!(nums(spool.peek_batch(10).unwrap()), [4, 5]);
        assert_eq!(spool.segments, [1], "the finished segment is gone");
        drop(spool);

        let mut spool = Spool::open(&dir, 1 << 20).unwrap();
        assert_eq!(spool.len(), 2, "the cursor survived the restart");
        assert_eq!(nums(spool.peek_batch(10).unwrap()), [4, 5]);
        spool.pop_batch(2).unwrap();
        assert!(spool.peek_batch(10).unwrap().is_empty());
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
