use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::*;
use crate::table::{event_info, EventCode};

/// One representative non-empty value per type (None has no value).
fn sample(ty: ParamType) -> Option<ParamValue<'static>> {
    use ParamType as T;
    use ParamValue as V;
    let v6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 3, 0x1234);
    Some(match ty {
        T::None => return None,
        T::Int8 => V::Int(-5),
        T::Int16 => V::Int(-300),
        T::Int32 => V::Int(-70_000),
        T::Int64 => V::Int(i64::MIN),
        T::Uint8 => V::Uint(200),
        T::Uint16 => V::Uint(60_000),
        T::Uint32 => V::Uint(4_000_000_000),
        T::Uint64 => V::Uint(u64::MAX),
        T::CharBuf | T::FsPath | T::FsRelPath => V::Str(b"/etc/shadow"),
        T::ByteBuf => V::Bytes(b"\x00\x01binary\xff"),
        T::CharBufArray | T::CharBufPairArray => V::StrArray(b"a\0bc\0"),
        T::Errno => V::Errno(-2),
        T::SockAddr => V::SockAddr(SockAddr::Inet6 {
            addr: v6,
            port: 4660,
        }),
        T::SockTuple => V::SockTuple(SockTuple::Inet {
            src: Ipv4Addr::new(10, 0, 0, 1),
            sport: 40000,
            dst: Ipv4Addr::new(1, 1, 1, 1),
            dport: 53,
        }),
        T::Fd | T::Fd32 => V::Fd(-100),
        T::Pid | T::Pid32 => V::Pid(4242),
        T::FdList => {
            let mut b = Vec::new();
            FdList::encode_entries(&[(4, 1), (-1, 32)], &mut b).unwrap();
            V::FdList(FdList::decode(Box::leak(b.into_boxed_slice())).unwrap())
        }
        T::SyscallId => V::SyscallId(139),
        T::SigType => V::Signal(9),
        T::RelTime => V::RelTime(1_500_000_000),
        T::AbsTime => V::AbsTime(1_700_000_000_123_456_789),
        T::Port => V::Port(443),
        T::L4Proto => V::L4Proto(6),
        T::SockFamily => V::SockFamily(2),
        T::Bool => V::Bool(true),
        T::Ipv4Addr => V::Ip(IpAddr::V4(Ipv4Addr::new(192, 168, 1, 7))),
        T::Ipv6Addr | T::IpAddr => V::Ip(IpAddr::V6(v6)),
        T::Ipv4Net => V::Net {
            addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)),
            mask: IpAddr::V4(Ipv4Addr::new(255, 0, 0, 0)),
        },
        T::Ipv6Net | T::IpNet => V::Net {
            addr: IpAddr::V6(v6),
            mask: IpAddr::V6(Ipv6Addr::from(u128::MAX << 64)),
        },
        T::Dyn => V::Dyn {
            index: 2,
            bytes: &[1, 0, 0, 0],
        },
        T::Flags8 => V::Flags(0x81),
        T::Flags16 => V::Flags(0x8001),
        T::Flags32 => V::Flags(0x1001),
        T::EnumFlags8 => V::EnumFlags(3),
        T::EnumFlags16 => V::EnumFlags(11),
        T::EnumFlags32 => V::EnumFlags(10),
        T::Uid => V::Uid(u32::MAX),
        T::Gid => V::Gid(1000),
        T::Double => V::Double(-1.25),
        T::SigSet => V::SigSet(0x4002),
        T::Mode => V::Mode(0o4755),
    })
}

#[test]
fn every_type_round_trips() {
    for ty in ParamType::ALL {
        let Some(v) = sample(ty) else { continue };
        let mut buf = Vec::new();
        encode(ty, &v, &mut buf).unwrap_or_else(|e| panic!("{ty:?}: {e}"));
        assert!(!buf.is_empty(), "{ty:?}");
        if let Some(w) = ty.fixed_width() {
            assert_eq!(buf.len(), w, "{ty:?}");
        }
        assert_eq!(decode(ty, &buf).unwrap(), v, "{ty:?} from {buf:02x?}");
    }
}

#[test]
fn empty_decodes_to_empty_for_every_type_and_encodes_to_nothing() {
    for ty in ParamType::ALL {
        assert_eq!(decode(ty, &[]).unwrap(), ParamValue::Empty, "{ty:?}");
        let mut buf = Vec::new();
        encode(ty, &ParamValue::Empty, &mut buf).unwrap();
        assert!(buf.is_empty());
    }
}

#[test]
fn legacy_null_string_is_null() {
    for ty in [ParamType::CharBuf, ParamType::FsPath, ParamType::FsRelPath] {
        assert_eq!(decode(ty, b"(NULL)\0").unwrap(), ParamValue::Null);
        assert_eq!(decode(ty, b"(NULL)").unwrap(), ParamValue::Null);
        let mut buf = Vec::new();
        encode(ty, &ParamValue::Null, &mut buf).unwrap();
        assert_eq!(buf, LEGACY_NULL);
    }
    assert_eq!(
        decode(ParamType::ByteBuf, b"(NULL)\0").unwrap(),
        ParamValue::Bytes(b"(NULL)\0")
    );
}

#[test]
fn strings_stop_at_the_first_nul_and_survive_missing_terminators() {
    assert_eq!(
        decode(ParamType::CharBuf, b"abc\0junk").unwrap(),
        ParamValue::Str(b"abc")
    );
    assert_eq!(
        decode(ParamType::CharBuf, b"abc").unwrap(),
        ParamValue::Str(b"abc")
    );
    let mut buf = Vec::new();
    encode(ParamType::CharBuf, &ParamValue::Str(b"abc"), &mut buf).unwrap();
    assert_eq!(buf, b"abc\0");
}

#[test]
fn fixed_width_types_reject_other_lengths() {
    for ty in ParamType::ALL {
        let Some(w) = ty.fixed_width() else { continue };
        for len in [w - 1, w + 1] {
            if len == 0 {
                continue;
            }
            let err = decode(ty, &vec![0u8; len]).unwrap_err();
            assert!(
                matches!(err, Error::BadParamWidth { .. }),
                "{ty:?} len {len}: {err}"
            );
        }
    }
}

#[test]
fn sockaddr_families_match_the_spec_examples() {
    // spec §2.3: bind SOCKADDR 0a 20010db8…03 d204 → [2001:db8::3]:1234
    let mut b = vec![10u8];
    b.extend_from_slice(&Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 3).octets());
    b.extend_from_slice(&[0xd2, 0x04]);
    assert_eq!(
        SockAddr::decode(&b).unwrap(),
        SockAddr::Inet6 {
            addr: "2001:db8::3".parse().unwrap(),
            port: 1234
        }
    );
    assert_eq!(
        SockAddr::decode(b"\x01/run/x\0").unwrap(),
        SockAddr::Unix(b"/run/x")
    );
    assert_eq!(
        SockAddr::decode(&[16]).unwrap(),
        SockAddr::Other {
            family: 16,
            rest: &[]
        }
    );
    assert!(SockAddr::decode(&[2, 1, 2, 3]).is_err());
    assert!(SockAddr::decode(&[10; 10]).is_err());
}

#[test]
fn unix_socktuple_carries_endpoints_and_path() {
    let t = SockTuple::Unix {
        src: 0,
        dst: 0xffff_94dc_817b_9400,
        path: b"/var/run/nscd/socket",
    };
    let mut b = Vec::new();
    t.encode(&mut b);
    assert_eq!(b.len(), 1 + 16 + 21);
    assert_eq!(SockTuple::decode(&b).unwrap(), t);
    assert!(SockTuple::decode(&b[..10]).is_err());
    assert!(SockTuple::decode(&[2; 12]).is_err());
    assert!(SockTuple::decode(&[10; 36]).is_err());
}

#[test]
fn fdlist_validates_its_count() {
    // spec §2.3: poll FDLIST 01 00 | 04 00…00 | 04 00 → fd 4, POLLOUT
    let b = [1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0];
    let l = FdList::decode(&b).unwrap();
    assert_eq!(l.iter().collect::<Vec<_>>(), vec![(4, 4)]);
    assert!(FdList::decode(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0]).is_err());
    assert!(FdList::decode(&[0xff, 0xff]).is_err());
    assert!(FdList::decode(&[1]).is_err());
    assert!(FdList::decode(&[0, 0]).unwrap().is_empty());
}

#[test]
fn dyn_values_resolve_through_the_table() {
    let setsockopt = event_info(EventCode::SETSOCKOPT_X.0).unwrap();
    let val = &setsockopt.params[4];
    assert_eq!(
        decode_param(val, &[2, 7, 0, 0, 0]).unwrap(),
        ParamValue::Uint(7)
    );
    assert_eq!(
        decode_param(val, &[1, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).unwrap(),
        ParamValue::Errno(-2)
    );
    assert_eq!(
        decode_param(val, &[0, 1, 2]).unwrap(),
        ParamValue::Bytes(&[1, 2])
    );
    assert!(decode_param(val, &[9, 0]).is_err(), "selector out of range");
    assert!(
        decode_param(val, &[2, 7]).is_err(),
        "u32 alternative with 1 byte"
    );
    let ptrace = event_info(EventCode::PTRACE_X.0).unwrap();
    let ParamExtra::Dyn(alts) = ptrace.params[1].info else {
        panic!("ptrace addr is not dyn")
    };
    let mut b = Vec::new();
    encode_dyn(alts, 1, &ParamValue::Signal(9), &mut b).unwrap();
    assert_eq!(b, [1, 9]);
}

#[test]
fn encode_rejects_mismatched_values_and_out_of_range_integers() {
    let mut b = Vec::new();
    assert!(encode(ParamType::Fd, &ParamValue::Str(b"x"), &mut b).is_err());
    assert!(encode(ParamType::Int8, &ParamValue::Int(200), &mut b).is_err());
    assert!(encode(ParamType::Uint16, &ParamValue::Uint(70_000), &mut b).is_err());
    assert!(encode(ParamType::Fd32, &ParamValue::Fd(1 << 40), &mut b).is_err());
    assert!(encode(
        ParamType::Ipv4Addr,
        &ParamValue::Ip("::1".parse().unwrap()),
        &mut b
    )
    .is_err());
    assert!(encode(ParamType::None, &ParamValue::Uint(0), &mut b).is_err());
    assert!(b.is_empty(), "failed encodes must not write: {b:?}");
}

#[test]
fn accessors_expose_numbers_and_bytes() {
    assert_eq!(ParamValue::Fd(3).as_i64(), Some(3));
    assert_eq!(ParamValue::Flags(5).as_u64(), Some(5));
    assert_eq!(ParamValue::Uint(u64::MAX).as_i64(), None);
    assert_eq!(ParamValue::Str(b"x").as_bytes(), Some(&b"x"[..]));
    assert!(ParamValue::Null.is_missing());
}

#[test]
fn hostile_bytes_never_panic() {
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..20_000 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let len = (rng % 48) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|i| (rng >> (i % 8 * 8)) as u8 ^ i as u8)
            .collect();
        let ty = ParamType::ALL[round % ParamType::ALL.len()];
        let _ = decode(ty, &bytes);
    }
}
