//! Standard output, Falco's text line or JSON alert per line.

use std::io::{self, Write};

use super::{DeliveryError, Sink};
use crate::output::config::LineFormat;
use crate::output::record::Record;

/// Writes one line per alert to standard output (or any writer, for tests).
pub struct StdoutSink {
    format: LineFormat,
    out: Box<dyn Write + Send>,
}

impl StdoutSink {
    /// Standard output in `format`.
    pub fn new(format: LineFormat) -> StdoutSink {
        StdoutSink::to_writer(format, Box::new(io::stdout()))
    }

    /// Any writer in `format`.
    pub fn to_writer(format: LineFormat, out: Box<dyn Write + Send>) -> StdoutSink {
        StdoutSink { format, out }
    }
}

/// The line a text or JSON sink writes for `record` (no newline).
pub fn line(format: LineFormat, record: &Record) -> String {
    match format {
        LineFormat::Text => record.output.clone(),
        LineFormat::Json => record.falco_json_line(),
    }
}

impl Sink for StdoutSink {
    fn deliver(&mut self, record: &Record) -> Result<(), DeliveryError> {
        let mut text = line(self.format, record);
        text.push('\n');
        self.out.write_all(text.as_bytes())?;
        // Alerts should show up as they happen, not when a buffer fills.
        self.out.flush()?;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), DeliveryError> {
        Ok(self.out.flush()?)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::output::record::tests::sample;
    use engine::alert::Priority;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn writes_text_and_json_lines() {
        let buf = Shared::default();
        let rec = sample(1, Priority::Error);
        StdoutSink::to_writer(LineFormat::Text, Box::new(buf.clone()))
            .deliver(&rec)
            .unwrap();
        StdoutSink::to_writer(LineFormat::Json, Box::new(buf.clone()))
            .deliver(&rec)
            .unwrap();
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(
            lines[0],
            "16:17:57.881781398: Error Sensitive file opened (file=/etc/shadow n=1)"
        );
        let json: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(json["rule"], "Read sensitive file untrusted");
    }
}
