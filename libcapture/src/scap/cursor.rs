//! A little-endian cursor over a borrowed byte slice that turns every
//! overrun into an [`Error`] naming the field and its stream offset.

use super::error::{Error, ErrorKind};

/// Reads fields front to back from `buf`; `base` is the stream offset of `buf[0]`.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    base: u64,
    block_type: u32,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(buf: &'a [u8], base: u64, block_type: u32) -> Self {
        Cursor {
            buf,
            pos: 0,
            base,
            block_type,
        }
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Stream offset of the next unread byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// An error of `kind` at the current position.
    pub(crate) fn error(&self, kind: ErrorKind) -> Error {
        Error {
            offset: self.offset(),
            block_type: Some(self.block_type),
            compressed: false,
            kind,
        }
    }

    pub(crate) fn bytes(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], Error> {
        if self.remaining() < n {
            return Err(self.error(ErrorKind::FieldOverrun { field }));
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub(crate) fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N, field)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, Error> {
        Ok(self.array::<1>(field)?[0])
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.array(field)?))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }

    pub(crate) fn u64(&mut self, field: &'static str) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    pub(crate) fn i64(&mut self, field: &'static str) -> Result<i64, Error> {
        Ok(i64::from_le_bytes(self.array(field)?))
    }

    /// A `u16` byte count followed by that many bytes.
    pub(crate) fn lstr16(&mut self, field: &'static str) -> Result<&'a [u8], Error> {
        let len = self.u16(field)?;
        self.bytes(usize::from(len), field)
    }

    /// Splits off the next `n` bytes as a cursor of their own (same stream offsets).
    pub(crate) fn sub(&mut self, n: usize, field: &'static str) -> Result<Cursor<'a>, Error> {
        let base = self.offset();
        let bytes = self.bytes(n, field)?;
        Ok(Cursor::new(bytes, base, self.block_type))
    }

    /// Skips `n` bytes (or all that remain, if fewer).
    pub(crate) fn skip_up_to(&mut self, n: usize) {
        self.pos += n.min(self.remaining());
    }
}

impl<'a> Cursor<'a> {
    /// All unread bytes.
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }
}
