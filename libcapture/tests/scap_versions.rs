//! Block versions no real capture in §6 uses (PL v1–v4, IL types 3/4, EVF
//! v1, 2014 pre-release aliases), built byte by byte from the spec tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::Ipv4Addr;

use libcapture::meta::InterfaceAddr;
use libcapture::scap::{block_type, Block, ScapFile};

fn frame(block_type: u32, body: &[u8]) -> Vec<u8> {
    let padded = (body.len() + 3) & !3;
    let total = (8 + padded + 4) as u32;
    let mut out = Vec::new();
    out.extend_from_slice(&block_type.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(body);
    out.resize(8 + padded, 0);
    out.extend_from_slice(&total.to_le_bytes());
    out
}

fn shb() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&(-1i64).to_le_bytes());
    frame(block_type::SECTION_HEADER, &body)
}

fn lstr(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u16).to_le_bytes());
    out.extend_from_slice(s);
}

/// One PL entry of version `v` (1–8: no entry length) for tid 7.
fn pl_entry(v: u8) -> Vec<u8> {
    let mut e = Vec::new();
    for x in [7u64, 7, 1] {
        e.extend_from_slice(&x.to_le_bytes());
    }
    if v >= 6 {
        e.extend_from_slice(&70i64.to_le_bytes()); // sid
    }
    if v >= 8 {
        e.extend_from_slice(&71i64.to_le_bytes()); // vpgid
    }
    lstr(&mut e, b"cat");
    lstr(&mut e, b"/bin/cat");
    if v >= 7 {
        lstr(&mut e, b"/usr/bin/cat");
    }
    lstr(&mut e, b"a\0b\0");
    lstr(&mut e, b"/root");
    e.extend_from_slice(&1024u64.to_le_bytes());
    for x in [0u32, 1000, 1001] {
        e.extend_from_slice(&x.to_le_bytes());
    }
    if v >= 2 {
        for x in [10u32, 11, 12] {
            e.extend_from_slice(&x.to_le_bytes());
        }
        e.extend_from_slice(&13u64.to_le_bytes());
        e.extend_from_slice(&14u64.to_le_bytes());
    }
    if v >= 3 {
        lstr(&mut e, b"HOME=/root\0");
    }
    if v >= 4 {
        e.extend_from_slice(&2i64.to_le_bytes());
        e.extend_from_slice(&3i64.to_le_bytes());
        lstr(&mut e, b"cpu=/x\0");
    }
    if v >= 5 {
        lstr(&mut e, b"/");
    }
    e
}

/// A V1 GENERIC_E event (22-byte header) with its two params.
fn v1_generic_e() -> Vec<u8> {
    let mut e = Vec::new();
    e.extend_from_slice(&5u64.to_le_bytes());
    e.extend_from_slice(&7u64.to_le_bytes());
    e.extend_from_slice(&(22u32 + 4 + 4).to_le_bytes());
    e.extend_from_slice(&0u16.to_le_bytes());
    e.extend_from_slice(&2u16.to_le_bytes());
    e.extend_from_slice(&2u16.to_le_bytes());
    e.extend_from_slice(&5u16.to_le_bytes());
    e.extend_from_slice(&221u16.to_le_bytes());
    e
}

#[test]
fn process_lists_v1_to_v8_and_their_aliases() {
    let codes = [
        (1, block_type::PROC_LIST_V1),
        (1, block_type::PROC_LIST_V1_OLD),
        (2, block_type::PROC_LIST_V2),
        (2, block_type::PROC_LIST_V2_OLD),
        (3, block_type::PROC_LIST_V3),
        (3, block_type::PROC_LIST_V3_OLD),
        (4, block_type::PROC_LIST_V4),
        (5, block_type::PROC_LIST_V5),
        (6, block_type::PROC_LIST_V6),
        (7, block_type::PROC_LIST_V7),
        (8, block_type::PROC_LIST_V8),
    ];
    for (v, code) in codes {
        let mut body = pl_entry(v);
        body.extend(pl_entry(v));
        let mut data = shb();
        data.extend(frame(code, &body));
        let file = ScapFile::from_bytes(data);
        let snap = file.snapshot().unwrap();
        assert_eq!(snap.threads.len(), 1, "v{v}: same tid twice is one thread");
        let t = &snap.threads[0];
        assert_eq!(
            (t.tid, t.comm.as_str(), t.uid, t.gid),
            (7, "cat", 1000, 1001),
            "v{v}"
        );
        assert_eq!(t.args, ["a", "b"]);
        assert_eq!(t.sid, if v >= 6 { 70 } else { -1 }, "v{v}");
        assert_eq!(t.vpgid, if v >= 8 { 71 } else { -1 }, "v{v}");
        assert_eq!(t.exepath, if v >= 7 { "/usr/bin/cat" } else { "" }, "v{v}");
        assert_eq!(t.vmrss_kb, if v >= 2 { 11 } else { 0 }, "v{v}");
        assert_eq!(t.env.len(), usize::from(v >= 3), "v{v}");
        assert_eq!(
            (t.vtid, t.cgroups.len()),
            if v >= 4 { (2, 1) } else { (-1, 0) },
            "v{v}"
        );
        assert_eq!(t.root, if v >= 5 { "/" } else { "" }, "v{v}");
        let Some(Ok(Block::ProcList(pl))) = file.blocks().nth(1) else {
            panic!()
        };
        assert_eq!(pl.version(), v);
    }
}

#[test]
fn interface_types_without_link_speed_and_v1_user_lists() {
    let mut il = Vec::new();
    // Type 3: IPv4 without link speed.
    il.extend_from_slice(&3u16.to_le_bytes());
    il.extend_from_slice(&4u16.to_le_bytes());
    il.extend_from_slice(&[192, 168, 0, 1, 255, 255, 255, 0, 192, 168, 0, 255]);
    il.extend_from_slice(b"eth0");
    // Type 4: IPv6 without link speed.
    il.extend_from_slice(&4u16.to_le_bytes());
    il.extend_from_slice(&2u16.to_le_bytes());
    il.extend_from_slice(&[0u8; 48]);
    il.extend_from_slice(b"lo");
    let mut ul = vec![0u8];
    ul.extend_from_slice(&0u32.to_le_bytes());
    ul.extend_from_slice(&0u32.to_le_bytes());
    for s in [&b"root"[..], b"/root", b"/bin/bash"] {
        lstr(&mut ul, s);
    }
    ul.push(1);
    ul.extend_from_slice(&4u32.to_le_bytes());
    lstr(&mut ul, b"adm");
    let mut data = shb();
    data.extend(frame(block_type::INTERFACE_LIST_OLD, &il));
    data.extend(frame(block_type::USER_LIST_OLD, &ul));
    let snap = ScapFile::from_bytes(data).snapshot().unwrap();
    assert_eq!(snap.interfaces.len(), 2);
    assert_eq!(snap.interfaces[0].name, "eth0");
    assert_eq!(
        snap.interfaces[0].addr,
        InterfaceAddr::V4 {
            addr: Ipv4Addr::new(192, 168, 0, 1),
            netmask: Ipv4Addr::new(255, 255, 255, 0),
            broadcast: Ipv4Addr::new(192, 168, 0, 255),
        }
    );
    assert!(matches!(snap.interfaces[1].addr, InterfaceAddr::V6 { .. }));
    assert_eq!(snap.users[0].shell, "/bin/bash");
    assert_eq!(
        (snap.groups[0].gid, snap.groups[0].name.as_str()),
        (4, "adm")
    );
}

#[test]
fn v1_event_blocks_with_flags_and_the_old_alias() {
    let mut evf = 3u16.to_le_bytes().to_vec();
    evf.extend_from_slice(&1u32.to_le_bytes());
    evf.extend(v1_generic_e());
    let mut ev = 1u16.to_le_bytes().to_vec();
    ev.extend(v1_generic_e());
    let mut data = shb();
    data.extend(frame(block_type::EVENT_FLAGS, &evf));
    data.extend(frame(block_type::EVENT_OLD, &ev));
    let file = ScapFile::from_bytes(data);
    let events: Vec<_> = file.events().map(Result::unwrap).collect();
    assert_eq!(events.len(), 2);
    assert_eq!((events[0].cpu, events[0].flags), (3, Some(1)));
    assert_eq!((events[1].cpu, events[1].flags), (1, None));
    for e in &events {
        assert!(e.upgraded_from_v1);
        assert_eq!(e.event.nparams(), 2);
        assert_eq!(e.event.len(), 34);
        assert_eq!(e.event.param_bytes(1), Some(&221u16.to_le_bytes()[..]));
    }
}
