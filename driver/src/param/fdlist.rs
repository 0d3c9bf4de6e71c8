//! `PT_FDLIST`: u16 count, then `count` × (i64 fd, i16 `PPM_POLL*` flags).

use crate::error::Error;
use crate::types::ParamType;

const ENTRY: usize = 10;

/// A zero-copy view over a `PT_FDLIST` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdList<'a> {
    entries: &'a [u8],
}

impl<'a> FdList<'a> {
    /// Validates the count against the length.
    pub fn decode(b: &'a [u8]) -> Result<Self, Error> {
        let ty = ParamType::FdList;
        let count = b
            .get(..2)
            .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])))
            .ok_or(Error::BadParamWidth {
                ty,
                len: b.len(),
                expected: "at least 2 bytes",
            })?;
        let need = 2 + count * ENTRY;
        let entries = b.get(2..need).ok_or(Error::InvalidParam {
            ty,
            reason: "count says more entries than the parameter holds",
        })?;
        Ok(FdList { entries })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len() / ENTRY
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The (fd, flags) entries.
    pub fn iter(&self) -> impl Iterator<Item = (i64, i16)> + 'a {
        self.entries.chunks_exact(ENTRY).map(|c| {
            let mut fd = [0u8; 8];
            fd.copy_from_slice(&c[..8]);
            (i64::from_le_bytes(fd), i16::from_le_bytes([c[8], c[9]]))
        })
    }

    /// Appends the wire form of this list.
    pub fn encode(&self, out: &mut Vec<u8>) {
        // A decoded list never exceeds u16::MAX entries.
        let count = u16::try_from(self.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&self.entries[..usize::from(count) * ENTRY]);
    }

    /// Appends the wire form of `entries`; fails above 65 535 entries.
    pub fn encode_entries(entries: &[(i64, i16)], out: &mut Vec<u8>) -> Result<(), Error> {
        let count = u16::try_from(entries.len()).map_err(|_| Error::InvalidParam {
            ty: ParamType::FdList,
            reason: "more than 65535 entries",
        })?;
        out.extend_from_slice(&count.to_le_bytes());
        for (fd, flags) in entries {
            out.extend_from_slice(&fd.to_le_bytes());
            out.extend_from_slice(&flags.to_le_bytes());
        }
        Ok(())
    }
}
