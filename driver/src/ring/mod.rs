//! The kernel module's ring-buffer ABI (spec §5), shared by harrier's
//! user-space producer and every consumer.
//!
//! A ring is a power-of-two data area of `dim` bytes plus a
//! [`RingBufferInfo`] page with `head` (producer), `tail` (consumer) and the
//! counters. Events are written back to back, unaligned; one byte always
//! stays free so that `head == tail` means empty. The data area is mapped
//! twice, back to back, so an event that runs past the end of the ring is
//! still contiguous in memory and neither side ever splits a record.
//!
//! ```text
//!  producer (RingProducer::write)            consumer (RingConsumer)
//!  free = tail>head ? tail-head-1            readable = tail>head ? dim-tail+head
//!             : dim+tail-head-1                          : head-tail   (head: acquire)
//!  full → block, or drop + count             block() = [tail, tail+readable), walk by len
//!  write at head; head = (head+len)%dim      advance(block.len()): fence, tail += len
//!             (release)
//! ```
//!
//! Devices ([`Device`]) are shim devices (a memfd or `/dev/shm/harrier-<name>-<n>`
//! made by [`RingProducer`]) or the module's `/dev/<name><cpu>`; both give a
//! [`RingConsumer`]. Control operations ([`ControlOp`]) mirror the module's
//! ioctls; versions are checked on open (`driver/API_VERSION`, `driver/SCHEMA_VERSION`).
//!
//! ```
//! use driver::ring::{Device, RingProducer, WriteOutcome};
//! use driver::{EventBuilder, EventCode};
//! use std::os::fd::AsFd;
//!
//! let mut producer = RingProducer::create_memfd("doc", 1 << 16)?;
//! let fd = producer.fd().as_fd().try_clone_to_owned().unwrap();
//! let device = Device::from_shim_fd("doc".into(), fd)?;
//!
//! let mut event = Vec::new();
//! EventBuilder::new(EventCode::CLOSE_X, 1, 42).errno(0).fd(3).finish(&mut event)?;
//! assert_eq!(producer.write(&event), WriteOutcome::Written);
//!
//! let block = device.ring().block();
//! let events: Vec<_> = block.events().collect::<Result<_, _>>()?;
//! assert_eq!(events.len(), 1);
//! device.ring().advance(block.len());
//! assert_eq!(device.ring().readable(), 0);
//! # Ok::<(), driver::ring::Error>(())
//! ```

pub mod consumer;
pub mod control;
pub mod device;
mod error;
pub mod info;
pub mod producer;

use std::sync::atomic::Ordering;

pub use consumer::{Block, RingConsumer};
pub use control::{ControlOp, SyscallMask};
pub use device::{shim_path, Device, DeviceKind};
pub use error::Error;
pub use info::{RingBufferInfo, RingCounters, INFO_SIZE};
pub use producer::{ProducerSettings, RingProducer, WriteOutcome};

use crate::sys::Mapping;
use crate::version::{pack_version, parse_semver, API_VERSION, SCHEMA_VERSION};

/// `Result` with the ring [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Offset of the data area in a shim device: one page (info + control first).
pub fn data_offset() -> usize {
    crate::sys::page_size()
}

/// Checks a ring size the way the module checks `g_buffer_bytes_dim`: a
/// power of two, a multiple of the page size, more than two pages.
pub fn check_dim(place: &str, dim: u32) -> Result<()> {
    let page = crate::sys::page_size() as u32;
    if !dim.is_power_of_two() || dim & (page - 1) != 0 || dim <= 2 * page {
        return Err(Error::BadDevice {
            path: place.to_string(),
            reason: format!(
                "ring size {dim} must be a power of two, a multiple of the page size ({page}) \
                 and larger than two pages"
            ),
        });
    }
    Ok(())
}

/// This build's packed (API, schema) versions.
pub fn own_versions() -> (u64, u64) {
    let pack = |s: &str| parse_semver(s).map_or(0, |(a, b, c)| pack_version(a, b, c));
    (pack(API_VERSION), pack(SCHEMA_VERSION))
}

fn read_counters(page: &Mapping) -> RingCounters {
    let get = |off| page.u64_at(off).load(Ordering::Relaxed);
    RingCounters {
        events: get(info::offsets::N_EVTS),
        drops_buffer: get(info::offsets::N_DROPS_BUFFER),
        drops_pf: get(info::offsets::N_DROPS_PF),
        preemptions: get(info::offsets::N_PREEMPTIONS),
    }
}

#[cfg(test)]
mod tests;
