//! The consumer side of the module protocol (spec §5.6): read `head` once,
//! walk the contiguous block `[tail, tail + readable)` event by event, then
//! advance `tail` past the whole block.

use std::sync::atomic::{fence, Ordering};

use super::info::{offsets, RingCounters};
use super::{Error, Result};
use crate::header::HEADER_LEN;
use crate::sys::Mapping;

/// The reading end of one ring: its info page and its twice-mapped data.
#[derive(Debug)]
pub struct RingConsumer {
    info: Mapping,
    data: Mapping,
    dim: u32,
    place: String,
}

impl RingConsumer {
    pub(crate) fn new(info: Mapping, data: Mapping, dim: u32, place: String) -> RingConsumer {
        RingConsumer {
            info,
            data,
            dim,
            place,
        }
    }

    /// Ring size in bytes.
    pub fn dim(&self) -> u32 {
        self.dim
    }

    /// Bytes published and not yet consumed.
    pub fn readable(&self) -> usize {
        let (_, readable) = self.positions();
        readable
    }

    fn positions(&self) -> (u32, usize) {
        let head = self.info.u32_at(offsets::HEAD).load(Ordering::Acquire) & (self.dim - 1);
        let tail = self.info.u32_at(offsets::TAIL).load(Ordering::Relaxed) & (self.dim - 1);
        let readable = if tail > head {
            self.dim - tail + head
        } else {
            head - tail
        };
        (tail, readable as usize)
    }

    /// The published block: every event between tail and head, contiguous
    /// thanks to the double mapping. It stays valid until [`advance`](Self::advance).
    pub fn block(&self) -> Block<'_> {
        let (tail, readable) = self.positions();
        Block {
            bytes: self.data.bytes(tail as usize, readable),
            tail: tail as usize,
            place: &self.place,
        }
    }

    /// Frees `consumed` bytes (normally the whole block): a full barrier,
    /// then the new tail.
    pub fn advance(&self, consumed: usize) {
        fence(Ordering::SeqCst);
        let tail_field = self.info.u32_at(offsets::TAIL);
        let tail = tail_field.load(Ordering::Relaxed) as usize;
        let next = (tail + consumed) & (self.dim as usize - 1);
        tail_field.store(next as u32, Ordering::Release);
    }

    /// The ring counters.
    pub fn counters(&self) -> RingCounters {
        super::read_counters(&self.info)
    }
}

/// A contiguous run of published events.
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    bytes: &'a [u8],
    tail: usize,
    place: &'a str,
}

impl<'a> Block<'a> {
    /// The block's bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The events of the block, each checked against the bytes left (a
    /// `len` below 26 or past the block means a corrupt ring).
    pub fn events(&self) -> Events<'a> {
        Events {
            bytes: self.bytes,
            at: 0,
            tail: self.tail,
            place: self.place,
        }
    }
}

/// Iterator over the events of a [`Block`]: `(offset in block, event bytes)`.
#[derive(Debug)]
pub struct Events<'a> {
    bytes: &'a [u8],
    at: usize,
    tail: usize,
    place: &'a str,
}

impl<'a> Iterator for Events<'a> {
    type Item = Result<(usize, &'a [u8])>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.bytes[self.at..];
        if rest.is_empty() {
            return None;
        }
        let (place, offset) = (self.place, self.tail + self.at);
        let corrupt = |reason: String| Error::CorruptRing {
            path: place.to_string(),
            offset,
            reason,
        };
        if rest.len() < HEADER_LEN {
            self.at = self.bytes.len();
            return Some(Err(corrupt(format!(
                "{} bytes left, less than a header",
                rest.len()
            ))));
        }
        let len = u32::from_le_bytes([rest[16], rest[17], rest[18], rest[19]]) as usize;
        if len < HEADER_LEN || len > rest.len() {
            self.at = self.bytes.len();
            return Some(Err(corrupt(format!(
                "event length {len} outside [{HEADER_LEN}, {}]",
                rest.len()
            ))));
        }
        let start = self.at;
        self.at += len;
        Some(Ok((start, &rest[..len])))
    }
}
