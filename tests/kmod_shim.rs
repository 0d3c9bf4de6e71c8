//! The kmod backend with the user-space producer (ptrace + seccomp shim):
//! one test per syscall family, asserting the events and their parameters
//! by schema type, and the lifecycle faults (exit status, signals, a
//! consumer that stops reading, detaching from an attached process).
//!
//! Tracing needs ptrace; where it is denied each test prints
//! `SKIPPED: <reason>` and returns.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::ffi::OsString;
use std::time::{Duration, Instant};

use driver::ring::SyscallMask;
use driver::{EventCode, EventRef, ParamType, ParamValue};
use libcapture::backend::kmod::{KmodCapture, KmodOptions, KmodSource};
use libcapture::capture::{Capture, Next};

mod support;
use support::{capture_exit_events, comparable_param, send_signal, RUN_SPECIFIC_PARAMS};

/// Captured events (bytes) of one run plus the capture, for exit status and stats.
struct Run {
    events: Vec<Vec<u8>>,
    capture: KmodCapture,
}

impl Run {
    fn parsed(&self) -> impl Iterator<Item = EventRef<'_>> {
        self.events.iter().map(|e| EventRef::parse(e).unwrap())
    }

    fn of(&self, code: EventCode) -> Vec<EventRef<'_>> {
        self.parsed().filter(|e| e.code() == code).collect()
    }

    fn param(ev: &EventRef<'_>, name: &str) -> ParamValue<'static> {
        let info = ev.info().unwrap();
        let i = info
            .params
            .iter()
            .position(|p| p.name == name)
            .unwrap_or_else(|| panic!("{} has no {name}", info.name));
        let v = ev.param(i).unwrap().unwrap();
        // Own the value so tests can compare freely.
        match v {
            ParamValue::Str(s) => ParamValue::Str(Box::leak(s.to_vec().into_boxed_slice())),
            ParamValue::Bytes(s) => ParamValue::Bytes(Box::leak(s.to_vec().into_boxed_slice())),
            ParamValue::Errno(v) => ParamValue::Errno(v),
            ParamValue::Fd(v) => ParamValue::Fd(v),
            ParamValue::Pid(v) => ParamValue::Pid(v),
            ParamValue::Uint(v) => ParamValue::Uint(v),
            ParamValue::Int(v) => ParamValue::Int(v),
            ParamValue::Flags(v) => ParamValue::Flags(v),
            ParamValue::EnumFlags(v) => ParamValue::EnumFlags(v),
            ParamValue::Signal(v) => ParamValue::Signal(v),
            ParamValue::Uid(v) => ParamValue::Uid(v),
            ParamValue::Gid(v) => ParamValue::Gid(v),
            ParamValue::Mode(v) => ParamValue::Mode(v),
            _ => ParamValue::Empty,
        }
    }

    /// Asserts every parameter of `ev` has the width/encoding of its schema type.
    fn check_types(ev: &EventRef<'_>) {
        let info = ev.info().unwrap();
        assert_eq!(
            ev.nparams(),
            info.params.len(),
            "{}: parameter count",
            info.name
        );
        for (i, p) in info.params.iter().enumerate() {
            let value = ev.param(i).unwrap();
            assert!(
                value.is_ok(),
                "{} param {} ({:?}): {:?}",
                info.name,
                p.name,
                p.ty,
                value
            );
        }
    }
}

/// `PPM_O_F_CREATED`: the open created its file.
const PPM_O_F_CREATED: u32 = 1 << 14;

fn options(argv: &[&str], syscalls: &str) -> KmodOptions {
    let mut options =
        KmodOptions::new(KmodSource::Spawn(argv.iter().map(OsString::from).collect()));
    options.syscalls = SyscallMask::parse(syscalls).unwrap();
    options.ring_bytes = 1 << 20;
    options.scan_proc = false;
    options
}

/// Runs a command under the shim to its end; `None` (after printing why) when tracing is denied.
fn run(argv: &[&str], syscalls: &str) -> Option<Run> {
    run_with(options(argv, syscalls))
}

fn run_with(options: KmodOptions) -> Option<Run> {
    let mut capture = options.open().unwrap();
    if let Err(e) = capture.start() {
        println!("SKIPPED: ptrace is not available: {e}");
        return None;
    }
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "capture did not end");
        match capture.next().unwrap() {
            Next::Event(ev) => events.push(ev.raw().to_vec()),
            Next::Timeout => {}
            Next::Eof => break,
        }
    }
    Some(Run { events, capture })
}

fn tmpdir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("harrier-kmod-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn execve_carries_full_process_info() {
    let Some(r) = run(&["/bin/sh", "-c", "exec /bin/true one two"], "execve") else {
        return;
    };
    let execs = r.of(EventCode::EXECVE_19_X);
    assert_eq!(execs.len(), 2, "sh, then true");
    let ev = &execs[1];
    Run::check_types(ev);
    assert_eq!(Run::param(ev, "res"), ParamValue::Errno(0));
    assert_eq!(Run::param(ev, "exe"), ParamValue::Str(b"/bin/true"));
    assert_eq!(Run::param(ev, "args"), ParamValue::Bytes(b"one\0two\0"));
    assert_eq!(Run::param(ev, "comm"), ParamValue::Str(b"true"));
    assert_eq!(Run::param(ev, "filename"), ParamValue::Str(b"/bin/true"));
    let tid = ev.tid() as i64;
    assert_eq!(Run::param(ev, "tid"), ParamValue::Pid(tid));
    assert_eq!(Run::param(ev, "pid"), ParamValue::Pid(tid));
    assert_eq!(
        Run::param(ev, "ptid"),
        ParamValue::Pid(std::process::id() as i64)
    );
    assert!(matches!(Run::param(ev, "fdlimit"), ParamValue::Uint(n) if n > 0));
    assert!(
        matches!(Run::param(ev, "trusted_exepath"), ParamValue::Str(p) if p.ends_with(b"true"))
    );
    assert_eq!(r.capture.exit_code(), Some(0));
}

#[test]
fn failed_execve_reports_the_error_and_the_path() {
    let Some(r) = run(&["/bin/sh", "-c", "/nonexistent/prog; exit 3"], "execve") else {
        return;
    };
    let failed: Vec<_> = r
        .of(EventCode::EXECVE_19_X)
        .into_iter()
        .filter(|e| Run::param(e, "res") == ParamValue::Errno(-2))
        .collect();
    assert_eq!(failed.len(), 1, "one ENOENT execve");
    Run::check_types(&failed[0]);
    assert_eq!(
        Run::param(&failed[0], "exe"),
        ParamValue::Str(b"/nonexistent/prog")
    );
    assert_eq!(r.capture.exit_code(), Some(3), "exit status passed through");
}

#[test]
fn open_family_and_close() {
    let dir = tmpdir("open");
    let file = dir.join("made");
    let script = format!(
        "echo hi > {0}; echo more >> {0}; cat {0} > /dev/null",
        file.display()
    );
    let Some(r) = run(&["/bin/sh", "-c", &script], "openat,open,close") else {
        return;
    };
    let path = file.as_os_str().as_encoded_bytes().to_vec();
    let opens: Vec<_> = r
        .of(EventCode::OPENAT_2_X)
        .into_iter()
        .filter(|e| {
            Run::param(e, "name") == ParamValue::Str(Box::leak(path.clone().into_boxed_slice()))
        })
        .collect();
    assert_eq!(
        opens.len(),
        3,
        "created and appended to by the shell, read by cat"
    );
    for ev in &opens {
        Run::check_types(ev);
        assert!(matches!(Run::param(ev, "fd"), ParamValue::Fd(fd) if fd >= 0));
        assert_eq!(Run::param(ev, "dirfd"), ParamValue::Fd(-100), "AT_FDCWD");
        assert!(matches!(Run::param(ev, "ino"), ParamValue::Uint(i) if i > 0));
    }
    // The shell's redirect: O_WRONLY|O_CREAT|O_TRUNC (PPM 2|4|256), mode 0666.
    assert!(
        matches!(Run::param(&opens[0], "flags"), ParamValue::Flags(f) if f & (2 | 4 | 256) == 2 | 4 | 256)
    );
    assert_eq!(Run::param(&opens[0], "mode"), ParamValue::Uint(0o666));
    let created = |e: &EventRef<'_>| matches!(Run::param(e, "flags"), ParamValue::Flags(f) if f & PPM_O_F_CREATED != 0);
    assert!(created(&opens[0]), "the first redirect created the file");
    assert!(!created(&opens[1]), "the append found it");
    assert!(
        matches!(Run::param(&opens[2], "flags"), ParamValue::Flags(f) if f & 3 == 1),
        "O_RDONLY"
    );
    assert!(!created(&opens[2]));
    let closes = r.of(EventCode::CLOSE_X);
    assert!(!closes.is_empty());
    for ev in &closes {
        Run::check_types(ev);
    }
    assert!(closes
        .iter()
        .any(|e| Run::param(e, "res") == ParamValue::Errno(0)));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn read_and_write_keep_data_up_to_the_snaplen() {
    let mut options = options(
        &[
            "/bin/sh",
            "-c",
            "printf 'abcdefghijklmnopqrstuvwxyz' | cat > /dev/null",
        ],
        "read,write",
    );
    options.snaplen = 10;
    let Some(r) = run_with(options) else { return };
    let writes: Vec<_> = r
        .of(EventCode::WRITE_X)
        .into_iter()
        .filter(|e| Run::param(e, "res") == ParamValue::Errno(26))
        .collect();
    assert!(
        writes.len() >= 2,
        "printf into the pipe, cat into /dev/null"
    );
    for ev in &writes {
        Run::check_types(ev);
        assert_eq!(
            Run::param(ev, "data"),
            ParamValue::Bytes(b"abcdefghij"),
            "cut at the snaplen"
        );
        assert_eq!(Run::param(ev, "size"), ParamValue::Uint(26));
    }
    let reads: Vec<_> = r
        .of(EventCode::READ_X)
        .into_iter()
        .filter(|e| Run::param(e, "res") == ParamValue::Errno(26))
        .collect();
    assert!(!reads.is_empty(), "cat reads the pipe");
    assert_eq!(
        Run::param(&reads[0], "data"),
        ParamValue::Bytes(b"abcdefghij")
    );
}

#[test]
fn socket_connect_and_accept() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepter = std::thread::spawn(move || listener.accept().map(|_| ()));
    let script = format!("exec 3<>/dev/tcp/127.0.0.1/{port}; exec 3>&-");
    let Some(r) = run(&["/bin/bash", "-c", &script], "socket,connect") else {
        drop(std::net::TcpStream::connect(("127.0.0.1", port)));
        return;
    };
    accepter.join().unwrap().unwrap();
    // The C library may also try the name-service cache daemon's unix
    // socket (it does when HOME is unset): look at the AF_INET socket only.
    let sockets: Vec<_> = r
        .of(EventCode::SOCKET_X)
        .into_iter()
        .filter(|e| Run::param(e, "domain") == ParamValue::EnumFlags(2))
        .collect();
    assert_eq!(sockets.len(), 1, "one AF_INET socket");
    Run::check_types(&sockets[0]);
    assert_eq!(
        Run::param(&sockets[0], "type"),
        ParamValue::Uint(1),
        "SOCK_STREAM"
    );
    let connects: Vec<_> = r
        .of(EventCode::CONNECT_X)
        .into_iter()
        .filter(|e| {
            let info = e.info().unwrap();
            let at = info.params.iter().position(|p| p.name == "addr").unwrap();
            matches!(
                e.param(at),
                Some(Ok(ParamValue::SockAddr(
                    driver::param::SockAddr::Inet { .. }
                )))
            )
        })
        .collect();
    assert_eq!(connects.len(), 1, "one connect to an AF_INET address");
    let ev = &connects[0];
    Run::check_types(ev);
    assert_eq!(Run::param(ev, "res"), ParamValue::Errno(0));
    let info = ev.info().unwrap();
    let addr_at = info.params.iter().position(|p| p.name == "addr").unwrap();
    match ev.param(addr_at).unwrap().unwrap() {
        ParamValue::SockAddr(driver::param::SockAddr::Inet { addr, port: p }) => {
            assert_eq!((addr, p), (std::net::Ipv4Addr::LOCALHOST, port));
        }
        other => panic!("{other:?}"),
    }
    let tuple_at = info.params.iter().position(|p| p.name == "tuple").unwrap();
    match ev.param(tuple_at).unwrap().unwrap() {
        ParamValue::SockTuple(driver::param::SockTuple::Inet { dport, .. }) => {
            assert_eq!(dport, port)
        }
        other => panic!("tuple: {other:?}"),
    }
}

#[test]
fn fork_clone_and_procexit() {
    let Some(r) = run(
        &["/bin/sh", "-c", "/bin/true & wait; exit 0"],
        "clone,clone3,fork,vfork,execve",
    ) else {
        return;
    };
    let clones: Vec<_> = r
        .parsed()
        .filter(|e| {
            [
                EventCode::CLONE_20_X,
                EventCode::CLONE3_X,
                EventCode::FORK_20_X,
                EventCode::VFORK_20_X,
            ]
            .contains(&e.code())
        })
        .collect();
    assert_eq!(clones.len(), 2, "parent and child side");
    for ev in &clones {
        Run::check_types(ev);
    }
    let parent = clones
        .iter()
        .find(|e| Run::param(e, "res") != ParamValue::Pid(0))
        .expect("parent side");
    let child = clones
        .iter()
        .find(|e| Run::param(e, "res") == ParamValue::Pid(0))
        .expect("child side");
    assert_eq!(
        Run::param(parent, "res"),
        ParamValue::Pid(child.tid() as i64),
        "parent res is the child"
    );
    assert_eq!(
        Run::param(child, "ptid"),
        ParamValue::Pid(parent.tid() as i64)
    );
    let exits = r.of(EventCode::PROCEXIT_1_E);
    assert_eq!(exits.len(), 2, "the child and the shell");
    for ev in &exits {
        Run::check_types(ev);
    }
    assert_eq!(
        Run::param(exits.last().unwrap(), "ret"),
        ParamValue::Errno(0)
    );
}

#[test]
fn file_namespace_ops_and_generic_events() {
    let dir = tmpdir("ns");
    let script = format!(
        "cd {0} && mkdir d && mv d e && rmdir e && ln -s x l && rm l",
        dir.display()
    );
    let Some(r) = run(&["/bin/sh", "-c", &script], "mkdir,mkdirat,rename,renameat,renameat2,rmdir,symlink,symlinkat,unlink,unlinkat,rt_sigaction")
    else {
        return;
    };
    for ev in r.parsed() {
        Run::check_types(&ev);
    }
    let mk = r.of(EventCode::MKDIRAT_X);
    assert!(
        !mk.is_empty() || !r.of(EventCode::MKDIR_2_X).is_empty(),
        "mkdir"
    );
    assert!(r
        .parsed()
        .any(|e| e.info().unwrap().name.starts_with("rename")));
    assert!(r
        .parsed()
        .any(|e| e.info().unwrap().name == "symlinkat" || e.info().unwrap().name == "symlink"));
    assert!(r
        .parsed()
        .any(|e| e.info().unwrap().name == "unlinkat" || e.info().unwrap().name == "unlink"));
    // rt_sigaction has no dedicated event: a generic one naming it.
    let sigaction = driver::syscalls::by_name("rt_sigaction").unwrap();
    assert!(sigaction.events.is_none());
    let generic = r.of(EventCode::GENERIC_X);
    assert!(!generic.is_empty());
    for ev in &generic {
        assert_eq!(ev.param_info(0).unwrap().ty, ParamType::SyscallId);
        assert_eq!(
            ev.param(0).unwrap().unwrap(),
            ParamValue::SyscallId(sigaction.ppm_sc)
        );
        assert_eq!(
            ev.param(1).unwrap().unwrap(),
            ParamValue::Uint(u64::from(sigaction.nr))
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unselected_syscalls_produce_nothing() {
    let Some(r) = run(
        &["/bin/sh", "-c", "cat /etc/hostname > /dev/null"],
        "execve",
    ) else {
        return;
    };
    let kinds: std::collections::BTreeSet<_> = r.parsed().map(|e| e.code()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        vec![EventCode::PROCEXIT_1_E, EventCode::EXECVE_19_X]
    );
}

#[test]
fn a_tracee_killed_by_a_signal_reports_it() {
    let Some(r) = run(&["/bin/sh", "-c", "kill -9 $$"], "kill") else {
        return;
    };
    let status = r.capture.exit_status().expect("root status");
    assert_eq!(status & 0x7f, 9, "killed by SIGKILL");
    assert_eq!(r.capture.exit_code(), Some(137));
    let exit = r.of(EventCode::PROCEXIT_1_E);
    assert_eq!(
        Run::param(exit.last().unwrap(), "sig"),
        ParamValue::Signal(9)
    );
    let kills = r.of(EventCode::KILL_X);
    assert_eq!(kills.len(), 0, "the kill never returns");
}

#[test]
fn a_consumer_that_stops_reading_gets_counted_drops_in_dropping_mode() {
    let mut options = options(
        &[
            "/bin/sh",
            "-c",
            "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo x > /dev/null; done",
        ],
        "openat,close,write",
    );
    options.dropping = true;
    options.ring_bytes = 16 << 10;
    let mut capture = options.open().unwrap();
    if let Err(e) = capture.start() {
        println!("SKIPPED: ptrace is not available: {e}");
        return;
    }
    // Do not read until the program has ended: the ring fills and drops.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !capture.tracer_finished() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut delivered = 0u64;
    while let Next::Event(_) | Next::Timeout = capture.next().unwrap() {
        delivered += 1;
    }
    let stats = capture.stats();
    assert_eq!(
        capture.exit_code(),
        Some(0),
        "the program was never blocked"
    );
    assert!(stats.drops_by_category.buffer_full > 0, "{stats:?}");
    assert_eq!(
        stats.per_cpu[0].events,
        stats.per_cpu[0].drops + stats.events,
        "every event delivered or counted"
    );
    assert!(delivered > 0);
}

/// Starts `sh -c script` and attaches a capture of `syscalls` to it; `None`
/// (after saying SKIPPED) where ptrace attach is not allowed.
fn attach_to_shell(script: &str, syscalls: &str) -> Option<(std::process::Child, KmodCapture)> {
    let mut child = std::process::Command::new("/bin/sh")
        .args(["-c", script])
        .spawn()
        .unwrap();
    let mut options = KmodOptions::new(KmodSource::Attach(child.id() as i32));
    options.syscalls = SyscallMask::parse(syscalls).unwrap();
    options.scan_proc = false;
    options.ring_bytes = 1 << 20;
    let mut capture = options.open().unwrap();
    if let Err(e) = capture.start() {
        let _ = child.kill();
        let _ = child.wait();
        println!("SKIPPED: ptrace attach is not available: {e}");
        return None;
    }
    Some((child, capture))
}

#[test]
fn attach_and_detach_leave_the_process_running() {
    let script = "while :; do cat /etc/hostname > /dev/null; sleep 0.05; done";
    let Some((mut child, mut capture)) = attach_to_shell(script, "openat,execve,clone") else {
        return;
    };
    let pid = child.id() as i32;
    let mut opened = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    while opened < 2 && Instant::now() < deadline {
        if let Next::Event(ev) = capture.next().unwrap() {
            if ev.code() == EventCode::OPENAT_2_X.0
                && ev.event.param(2).unwrap().unwrap() == ParamValue::Str(b"/etc/hostname")
            {
                opened += 1;
            }
        }
    }
    assert_eq!(opened, 2, "events from the attached tree");
    capture.stop().unwrap();
    while !matches!(capture.next().unwrap(), Next::Eof) {}
    assert!(capture.detached());
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().unwrap().is_none(),
        "still running after detach"
    );
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let state = status.lines().find(|l| l.starts_with("State:")).unwrap();
    assert!(
        !state.contains("t (tracing stop)") && !state.contains("T (stopped)"),
        "{state}"
    );
    let tracer = status
        .lines()
        .find(|l| l.starts_with("TracerPid:"))
        .unwrap();
    assert!(tracer.ends_with("\t0"), "{tracer}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn detaching_a_tree_that_forks_without_pause_leaves_every_process_running() {
    // A shell that vforks /bin/true back to back: whenever the detach comes,
    // a child has just been auto-attached and its parent waits for it.
    for round in 0..10 {
        let script = "while :; do /bin/true; done";
        let Some((mut child, mut capture)) = attach_to_shell(script, "execve,clone,vfork") else {
            return;
        };
        let pid = child.id() as i32;
        let mut execs = 0;
        while execs < 3 {
            if let Next::Event(ev) = capture.next().unwrap() {
                execs += u32::from(ev.code() == EventCode::EXECVE_19_X.0);
            }
        }
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            capture.stop().unwrap();
            while !matches!(capture.next().unwrap(), Next::Eof) {}
            let _ = done_tx.send(capture.detached());
        });
        let detached = done_rx.recv_timeout(Duration::from_secs(20));
        assert_eq!(detached, Ok(true), "round {round}: detach finished");
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            child.try_wait().unwrap().is_none(),
            "round {round}: still running"
        );
        let traced = std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|p| {
                std::fs::read_to_string(format!("/proc/{p}/status")).is_ok_and(|s| {
                    s.contains(&format!("PPid:\t{pid}\n")) && !s.contains("TracerPid:\t0\n")
                })
            })
            .count();
        assert_eq!(
            traced, 0,
            "round {round}: no child of the tree is left traced"
        );
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

// ---------------------------------------------------------------------------
// Through the `harrier` binary: exit status, the capture file, Ctrl-C and a
// tracer that dies.

fn harrier() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_harrier"))
}

fn proc_status(pid: u32, key: &str) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
}

/// Whether `pid` is alive (a zombie counts as gone).
fn alive(pid: u32) -> bool {
    proc_status(pid, "State:").is_some_and(|s| !s.starts_with('Z'))
}

fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Children of `pid` (all threads).
fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|s| {
            s.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}

fn ptrace_allowed() -> bool {
    let probe = harrier()
        .args([
            "capture",
            "--backend",
            "kmod",
            "--syscalls",
            "execve",
            "--",
            "/bin/true",
        ])
        .output()
        .unwrap();
    if !probe.status.success() {
        println!(
            "SKIPPED: the shim cannot trace here: {}",
            String::from_utf8_lossy(&probe.stderr).trim()
        );
    }
    probe.status.success()
}

#[test]
fn cli_passes_the_exit_status_through_and_writes_a_readable_capture() {
    if !ptrace_allowed() {
        return;
    }
    let dir = tmpdir("cli");
    let out = dir.join("shim.scap");
    let status = harrier()
        .args(["capture", "--backend", "kmod", "-w"])
        .arg(&out)
        .args([
            "--",
            "/bin/sh",
            "-c",
            "cat /etc/hostname > /dev/null; exit 5",
        ])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(5));
    let replay = harrier().arg("replay").arg(&out).output().unwrap();
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let text = String::from_utf8_lossy(&replay.stdout);
    for needle in ["< execve", "< openat", "> procexit"] {
        assert!(text.contains(needle), "replay lacks {needle}:\n{text}");
    }
    match std::process::Command::new("sysdig")
        .arg("-r")
        .arg(&out)
        .args(["-p", "%evt.type %evt.dir %fd.name"])
        .output()
    {
        Ok(sysdig) => {
            let text = String::from_utf8_lossy(&sysdig.stdout);
            assert!(
                sysdig.status.success(),
                "{}",
                String::from_utf8_lossy(&sysdig.stderr)
            );
            assert!(text.contains("openat < /etc/hostname"), "sysdig:\n{text}");
        }
        Err(e) => println!("SKIPPED (sysdig part): {e}"),
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_killed_tracer_takes_its_spawned_tree_with_it() {
    if !ptrace_allowed() {
        return;
    }
    let mut tracer = harrier()
        .args(["capture", "--backend", "kmod", "--", "/bin/sleep", "30"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut sleeper = 0;
    wait_until("the traced sleep", || {
        sleeper = children(tracer.id())
            .into_iter()
            .find(|&c| proc_status(c, "Name:").as_deref() == Some("sleep"))
            .unwrap_or(0);
        sleeper != 0
    });
    tracer.kill().unwrap();
    tracer.wait().unwrap();
    // PTRACE_O_EXITKILL: a filtered tracee must not outlive its tracer.
    wait_until("the sleep to be killed", || !alive(sleeper));
}

/// Starts `sleep 30`, attaches `harrier capture --pid` and waits until it traces it.
fn attached_sleep() -> (std::process::Child, std::process::Child) {
    let sleeper = std::process::Command::new("/bin/sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let pid = sleeper.id();
    let tracer = harrier()
        .args(["capture", "--backend", "kmod", "--pid", &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the attach", || {
        proc_status(pid, "TracerPid:").is_some_and(|t| t != "0")
    });
    (sleeper, tracer)
}

fn assert_running_untraced(pid: u32) {
    wait_until("the detach", || {
        proc_status(pid, "TracerPid:").as_deref() == Some("0")
    });
    let state = proc_status(pid, "State:").unwrap();
    assert!(
        state.starts_with('S') || state.starts_with('R'),
        "state {state}"
    );
}

#[test]
fn ctrl_c_detaches_an_attached_process_which_keeps_running() {
    if !ptrace_allowed() {
        return;
    }
    let (mut sleeper, tracer) = attached_sleep();
    let pid = sleeper.id();
    // SIGINT is what Ctrl-C sends.
    let rc = send_signal(tracer.id(), "INT");
    assert!(rc);
    let out = tracer.wait_with_output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("detached from pid {pid}")),
        "{stderr}"
    );
    assert_running_untraced(pid);
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
}

#[test]
fn a_killed_tracer_leaves_an_attached_process_running() {
    if !ptrace_allowed() {
        return;
    }
    let (mut sleeper, mut tracer) = attached_sleep();
    tracer.kill().unwrap();
    tracer.wait().unwrap();
    // The kernel detaches the tracees of a dead tracer.
    assert_running_untraced(sleeper.id());
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
}

// ---------------------------------------------------------------------------
// Equivalence with the eBPF backend.

/// One event: its name and `(param, value)` pairs without run-specific ones.
type Flat = (String, Vec<(String, String)>);

/// Each thread's exit events (and procexit), threads in order of first
/// appearance, from the command's first execve on.
fn per_thread(path: &std::path::Path) -> Vec<Vec<Flat>> {
    let mut capture = libcapture::capture::CaptureBuilder::savefile(path)
        .open()
        .unwrap();
    let mut order: Vec<u64> = Vec::new();
    let mut threads: std::collections::HashMap<u64, Vec<Flat>> = Default::default();
    while let Next::Event(ev) = capture.next().unwrap() {
        let e = &ev.event;
        if e.is_enter() && e.code() != EventCode::PROCEXIT_1_E {
            continue;
        }
        let info = e.info().unwrap();
        // How each backend starts the command differs (the eBPF backend sees
        // harrier's own fork of it): compare from the command's first execve.
        if order.is_empty() && info.name != "execve" {
            continue;
        }
        let clone_family = matches!(info.name, "clone" | "clone3" | "fork" | "vfork");
        let new_inode = new_inode(e);
        let mut params = Vec::new();
        for (i, p) in info.params.iter().enumerate() {
            if RUN_SPECIFIC_PARAMS.contains(&p.name)
                || (clone_family && p.name == "res")
                || backend_specific(e, p.name)
            {
                continue;
            }
            if new_inode && p.name == "ino" {
                params.push((p.name.to_string(), "<new inode>".into()));
                continue;
            }
            let value = comparable_param(e.param(i).map(Result::unwrap));
            params.push((p.name.to_string(), value));
        }
        if !threads.contains_key(&e.tid()) {
            order.push(e.tid());
        }
        threads
            .entry(e.tid())
            .or_default()
            .push((info.name.to_string(), params));
    }
    order
        .into_iter()
        .map(|t| threads.remove(&t).unwrap())
        .collect()
}

/// Parameters only the probe can read: socketpair's `source`/`peer`, the
/// kernel addresses of the two sockets (the shim writes 0; unix tuples'
/// addresses are normalised away likewise).
fn backend_specific(e: &EventRef<'_>, param: &str) -> bool {
    e.info().is_some_and(|i| i.name == "socketpair") && matches!(param, "source" | "peer")
}

/// Whether the `ino` of `e` is of an inode the workload made, new in each
/// run: a file an open created (`PPM_O_F_CREATED`), a new pipe.
fn new_inode(e: &EventRef<'_>) -> bool {
    match e.info().map(|i| i.name) {
        Some("open" | "openat" | "openat2") => {
            matches!(param_named(e, "flags"), Some(ParamValue::Flags(f)) if f & PPM_O_F_CREATED != 0)
        }
        Some("pipe" | "pipe2") => param_named(e, "res") == Some(ParamValue::Errno(0)),
        _ => false,
    }
}

fn param_named<'e>(e: &EventRef<'e>, name: &str) -> Option<ParamValue<'e>> {
    let at = e.info()?.params.iter().position(|p| p.name == name)?;
    e.param(at)?.ok()
}

/// Captures `workload` once with each backend and compares the events of
/// every thread, parameter by parameter.
fn compare_backends(tag: &str, workload: &[&str], syscalls: &str) {
    compare_backends_in(&tmpdir(tag), workload, syscalls);
}

/// [`compare_backends`] with `dir` (removed at the end) as the working
/// directory; returns the events both backends agreed on (`None` when the
/// test cannot run here).
fn compare_backends_in(
    dir: &std::path::Path,
    workload: &[&str],
    syscalls: &str,
) -> Option<Vec<Vec<Flat>>> {
    if !ptrace_allowed() {
        return None;
    }
    let mut files = Vec::new();
    for backend in ["bpf", "kmod"] {
        files.push(capture_exit_events(dir, backend, syscalls, workload)?);
    }
    let bpf = per_thread(&files[0]);
    let shim = per_thread(&files[1]);
    let names = |t: &[Flat]| t.iter().map(|e| e.0.clone()).collect::<Vec<_>>();
    let mut diffs = Vec::new();
    assert_eq!(bpf.len(), shim.len(), "thread count");
    for (t, (b, s)) in bpf.iter().zip(&shim).enumerate() {
        assert_eq!(names(b), names(s), "thread {t}: event sequence");
        for (i, (eb, es)) in b.iter().zip(s).enumerate() {
            assert_eq!(
                eb.1.len(),
                es.1.len(),
                "thread {t} event {i} {}: parameter count",
                eb.0
            );
            for ((name, vb), (_, vs)) in eb.1.iter().zip(&es.1) {
                if vb != vs {
                    let cut = |v: &str| v.chars().take(120).collect::<String>();
                    diffs.push(format!(
                        "thread {t} event {i} {}.{name}: bpf {} | shim {}",
                        eb.0,
                        cut(vb),
                        cut(vs)
                    ));
                }
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    std::fs::remove_dir_all(dir).unwrap();
    Some(bpf)
}

#[test]
fn bpf_and_shim_capture_the_same_events() {
    compare_backends(
        "equiv",
        &[
            "/bin/sh",
            "-c",
            "cat /etc/hostname > /dev/null; echo x > /dev/null; exit 3",
        ],
        "openat,close,read,write,execve,clone,clone3,fork,vfork",
    );
}

/// execveat through its syscall number: one that fails, one that runs
/// /bin/true from a second thread (which takes the leader's thread id).
const EXECVEAT_WORKLOAD: &str = r#"
import ctypes, os, threading

libc = ctypes.CDLL(None, use_errno=True)
NR_EXECVEAT, AT_FDCWD = 322, -100

def execveat(dirfd, path, args):
    argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    envp = (ctypes.c_char_p * 1)(None)
    return libc.syscall(ctypes.c_long(NR_EXECVEAT), ctypes.c_long(dirfd), ctypes.c_char_p(path),
                        argv, envp, ctypes.c_long(0))

execveat(AT_FDCWD, b"/nonexistent/true", [b"true"])
bin_dir = os.open("/bin", os.O_PATH)
thread = threading.Thread(target=execveat, args=(bin_dir, b"true", [b"true", b"from-execveat"]))
thread.start()
thread.join()
os._exit(7)
"#;

#[test]
fn bpf_and_shim_report_execveat_as_execveat() {
    let python = "/usr/bin/python3";
    if !std::path::Path::new(python).exists() {
        println!("SKIPPED: the workload needs {python}");
        return;
    }
    let Some(threads) = compare_backends_in(
        &tmpdir("equiv-execveat"),
        &[python, "-I", "-S", "-B", "-c", EXECVEAT_WORKLOAD],
        "execve,execveat",
    ) else {
        return;
    };
    let value = |e: &Flat, name: &str| {
        e.1.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let calls: Vec<(String, String, String)> = threads
        .iter()
        .flatten()
        .filter(|e| e.0 != "procexit")
        .map(|e| (e.0.clone(), value(e, "res"), value(e, "exe")))
        .collect();
    let expected = [
        ("execve", "Errno(0)", python),
        ("execveat", "Errno(-2)", "/nonexistent/true"),
        ("execveat", "Errno(0)", "true"),
    ]
    .map(|(n, r, e)| (n.to_string(), r.to_string(), e.to_string()));
    assert_eq!(calls, expected);
}

#[test]
fn bpf_and_shim_agree_on_network_and_file_namespace_events() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepter = std::thread::spawn(move || {
        for _ in 0..2 {
            if let Ok((mut conn, _)) = listener.accept() {
                let _ = std::io::Write::write_all(&mut conn, b"pong");
            }
        }
    });
    let script = format!(
        "exec 3<>/dev/tcp/127.0.0.1/{port}; read -r -n 4 x <&3; exec 3>&-; \
         mkdir d; mv d e; ln -s e l; rm l; rmdir e; chmod 600 /dev/null 2>/dev/null; exit 0"
    );
    compare_backends(
        "equiv-net",
        &["/bin/bash", "-c", &script],
        "socket,connect,read,close,mkdir,mkdirat,rename,renameat,renameat2,symlink,symlinkat,\
         unlink,unlinkat,rmdir,execve,clone,clone3,fork,vfork",
    );
    drop(std::net::TcpStream::connect(("127.0.0.1", port)));
    drop(std::net::TcpStream::connect(("127.0.0.1", port)));
    accepter.join().unwrap();
}

/// The message, capability, prctl and create workload: every call twice
/// over (once per backend), so files it creates are removed first.
const MESSAGES_WORKLOAD: &str = r#"
import array, ctypes, os, socket, sys, time

port = int(sys.argv[1])
if len(sys.argv) > 2:
    os.chdir(sys.argv[2])
for name in ("made", "made-at", "made2", "u.sock"):
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass
libc = ctypes.CDLL(None, use_errno=True)

# sendmsg/recvmsg with data and two passed fds, send/recv over a socketpair.
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
fds = array.array("i", [0, 1])
a.sendmsg([b"hello ", b"world"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
data, anc, flags, addr = b.recvmsg(64, socket.CMSG_SPACE(8))
for level, kind, raw in anc:
    for fd in array.array("i", raw):
        os.close(fd)
a.send(b"plain")
b.recv(64)

# The same over UDP on loopback: unconnected, the peers come from the calls.
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(("127.0.0.1", port))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"udp-sendto", ("127.0.0.1", port))
r.recvfrom(64)
s.sendmsg([b"udp-", b"sendmsg"], [], 0, ("127.0.0.1", port))
r.recvmsg(64)
s.sendto(b"no-address", ("127.0.0.1", port))
r.recv(64)
libc.connect(s.fileno(), bytes(16), 16)  # AF_UNSPEC: no address to show
try:
    n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    n.bind((0, 0))  # a family without tuples or shown addresses
    n.sendto(b"", (0, 0))
except OSError:
    pass
try:
    r6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    r6.bind(("::1", port))
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.sendmsg([b"udp6-", b"sendmsg"], [], 0, ("::1", port))
    r6.recvmsg(64)
    s6.sendto(b"udp6-sendto", ("::1", port))
    r6.recvfrom(64)
except OSError:
    pass  # no IPv6 loopback here

# Accept queues: a TCP listener with one connection still queued, a unix one.
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", port))
l.listen(4)
c1 = socket.create_connection(("127.0.0.1", port))
c2 = socket.create_connection(("127.0.0.1", port))
c3 = socket.create_connection(("127.0.0.1", port))
time.sleep(0.05)  # let loopback finish the handshakes
l.accept()
l.accept()
os.close(libc.syscall(43, l.fileno(), None, None))  # accept(2) itself
u = socket.socket(socket.AF_UNIX)
u.bind("u.sock")
u.listen(3)
uc = socket.socket(socket.AF_UNIX)
uc.connect("u.sock")
u.accept()

# Capabilities: CAP_SYS_BOOT leaves the effective set (as root: not all zero).
hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)
caps = (ctypes.c_uint32 * 6)()
libc.capget(hdr, caps)
caps[0] &= ~(1 << 22)
libc.capset(hdr, caps)

# prctl: a name longer than the kernel keeps, the name read back, a number.
libc.prctl(15, b"harrier-equivalence", 0, 0, 0)
name = ctypes.create_string_buffer(16)
libc.prctl(16, name, 0, 0, 0)
libc.prctl(4, 1, 0, 0, 0)

# O_CREAT opens: created, existing, excluded, relative to a dirfd, openat2.
create = os.O_WRONLY | os.O_CREAT
os.close(os.open("made", create, 0o640))
os.close(os.open("existing", create, 0o640))
try:
    os.open("existing", create | os.O_EXCL, 0o640)
except FileExistsError:
    pass
here = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
os.close(os.open("made-at", create, 0o600, dir_fd=here))
how = (ctypes.c_uint64 * 3)(create, 0o600, 0)
libc.syscall(437, -100, b"made2", how, 24)
"#;

/// The fd, file-mode, credential and signal workload: arguments with bits
/// the probe drops, failures, and syscalls without probe programs (stat:
/// generic events).
const FILES_WORKLOAD: &str = r#"
import ctypes, os, socket

libc = ctypes.CDLL(None, use_errno=True)
if os.path.isdir("d"):
    os.rmdir("d")
if os.path.exists("gone"):
    os.unlink("gone")

# Pipes, dup3, a failed socketpair.
fds = (ctypes.c_int * 2)()
libc.syscall(22, fds)  # pipe(2) itself: the C library calls pipe2
r, w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
os.dup2(r, 40, inheritable=False)
try:
    socket.socketpair(socket.AF_INET)
except OSError:
    pass

# Modes with file-type bits (passed by the caller, dropped by the kernel).
os.chmod("existing", 0o100644)
fd = os.open("existing", os.O_RDONLY)
os.fchmod(fd, 0o100600)
os.chmod("existing", 0o644, dir_fd=os.open(".", os.O_RDONLY))
os.lchown("existing", -1, -1)
os.fchown(fd, -1, -1)

# unlinkat: a file, a directory, and an invalid flag next to AT_REMOVEDIR.
open("gone", "w").close()
os.mkdir("d")
here = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
os.unlink("gone", dir_fd=here)
os.rmdir("d", dir_fd=here)
libc.syscall(263, here, b"missing", 0x200 | 0x100)

# memfd_create with a flag the probe does not keep (MFD_NOEXEC_SEAL).
os.memfd_create("harrier-memfd", os.MFD_CLOEXEC | 8)

# Credentials and signals that change nothing.
os.setreuid(-1, -1)
os.setregid(-1, -1)
os.kill(os.getpid(), 0)
libc.syscall(200, os.getpid(), 0)

# A module image that is not one: the kernel refuses it.
libc.syscall(175, b"not-a-module", 12, b"opt=1")
os.stat("existing")
"#;

/// A loopback port free for both TCP and UDP.
fn free_port() -> u16 {
    loop {
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = tcp.local_addr().unwrap().port();
        if std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

#[test]
fn bpf_and_shim_agree_on_messages_capabilities_prctl_and_created_files() {
    let python = "/usr/bin/python3";
    if !std::path::Path::new(python).exists() {
        println!("SKIPPED: the workload needs {python}");
        return;
    }
    let dir = tmpdir("equiv-msg");
    // Exists before both runs: its opens are not creations, its inode is the same.
    std::fs::write(dir.join("existing"), b"").unwrap();
    let port = free_port().to_string();
    compare_backends_in(
        &dir,
        &[python, "-I", "-S", "-B", "-c", MESSAGES_WORKLOAD, &port],
        "execve,open,openat,openat2,socketpair,socket,bind,listen,connect,accept,accept4,\
         sendto,recvfrom,sendmsg,recvmsg,capset,prctl",
    );
}

/// The socket tuple parameter of `ev`.
fn tuple_of<'e>(ev: &EventRef<'e>) -> driver::param::SockTuple<'e> {
    match param_named(ev, "tuple") {
        Some(ParamValue::SockTuple(t)) => t,
        other => panic!("tuple: {other:?}"),
    }
}

/// The values the shim reads from msghdrs, `/proc`, `TCP_INFO`, sock_diag
/// and the entry stop, checked against what the workload did (the
/// equivalence tests check them against the probe, where it loads).
#[test]
fn shim_fills_message_capability_prctl_queue_and_creation_params() {
    let python = "/usr/bin/python3";
    if !std::path::Path::new(python).exists() {
        println!("SKIPPED: the workload needs {python}");
        return;
    }
    let dir = tmpdir("shim-msg");
    std::fs::write(dir.join("existing"), b"").unwrap();
    let port = free_port();
    let (port_arg, dir_arg) = (port.to_string(), dir.display().to_string());
    let argv = [
        python,
        "-I",
        "-S",
        "-B",
        "-c",
        MESSAGES_WORKLOAD,
        &port_arg,
        &dir_arg,
    ];
    let Some(r) = run(
        &argv,
        "sendmsg,recvmsg,capset,prctl,accept,accept4,openat,openat2",
    ) else {
        return;
    };
    assert_eq!(r.capture.exit_code(), Some(0), "the workload ran through");
    for ev in r.parsed() {
        Run::check_types(&ev);
    }

    let sends = r.of(EventCode::SENDMSG_X);
    let recvs = r.of(EventCode::RECVMSG_X);
    assert!(sends.len() >= 2 && recvs.len() >= 2);
    assert_eq!(
        Run::param(&sends[0], "data"),
        ParamValue::Bytes(b"hello world")
    );
    assert_eq!(Run::param(&sends[0], "size"), ParamValue::Uint(11));
    assert_eq!(
        Run::param(&recvs[0], "data"),
        ParamValue::Bytes(b"hello world")
    );
    assert_eq!(Run::param(&recvs[0], "size"), ParamValue::Uint(11));
    // SCM_RIGHTS with two fds: cmsg_len 24, SOL_SOCKET, SCM_RIGHTS, the fds.
    match Run::param(&recvs[0], "msgcontrol") {
        ParamValue::Bytes(c) => {
            assert_eq!(c.len(), 24);
            assert_eq!(&c[..16], &[24, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
        }
        other => panic!("msgcontrol: {other:?}"),
    }
    // UDP: the peer of the unconnected sender comes from msg_name.
    use driver::param::SockTuple;
    let loopback = std::net::Ipv4Addr::LOCALHOST;
    assert!(
        matches!(tuple_of(&sends[1]), SockTuple::Inet { dst, dport, .. } if dst == loopback && dport == port)
    );
    assert!(
        matches!(tuple_of(&recvs[1]), SockTuple::Inet { src, dst, dport, .. }
        if src == loopback && dst == loopback && dport == port)
    );

    // Capabilities after the call: CAP_SYS_BOOT left the effective set only.
    let capset = &r.of(EventCode::CAPSET_X)[0];
    let cap = |name| match Run::param(capset, name) {
        ParamValue::Uint(v) => v,
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(cap("cap_effective"), cap("cap_permitted") & !(1 << 22));

    let prctls = r.of(EventCode::PRCTL_X);
    assert_eq!(prctls.len(), 3);
    for ev in &prctls[..2] {
        assert_eq!(
            Run::param(ev, "arg2_str"),
            ParamValue::Str(b"harrier-equival")
        );
        assert_eq!(Run::param(ev, "arg2_int"), ParamValue::Int(0));
    }
    assert_eq!(Run::param(&prctls[2], "option"), ParamValue::EnumFlags(4));
    assert_eq!(Run::param(&prctls[2], "arg2_str"), ParamValue::Empty);
    assert_eq!(Run::param(&prctls[2], "arg2_int"), ParamValue::Int(1));

    // Three connections queued on a backlog of 4, accepted one by one
    // (accept4, accept4, accept); then a unix listener with a backlog of 3.
    let queue = |ev: &EventRef<'_>| {
        ["queuepct", "queuelen", "queuemax"].map(|p| match Run::param(ev, p) {
            ParamValue::Uint(v) => v,
            other => panic!("{p}: {other:?}"),
        })
    };
    let accepts4 = r.of(EventCode::ACCEPT4_6_X);
    let accepts = r.of(EventCode::ACCEPT_5_X);
    assert_eq!((accepts4.len(), accepts.len()), (3, 1));
    assert_eq!(queue(&accepts4[0]), [50, 2, 4]);
    assert_eq!(queue(&accepts4[1]), [25, 1, 4]);
    assert_eq!(queue(&accepts[0]), [0, 0, 4]);
    assert_eq!(queue(&accepts4[2]), [0, 0, 3]);
    assert_eq!(
        Run::param(&accepts4[0], "flags"),
        ParamValue::Int(4096),
        "SOCK_CLOEXEC"
    );

    // O_CREAT opens: only those that made the file say so.
    let created = |name: &[u8]| -> Vec<bool> {
        r.parsed()
            .filter(|e| matches!(e.code(), EventCode::OPENAT_2_X | EventCode::OPENAT2_X))
            .filter(|e| Run::param(e, "name") == ParamValue::Str(Box::leak(name.into())))
            .map(|e| matches!(Run::param(&e, "flags"), ParamValue::Flags(f) if f & PPM_O_F_CREATED != 0))
            .collect()
    };
    assert_eq!(created(b"made"), [true]);
    assert_eq!(
        created(b"existing"),
        [false, false],
        "opened, then O_EXCL failed"
    );
    assert_eq!(created(b"made-at"), [true]);
    assert_eq!(created(b"made2"), [true]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bpf_and_shim_agree_on_fd_mode_credential_and_generic_events() {
    let python = "/usr/bin/python3";
    if !std::path::Path::new(python).exists() {
        println!("SKIPPED: the workload needs {python}");
        return;
    }
    let dir = tmpdir("equiv-files");
    std::fs::write(dir.join("existing"), b"").unwrap();
    compare_backends_in(
        &dir,
        &[python, "-I", "-S", "-B", "-c", FILES_WORKLOAD],
        "execve,pipe,pipe2,dup3,socketpair,chmod,fchmod,fchmodat,chown,lchown,fchown,fchownat,\
         mkdir,mkdirat,unlinkat,memfd_create,setreuid,setregid,kill,tkill,init_module,\
         newfstatat,fstat",
    );
}

#[test]
fn dropping_the_capture_kills_a_spawned_tree_instead_of_waiting() {
    let mut capture = options(&["/bin/sleep", "30"], "execve").open().unwrap();
    if let Err(e) = capture.start() {
        println!("SKIPPED: ptrace is not available: {e}");
        return;
    }
    let pid = capture.root_pid().unwrap() as u32;
    wait_until("the sleep", || {
        proc_status(pid, "Name:").as_deref() == Some("sleep")
    });
    let started = Instant::now();
    drop(capture);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "drop did not wait for the command"
    );
    wait_until("the sleep to be killed", || !alive(pid));
}

#[test]
fn auto_falls_back_to_the_shim_for_an_unprivileged_user() {
    let euid = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m));
    if euid.ok() != Some(0) || !std::path::Path::new("/usr/bin/setpriv").exists() {
        println!("SKIPPED: needs root and setpriv to run harrier as nobody");
        return;
    }
    let dir = tmpdir("nobody");
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let out = dir.join("x.scap");
    let run = std::process::Command::new("/usr/bin/setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_harrier"))
        .args([
            "capture",
            "--backend",
            "auto",
            "--syscalls",
            "execve,openat",
            "-w",
        ])
        .arg(&out)
        .args([
            "--",
            "/bin/sh",
            "-c",
            "cat /etc/hostname > /dev/null; exit 4",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    if stderr.contains("cannot start tracing") {
        println!("SKIPPED: ptrace is denied to nobody here: {stderr}");
        return;
    }
    assert!(
        stderr.contains("backend: kmod shim (eBPF unavailable"),
        "{stderr}"
    );
    assert_eq!(run.status.code(), Some(4), "{stderr}");
    // As nobody the filter needs no_new_privs; the capture still has the workload.
    let replay = harrier().arg("replay").arg(&out).output().unwrap();
    let text = String::from_utf8_lossy(&replay.stdout);
    assert!(
        text.contains("< execve") && text.contains("< openat"),
        "{text}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
