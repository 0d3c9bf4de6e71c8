//! The producer side of the module protocol (spec §5.5), for user-space
//! producers writing into a shim device.

use std::fs::OpenOptions;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use super::control::{self, shim_offsets as ctl, SyscallMask};
use super::info::{self, offsets, RingCounters, INFO_SIZE};
use super::{check_dim, data_offset, Error, Result};
use crate::header::HEADER_LEN;
use crate::sys::{self, Mapping};

/// What happened to one event handed to [`RingProducer::write`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The event is in the ring.
    Written,
    /// The ring was full (dropping mode, or the consumer is gone) or the
    /// event is larger than the ring; counted in `n_drops_buffer`.
    Dropped,
    /// Capture is disabled or the event was sampled out; not counted as a drop.
    Skipped,
}

/// The writing end of one shim device: the ring info and control page
/// plus the data area mapped twice.
#[derive(Debug)]
pub struct RingProducer {
    page: Mapping,
    data: Mapping,
    dim: u32,
    path: Option<PathBuf>,
    fd: OwnedFd,
    sampled: u64,
}

/// The settings a producer reads from the control block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProducerSettings {
    /// Capture enabled.
    pub capturing: bool,
    /// Dropping mode (full ring drops instead of blocking).
    pub dropping: bool,
    /// Snaplen in bytes.
    pub snaplen: u32,
}

impl RingProducer {
    /// Creates the shim device `path` (replacing a stale one) with a ring of
    /// `dim` bytes (a power of two, a multiple of the page size, more than two pages).
    pub fn create(path: impl AsRef<Path>, dim: u32) -> Result<RingProducer> {
        let path = path.as_ref();
        let place = path.display().to_string();
        check_dim(&place, dim)?;
        let _ = std::fs::remove_file(path);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| Error::io(&place, "open", e))?;
        let mut producer = RingProducer::with_fd(&place, OwnedFd::from(file), dim)?;
        producer.path = Some(path.to_path_buf());
        Ok(producer)
    }

    /// Creates an anonymous shim device (`memfd`); pass [`RingProducer::fd`]
    /// to the consumer (same process or inherited).
    pub fn create_memfd(name: &str, dim: u32) -> Result<RingProducer> {
        check_dim(name, dim)?;
        let fd = sys::memfd(name).map_err(|e| Error::sys(name, e))?;
        RingProducer::with_fd(name, fd, dim)
    }

    fn with_fd(place: &str, fd: OwnedFd, dim: u32) -> Result<RingProducer> {
        let size = data_offset() as u64 + u64::from(dim);
        std::fs::File::from(fd.try_clone().map_err(|e| Error::io(place, "dup", e))?)
            .set_len(size)
            .map_err(|e| Error::io(place, "ftruncate", e))?;
        let page =
            Mapping::map(fd.as_fd(), 0, data_offset(), true).map_err(|e| Error::sys(place, e))?;
        let data = Mapping::map_twice(fd.as_fd(), data_offset(), dim as usize, true)
            .map_err(|e| Error::sys(place, e))?;
        let producer = RingProducer {
            page,
            data,
            dim,
            path: None,
            fd,
            sampled: 0,
        };
        producer.init_control();
        Ok(producer)
    }

    /// Writes the control block; the magic goes last so a consumer never
    /// sees a half-initialised device.
    fn init_control(&self) {
        let (api, schema) = super::own_versions();
        self.page
            .u64_at(ctl::API_VERSION)
            .store(api, Ordering::Relaxed);
        self.page
            .u64_at(ctl::SCHEMA_VERSION)
            .store(schema, Ordering::Relaxed);
        self.page
            .u32_at(ctl::DIM)
            .store(self.dim, Ordering::Relaxed);
        self.page.u32_at(ctl::SNAPLEN).store(80, Ordering::Relaxed);
        self.page
            .u32_at(ctl::SAMPLING_RATIO)
            .store(1, Ordering::Relaxed);
        self.page
            .u32_at(ctl::PRODUCER_PID)
            .store(std::process::id(), Ordering::Relaxed);
        self.page
            .u32_at(ctl::FLAGS)
            .store(control::FLAG_CAPTURING, Ordering::Relaxed);
        for word in 0..8 {
            self.page
                .u64_at(ctl::SYSCALL_MASK + 8 * word)
                .store(u64::MAX, Ordering::Relaxed);
        }
        self.page
            .u64_at(ctl::MAGIC)
            .store(control::SHIM_MAGIC, Ordering::Release);
    }

    /// The device path, for devices created with [`RingProducer::create`].
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The device's file descriptor (the memfd or the /dev/shm file).
    pub fn fd(&self) -> &OwnedFd {
        &self.fd
    }

    /// Ring size in bytes.
    pub fn dim(&self) -> u32 {
        self.dim
    }

    fn flags(&self) -> &AtomicU32 {
        self.page.u32_at(ctl::FLAGS)
    }

    fn counter(&self, offset: usize) -> &AtomicU64 {
        self.page.u64_at(offset)
    }

    /// Only this producer writes the counters, so a load and a store suffice;
    /// the store is atomic so the consumer reads whole values.
    fn bump(&self, offset: usize) {
        let c = self.counter(offset);
        c.store(c.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }

    /// The current settings from the control block.
    pub fn settings(&self) -> ProducerSettings {
        let flags = self.flags().load(Ordering::Acquire);
        ProducerSettings {
            capturing: flags & control::FLAG_CAPTURING != 0,
            dropping: flags & control::FLAG_DROPPING != 0,
            snaplen: self.page.u32_at(ctl::SNAPLEN).load(Ordering::Relaxed),
        }
    }

    /// The syscall mask the consumer set.
    pub fn syscall_mask(&self) -> SyscallMask {
        let mut mask = SyscallMask::empty();
        for (i, word) in mask.0.iter_mut().enumerate() {
            *word = self
                .page
                .u64_at(ctl::SYSCALL_MASK + 8 * i)
                .load(Ordering::Relaxed);
        }
        mask
    }

    /// Whether native syscall `nr` is in the consumer's mask.
    pub fn syscall_enabled(&self, nr: u64) -> bool {
        nr < 512
            && self
                .page
                .u64_at(ctl::SYSCALL_MASK + 8 * (nr as usize / 64))
                .load(Ordering::Relaxed)
                & (1 << (nr % 64))
                != 0
    }

    /// Counts an event lost because user memory could not be read.
    pub fn count_page_fault(&self) {
        self.bump(offsets::N_EVTS);
        self.bump(offsets::N_DROPS_PF);
    }

    /// Marks the device finished: the consumer drains it and sees the end.
    pub fn finish(&self) {
        self.flags()
            .fetch_or(control::FLAG_PRODUCER_DONE, Ordering::Release);
    }

    /// The ring counters.
    pub fn counters(&self) -> RingCounters {
        super::read_counters(&self.page)
    }

    /// Free bytes between head and tail, one byte kept unused (spec §5.5).
    fn free(&self, head: u32) -> u32 {
        let tail = self.page.u32_at(offsets::TAIL).load(Ordering::Acquire) & (self.dim - 1);
        if tail > head {
            tail - head - 1
        } else {
            self.dim + tail - head - 1
        }
    }

    /// Whether an event of `len` bytes fits right now.
    pub fn ring_has_room(&self, len: usize) -> bool {
        let head = self.page.u32_at(offsets::HEAD).load(Ordering::Relaxed) & (self.dim - 1);
        (self.free(head) as usize) >= len
    }

    /// Appends one encoded event (a driver event: 26-byte header first).
    ///
    /// In blocking mode a full ring makes the caller wait for the consumer,
    /// unless the consumer is gone; in dropping mode the event is dropped
    /// and counted (`n_drops_buffer` and its category).
    pub fn write(&mut self, event: &[u8]) -> WriteOutcome {
        let settings = self.settings();
        if !settings.capturing || event.len() < HEADER_LEN {
            return WriteOutcome::Skipped;
        }
        let code = u16::from_le_bytes([event[20], event[21]]);
        let ratio = u64::from(
            self.page
                .u32_at(ctl::SAMPLING_RATIO)
                .load(Ordering::Relaxed)
                .max(1),
        );
        if ratio > 1 && info::drop_category(code).is_none() {
            self.sampled += 1;
            if self.sampled.checked_rem(ratio) != Some(0) {
                return WriteOutcome::Skipped;
            }
        }
        self.bump(offsets::N_EVTS);
        let head = self.page.u32_at(offsets::HEAD).load(Ordering::Relaxed) & (self.dim - 1);
        let len = u32::try_from(event.len()).unwrap_or(u32::MAX);
        if len >= self.dim || !self.wait_for_room(head, len, settings.dropping) {
            self.bump(offsets::N_DROPS_BUFFER);
            if let Some(category) = info::drop_category(code) {
                self.bump(category);
            }
            return WriteOutcome::Dropped;
        }
        // The double mapping makes [head, head + len) contiguous even past dim.
        self.data.write(head as usize, event);
        let next = (head + len) & (self.dim - 1);
        self.page
            .u32_at(offsets::HEAD)
            .store(next, Ordering::Release);
        WriteOutcome::Written
    }

    /// Whether `len` bytes fit at `head`, waiting for the consumer in
    /// blocking mode while it is there.
    fn wait_for_room(&self, head: u32, len: u32, dropping: bool) -> bool {
        if self.free(head) >= len {
            return true;
        }
        if dropping {
            return false;
        }
        self.bump(ctl::PRODUCER_WAITS);
        let mut pause = Duration::from_micros(20);
        loop {
            let flags = self.flags().load(Ordering::Acquire);
            if flags & (control::FLAG_CONSUMER_GONE | control::FLAG_DROPPING) != 0
                || flags & control::FLAG_CAPTURING == 0
            {
                return false;
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(5));
            if self.free(head) >= len {
                return true;
            }
        }
    }
}

impl Drop for RingProducer {
    fn drop(&mut self) {
        self.finish();
    }
}

// Layout facts the producer relies on.
const _: () = assert!(INFO_SIZE + control::SHIM_CONTROL_SIZE <= 4096);
