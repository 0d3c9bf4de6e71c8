use super::*;
use crate::encode::EventBuilder;
use crate::header::HEADER_LEN;
use crate::param::{SockTuple, AF_INET};

fn openat_exit() -> Vec<u8> {
    let mut out = Vec::new();
    EventBuilder::new(EventCode::OPENAT_2_X, 1_700_000_000_000_000_000, 1234)
        .fd(3)
        .fd(-100)
        .relpath("/etc/passwd")
        .flags32(1 | 4096)
        .u32(0)
        .u32(0x803)
        .u64(42)
        .finish(&mut out)
        .unwrap();
    out
}

#[test]
fn parses_a_built_event() {
    let b = openat_exit();
    let ev = EventRef::parse(&b).unwrap();
    assert_eq!(
        (ev.ts(), ev.tid(), ev.code(), ev.nparams()),
        (1_700_000_000_000_000_000, 1234, EventCode::OPENAT_2_X, 7)
    );
    assert_eq!(ev.len(), b.len());
    assert_eq!(ev.info().unwrap().name, "openat");
    assert_eq!(ev.param_bytes(2), Some(&b"/etc/passwd\0"[..]));
    assert_eq!(
        ev.param(2).unwrap().unwrap(),
        ParamValue::Str(b"/etc/passwd")
    );
    assert_eq!(ev.param_by_name("fd").unwrap().unwrap(), ParamValue::Fd(3));
    assert_eq!(
        ev.param_by_name("flags").unwrap().unwrap(),
        ParamValue::Flags(4097)
    );
    assert_eq!(ev.param_bytes(7), None);
    assert_eq!(ev.params().count(), 7);
    assert_eq!(
        ev.params().map(<[u8]>::len).sum::<usize>() + HEADER_LEN + 7 * 2,
        b.len()
    );
}

#[test]
fn bytes_after_the_event_are_ignored() {
    let mut b = openat_exit();
    let len = b.len();
    b.extend_from_slice(&[0xAA; 9]);
    let ev = EventRef::parse(&b).unwrap();
    assert_eq!(ev.len(), len);
    assert_eq!(ev.as_bytes(), &b[..len]);
}

#[test]
fn fewer_params_than_the_table_are_fine() {
    // 0.29.3 wrote OPEN_E with 0 params and GENERIC_X with 1 (spec §6.4).
    let mut out = Vec::new();
    EventBuilder::new(EventCode::GENERIC_X, 5, 6)
        .syscall_id(139)
        .finish(&mut out)
        .unwrap();
    let ev = EventRef::parse(&out).unwrap();
    assert_eq!(ev.nparams(), 1);
    assert_eq!(ev.param(0).unwrap().unwrap(), ParamValue::SyscallId(139));
    assert!(ev.param(1).is_none());
}

#[test]
fn unknown_codes_parse_with_u16_lengths() {
    let mut b = openat_exit();
    b[20..22].copy_from_slice(&999u16.to_le_bytes());
    let ev = EventRef::parse(&b).unwrap();
    assert_eq!(ev.info(), None);
    assert_eq!(ev.param(0), None);
    assert_eq!(ev.param_bytes(0).map(<[u8]>::len), Some(8));
}

#[test]
fn large_payload_events_use_u32_lengths() {
    let data = vec![7u8; 70_000];
    let mut out = Vec::new();
    EventBuilder::new(EventCode::PLUGINEVENT_E, 1, u64::MAX)
        .u32(999)
        .bytes(&data)
        .finish(&mut out)
        .unwrap();
    assert_eq!(out.len(), HEADER_LEN + 2 * 4 + 4 + data.len());
    let ev = EventRef::parse(&out).unwrap();
    assert_eq!(ev.param_bytes(1).map(<[u8]>::len), Some(70_000));
    assert_eq!(ev.param(0).unwrap().unwrap(), ParamValue::Uint(999));
}

#[test]
fn socktuple_params_decode_in_place() {
    let t = SockTuple::Inet {
        src: [127, 0, 0, 1].into(),
        sport: 5555,
        dst: [127, 0, 0, 1].into(),
        dport: 80,
    };
    let mut out = Vec::new();
    EventBuilder::new(EventCode::CONNECT_X, 1, 2)
        .errno(-115)
        .socktuple(&t)
        .fd(4)
        .finish(&mut out)
        .unwrap();
    let ev = EventRef::parse(&out).unwrap();
    assert_eq!(ev.param(1).unwrap().unwrap(), ParamValue::SockTuple(t));
    assert_eq!(ev.param_bytes(1).unwrap()[0], AF_INET);
}

fn err_of(b: &[u8]) -> Error {
    EventRef::parse(b).unwrap_err()
}

#[test]
fn short_or_lying_headers_are_errors() {
    let b = openat_exit();
    assert!(matches!(
        err_of(&b[..10]),
        Error::Truncated {
            what: "event header",
            ..
        }
    ));
    let mut small = b.clone();
    small[16..20].copy_from_slice(&20u32.to_le_bytes());
    assert!(matches!(
        err_of(&small),
        Error::BadEventLength { len: 20, .. }
    ));
    let mut long = b.clone();
    long[16..20].copy_from_slice(&(b.len() as u32 + 1).to_le_bytes());
    assert!(matches!(
        err_of(&long),
        Error::Truncated { what: "event", .. }
    ));
    let mut huge = b.clone();
    huge[22..26].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        err_of(&huge),
        Error::Truncated {
            what: "parameter length array",
            ..
        }
    ));
}

#[test]
fn param_lengths_beyond_the_event_name_the_param_and_offset() {
    let mut b = openat_exit();
    // Parameter 2 (the path, 12 bytes) claims 400 bytes.
    b[HEADER_LEN + 4..HEADER_LEN + 6].copy_from_slice(&400u16.to_le_bytes());
    match err_of(&b) {
        Error::ParamOverflow {
            code: 307,
            index: 2,
            offset,
            len: 400,
            ..
        } => {
            assert_eq!(offset, HEADER_LEN + 7 * 2 + 16);
        }
        other => panic!("{other}"),
    }
    let msg = err_of(&b).to_string();
    assert!(
        msg.contains("parameter 2") && msg.contains("offset"),
        "{msg}"
    );
}

#[test]
fn hostile_bytes_never_panic() {
    let base = openat_exit();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for _ in 0..50_000 {
        let mut b = base.clone();
        // Flip a few bytes anywhere, sometimes cut the buffer.
        for _ in 0..(next() % 4 + 1) {
            let i = (next() as usize) % b.len();
            b[i] = next() as u8;
        }
        if next() % 3 == 0 {
            b.truncate((next() as usize) % b.len());
        }
        if let Ok(ev) = EventRef::parse(&b) {
            // Everything reachable from a parsed event stays in bounds.
            let total: usize = ev.params().map(<[u8]>::len).sum();
            assert!(total <= ev.len());
            for i in 0..ev.nparams().min(40) {
                assert!(ev.param_bytes(i).is_some());
                let _ = ev.param(i);
            }
        }
    }
    for len in 0..64 {
        let junk: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let _ = EventRef::parse(&junk);
    }
}
