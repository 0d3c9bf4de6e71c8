//! Inspection state over real captures: fds, threads, clone and exit, caps.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use engine::syscall::state::FdType;
use engine::syscall::{Inspector, Limits};
use libcapture::scap::{Block, ScapFile};

fn capture(rel: &str) -> PathBuf {
    std::env::var_os("HARRIER_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
        .join(rel)
}

/// Replays `rel`, calling `check` with each processed event's number and view.
fn replay(
    rel: &str,
    limits: Limits,
    mut check: impl FnMut(&engine::syscall::SyscallEvent<'_>),
) -> Inspector {
    let file = ScapFile::open(capture(rel)).expect("open capture");
    let mut inspector = Inspector::from_snapshot(&file.snapshot().expect("metadata"), limits);
    for block in file.blocks() {
        if let Block::Event(ev) = block.expect("block") {
            let evt = inspector.process(ev.event, ev.cpu, ev.flags);
            check(&evt);
        }
    }
    inspector
}

#[test]
fn opened_files_resolve_until_closed() {
    let mut seen_open = false;
    let mut seen_close = false;
    let mut after_close = None;
    replay(
        "falco-regression/trace_files/cat_write.scap",
        Limits::default(),
        |e| {
            if after_close == Some(e.meta.num) {
                // The close took effect once the next event arrived.
                assert!(
                    e.state.fd(20072, 3).is_none(),
                    "fd 3 still open after close"
                );
                after_close = None;
            }
            match (e.type_name(), e.evt.is_enter(), e.meta.num) {
                ("open", false, 141) => {
                    let fd = e.fd.expect("open's fd");
                    assert_eq!(fd.name, "/etc/ld.so.cache");
                    assert_eq!(fd.ty, FdType::File);
                    assert_eq!(
                        e.state.fd(20072, 3).map(|f| f.name.as_str()),
                        Some("/etc/ld.so.cache")
                    );
                    seen_open = true;
                }
                ("close", false, 147) => {
                    // The closing event still sees the fd, as sysdig's fields do.
                    assert_eq!(e.fd.map(|f| f.name.as_str()), Some("/etc/ld.so.cache"));
                    after_close = Some(148);
                    seen_close = true;
                }
                _ => {}
            }
        },
    );
    assert!(seen_open && seen_close);
}

#[test]
fn clone_creates_a_thread_sharing_the_process_fds_and_exit_reaps_it() {
    let mut connected = false;
    let inspector = replay("scap-samples/curl_google.scap", Limits::default(), |e| {
        if e.meta.num == 1051 {
            // The child side of clone: a thread of curl's process.
            let t = e.thread.expect("child thread");
            assert_eq!((t.tid, t.pid), (17498, 17497));
            assert!(!t.is_main_thread());
            assert_eq!(e.state.main_thread(17498).map(|m| m.tid), Some(17497));
        }
        if e.meta.num == 1189 {
            // The thread's connect lands in the process's fd table.
            let fd = e.state.fd(17497, 4).expect("socket fd");
            assert_eq!(
                fd.name,
                "2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:40251->2001:4860:4860::8888:53"
            );
            connected = true;
        }
    });
    assert!(connected);
    let stats = inspector.state().stats();
    assert!(stats.threads_removed >= 1, "{stats:?}");
    assert!(
        inspector.state().thread(17498).is_none(),
        "exited thread kept"
    );
}

#[test]
fn caps_bound_the_state_and_count_what_was_dropped() {
    let limits = Limits {
        max_threads: 8,
        max_fds_per_process: 2,
    };
    let inspector = replay("scap-samples/curl_google.scap", limits, |_| {});
    let state = inspector.state();
    let stats = state.stats();
    assert!(state.thread_count() <= 8);
    assert!(stats.threads_dropped > 0, "{stats:?}");
    assert!(stats.fds_dropped > 0, "{stats:?}");
    assert!(state.threads().all(|t| t.fds.len() <= 2));
}

#[test]
fn numbering_counts_hidden_events_like_sysdig() {
    let mut first_visible = None;
    let mut last = 0;
    let inspector = replay(
        "falco-regression/trace_files/cat_write.scap",
        Limits::default(),
        |e| {
            if e.is_visible() && first_visible.is_none() {
                first_visible = Some(e.meta.num);
            }
            last = e.meta.num;
        },
    );
    // 130 procinfo events precede cat's execve, which sysdig numbers 131.
    assert_eq!(first_visible, Some(131));
    assert_eq!(last, 345);
    assert_eq!(inspector.last_num(), 345);
}

/// Renders `fields` of each synthesised event after replaying it.
fn render_synthetic(events: &[Vec<u8>], fields: &str) -> Vec<String> {
    use libcapture::meta::{Snapshot, ThreadInfo};
    let snapshot = Snapshot {
        threads: vec![ThreadInfo {
            tid: 7,
            pid: 7,
            ptid: 1,
            comm: "mover".into(),
            exe: "mover".into(),
            cwd: "/srv/data".into(),
            ..ThreadInfo::default()
        }],
        ..Snapshot::default()
    };
    let format = engine::syscall::Format::parse(fields).unwrap();
    let mut inspector = Inspector::from_snapshot(&snapshot, Limits::default());
    events
        .iter()
        .map(|bytes| {
            let evt = driver::EventRef::parse(bytes).unwrap();
            let evt = inspector.process(evt, 0, None);
            let mut out = String::new();
            format.render_falco(&evt, &mut out);
            out
        })
        .collect()
}

#[test]
fn fs_path_fields_resolve_relative_paths() {
    use driver::{EventBuilder, EventCode};
    let mut mkdir = Vec::new();
    EventBuilder::new(EventCode::MKDIRAT_X, 1, 7)
        .errno(0)
        .fd(-100)
        .relpath("../out/new")
        .u32(0o755)
        .finish(&mut mkdir)
        .unwrap();
    let mut rename = Vec::new();
    EventBuilder::new(EventCode::RENAME_X, 2, 7)
        .errno(0)
        .path("a.txt")
        .path("/tmp/b.txt")
        .finish(&mut rename)
        .unwrap();
    let lines = render_synthetic(
        &[mkdir, rename],
        "%evt.type %fs.path.name %fs.path.nameraw %fs.path.source %fs.path.target %fs.path.targetraw",
    );
    assert_eq!(
        lines,
        [
            "mkdirat /srv/out/new ../out/new <NA> <NA> <NA>",
            "rename <NA> <NA> /srv/data/a.txt /tmp/b.txt /tmp/b.txt",
        ]
    );
}
