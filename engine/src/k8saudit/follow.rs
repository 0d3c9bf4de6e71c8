//! Following an audit log like `tail -F`: new lines as they are written,
//! across rotation by rename (a new file appears at the path) and by
//! copytruncate (the file shrinks under us).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::event::{parse_document, AuditItem, Diagnostic, Location};
use super::reader::MAX_DOCUMENT_BYTES;

/// Where following starts in the file present at open time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartAt {
    /// Only lines written from now on (the default, like `tail -F -n0`).
    #[default]
    End,
    /// Every line already in the file, then new ones.
    Beginning,
}

/// Options of [`FollowReader`].
#[derive(Debug, Clone)]
pub struct FollowOptions {
    /// Where to start in the existing file.
    pub start_at: StartAt,
    /// How often to look for new data and rotation when idle.
    pub poll_interval: Duration,
    /// Set to stop following: `next()` then returns `None`.
    pub stop: Arc<AtomicBool>,
}

impl Default for FollowOptions {
    fn default() -> FollowOptions {
        FollowOptions {
            start_at: StartAt::End,
            poll_interval: Duration::from_millis(100),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }
}

struct OpenFile {
    file: File,
    dev_ino: (u64, u64),
    offset: u64,
}

/// Follows a JSON Lines audit log; an iterator of [`AuditItem`] that blocks
/// waiting for new lines and ends only when the stop flag is set.
///
/// Rotation by rename: once the old file is read to its end and a different
/// file exists at the path, the new file is read from its beginning.
/// Copytruncate: when the file becomes shorter than what was read, reading
/// restarts at its beginning. A missing file is waited for.
pub struct FollowReader {
    path: PathBuf,
    name: Arc<str>,
    options: FollowOptions,
    current: Option<OpenFile>,
    partial: Vec<u8>,
    line_no: u64,
    pending: VecDeque<AuditItem>,
    buf: Vec<u8>,
}

impl FollowReader {
    /// Starts following `path`. The file need not exist yet.
    pub fn new(path: impl AsRef<Path>, options: FollowOptions) -> FollowReader {
        let path = path.as_ref().to_path_buf();
        let mut reader = FollowReader {
            name: path.display().to_string().into(),
            path,
            options,
            current: None,
            partial: Vec::new(),
            line_no: 0,
            pending: VecDeque::new(),
            buf: vec![0; 64 << 10],
        };
        reader.reopen(reader.options.start_at == StartAt::End);
        reader
    }

    /// Opens the file at the path; at its end when `at_end`.
    fn reopen(&mut self, at_end: bool) -> bool {
        let Ok(mut file) = File::open(&self.path) else {
            return false;
        };
        let Ok(meta) = file.metadata() else {
            return false;
        };
        // Starting at the end, count the lines skipped so that diagnostics
        // name real line numbers (a fast scan, once per open).
        let (offset, lines) = if at_end {
            count_lines(&mut file)
        } else {
            (0, 0)
        };
        self.line_no = lines;
        self.partial.clear();
        self.current = Some(OpenFile {
            file,
            dev_ino: (meta.dev(), meta.ino()),
            offset,
        });
        true
    }

    /// Reads what is available; true if any bytes came.
    fn read_available(&mut self) -> bool {
        let mut got_any = false;
        loop {
            let Some(open) = self.current.as_mut() else {
                return got_any;
            };
            match open.file.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => {
                    open.offset += n as u64;
                    got_any = true;
                    self.partial.extend_from_slice(&self.buf[..n]);
                    self.split_lines();
                    if !self.pending.is_empty() {
                        break;
                    }
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => {
                    let location = Location::new(self.name.clone(), self.line_no + 1);
                    self.pending
                        .push_back(Err(Diagnostic::new(location, format!("read error: {err}"))));
                    break;
                }
            }
        }
        got_any
    }

    fn split_lines(&mut self) {
        let mut start = 0;
        while let Some(pos) = self.partial[start..].iter().position(|&c| c == b'\n') {
            let end = start + pos;
            self.line_no += 1;
            let line = self.partial[start..end].trim_ascii();
            if !line.is_empty() {
                let location = Location::new(self.name.clone(), self.line_no);
                self.pending.extend(parse_document(line, &location));
            }
            start = end + 1;
        }
        self.partial.drain(..start);
        if self.partial.len() > MAX_DOCUMENT_BYTES {
            self.partial.clear();
            let location = Location::new(self.name.clone(), self.line_no + 1);
            let reason = format!("line longer than {MAX_DOCUMENT_BYTES} bytes skipped");
            self.pending
                .push_back(Err(Diagnostic::new(location, reason)));
        }
    }

    /// Flushes an unterminated last line (before switching files).
    fn flush_partial(&mut self) {
        if !self.partial.is_empty() {
            self.partial.push(b'\n');
            self.split_lines();
        }
    }

    /// Looks for rotation or truncation after the current file ran dry.
    fn check_rotation(&mut self) {
        let Ok(meta) = std::fs::metadata(&self.path) else {
            return; // Renamed away and not recreated yet: keep waiting.
        };
        match self.current.as_mut() {
            None => {
                // The file appeared: a new file is read from the start.
                self.reopen(false);
            }
            Some(open) if (meta.dev(), meta.ino()) != open.dev_ino => {
                self.flush_partial();
                self.reopen(false);
            }
            Some(open) if meta.len() < open.offset => {
                // copytruncate: the same file was emptied.
                if open.file.seek(SeekFrom::Start(0)).is_ok() {
                    open.offset = 0;
                    self.partial.clear();
                    self.line_no = 0;
                }
            }
            Some(_) => {}
        }
    }
}

/// Reads `file` to its end: (bytes, complete lines). The file position is
/// left after the last complete line, so a partial last line is read again.
fn count_lines(file: &mut File) -> (u64, u64) {
    let mut buf = vec![0u8; 256 << 10];
    let (mut bytes, mut lines, mut last_newline) = (0u64, 0u64, 0u64);
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                for (i, _) in buf[..n].iter().enumerate().filter(|(_, c)| **c == b'\n') {
                    lines += 1;
                    last_newline = bytes + i as u64 + 1;
                }
                bytes += n as u64;
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    // A partial last line is still being written: read it when it ends.
    let resume = if last_newline < bytes {
        last_newline
    } else {
        bytes
    };
    let resume = file.seek(SeekFrom::Start(resume)).unwrap_or(bytes);
    (resume, lines)
}

impl Iterator for FollowReader {
    type Item = AuditItem;

    fn next(&mut self) -> Option<AuditItem> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.options.stop.load(Ordering::Relaxed) {
                return None;
            }
            if self.read_available() {
                continue;
            }
            self.check_rotation();
            if self.read_available() {
                continue;
            }
            std::thread::sleep(self.options.poll_interval);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use std::io::Write;
    use std::sync::mpsc;

    use super::*;

    fn event(id: u32) -> String {
        format!(
            "{{\"kind\":\"Event\",\"auditID\":\"{id}\",\"stageTimestamp\":\"2020-01-01T00:00:00Z\"}}\n"
        )
    }

    fn append(path: &Path, text: &str) {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    /// Runs a reader on a thread, sending audit IDs (or diagnostics) back.
    fn spawn(path: &Path, start_at: StartAt) -> (mpsc::Receiver<String>, Arc<AtomicBool>) {
        let stop = Arc::new(AtomicBool::new(false));
        let options = FollowOptions {
            start_at,
            poll_interval: Duration::from_millis(10),
            stop: stop.clone(),
        };
        let reader = FollowReader::new(path, options);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for item in reader {
                let msg = match item {
                    Ok(ev) => ev.str_at(&["auditID"]).unwrap_or("?").to_owned(),
                    Err(d) => format!("diag {}: {}", d.location.line, d.reason),
                };
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        (rx, stop)
    }

    fn recv(rx: &mpsc::Receiver<String>) -> String {
        rx.recv_timeout(Duration::from_secs(5)).unwrap()
    }

    #[test]
    fn follows_appends_rename_rotation_and_copytruncate() {
        let dir = std::env::temp_dir().join(format!("harrier-follow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("audit.log");
        append(&log, &event(0));
        let (rx, stop) = spawn(&log, StartAt::End);
        std::thread::sleep(Duration::from_millis(50));
        // Event 0 was there before: skipped. A partial line waits for its end.
        append(&log, &event(1));
        let two = event(2);
        append(&log, &two[..10]);
        assert_eq!(recv(&rx), "1");
        std::thread::sleep(Duration::from_millis(30));
        append(&log, &two[10..]);
        assert_eq!(recv(&rx), "2");
        append(&log, "{broken\n");
        // Line 4: lines before the start were counted.
        let diag = recv(&rx);
        assert!(diag.starts_with("diag 4: malformed JSON"), "{diag}");
        // Rotation by rename: the rest of the old file, then the new one.
        std::fs::rename(&log, dir.join("audit.log.1")).unwrap();
        append(&dir.join("audit.log.1"), &event(3));
        std::thread::sleep(Duration::from_millis(30));
        append(&log, &event(4));
        assert_eq!(recv(&rx), "3");
        assert_eq!(recv(&rx), "4");
        // copytruncate: the file is emptied in place and written again.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&log)
            .unwrap()
            .set_len(0)
            .unwrap();
        std::thread::sleep(Duration::from_millis(50));
        append(&log, &event(5));
        assert_eq!(recv(&rx), "5");
        stop.store(true, Ordering::Relaxed);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn from_the_beginning_and_waiting_for_the_file() {
        let dir = std::env::temp_dir().join(format!("harrier-follow-b-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("later.log");
        let (rx, stop) = spawn(&log, StartAt::End);
        std::thread::sleep(Duration::from_millis(30));
        // A file created after start is read from its beginning.
        append(&log, &event(7));
        assert_eq!(recv(&rx), "7");
        stop.store(true, Ordering::Relaxed);
        let (rx, stop) = spawn(&log, StartAt::Beginning);
        assert_eq!(recv(&rx), "7");
        stop.store(true, Ordering::Relaxed);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
