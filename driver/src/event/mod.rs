//! [`EventRef`]: a validated, zero-copy view over one event's bytes.

use crate::error::Error;
use crate::header::{read_u16, read_u32, EventHeader, HEADER_LEN};
use crate::param::{decode_param, ParamValue};
use crate::table::{event_info, EventCode, EventInfo, ParamInfo};

/// Width of a parameter length entry for `code`: 4 for `EF_LARGE_PAYLOAD`
/// events, else 2 (also for codes the table does not know).
pub fn len_width(code: u16) -> usize {
    event_info(code).map_or(2, EventInfo::len_width)
}

/// One event: header, parameter length array and parameter data.
///
/// [`EventRef::parse`] checks every length once, so the accessors never fail
/// on the wire layout; only decoding a parameter's value can still fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef<'a> {
    bytes: &'a [u8],
    header: EventHeader,
    width: usize,
}

impl<'a> EventRef<'a> {
    /// Validates one event at the start of `bytes`. Bytes after the
    /// header's `len` are ignored (they belong to the container).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let header = EventHeader::parse(bytes)?;
        let len = usize::try_from(header.len).unwrap_or(usize::MAX);
        if len < HEADER_LEN {
            return Err(Error::BadEventLength {
                len: header.len,
                reason: "shorter than the 26-byte header",
            });
        }
        let bytes = bytes.get(..len).ok_or(Error::Truncated {
            what: "event",
            offset: 0,
            need: len,
            have: bytes.len(),
        })?;
        let width = len_width(header.code);
        let nparams = usize::try_from(header.nparams).unwrap_or(usize::MAX);
        let lens_end = nparams
            .checked_mul(width)
            .and_then(|n| n.checked_add(HEADER_LEN))
            .filter(|&end| end <= len)
            .ok_or(Error::Truncated {
                what: "parameter length array",
                offset: HEADER_LEN,
                need: nparams.saturating_mul(width),
                have: len - HEADER_LEN,
            })?;
        let event = EventRef {
            bytes,
            header,
            width,
        };
        let mut offset = lens_end;
        for index in 0..nparams {
            let plen = event.raw_len(index);
            if plen > len - offset {
                return Err(Error::ParamOverflow {
                    code: header.code,
                    index,
                    offset,
                    len: plen,
                    have: len - offset,
                });
            }
            offset += plen;
        }
        Ok(event)
    }

    fn raw_len(&self, index: usize) -> usize {
        let at = HEADER_LEN + index * self.width;
        let v = if self.width == 4 {
            read_u32(self.bytes, at)
        } else {
            read_u16(self.bytes, at).map(u32::from)
        };
        // parse() checked that the length array is in bounds.
        v.map_or(0, |v| usize::try_from(v).unwrap_or(usize::MAX))
    }

    /// The event's bytes, exactly `len()` long.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The parsed header.
    pub fn header(&self) -> EventHeader {
        self.header
    }

    /// Timestamp in nanoseconds since the epoch.
    pub fn ts(&self) -> u64 {
        self.header.ts
    }

    /// Thread id.
    pub fn tid(&self) -> u64 {
        self.header.tid
    }

    /// Event code.
    pub fn code(&self) -> EventCode {
        EventCode(self.header.code)
    }

    /// Number of parameters present (may differ from the table's count).
    pub fn nparams(&self) -> usize {
        usize::try_from(self.header.nparams).unwrap_or(usize::MAX)
    }

    /// Total length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always false: an event holds at least its header.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// True for enter (even) codes.
    pub fn is_enter(&self) -> bool {
        self.code().is_enter()
    }

    /// The table entry, `None` for codes beyond the table.
    pub fn info(&self) -> Option<&'static EventInfo> {
        event_info(self.header.code)
    }

    /// The table's description of parameter `i`, if the table has one.
    pub fn param_info(&self, i: usize) -> Option<&'static ParamInfo> {
        self.info().and_then(|e| e.params.get(i))
    }

    /// Raw bytes of parameter `i`, or `None` if the event has fewer params.
    pub fn param_bytes(&self, i: usize) -> Option<&'a [u8]> {
        if i >= self.nparams() {
            return None;
        }
        let mut offset = HEADER_LEN + self.nparams() * self.width;
        for j in 0..i {
            offset += self.raw_len(j);
        }
        self.bytes.get(offset..offset + self.raw_len(i))
    }

    /// Decoded value of parameter `i`. `None` if the event has fewer params
    /// or the table does not describe parameter `i`.
    pub fn param(&self, i: usize) -> Option<Result<ParamValue<'a>, Error>> {
        let info = self.param_info(i)?;
        Some(decode_param(info, self.param_bytes(i)?))
    }

    /// Decoded value of the parameter named `name`.
    pub fn param_by_name(&self, name: &str) -> Option<Result<ParamValue<'a>, Error>> {
        self.param(self.info()?.param_index(name)?)
    }

    /// All parameters' raw bytes, in order.
    pub fn params(&self) -> Params<'a> {
        Params {
            event: *self,
            index: 0,
            offset: HEADER_LEN + self.nparams() * self.width,
        }
    }
}

/// Iterator over an event's raw parameters, see [`EventRef::params`].
#[derive(Debug, Clone)]
pub struct Params<'a> {
    event: EventRef<'a>,
    index: usize,
    offset: usize,
}

impl<'a> Iterator for Params<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.index >= self.event.nparams() {
            return None;
        }
        let len = self.event.raw_len(self.index);
        let bytes = self.event.bytes.get(self.offset..self.offset + len)?;
        self.index += 1;
        self.offset += len;
        Some(bytes)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.event.nparams().saturating_sub(self.index);
        (left, Some(left))
    }
}

#[cfg(test)]
mod tests;
