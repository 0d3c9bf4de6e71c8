//! The `.scap` parse error: small, `Copy`, and always carrying a byte offset.

use std::fmt;

use super::block_type;

/// A parse error in a `.scap` stream.
///
/// `offset` counts bytes from the start of the *decompressed* block stream
/// (for a plain file that is the file offset); `compressed` says which case
/// applies. `block_type` is the raw type code of the block the damage was
/// found in, `None` for damage outside any block (e.g. a corrupt gzip member).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    /// Byte offset of the damage in the decompressed stream.
    pub offset: u64,
    /// Raw type code of the block being read, if any.
    pub block_type: Option<u32>,
    /// Whether the file was gzip-compressed (the offset is then not a file offset).
    pub compressed: bool,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// What is wrong with a `.scap` stream at the error's offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The stream ends inside a block: `needed` bytes were required at the
    /// offset, only `available` remain.
    Truncated {
        /// Bytes required.
        needed: u64,
        /// Bytes left in the stream.
        available: u64,
    },
    /// A block's `block_total_length` is below the 12-byte minimum.
    BadBlockLength {
        /// The length field's value.
        length: u32,
    },
    /// The trailer does not repeat the block length.
    TrailerMismatch {
        /// Length from the block header.
        header: u32,
        /// Length from the trailer.
        trailer: u32,
    },
    /// The stream does not start with a section header block.
    MissingSectionHeader,
    /// A section header's byte-order magic is not `0x1A2B3C4D`.
    BadMagic {
        /// The magic found.
        magic: u32,
    },
    /// A section header's major version is not 1.
    UnsupportedVersion {
        /// The major version found.
        major: u16,
    },
    /// A machine-info block's body is not 180 bytes.
    BadMachineInfoSize {
        /// The body size found.
        size: u32,
    },
    /// A field of a metadata entry or event runs past the end of its
    /// entry or block.
    FieldOverrun {
        /// Name of the field.
        field: &'static str,
    },
    /// A v2 metadata entry's own length is smaller than its fixed fields
    /// or larger than the bytes left in the block.
    BadEntryLength {
        /// The entry length found.
        length: u32,
    },
    /// An fd-list entry has a type this reader cannot size.
    BadFdType {
        /// The fd type found.
        fd_type: u8,
    },
    /// An interface-list entry has an unknown address type.
    BadInterfaceType {
        /// The type found.
        if_type: u16,
    },
    /// An event's header length is below the header size or beyond the block.
    BadEventLength {
        /// The event's `len` field.
        len: u32,
    },
    /// An event's parameter lengths do not add up to its `len`.
    BadEventParams {
        /// Event type code.
        code: u16,
        /// Parameter count from the header (or inferred for V1).
        nparams: u32,
    },
    /// The gzip container is corrupt or truncated; the events decompressed
    /// before the damage were delivered.
    Gzip,
    /// The gzip stream inflates beyond the decompressed-size cap
    /// ([`OpenOptions::max_decompressed_bytes`](super::OpenOptions)); the
    /// offset is the cap.
    DecompressedTooLarge {
        /// The cap in bytes.
        limit: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stream = if self.compressed {
            "of the decompressed stream"
        } else {
            "of the file"
        };
        write!(f, "at byte {} {stream}", self.offset)?;
        if let Some(t) = self.block_type {
            write!(f, ", in {} block (type {t:#x})", block_type::name(t))?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ErrorKind::Truncated { needed, available } => {
                write!(f, "truncated: {needed} bytes needed, {available} left")
            }
            ErrorKind::BadBlockLength { length } => {
                write!(f, "block length {length} is below the 12-byte minimum")
            }
            ErrorKind::TrailerMismatch { header, trailer } => {
                write!(
                    f,
                    "block trailer {trailer} differs from block length {header}"
                )
            }
            ErrorKind::MissingSectionHeader => {
                f.write_str("stream does not start with a section header block")
            }
            ErrorKind::BadMagic { magic } => {
                write!(f, "byte-order magic {magic:#010x} is not 0x1a2b3c4d")
            }
            ErrorKind::UnsupportedVersion { major } => {
                write!(
                    f,
                    "section major version {major} is not supported (expected 1)"
                )
            }
            ErrorKind::BadMachineInfoSize { size } => {
                write!(f, "machine-info body is {size} bytes, expected 180")
            }
            ErrorKind::FieldOverrun { field } => write!(f, "field `{field}` runs past its entry"),
            ErrorKind::BadEntryLength { length } => write!(f, "entry length {length} is invalid"),
            ErrorKind::BadFdType { fd_type } => write!(f, "unknown fd type {fd_type}"),
            ErrorKind::BadInterfaceType { if_type } => {
                write!(f, "unknown interface address type {if_type}")
            }
            ErrorKind::BadEventLength { len } => write!(f, "event length {len} is invalid"),
            ErrorKind::BadEventParams { code, nparams } => write!(
                f,
                "parameter lengths of event type {code} ({nparams} params) do not match its length"
            ),
            ErrorKind::Gzip => f.write_str("gzip data is corrupt or truncated"),
            ErrorKind::DecompressedTooLarge { limit } => write!(
                f,
                "gzip data inflates to more than {limit} bytes, the decompressed-size limit \
                 (OpenOptions::max_decompressed_bytes)"
            ),
        }
    }
}

impl std::error::Error for Error {}
