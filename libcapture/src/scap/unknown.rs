//! Blocks of a type this reader does not know; kept raw so they can be copied.

/// A block of an unknown type (skipped by libscap in the metadata phase).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownBlock<'a> {
    /// Raw block type code.
    pub block_type: u32,
    /// Body bytes between the 8-byte header and the trailer, padding included.
    pub body: &'a [u8],
}
