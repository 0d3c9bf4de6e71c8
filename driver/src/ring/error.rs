//! The error of the ring ABI and the user-space producer.
//!
//! The schema's [`crate::Error`] is `Clone + Eq` and describes bytes; these
//! errors come from the kernel boundary (and carry `io::Error`), so they are
//! their own type.

use std::io;

/// Everything that can go wrong opening, driving or tracing into a ring.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A system call on a device or a tracee failed.
    #[error("{place}: {call}: {source}")]
    Sys {
        /// The device path, tracee or operation involved.
        place: String,
        /// The call that failed.
        call: &'static str,
        /// The OS error.
        source: io::Error,
    },
    /// The device speaks a different ring ABI or event schema.
    #[error(
        "{path}: {what} version mismatch: the device reports {found}, this build requires \
         {required} (same major, equal or newer minor)"
    )]
    VersionMismatch {
        /// The device.
        path: String,
        /// `"API"` or `"schema"`.
        what: &'static str,
        /// The device's version, `major.minor.patch`.
        found: String,
        /// The version this build implements.
        required: String,
    },
    /// The file is not a shim device, or its header is inconsistent.
    #[error("{path}: not a usable ring device: {reason}")]
    BadDevice {
        /// The device.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// An event in the ring does not fit: the ring is corrupt.
    #[error("{path}: corrupt ring at offset {offset}: {reason}")]
    CorruptRing {
        /// The device.
        path: String,
        /// Offset in the ring of the bad record.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
    /// A control operation's argument is out of range.
    #[error("{path}: control operation {op} rejected: {reason}")]
    BadControl {
        /// The device.
        path: String,
        /// The operation.
        op: String,
        /// Why.
        reason: &'static str,
    },
    /// The command to trace cannot be started.
    #[error("{program}: {reason}")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        reason: String,
    },
    /// An event could not be encoded.
    #[error(transparent)]
    Encode(#[from] crate::Error),
}

impl Error {
    pub(crate) fn sys(place: impl Into<String>, err: crate::sys::SysError) -> Error {
        Error::Sys {
            place: place.into(),
            call: err.call,
            source: err.source,
        }
    }

    pub(crate) fn io(place: impl Into<String>, call: &'static str, source: io::Error) -> Error {
        Error::Sys {
            place: place.into(),
            call,
            source,
        }
    }
}
