//! Event blocks (EV, EVF, EV_V2, EVF_V2 and the large variants).
//!
//! The block body is `u16 cpuid`, for EVF blocks `u32 dump_flags`, then the
//! event. V1 blocks carry a 22-byte header without `nparams`; they are
//! upgraded to the current 26-byte layout here (spec §1.8.3), so every
//! consumer sees one event layout.

use driver::EventRef;

use super::block_type;
use super::cursor::Cursor;
use super::error::{Error, ErrorKind};

/// Size of the current event header.
pub const HEADER_LEN: usize = driver::header::HEADER_LEN;
/// Size of the V1 event header.
pub const HEADER_V1_LEN: usize = driver::header::HEADER_V1_LEN;

/// `NOTIFICATION_E`: old writers over-reported its length by 3.
const NOTIFICATION_E: u16 = 280;
/// `INFRASTRUCTURE_EVENT_E`: same length quirk as `NOTIFICATION_E`.
const INFRASTRUCTURE_EVENT_E: u16 = 286;

/// Dump flag: the producer filtered the event out but kept it for state.
pub const FLAG_STATE_ONLY: u32 = 1;

/// An event block: the device it came from, its dump flags and the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventBlock<'a> {
    /// Device (ring) index the event was read from; not always the CPU number.
    pub cpu: u16,
    /// Dump flags of EVF blocks, `None` for EV blocks.
    pub flags: Option<u32>,
    /// Whether the block stored a V1 (22-byte header) event that was upgraded.
    pub upgraded_from_v1: bool,
    /// The event in the current layout, borrowing the file's bytes.
    pub event: EventRef<'a>,
}

/// Whether `block_type` is an event block with a V1 (22-byte) header.
pub(crate) fn is_v1(block_type: u32) -> bool {
    matches!(
        block_type,
        block_type::EVENT | block_type::EVENT_OLD | block_type::EVENT_FLAGS
    )
}

/// Whether `block_type` is any kind of event block.
pub(crate) fn is_event_block(block_type: u32) -> bool {
    is_v1(block_type)
        || matches!(
            block_type,
            block_type::EVENT_V2
                | block_type::EVENT_FLAGS_V2
                | block_type::EVENT_V2_LARGE
                | block_type::EVENT_FLAGS_V2_LARGE
        )
}

/// Splits an event block body into cpu, flags and the event area.
#[inline]
fn split_body(
    block_type: u32,
    mut body: Cursor<'_>,
) -> Result<(u16, Option<u32>, Cursor<'_>), Error> {
    let cpu = body.u16("cpuid")?;
    let with_flags = matches!(
        block_type,
        block_type::EVENT_FLAGS | block_type::EVENT_FLAGS_V2 | block_type::EVENT_FLAGS_V2_LARGE
    );
    let flags = if with_flags {
        Some(body.u32("dump_flags")?)
    } else {
        None
    };
    Ok((cpu, flags, body))
}

impl<'a> EventBlock<'a> {
    /// Parses a V2 event block; the event borrows the block.
    #[inline]
    pub(crate) fn parse_v2(block_type: u32, body: Cursor<'a>) -> Result<Self, Error> {
        let (cpu, flags, area) = split_body(block_type, body)?;
        Ok(EventBlock {
            cpu,
            flags,
            upgraded_from_v1: false,
            event: checked_event(area.rest(), &area)?,
        })
    }

    /// Parses a V1 event block whose event was already upgraded into `upgraded`.
    pub(crate) fn parse_v1(
        block_type: u32,
        body: Cursor<'a>,
        upgraded: &'a [u8],
    ) -> Result<Self, Error> {
        let (cpu, flags, area) = split_body(block_type, body)?;
        Ok(EventBlock {
            cpu,
            flags,
            upgraded_from_v1: true,
            event: checked_event(upgraded, &area)?,
        })
    }
}

/// Upgrades the event of a V1 event block to the current layout.
pub(crate) fn upgrade_v1_block(block_type: u32, body: Cursor<'_>) -> Result<Vec<u8>, Error> {
    let (_, _, area) = split_body(block_type, body)?;
    upgrade_v1(area)
}

/// Validates the event at the start of `bytes`; errors are placed at `at`.
#[inline]
fn checked_event<'a>(bytes: &'a [u8], at: &Cursor<'_>) -> Result<EventRef<'a>, Error> {
    EventRef::parse(bytes).map_err(|e| {
        let code = bytes
            .get(20..22)
            .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]));
        let nparams = bytes
            .get(22..26)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        at.error(match e {
            driver::Error::BadEventLength { len, .. } => ErrorKind::BadEventLength { len },
            driver::Error::Truncated { what: "event", .. } => ErrorKind::BadEventLength {
                len: bytes
                    .get(16..20)
                    .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            },
            driver::Error::Truncated {
                what: "event header",
                ..
            } => ErrorKind::FieldOverrun {
                field: "event header",
            },
            _ => ErrorKind::BadEventParams { code, nparams },
        })
    })
}

fn le_u16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Converts a V1 event (22-byte header) into the current layout, inferring
/// `nparams` from the lengths as libscap does.
fn upgrade_v1(body: Cursor<'_>) -> Result<Vec<u8>, Error> {
    let mut cur = body.clone();
    let head = cur.bytes(HEADER_V1_LEN, "event header")?;
    let v1_len = le_u32(head, 16);
    let code = le_u16(head, 20);
    let available = HEADER_V1_LEN + cur.remaining();
    let mut len = usize::try_from(v1_len).unwrap_or(usize::MAX);
    if len < HEADER_V1_LEN || len > available {
        return Err(body.error(ErrorKind::BadEventLength { len: v1_len }));
    }
    if matches!(code, NOTIFICATION_E | INFRASTRUCTURE_EVENT_E) && len >= HEADER_V1_LEN + 3 {
        len -= 3;
    }
    let mut all = body.clone();
    let event = all.bytes(len, "event")?;
    let nparams = infer_nparams(event, code)
        .ok_or_else(|| body.error(ErrorKind::BadEventParams { code, nparams: 0 }))?;
    let new_len = u32::try_from(len + 4).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(len + 4);
    out.extend_from_slice(&event[..16]);
    out.extend_from_slice(&new_len.to_le_bytes());
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&nparams.to_le_bytes());
    out.extend_from_slice(&event[HEADER_V1_LEN..]);
    Ok(out)
}

/// libscap's rule: from the table's count down, the first `n` whose data ends
/// exactly at `len` wins; data ending before `len` means corruption.
fn infer_nparams(event: &[u8], code: u16) -> Option<u32> {
    let end = event.len() as u64;
    let max = driver::event_info(code).map_or(0, |info| info.params.len());
    for n in (0..=max).rev() {
        let data_at = (HEADER_V1_LEN + 2 * n) as u64;
        if data_at > end {
            continue;
        }
        let data_len: u64 = (0..n)
            .map(|i| u64::from(le_u16(event, HEADER_V1_LEN + 2 * i)))
            .sum();
        match (data_at + data_len).cmp(&end) {
            std::cmp::Ordering::Equal => return u32::try_from(n).ok(),
            std::cmp::Ordering::Less => return None,
            std::cmp::Ordering::Greater => {}
        }
    }
    None
}
