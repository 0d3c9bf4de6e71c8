//! Section header block (SHB, pcapng's block type `0x0A0D0D0A`).

use super::cursor::Cursor;
use super::error::{Error, ErrorKind};

/// The byte-order magic every section header carries.
pub const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;

/// A section header: starts a section of metadata blocks followed by events.
///
/// pcapng options after the 16-byte body (written by Wireshark's `editcap`)
/// are exposed raw through [`SectionHeader::options`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionHeader<'a> {
    /// Major version; always 1.
    pub major: u16,
    /// Minor version: 0 (≤ 2018-03), 1, 2 (2018-08 onwards); readers ignore it.
    pub minor: u16,
    /// Section length; always −1 (unknown).
    pub section_length: i64,
    options: &'a [u8],
}

impl<'a> SectionHeader<'a> {
    pub(crate) fn parse(mut cur: Cursor<'a>) -> Result<Self, Error> {
        let magic_at = cur.clone();
        let magic = cur.u32("byte_order_magic")?;
        if magic != BYTE_ORDER_MAGIC {
            return Err(magic_at.error(ErrorKind::BadMagic { magic }));
        }
        let major_at = cur.clone();
        let major = cur.u16("major_version")?;
        if major != 1 {
            return Err(major_at.error(ErrorKind::UnsupportedVersion { major }));
        }
        let minor = cur.u16("minor_version")?;
        let section_length = cur.i64("section_length")?;
        let options = cur.bytes(cur.remaining(), "options")?;
        Ok(SectionHeader {
            major,
            minor,
            section_length,
            options,
        })
    }

    /// Raw pcapng options after the fixed body (usually empty).
    pub fn options(&self) -> &'a [u8] {
        self.options
    }
}
