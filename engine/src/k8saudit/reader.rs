//! Reading audit events from files: JSON Lines as the API server's log
//! backend writes them, and whole JSON documents (an `EventList`, an array,
//! a pretty-printed event) spread over several lines.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value as Json;

use super::event::{split_document, AuditItem, Diagnostic, Location};
use crate::{Error, Result};

/// Largest JSON document (one line, or one multi-line document) accepted
/// from a file; longer input is skipped with a diagnostic.
pub const MAX_DOCUMENT_BYTES: usize = 64 << 20;

/// Reads audit events from a byte stream; an iterator of [`AuditItem`].
///
/// Each line is parsed on its own (JSON Lines). A line that starts a JSON
/// document without finishing it begins a multi-line document, which ends
/// at a line starting with `}` or `]` in column 0. Malformed input yields a
/// [`Diagnostic`] with the file and line where the document started, and
/// reading goes on with the next line.
pub struct AuditReader<R> {
    input: R,
    name: Arc<str>,
    line_no: u64,
    doc: Vec<u8>,
    doc_line: u64,
    line: Vec<u8>,
    pending: VecDeque<AuditItem>,
    done: bool,
}

impl<R: BufRead> AuditReader<R> {
    /// Reads from `input`; `name` names it in locations and diagnostics.
    pub fn new(input: R, name: impl Into<Arc<str>>) -> AuditReader<R> {
        AuditReader {
            input,
            name: name.into(),
            line_no: 0,
            doc: Vec::new(),
            doc_line: 0,
            line: Vec::new(),
            pending: VecDeque::new(),
            done: false,
        }
    }

    fn location(&self, line: u64) -> Location {
        Location::new(self.name.clone(), line)
    }

    fn diagnose(&mut self, line: u64, reason: String) {
        let location = self.location(line);
        self.pending
            .push_back(Err(Diagnostic::new(location, reason)));
    }

    fn emit(&mut self, json: Json, line: u64) {
        let location = self.location(line);
        let pending = &mut self.pending;
        split_document(json, &location, &mut |item| pending.push_back(item));
    }

    /// Reads one line into `self.line`; false at the end of input.
    fn read_line(&mut self) -> bool {
        self.line.clear();
        let limit = MAX_DOCUMENT_BYTES as u64 + 1;
        match (&mut self.input)
            .take(limit)
            .read_until(b'\n', &mut self.line)
        {
            Ok(0) => false,
            Ok(_) => {
                self.line_no += 1;
                if self.line.len() > MAX_DOCUMENT_BYTES {
                    self.skip_rest_of_line();
                    let reason = format!("line longer than {MAX_DOCUMENT_BYTES} bytes skipped");
                    self.diagnose(self.line_no, reason);
                    self.line.clear();
                }
                true
            }
            Err(err) => {
                self.diagnose(self.line_no + 1, format!("read error: {err}"));
                false
            }
        }
    }

    fn skip_rest_of_line(&mut self) {
        if self.line.last() == Some(&b'\n') {
            return;
        }
        loop {
            let (consumed, found) = match self.input.fill_buf() {
                Ok([]) | Err(_) => return,
                Ok(buf) => match buf.iter().position(|&c| c == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                },
            };
            self.input.consume(consumed);
            if found {
                return;
            }
        }
    }

    /// Handles one line outside a multi-line document.
    fn start_line(&mut self) {
        let mut trimmed = self.line.trim_ascii();
        if self.line_no == 1 {
            // Editors on some systems start files with a UTF-8 byte-order mark.
            trimmed = trimmed.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(trimmed);
        }
        if trimmed.is_empty() {
            return;
        }
        match serde_json::from_slice::<Json>(trimmed) {
            Ok(json) => self.emit(json, self.line_no),
            Err(err) if err.is_eof() => {
                self.doc.clear();
                self.doc.extend_from_slice(&self.line);
                self.doc_line = self.line_no;
            }
            Err(err) => self.diagnose(self.line_no, format!("malformed JSON: {err}")),
        }
    }

    /// Handles one line inside a multi-line document.
    fn continue_document(&mut self) {
        let first = self.line.first().copied();
        if matches!(first, Some(b'{' | b'[')) {
            // A new top-level document starts: the open one was truncated.
            self.abandon_document("incomplete JSON document");
            self.start_line();
            return;
        }
        self.doc.extend_from_slice(&self.line);
        if self.doc.len() > MAX_DOCUMENT_BYTES {
            self.abandon_document("JSON document too large");
            return;
        }
        if matches!(first, Some(b'}' | b']')) {
            match serde_json::from_slice::<Json>(&self.doc) {
                Ok(json) => {
                    self.doc.clear();
                    self.emit(json, self.doc_line);
                }
                Err(err) if err.is_eof() => {}
                Err(err) => self.abandon_document(&format!("malformed JSON: {err}")),
            }
        }
    }

    fn abandon_document(&mut self, reason: &str) {
        self.doc.clear();
        self.diagnose(self.doc_line, reason.to_owned());
    }
}

impl<R: BufRead> Iterator for AuditReader<R> {
    type Item = AuditItem;

    fn next(&mut self) -> Option<AuditItem> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            if !self.read_line() {
                self.done = true;
                if !self.doc.is_empty() {
                    self.abandon_document("incomplete JSON document at end of input");
                }
                continue;
            }
            if self.doc.is_empty() {
                self.start_line();
            } else {
                self.continue_document();
            }
        }
    }
}

/// Events of a file, or of every regular file in a directory in
/// modification-time order (as Falco's k8saudit plugin reads a directory).
pub struct ReplayReader {
    files: VecDeque<PathBuf>,
    current: Option<AuditReader<BufReader<File>>>,
}

impl ReplayReader {
    /// Opens `path` (a file or a directory) for one pass.
    pub fn open(path: &Path) -> Result<ReplayReader> {
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        let files = if meta.is_dir() {
            let mut entries = Vec::new();
            for entry in std::fs::read_dir(path).map_err(io)? {
                let entry = entry.map_err(io)?;
                let meta = entry.metadata().map_err(io)?;
                if meta.is_file() {
                    entries.push((meta.modified().ok(), entry.path()));
                }
            }
            entries.sort();
            entries.into_iter().map(|(_, p)| p).collect()
        } else {
            VecDeque::from([path.to_path_buf()])
        };
        Ok(ReplayReader {
            files,
            current: None,
        })
    }
}

impl Iterator for ReplayReader {
    type Item = AuditItem;

    fn next(&mut self) -> Option<AuditItem> {
        loop {
            if let Some(item) = self.current.as_mut().and_then(Iterator::next) {
                return Some(item);
            }
            let path = self.files.pop_front()?;
            let name = path.display().to_string();
            match File::open(&path) {
                Ok(file) => self.current = Some(AuditReader::new(BufReader::new(file), name)),
                Err(err) => {
                    self.current = None;
                    let reason = format!("cannot open: {err}");
                    return Some(Err(Diagnostic::new(Location::new(name, 0), reason)));
                }
            }
        }
    }
}

/// Opens an audit log (file or directory) for one pass: the replay source.
pub fn open_replay(path: impl AsRef<Path>) -> Result<ReplayReader> {
    ReplayReader::open(path.as_ref())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    const EV: &str = r#"{"kind":"Event","auditID":"a","stageTimestamp":"2020-01-01T00:00:00Z"}"#;

    fn read(text: &str) -> Vec<std::result::Result<u64, (u64, String)>> {
        AuditReader::new(text.as_bytes(), "f")
            .map(|item| match item {
                Ok(ev) => Ok(ev.location().line),
                Err(d) => Err((d.location.line, d.reason)),
            })
            .collect()
    }

    #[test]
    fn json_lines_with_a_bad_line_in_the_middle() {
        let text = format!("{EV}\n{{\"kind\": \n{EV}\nnot json\n\n{EV}\n");
        let got = read(&text);
        assert_eq!(got.len(), 5, "{got:?}");
        assert_eq!(got[0], Ok(1));
        assert!(
            matches!(&got[1], Err((2, r)) if r.contains("incomplete")),
            "{got:?}"
        );
        assert_eq!(got[2], Ok(3));
        assert!(matches!(&got[3], Err((4, r)) if r.contains("malformed JSON")));
        assert_eq!(got[4], Ok(6));
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        assert_eq!(read(&format!("\u{feff}{EV}\n")), vec![Ok(1)]);
    }

    #[test]
    fn pretty_printed_event_list_spans_lines() {
        let text = format!(
            "{{\n  \"kind\": \"EventList\",\n  \"items\": [\n  {EV},\n  {EV}\n  ]\n}}\n{EV}\n"
        );
        let got = read(&text);
        assert_eq!(got, vec![Ok(1), Ok(1), Ok(8)]);
    }

    #[test]
    fn a_directory_is_read_oldest_file_first() {
        let dir = std::env::temp_dir().join(format!("harrier-replay-dir-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ev = |id: &str| EV.replace("\"a\"", &format!("\"{id}\""));
        // Names in the opposite order of modification times.
        std::fs::write(dir.join("b.log"), ev("first") + "\n").unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(dir.join("b.log"))
            .unwrap()
            .set_modified(old)
            .unwrap();
        std::fs::write(dir.join("a.log"), ev("second") + "\n{oops\n").unwrap();
        let got: Vec<String> = open_replay(&dir)
            .unwrap()
            .map(|item| match item {
                Ok(e) => e.str_at(&["auditID"]).unwrap().to_owned(),
                Err(d) => d.to_string(),
            })
            .collect();
        assert_eq!(got[..2], ["first", "second"]);
        assert!(
            got[2].starts_with(&format!(
                "{}:2: malformed JSON",
                dir.join("a.log").display()
            )),
            "{got:?}"
        );
        assert!(open_replay(dir.join("missing")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn truncated_document_at_end_is_reported() {
        let got = read("[\n  {\"kind\":\"Event\"\n");
        assert!(
            matches!(&got[..], [Err((1, r))] if r.contains("end of input")),
            "{got:?}"
        );
    }
}
