//! Synthetic fuzz seeds for the edge cases our own captures (`captures/`)
//! lack: every fd type, both PL tails, EVF and large blocks, large-payload
//! events, events with more params than the table, zero-length params and
//! unknown codes (written with our writer), V1 event blocks, a truncated
//! block and a bad block length (framed by hand here).
//!
//! The committed seeds must equal what this test generates; after an
//! intended writer change, rerun with `HARRIER_BLESS_SEEDS=1` to rewrite them.
//! The cuts of our own captures come from `fuzz/make_seeds.py`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use libcapture::meta::{
    l4proto, FdInfo, FdKind, GroupInfo, Interface, InterfaceAddr, MachineInfo, Snapshot,
    ThreadInfo, UserInfo,
};
use libcapture::scap::{
    block_type as bt, Block, ErrorKind, ScapFile, Writer, WriterOptions, FLAG_STATE_ONLY,
};

/// Encodes an event by hand with `width`-byte lengths (also layouts the table forbids).
fn event(code: u16, tid: u64, width: usize, params: &[&[u8]]) -> Vec<u8> {
    let data: usize = params.iter().map(|p| p.len()).sum();
    let len = 26 + width * params.len() + data;
    let mut out = Vec::new();
    out.extend_from_slice(&1_700_000_000_000_000_000u64.to_le_bytes());
    out.extend_from_slice(&tid.to_le_bytes());
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&(params.len() as u32).to_le_bytes());
    for p in params {
        out.extend_from_slice(&(p.len() as u32).to_le_bytes()[..width]);
    }
    for p in params {
        out.extend_from_slice(p);
    }
    out
}

fn named(fd: i64, kind: FdKind) -> FdInfo {
    FdInfo {
        fd,
        ino: 1000 + fd as u64,
        kind,
    }
}

fn snapshot() -> Snapshot {
    let name = |s: &str| s.to_string();
    let fds = vec![
        named(
            0,
            FdKind::File {
                path: name("/dev/null"),
                open_flags: 3,
                dev: 5,
            },
        ),
        named(1, FdKind::Directory { path: name("/tmp") }),
        named(
            2,
            FdKind::Ipv4Socket {
                src_ip: Ipv4Addr::new(10, 0, 0, 1),
                dst_ip: Ipv4Addr::new(10, 0, 0, 2),
                src_port: 40000,
                dst_port: 443,
                l4proto: l4proto::TCP,
            },
        ),
        named(
            3,
            FdKind::Ipv6Socket {
                src_ip: Ipv6Addr::LOCALHOST,
                dst_ip: Ipv6Addr::LOCALHOST,
                src_port: 1,
                dst_port: 2,
                l4proto: l4proto::UDP,
            },
        ),
        named(
            4,
            FdKind::Ipv4ServerSocket {
                ip: Ipv4Addr::UNSPECIFIED,
                port: 22,
                l4proto: l4proto::TCP,
            },
        ),
        named(
            5,
            FdKind::Ipv6ServerSocket {
                ip: Ipv6Addr::UNSPECIFIED,
                port: 80,
                l4proto: l4proto::TCP,
            },
        ),
        named(
            6,
            FdKind::UnixSocket {
                source: 0xffff_8880_0000_1000,
                dest: 0,
                path: name("/run/x.sock"),
            },
        ),
        named(
            7,
            FdKind::Fifo {
                name: name("pipe:[1]"),
            },
        ),
        named(
            8,
            FdKind::EventFd {
                name: name("anon_inode:[eventfd]"),
            },
        ),
        named(
            9,
            FdKind::SignalFd {
                name: name("anon_inode:[signalfd]"),
            },
        ),
        named(
            10,
            FdKind::EventPoll {
                name: name("anon_inode:[eventpoll]"),
            },
        ),
        named(
            11,
            FdKind::Inotify {
                name: name("anon_inode:inotify"),
            },
        ),
        named(
            12,
            FdKind::TimerFd {
                name: name("anon_inode:[timerfd]"),
            },
        ),
        named(
            13,
            FdKind::Netlink {
                name: name("socket:[2]"),
            },
        ),
        named(
            14,
            FdKind::Bpf {
                name: name("anon_inode:bpf-map"),
            },
        ),
        named(
            15,
            FdKind::UserFaultFd {
                name: name("anon_inode:[userfaultfd]"),
            },
        ),
        named(
            16,
            FdKind::IoUring {
                name: name("anon_inode:[io_uring]"),
            },
        ),
        named(
            17,
            FdKind::Memfd {
                name: name("/memfd:x (deleted)"),
            },
        ),
        named(
            18,
            FdKind::Pidfd {
                name: name("anon_inode:[pidfd]"),
            },
        ),
        named(
            19,
            FdKind::Unsupported {
                name: name("anon_inode:[perf_event]"),
            },
        ),
    ];
    Snapshot {
        machine: Some(MachineInfo {
            num_cpus: 2,
            memory_size_bytes: 24 << 30,
            max_pid: 0,
            hostname: name("seed-host"),
            boot_ts_epoch: 1_699_000_000_000_000_000,
            flags: 0,
        }),
        interfaces: vec![
            Interface {
                name: name("lo"),
                addr: InterfaceAddr::V4 {
                    addr: Ipv4Addr::LOCALHOST,
                    netmask: Ipv4Addr::new(255, 0, 0, 0),
                    broadcast: Ipv4Addr::UNSPECIFIED,
                },
                linkspeed: 0,
            },
            Interface {
                name: name("lo"),
                addr: InterfaceAddr::V6 {
                    addr: Ipv6Addr::LOCALHOST,
                    netmask: Ipv6Addr::from(u128::MAX),
                    broadcast: Ipv6Addr::UNSPECIFIED,
                },
                linkspeed: 1000,
            },
        ],
        users: vec![UserInfo {
            uid: 0,
            gid: 0,
            name: name("root"),
            homedir: name("/root"),
            shell: name("/bin/sh"),
        }],
        groups: vec![GroupInfo {
            gid: 0,
            name: name("root"),
        }],
        threads: vec![ThreadInfo {
            tid: 42,
            pid: 42,
            ptid: 1,
            sid: 42,
            vpgid: 42,
            pgid: 42,
            comm: name("seed"),
            exe: name("/usr/bin/seed"),
            exepath: name("/usr/bin/seed"),
            args: vec![name("-v"), name("")],
            cwd: name("/"),
            fdlimit: 1024,
            uid: 1000,
            gid: 1000,
            env: vec![name("HOME=/root")],
            vtid: 1,
            vpid: 1,
            cgroups: vec![(name("cpu"), name("/user.slice"))],
            root: name("/"),
            loginuid: 1000,
            exe_writable: true,
            cap_effective: 1 << 21,
            tty: 34816,
            exe_ino: 77,
            exe_from_memfd: true,
            fds,
            ..ThreadInfo::default()
        }],
    }
}

fn events() -> Vec<(u32, Vec<u8>)> {
    vec![
        // OPEN_X with zero-length params.
        (
            0,
            event(3, 42, 2, &[&3i64.to_le_bytes(), b"", b"", b"", b"", b""]),
        ),
        // CLOSE_X with a parameter more than the table declares.
        (
            0,
            event(
                5,
                42,
                2,
                &[&0i64.to_le_bytes(), &3i64.to_le_bytes(), b"extra"],
            ),
        ),
        // A state-only event in an EVF block.
        (
            FLAG_STATE_ONLY,
            event(9, 42, 2, &[&2i64.to_le_bytes(), b"hi"]),
        ),
        // PLUGINEVENT_E: large payload, u32 lengths.
        (
            0,
            event(322, u64::MAX, 4, &[&1u32.to_le_bytes(), b"plugin data"]),
        ),
        // A code beyond the table.
        (0, event(500, 42, 2, &[b"future"])),
    ]
}

fn generate(options: WriterOptions) -> Vec<u8> {
    let mut writer = Writer::with_options(Vec::new(), options).unwrap();
    writer.write_snapshot(&snapshot()).unwrap();
    for (flags, bytes) in events() {
        writer.write_event_bytes(0, flags, &bytes).unwrap();
    }
    writer.finish().unwrap()
}

fn seed_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds/scap_reader")
        .join(name)
}

/// Fails unless the committed seed `name` equals `bytes` (rewrites it first
/// under `HARRIER_BLESS_SEEDS`).
fn check_committed(name: &str, bytes: &[u8]) {
    let path = seed_path(name);
    if std::env::var_os("HARRIER_BLESS_SEEDS").is_some() {
        std::fs::write(&path, bytes).unwrap();
    }
    let committed = std::fs::read(&path).unwrap();
    assert!(
        committed == bytes,
        "{name} is stale: rerun with HARRIER_BLESS_SEEDS=1"
    );
}

/// Frames `body` as a block: type, total length, body padded to 4, trailer.
fn block(block_type: u32, body: &[u8]) -> Vec<u8> {
    let padded = body.len().next_multiple_of(4);
    let total = (12 + padded) as u32;
    let mut out = Vec::new();
    out.extend_from_slice(&block_type.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(body);
    out.resize(8 + padded, 0);
    out.extend_from_slice(&total.to_le_bytes());
    out
}

/// A V1 (22-byte header, u16 lengths) `CLOSE_E` event for fd `fd`.
fn v1_close_enter(fd: i64) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&1_700_000_000_000_000_000u64.to_le_bytes());
    out.extend_from_slice(&42u64.to_le_bytes());
    out.extend_from_slice(&(22u32 + 2 + 8).to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&8u16.to_le_bytes());
    out.extend_from_slice(&fd.to_le_bytes());
    out
}

/// An event block body: cpu id, dump flags if any, the event.
fn event_body(cpu: u16, flags: Option<u32>, event: &[u8]) -> Vec<u8> {
    let mut out = cpu.to_le_bytes().to_vec();
    if let Some(flags) = flags {
        out.extend_from_slice(&flags.to_le_bytes());
    }
    out.extend_from_slice(event);
    out
}

/// A section header (from the writer), then the blocks given.
fn section_with(blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Writer::new(Vec::new()).unwrap().finish().unwrap();
    for b in blocks {
        out.extend_from_slice(b);
    }
    out
}

/// A V2 `CLOSE_E` event for fd 3.
fn v2_close_enter() -> Vec<u8> {
    event(4, 42, 2, &[&3i64.to_le_bytes()])
}

/// [`v2_close_enter`] in an event block.
fn v2_block() -> Vec<u8> {
    block(bt::EVENT_V2, &event_body(0, None, &v2_close_enter()))
}

#[test]
fn v1_event_seed_is_current_and_upgrades() {
    let bytes = section_with(&[
        block(bt::EVENT, &event_body(1, None, &v1_close_enter(7))),
        block(
            bt::EVENT_FLAGS,
            &event_body(1, Some(FLAG_STATE_ONLY), &v1_close_enter(8)),
        ),
    ]);
    check_committed("synthetic_v1_events.scap", &bytes);
    let events: Vec<_> = ScapFile::from_bytes(bytes)
        .events()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.cpu,
                e.flags,
                e.event.nparams(),
                e.event.param_bytes(0).map(<[u8]>::to_vec),
            )
        })
        .collect();
    assert_eq!(
        events,
        vec![
            (1, None, 1, Some(7i64.to_le_bytes().to_vec())),
            (
                1,
                Some(FLAG_STATE_ONLY),
                1,
                Some(8i64.to_le_bytes().to_vec())
            ),
        ]
    );
}

#[test]
fn damaged_seeds_are_current_and_fail_where_cut() {
    let good = v2_block();
    let mut truncated = v2_block();
    truncated.truncate(good.len() - 6);
    let mut short = v2_block();
    short[4..8].copy_from_slice(&8u32.to_le_bytes());
    let after_good = 28 + good.len() as u64;
    let cases = [
        (
            "damaged_truncated_block.scap",
            truncated,
            ErrorKind::Truncated {
                needed: good.len() as u64,
                available: good.len() as u64 - 6,
            },
        ),
        (
            "damaged_block_length.scap",
            short,
            ErrorKind::BadBlockLength { length: 8 },
        ),
    ];
    for (name, damaged, kind) in cases {
        let bytes = section_with(&[good.clone(), damaged]);
        check_committed(name, &bytes);
        let file = ScapFile::from_bytes(bytes);
        let results: Vec<_> = file.events().collect();
        assert_eq!(results.len(), 2, "{name}");
        assert_eq!(
            results[0].as_ref().unwrap().event.as_bytes(),
            v2_close_enter(),
            "{name}"
        );
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(
            (err.offset, err.block_type, err.kind),
            (after_good, Some(bt::EVENT_V2), kind),
            "{name}"
        );
    }
}

#[test]
fn synthetic_seeds_are_current_and_read_back() {
    let modern = WriterOptions {
        legacy_fd_types: false,
        ..WriterOptions::default()
    };
    let legacy = WriterOptions {
        legacy_proc_tail: true,
        ..WriterOptions::default()
    };
    for (name, options) in [
        ("synthetic_modern.scap", modern),
        ("synthetic_legacy.scap", legacy),
    ] {
        let bytes = generate(options);
        check_committed(name, &bytes);

        let file = ScapFile::from_bytes(bytes);
        let snap = file.snapshot().unwrap();
        let expected = snapshot();
        assert_eq!(snap.machine, expected.machine);
        assert_eq!(snap.interfaces, expected.interfaces);
        assert_eq!(
            (&snap.users, &snap.groups),
            (&expected.users, &expected.groups)
        );
        let (got, want) = (&snap.threads[0], &expected.threads[0]);
        assert_eq!(
            (got.loginuid, got.cap_effective, got.exe_writable),
            (1000, 1 << 21, true)
        );
        if options.legacy_proc_tail {
            // The legacy tail cannot carry these.
            assert_eq!((got.tty, got.exe_ino, got.pgid), (0, 0, -1));
            // 0.29.3-compatible fd types: bpf … pidfd became "unsupported".
            assert!(matches!(got.fds[14].kind, FdKind::Unsupported { .. }));
        } else {
            assert_eq!(got, want);
        }
        let flags: Vec<Option<u32>> = file.events().map(|e| e.unwrap().flags).collect();
        assert_eq!(flags, vec![None, None, Some(FLAG_STATE_ONLY), None, None]);
        let large = file.events().nth(3).unwrap().unwrap();
        assert_eq!(large.event.param_bytes(1), Some(&b"plugin data"[..]));
        assert!(file
            .blocks()
            .all(|b| !matches!(b, Ok(Block::Unknown(_)) | Err(_))));
    }
}
