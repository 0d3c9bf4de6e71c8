//! Event headers: the 26-byte `ppm_evt_hdr` and the 22-byte V1 header.
//!
//! Both are packed and little endian (spec §2.1). V1 headers (event blocks
//! written before 2018) lack `nparams`.

use crate::error::Error;

/// Size of the current event header.
pub const HEADER_LEN: usize = 26;

/// Size of the V1 event header (no `nparams`).
pub const HEADER_V1_LEN: usize = 22;

/// `tid` of events not tied to a thread (e.g. user/group added events).
pub const NO_TID: u64 = u64::MAX;

/// The 26-byte event header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventHeader {
    /// Nanoseconds since the Unix epoch.
    pub ts: u64,
    /// Thread id in the initial pid namespace, [`NO_TID`] for none.
    pub tid: u64,
    /// Total event length including this header.
    pub len: u32,
    /// Event code.
    pub code: u16,
    /// Number of parameters present.
    pub nparams: u32,
}

/// The 22-byte V1 event header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventHeaderV1 {
    /// Nanoseconds since the Unix epoch.
    pub ts: u64,
    /// Thread id.
    pub tid: u64,
    /// Total event length including this header.
    pub len: u32,
    /// Event code.
    pub code: u16,
}

pub(crate) fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2)?.try_into().ok().map(u16::from_le_bytes)
}

pub(crate) fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)?.try_into().ok().map(u32::from_le_bytes)
}

pub(crate) fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 8)?.try_into().ok().map(u64::from_le_bytes)
}

fn truncated(what: &'static str, need: usize, have: usize) -> Error {
    Error::Truncated {
        what,
        offset: 0,
        need,
        have,
    }
}

impl EventHeader {
    /// Reads a header from the start of `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<EventHeader, Error> {
        let v1 = EventHeaderV1::parse(bytes)
            .map_err(|_| truncated("event header", HEADER_LEN, bytes.len()))?;
        let nparams = read_u32(bytes, 22)
            .ok_or_else(|| truncated("event header", HEADER_LEN, bytes.len()))?;
        Ok(EventHeader {
            ts: v1.ts,
            tid: v1.tid,
            len: v1.len,
            code: v1.code,
            nparams,
        })
    }

    /// Appends the 26 header bytes to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.ts.to_le_bytes());
        out.extend_from_slice(&self.tid.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.code.to_le_bytes());
        out.extend_from_slice(&self.nparams.to_le_bytes());
    }
}

impl EventHeaderV1 {
    /// Reads a V1 header from the start of `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<EventHeaderV1, Error> {
        let short = || truncated("V1 event header", HEADER_V1_LEN, bytes.len());
        Ok(EventHeaderV1 {
            ts: read_u64(bytes, 0).ok_or_else(short)?,
            tid: read_u64(bytes, 8).ok_or_else(short)?,
            len: read_u32(bytes, 16).ok_or_else(short)?,
            code: read_u16(bytes, 20).ok_or_else(short)?,
        })
    }

    /// Appends the 22 header bytes to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.ts.to_le_bytes());
        out.extend_from_slice(&self.tid.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.code.to_le_bytes());
    }

    /// The current header with `nparams` added and `len` grown by 4 bytes,
    /// as readers do when they upgrade a V1 event (spec §1.8.3).
    pub fn upgrade(&self, nparams: u32) -> EventHeader {
        EventHeader {
            ts: self.ts,
            tid: self.tid,
            len: self.len.saturating_add(4),
            code: self.code,
            nparams,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_is_26_little_endian_bytes() {
        let h = EventHeader {
            ts: 0x0102030405060708,
            tid: 42,
            len: 30,
            code: 307,
            nparams: 2,
        };
        let mut out = Vec::new();
        h.write(&mut out);
        assert_eq!(out.len(), HEADER_LEN);
        assert_eq!(&out[0..8], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(&out[20..22], &307u16.to_le_bytes());
        assert_eq!(EventHeader::parse(&out).unwrap(), h);
    }

    #[test]
    fn v1_header_round_trip_and_upgrade() {
        let h = EventHeaderV1 {
            ts: 5,
            tid: 6,
            len: 22,
            code: 1,
        };
        let mut out = Vec::new();
        h.write(&mut out);
        assert_eq!(out.len(), HEADER_V1_LEN);
        assert_eq!(EventHeaderV1::parse(&out).unwrap(), h);
        assert_eq!(h.upgrade(0).len, 26);
    }

    #[test]
    fn short_header_is_an_error_not_a_panic() {
        for n in 0..HEADER_LEN {
            let err = EventHeader::parse(&vec![0u8; n]).unwrap_err();
            assert!(matches!(err, Error::Truncated { need: 26, .. }), "{err}");
        }
    }
}
