//! The default syscall ruleset (`rules/default/harrier_rules.yaml`) loads
//! cleanly, stays quiet on benign captures, and fires on synthesised attacks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use driver::{EventBuilder, EventCode};
use engine::engine::Ruleset;
use engine::syscall::{Inspector, Limits, SyscallSource};
use libcapture::meta::{Snapshot, ThreadInfo, UserInfo};
use libcapture::scap::{Block, ScapFile};

mod support;
use support::shared;

fn rules_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/default/harrier_rules.yaml")
}

fn ruleset() -> Ruleset<SyscallSource> {
    let loaded = engine::rules::load_paths(&[rules_file()]).expect("read rules");
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let (set, diags) = Ruleset::compile(&loaded, &SyscallSource);
    assert!(diags.is_empty(), "{diags:?}");
    set
}

#[test]
fn default_rules_stay_quiet_on_benign_captures() {
    let set = ruleset();
    for rel in [
        "falco-regression/trace_files/empty.scap",
        "falco-regression/trace_files/cat_write.scap",
        "scap-samples/curl_google.scap",
    ] {
        let file = ScapFile::open(shared().join(rel)).expect("capture");
        let mut inspector = Inspector::from_snapshot(&file.snapshot().unwrap(), Limits::default());
        for block in file.blocks() {
            if let Block::Event(ev) = block.unwrap() {
                let evt = inspector.process(ev.event, ev.cpu, ev.flags);
                if let Some(alert) = set.process(&SyscallSource, &evt, "test") {
                    panic!("{rel}: {} fired: {}", alert.rule, alert.message);
                }
            }
        }
    }
}

fn thread(tid: u64, ptid: u64, comm: &str, uid: u32) -> ThreadInfo {
    ThreadInfo {
        tid,
        pid: tid,
        ptid,
        comm: comm.into(),
        exe: comm.into(),
        exepath: format!("/usr/bin/{comm}"),
        cwd: "/home/alice".into(),
        uid,
        gid: uid,
        ..ThreadInfo::default()
    }
}

fn snapshot() -> Snapshot {
    Snapshot {
        users: vec![
            UserInfo {
                uid: 0,
                gid: 0,
                name: "root".into(),
                homedir: "/root".into(),
                shell: "/bin/bash".into(),
            },
            UserInfo {
                uid: 1000,
                gid: 1000,
                name: "alice".into(),
                homedir: "/home/alice".into(),
                shell: "/bin/bash".into(),
            },
        ],
        threads: vec![
            thread(100, 1, "bash", 1000),
            thread(101, 100, "cat", 1000),
            thread(102, 100, "bash", 1000),
            thread(200, 1, "nginx", 33),
            thread(201, 200, "nginx", 33),
        ],
        ..Snapshot::default()
    }
}

fn open_exit(tid: u64, fd: i64, path: &str, flags: u32) -> Vec<u8> {
    let mut buf = Vec::new();
    EventBuilder::new(EventCode::OPEN_X, 1_000, tid)
        .fd(fd)
        .path(path)
        .flags32(flags)
        .u32(0)
        .u32(0)
        .u64(0)
        .finish(&mut buf)
        .unwrap();
    buf
}

fn execve_exit(tid: u64, ptid: u64, exe: &str, args: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    EventBuilder::new(EventCode::EXECVE_19_X, 2_000, tid)
        .errno(0)
        .str(exe)
        .bytes(args)
        .pid(tid as i64)
        .pid(tid as i64)
        .pid(ptid as i64)
        .str("/home/alice")
        .u64(1024)
        .u64(0)
        .u64(0)
        .u32(0)
        .u32(0)
        .u32(0)
        .str(exe)
        .finish(&mut buf)
        .unwrap();
    buf
}

/// The rule each synthesised event raises, if any.
fn fired(events: &[Vec<u8>]) -> Vec<Option<String>> {
    let set = ruleset();
    let mut inspector = Inspector::from_snapshot(&snapshot(), Limits::default());
    events
        .iter()
        .map(|bytes| {
            let evt = driver::EventRef::parse(bytes).unwrap();
            let evt = inspector.process(evt, 0, None);
            set.process(&SyscallSource, &evt, "test").map(|a| a.rule)
        })
        .collect()
}

#[test]
fn default_rules_fire_on_attacks() {
    let got = fired(&[
        open_exit(101, 3, "/etc/shadow", 1),
        open_exit(101, 4, "/etc/hosts", 1),
        open_exit(101, 5, "/etc/ld.so.preload", 2),
        open_exit(101, 6, "/usr/bin/ls", 3),
        execve_exit(102, 100, "nc", b"-lp\x004444\x00"),
        execve_exit(201, 200, "sh", b"-c\x00id\x00"),
    ]);
    let want = [
        Some("Sensitive File Read"),
        None,
        Some("Write Below Etc"),
        Some("Write Below Binary Directory"),
        Some("Network Tool Launched"),
        Some("Shell Spawned By Service"),
    ];
    let got: Vec<Option<&str>> = got.iter().map(Option::as_deref).collect();
    assert_eq!(got, want);
}
