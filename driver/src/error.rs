//! The crate's error type.

use crate::types::ParamType;

/// Everything that can go wrong while decoding or encoding events.
///
/// Every variant names the place (byte offset, parameter index, event
/// code) so that callers can report hostile or corrupt input precisely.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Fewer bytes are available than a structure needs.
    #[error("truncated {what} at byte offset {offset}: need {need} bytes, have {have}")]
    Truncated {
        /// What was being read (e.g. "event header").
        what: &'static str,
        /// Byte offset, relative to the start of the event, where it starts.
        offset: usize,
        /// Bytes needed.
        need: usize,
        /// Bytes available.
        have: usize,
    },
    /// The `len` field of an event header is impossible.
    #[error("event length {len} is invalid: {reason}")]
    BadEventLength {
        /// The header's `len` field.
        len: u32,
        /// Why it is rejected.
        reason: &'static str,
    },
    /// The parameter lengths of an event add up to more than the event holds.
    #[error(
        "parameter {index} of event code {code} at byte offset {offset} is {len} bytes, \
         but only {have} bytes remain in the event"
    )]
    ParamOverflow {
        /// Event code.
        code: u16,
        /// Zero-based parameter index.
        index: usize,
        /// Byte offset of the parameter data, relative to the event start.
        offset: usize,
        /// Declared parameter length.
        len: usize,
        /// Bytes left in the event.
        have: usize,
    },
    /// An event code outside the table.
    #[error("unknown event code {0}")]
    UnknownEvent(u16),
    /// A `PT_*` code outside `0..=48`.
    #[error("unknown parameter type code {0}")]
    UnknownParamType(u8),
    /// A fixed-width parameter whose length is not the type's width.
    #[error("{ty:?} parameter is {len} bytes, expected {expected}")]
    BadParamWidth {
        /// Parameter type.
        ty: ParamType,
        /// Actual length.
        len: usize,
        /// The accepted lengths, in words.
        expected: &'static str,
    },
    /// A parameter whose bytes are malformed for its type.
    #[error("invalid {ty:?} parameter: {reason}")]
    InvalidParam {
        /// Parameter type.
        ty: ParamType,
        /// What is wrong.
        reason: &'static str,
    },
    /// A value that cannot be encoded as the requested type.
    #[error("cannot encode {value} as {ty:?}")]
    EncodeMismatch {
        /// Requested parameter type.
        ty: ParamType,
        /// Which value kind was offered.
        value: &'static str,
    },
    /// A parameter too large for the event's length field width.
    #[error(
        "parameter {index} of event code {code} is {len} bytes, larger than the {max}-byte limit"
    )]
    ParamTooLarge {
        /// Event code.
        code: u16,
        /// Zero-based parameter index.
        index: usize,
        /// Parameter length.
        len: usize,
        /// The largest length the event's length field holds.
        max: usize,
    },
    /// An encoded event larger than the `u32` length field.
    #[error("event code {code} would be {len} bytes, larger than a u32 length")]
    EventTooLarge {
        /// Event code.
        code: u16,
        /// Total length.
        len: usize,
    },
    /// Parameters pushed to a builder disagree with the event table.
    #[error("event {name} (code {code}): {reason}")]
    SchemaMismatch {
        /// Event code.
        code: u16,
        /// Event name from the table.
        name: &'static str,
        /// What disagrees.
        reason: String,
    },
}
