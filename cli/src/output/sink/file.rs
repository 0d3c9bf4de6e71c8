//! A file of alert lines (JSON by default), appended to, rotated by size.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::stdout::line;
use super::{DeliveryError, Sink};
use crate::output::config::{FileConfig, FsyncPolicy};
use crate::output::record::Record;

/// How often `fsync: interval` syncs.
const SYNC_INTERVAL: Duration = Duration::from_secs(1);

/// Appends one line per alert; when the file would pass `rotate_bytes` it
/// becomes `path.1` (older ones shift up to `path.keep`) and a new file starts.
pub struct FileSink {
    config: FileConfig,
    file: File,
    size: u64,
    last_sync: Instant,
    dirty: bool,
}

impl FileSink {
    /// Opens (creating) the file for appending.
    pub fn open(config: FileConfig) -> Result<FileSink, DeliveryError> {
        let file = open_append(&config.path)?;
        let size = file
            .metadata()
            .map_err(|e| DeliveryError::permanent(format!("{}: {e}", config.path.display())))?
            .len();
        Ok(FileSink {
            config,
            file,
            size,
            last_sync: Instant::now(),
            dirty: false,
        })
    }

    fn rotate(&mut self) -> Result<(), DeliveryError> {
        self.file.sync_all()?;
        let path = &self.config.path;
        if self.config.keep == 0 {
            fs::remove_file(path)?;
        } else {
            for n in (1..self.config.keep).rev() {
                let from = numbered(path, n);
                if from.exists() {
                    fs::rename(&from, numbered(path, n + 1))?;
                }
            }
            fs::rename(path, numbered(path, 1))?;
        }
        self.file = open_append(path)?;
        self.size = 0;
        Ok(())
    }
}

fn open_append(path: &Path) -> Result<File, DeliveryError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)
            .map_err(|e| DeliveryError::retry(format!("{}: {e}", dir.display())))?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| DeliveryError::retry(format!("{}: {e}", path.display())))
}

fn numbered(path: &Path, n: u32) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

impl Sink for FileSink {
    fn deliver(&mut self, record: &Record) -> Result<(), DeliveryError> {
        let mut text = line(self.config.format, record);
        text.push('\n');
        let len = text.len() as u64;
        if self.config.rotate_bytes > 0
            && self.size > 0
            && self.size + len > self.config.rotate_bytes
        {
            self.rotate()?;
        }
        self.file
            .write_all(text.as_bytes())
            .map_err(|e| DeliveryError::retry(format!("{}: {e}", self.config.path.display())))?;
        self.size += len;
        self.dirty = true;
        match self.config.fsync {
            FsyncPolicy::Always => self.flush(),
            FsyncPolicy::Interval if self.last_sync.elapsed() >= SYNC_INTERVAL => self.flush(),
            _ => Ok(()),
        }
    }

    fn flush(&mut self) -> Result<(), DeliveryError> {
        if self.dirty && self.config.fsync != FsyncPolicy::Never {
            self.file.sync_data()?;
            self.dirty = false;
            self.last_sync = Instant::now();
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), DeliveryError> {
        if self.dirty {
            self.file.sync_data()?;
            self.dirty = false;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::output::config::LineFormat;
    use crate::output::record::tests::sample;
    use engine::alert::Priority;

    #[test]
    fn appends_json_lines_and_rotates_by_size() {
        let dir = std::env::temp_dir().join(format!("harrier-file-sink-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let path = dir.join("alerts.jsonl");
        let one = sample(0, Priority::Warning).falco_json_line().len() as u64 + 1;
        let config = FileConfig {
            path: path.clone(),
            rotate_bytes: one * 2,
            keep: 2,
            fsync: FsyncPolicy::Always,
            format: LineFormat::Json,
        };
        let mut sink = FileSink::open(config).unwrap();
        for n in 0..7 {
            sink.deliver(&sample(n, Priority::Warning)).unwrap();
        }
        sink.finish().unwrap();
        let nums = |p: &Path| -> Vec<u64> {
            fs::read_to_string(p)
                .unwrap()
                .lines()
                .map(|l| {
                    serde_json::from_str::<serde_json::Value>(l).unwrap()["output_fields"]
                        ["evt.num"]
                        .as_u64()
                        .unwrap()
                })
                .collect()
        };
        assert_eq!(nums(&path), [6]);
        assert_eq!(nums(&numbered(&path, 1)), [4, 5]);
        assert_eq!(nums(&numbered(&path, 2)), [2, 3]);
        assert!(!numbered(&path, 3).exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
