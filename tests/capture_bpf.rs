//! Driver suite for the eBPF backend: one known workload
//! (`tests/capture_workload.py`: openat, write, rename, socket/connect/accept,
//! fork + setuid failure + exit, execve) runs under `harrier capture -w`;
//! each test then checks one syscall family in the recorded file: the event
//! is there, then its header, then each param by schema type.
//!
//! Needs root and a BTF kernel; without them every test prints
//! `SKIPPED: <reason>` and returns.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use driver::param::{SockAddr, SockTuple};
use driver::{EventRef, ParamValue};
use libcapture::capture::{Capture, Next};

mod support;
use support::send_signal;

const HARRIER: &str = env!("CARGO_BIN_EXE_harrier");
const PYTHON: &str = "/usr/bin/python3";

/// One recorded event, owned.
struct Recorded {
    bytes: Vec<u8>,
}

impl Recorded {
    fn event(&self) -> EventRef<'_> {
        EventRef::parse(&self.bytes).unwrap()
    }
}

/// The recorded workload: its events and the facts it printed.
struct Fixture {
    dir: PathBuf,
    scap: PathBuf,
    events: Vec<Recorded>,
    facts: HashMap<String, i64>,
    stderr: String,
}

impl Fixture {
    fn fact(&self, key: &str) -> i64 {
        *self
            .facts
            .get(key)
            .unwrap_or_else(|| panic!("workload printed no {key}"))
    }

    /// Exit events with `code` whose header tid is `tid` (any tid if None).
    fn find(&self, code: u16, tid: Option<i64>) -> Vec<EventRef<'_>> {
        self.events
            .iter()
            .map(Recorded::event)
            .filter(|e| e.code().0 == code && tid.is_none_or(|t| e.tid() == t as u64))
            .collect()
    }
}

fn skip_reason() -> Option<String> {
    let euid = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m));
    if euid.ok() != Some(0) {
        return Some("needs root to load the eBPF probe".into());
    }
    if !Path::new("/sys/kernel/btf/vmlinux").exists() {
        return Some("kernel has no BTF (/sys/kernel/btf/vmlinux)".into());
    }
    if !Path::new(PYTHON).exists() {
        return Some(format!("{PYTHON} is missing"));
    }
    None
}

fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Result<Fixture, String>> = OnceLock::new();
    match FIXTURE.get_or_init(record) {
        Ok(fixture) => Some(fixture),
        Err(reason) => {
            eprintln!("SKIPPED: {reason}");
            None
        }
    }
}

fn record() -> Result<Fixture, String> {
    if let Some(reason) = skip_reason() {
        return Err(reason);
    }
    let dir = std::env::temp_dir().join(format!("harrier-capture-bpf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scap = dir.join("workload.scap");
    let workload = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/capture_workload.py");
    let out = Command::new(HARRIER)
        .arg("capture")
        .arg("-w")
        .arg(&scap)
        .arg("--")
        .arg(PYTHON)
        .arg(&workload)
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "harrier capture failed: {stderr}");
    let facts = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .filter_map(|(k, v)| Some((k.to_string(), v.trim().parse().ok()?)))
        .collect();
    let mut capture = libcapture::backend::savefile::open_savefile(&scap).unwrap();
    let mut events = Vec::new();
    while let Next::Event(ev) = capture.next().unwrap() {
        events.push(Recorded {
            bytes: ev.raw().to_vec(),
        });
    }
    Ok(Fixture {
        dir,
        scap,
        events,
        facts,
        stderr,
    })
}

fn value<'a>(ev: &EventRef<'a>, name: &str) -> ParamValue<'a> {
    ev.param_by_name(name)
        .unwrap_or_else(|| panic!("{} has no param {name}", ev.info().map_or("?", |i| i.name)))
        .unwrap()
}

fn str_param(ev: &EventRef<'_>, name: &str) -> String {
    match value(ev, name) {
        ParamValue::Str(s) | ParamValue::Bytes(s) => String::from_utf8_lossy(s).into_owned(),
        other => panic!("{name} is {other:?}"),
    }
}

fn int_param(ev: &EventRef<'_>, name: &str) -> i64 {
    match value(ev, name) {
        ParamValue::Errno(v) | ParamValue::Fd(v) | ParamValue::Pid(v) | ParamValue::Int(v) => v,
        ParamValue::Uint(v) => v as i64,
        ParamValue::Flags(v) | ParamValue::Mode(v) | ParamValue::Uid(v) => i64::from(v),
        other => panic!("{name} is {other:?}"),
    }
}

#[test]
fn execve_x_carries_exe_args_filename_and_process() {
    let Some(f) = fixture() else { return };
    let execs: Vec<_> = f
        .find(293, None)
        .into_iter()
        .filter(|e| str_param(e, "comm") == "echo")
        .collect();
    assert_eq!(execs.len(), 1, "one successful execve of /bin/echo");
    let ev = &execs[0];
    assert_eq!(ev.nparams(), 31);
    assert_eq!(int_param(ev, "res"), 0);
    assert_eq!(str_param(ev, "exe"), "/bin/echo");
    assert_eq!(str_param(ev, "args"), "harrier-exec-arg\0");
    assert_eq!(str_param(ev, "filename"), "/bin/echo");
    let real = std::fs::canonicalize("/bin/echo").unwrap();
    assert_eq!(str_param(ev, "trusted_exepath"), real.display().to_string());
    assert_eq!(int_param(ev, "ptid"), f.fact("pid"));
    assert_eq!(int_param(ev, "tid") as u64, ev.tid());
    assert_eq!(int_param(ev, "pid"), int_param(ev, "tid"));
    let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
    assert_eq!(str_param(ev, "cwd"), cwd.display().to_string());
    assert!(str_param(ev, "env").contains('='), "env is K=V pairs");
    assert!(str_param(ev, "cgroups").contains("cpu="), "cgroups list");
    assert_eq!(value(ev, "uid"), ParamValue::Uid(0));
    assert!(int_param(ev, "exe_ino") > 0);
    // Root may write /usr/bin/echo (owner write bit, fsuid 0): PPM_EXE_WRITABLE.
    assert_eq!(int_param(ev, "flags") & 1, 1);
}

#[test]
fn openat_x_carries_path_flags_mode_and_returned_fd() {
    let Some(f) = fixture() else { return };
    let pid = f.fact("pid");
    let opens: Vec<_> = f
        .find(307, Some(pid))
        .into_iter()
        .filter(|e| str_param(e, "name").ends_with("/opened.txt"))
        .collect();
    assert_eq!(opens.len(), 1);
    let ev = &opens[0];
    assert_eq!(ev.nparams(), 7);
    assert_eq!(int_param(ev, "fd"), f.fact("open_fd"));
    assert_eq!(int_param(ev, "dirfd"), -100);
    let flags = int_param(ev, "flags");
    // PPM_O_WRONLY 2 | CREAT 4 | TRUNC 256, and F_CREATED (1 << 14): the file was new.
    assert_eq!(
        flags & (2 | 4 | 256 | 16384),
        2 | 4 | 256 | 16384,
        "flags {flags:#x}"
    );
    assert_eq!(int_param(ev, "mode"), 0o640);
    let meta = std::fs::metadata(f.dir.join("renamed.txt")).unwrap();
    assert_eq!(
        int_param(ev, "ino") as u64,
        std::os::unix::fs::MetadataExt::ino(&meta)
    );
    assert!(int_param(ev, "dev") != 0);
}

#[test]
fn write_x_carries_data_and_size() {
    let Some(f) = fixture() else { return };
    let fd = f.fact("open_fd");
    let writes: Vec<_> = f
        .find(9, Some(f.fact("pid")))
        .into_iter()
        .filter(|e| int_param(e, "fd") == fd && int_param(e, "res") == 18)
        .collect();
    assert_eq!(writes.len(), 1);
    assert_eq!(
        value(&writes[0], "data"),
        ParamValue::Bytes(b"harrier-write-data")
    );
    assert_eq!(int_param(&writes[0], "size"), 18);
}

#[test]
fn rename_x_carries_both_paths() {
    let Some(f) = fixture() else { return };
    let pid = Some(f.fact("pid"));
    let renames: Vec<_> = [175u16, 177, 319]
        .iter()
        .flat_map(|&code| f.find(code, pid))
        .collect();
    assert_eq!(renames.len(), 1);
    let ev = &renames[0];
    assert_eq!(int_param(ev, "res"), 0);
    assert!(str_param(ev, "oldpath").ends_with("/opened.txt"));
    assert!(str_param(ev, "newpath").ends_with("/renamed.txt"));
}

#[test]
fn connect_x_carries_the_socket_tuple() {
    let Some(f) = fixture() else { return };
    let (fd, port, local) = (
        f.fact("connect_fd"),
        f.fact("listen_port"),
        f.fact("client_port"),
    );
    let connects: Vec<_> = f
        .find(23, Some(f.fact("pid")))
        .into_iter()
        .filter(|e| int_param(e, "fd") == fd)
        .collect();
    assert_eq!(connects.len(), 1);
    let ev = &connects[0];
    assert_eq!(ev.nparams(), 4);
    assert_eq!(int_param(ev, "res"), 0);
    let lo = Ipv4Addr::LOCALHOST;
    match value(ev, "tuple") {
        ParamValue::SockTuple(SockTuple::Inet {
            src,
            sport,
            dst,
            dport,
        }) => {
            assert_eq!(
                (src, i64::from(sport), dst, i64::from(dport)),
                (lo, local, lo, port)
            );
        }
        other => panic!("tuple {other:?}"),
    }
    match value(ev, "addr") {
        ParamValue::SockAddr(SockAddr::Inet { addr, port: p }) => {
            assert_eq!((addr, i64::from(p)), (lo, port))
        }
        other => panic!("addr {other:?}"),
    }
}

#[test]
fn accept_x_carries_the_inbound_tuple() {
    let Some(f) = fixture() else { return };
    let (port, local) = (f.fact("listen_port"), f.fact("client_port"));
    let accepts: Vec<_> = [247u16, 389]
        .iter()
        .flat_map(|&c| f.find(c, Some(f.fact("pid"))))
        .collect();
    assert_eq!(accepts.len(), 1);
    match value(&accepts[0], "tuple") {
        // Inbound: the peer (the client) first.
        ParamValue::SockTuple(SockTuple::Inet { sport, dport, .. }) => {
            assert_eq!((i64::from(sport), i64::from(dport)), (local, port));
        }
        other => panic!("tuple {other:?}"),
    }
}

#[test]
fn setuid_failure_carries_errno_and_uid() {
    let Some(f) = fixture() else { return };
    let child = Some(f.fact("child_pid"));
    let setuids = f.find(199, child);
    assert_eq!(setuids.len(), 2, "setuid(65534) then setuid(0)");
    assert_eq!(int_param(&setuids[0], "res"), 0);
    assert_eq!(value(&setuids[0], "uid"), ParamValue::Uid(65534));
    assert_eq!(int_param(&setuids[1], "res"), -1, "EPERM");
    assert_eq!(value(&setuids[1], "uid"), ParamValue::Uid(0));
    // The synthesised enter event precedes the exit, with the uid.
    assert_eq!(f.find(198, child).len(), 2);
}

#[test]
fn clone_child_and_parent_and_procexit() {
    let Some(f) = fixture() else { return };
    let (pid, child) = (f.fact("pid"), f.fact("child_pid"));
    let child_side: Vec<_> = [223u16, 225, 335]
        .iter()
        .flat_map(|&c| f.find(c, Some(child)))
        .collect();
    assert_eq!(
        child_side.len(),
        1,
        "child-side clone event with the child's tid"
    );
    let ev = &child_side[0];
    assert_eq!(ev.nparams(), 21);
    assert_eq!(int_param(ev, "res"), 0);
    assert_eq!(int_param(ev, "ptid"), pid);
    assert_eq!(str_param(ev, "comm"), "python3");
    let parent_side: Vec<_> = [223u16, 225, 335]
        .iter()
        .flat_map(|&c| f.find(c, Some(pid)))
        .filter(|e| int_param(e, "res") == child)
        .collect();
    assert_eq!(
        parent_side.len(),
        1,
        "parent-side clone returning the child pid"
    );
    let exits = f.find(186, Some(child));
    assert_eq!(exits.len(), 1);
    assert_eq!(int_param(&exits[0], "ret"), 7);
    assert_eq!(int_param(&exits[0], "status"), 7 << 8);
}

#[test]
fn every_event_matches_the_schema() {
    let Some(f) = fixture() else { return };
    assert!(f.events.len() > 50, "{} events", f.events.len());
    for rec in &f.events {
        let ev = rec.event();
        let info = ev
            .info()
            .unwrap_or_else(|| panic!("unknown code {}", ev.code().0));
        assert_eq!(ev.len(), rec.bytes.len(), "{}: header len", info.name);
        let expected = if ev.is_enter() && ev.code().0 != 186 {
            info.legacy_nparams.map_or(info.params.len(), usize::from)
        } else {
            info.params.len()
        };
        assert_eq!(
            ev.nparams(),
            expected,
            "{} ({}) param count",
            info.name,
            ev.code().0
        );
        for i in 0..ev.nparams() {
            ev.param(i)
                .unwrap()
                .unwrap_or_else(|e| panic!("{} param {i}: {e}", info.name));
        }
    }
    let mut last = 0;
    for rec in &f.events {
        let ts = rec.event().ts();
        assert!(ts >= last, "events are in timestamp order");
        last = ts;
    }
}

#[test]
fn the_capture_reports_no_drops() {
    let Some(f) = fixture() else { return };
    assert!(f.stderr.contains("drops: 0 "), "{}", f.stderr);
}

#[test]
fn sysdig_reads_the_capture_with_the_same_params() {
    let Some(f) = fixture() else { return };
    let Ok(out) = Command::new("sysdig")
        .arg("-r")
        .arg(&f.scap)
        .arg("-p")
        .arg("%evt.dir %evt.type %evt.args")
        .output()
    else {
        eprintln!("SKIPPED: sysdig is not installed");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let has = |needle: &str| text.lines().any(|l| l.contains(needle));
    let port = f.fact("listen_port");
    assert!(
        has("< execve res=0 exe=/bin/echo args=harrier-exec-arg."),
        "execve"
    );
    assert!(
        has(&format!(
            "< openat fd={}(<f>{}/opened.txt)",
            f.fact("open_fd"),
            f.dir.display()
        )),
        "openat"
    );
    assert!(
        has(&format!("-> 127.0.0.1:{port}")) || has(&format!("->127.0.0.1:{port}")),
        "connect tuple"
    );
    assert!(
        has("> setuid uid=0(root)") && has("< setuid res=-1(EPERM)"),
        "setuid"
    );
    assert!(has("renamed.txt"), "rename");
    assert!(has("> procexit status=1792 ret=7"), "procexit");
}

#[test]
fn harrier_replay_reads_the_capture() {
    let Some(f) = fixture() else { return };
    let out = Command::new(HARRIER)
        .arg("replay")
        .arg(&f.scap)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.contains("execve")));
    assert!(text.lines().any(|l| l.contains("connect")));
}

#[test]
fn tiny_buffers_report_drops() {
    if let Some(reason) = skip_reason() {
        eprintln!("SKIPPED: {reason}");
        return;
    }
    let out = Command::new(HARRIER)
        .args([
            "capture",
            "--ring-size",
            "4K",
            "--syscalls",
            "openat,close",
            "-w",
            "/dev/null",
            "--exit-only",
            "--",
        ])
        .arg(PYTHON)
        .arg("-c")
        .arg("import os\nfor _ in range(100000): os.close(os.open('/dev/null', 0))")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let drops: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("drops: "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no drop line in {stderr}"));
    assert!(drops > 0, "a 4 KiB ring must overflow: {stderr}");
}

#[test]
fn without_root_capture_fails_with_one_clear_error() {
    if let Some(reason) = skip_reason() {
        eprintln!("SKIPPED: {reason}");
        return;
    }
    if !Path::new("/usr/bin/setpriv").exists() {
        eprintln!("SKIPPED: setpriv is missing");
        return;
    }
    let out = Command::new("/usr/bin/setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            HARRIER,
            "capture",
            "--duration",
            "1s",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("needs root"), "{stderr}");
}

#[test]
fn interrupt_ends_the_capture_cleanly_and_flushes() {
    if let Some(reason) = skip_reason() {
        eprintln!("SKIPPED: {reason}");
        return;
    }
    let dir = std::env::temp_dir().join(format!("harrier-capture-int-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scap = dir.join("interrupted.scap");
    let child = Command::new(HARRIER)
        .args([
            "capture",
            "--syscalls",
            "openat,close",
            "--duration",
            "120s",
            "-w",
        ])
        .arg(&scap)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The snapshot is written once the probe is loaded; events follow once attached.
    let start = std::time::Instant::now();
    while std::fs::metadata(&scap).map_or(0, |m| m.len()) == 0 {
        assert!(start.elapsed().as_secs() < 60, "capture did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    for _ in 0..20 {
        let _ = std::fs::read(path_of_self());
    }
    assert!(send_signal(child.id(), "INT"));
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("captured "), "summary: {stderr}");
    let mut capture = libcapture::backend::savefile::open_savefile(&scap).unwrap();
    let mut events = 0;
    while let Next::Event(_) = capture.next().unwrap() {
        events += 1;
    }
    assert!(
        events > 0,
        "the file holds the events captured before the interrupt"
    );
}

fn path_of_self() -> PathBuf {
    std::env::current_exe().unwrap()
}

/// Exit events of the workload process with any of `codes`.
fn workload_events<'a>(f: &'a Fixture, codes: &[u16]) -> Vec<EventRef<'a>> {
    let pid = Some(f.fact("pid"));
    codes.iter().flat_map(|&c| f.find(c, pid)).collect()
}

#[test]
fn file_namespace_ops_carry_paths_and_modes() {
    let Some(f) = fixture() else { return };
    // mkdir (277) or mkdirat (305): path and mode.
    let mkdirs = workload_events(f, &[277, 305]);
    assert_eq!(mkdirs.len(), 1);
    assert!(str_param(&mkdirs[0], "path").ends_with("/subdir"));
    assert_eq!(int_param(&mkdirs[0], "mode"), 0o750);
    // symlink (179) or symlinkat (181): target and link path.
    let symlinks = workload_events(f, &[179, 181]);
    assert_eq!(symlinks.len(), 1);
    assert!(str_param(&symlinks[0], "target").ends_with("/renamed.txt"));
    assert!(str_param(&symlinks[0], "linkpath").ends_with("/link"));
    // chmod (315) or fchmodat (313).
    let chmods = workload_events(f, &[315, 313]);
    assert_eq!(chmods.len(), 1);
    assert!(str_param(&chmods[0], "filename").ends_with("/renamed.txt"));
    assert_eq!(int_param(&chmods[0], "mode"), 0o600);
    // unlink (301), rmdir (279), or unlinkat (303) for both.
    let removed: Vec<String> = workload_events(f, &[301, 279, 303])
        .iter()
        .map(|e| {
            let name = if e.code().0 == 303 { "name" } else { "path" };
            str_param(e, name)
        })
        .filter(|p| p.starts_with(&f.dir.display().to_string()))
        .collect();
    assert_eq!(removed.len(), 2, "{removed:?}");
    assert!(removed[0].ends_with("/link") && removed[1].ends_with("/subdir"));
}

#[test]
fn fd_family_carries_the_new_fds() {
    let Some(f) = fixture() else { return };
    // subprocess.run made a pipe earlier; ours is the one returning pipe_r.
    let pipes: Vec<_> = workload_events(f, &[61, 393])
        .into_iter()
        .filter(|e| int_param(e, "fd1") == f.fact("pipe_r") && int_param(e, "res") == 0)
        .collect();
    assert_eq!(pipes.len(), 1);
    assert_eq!(int_param(&pipes[0], "fd1"), f.fact("pipe_r"));
    assert_eq!(int_param(&pipes[0], "fd2"), f.fact("pipe_w"));
    assert!(int_param(&pipes[0], "ino") > 0);
    let dups: Vec<_> = workload_events(f, &[363, 365])
        .into_iter()
        .filter(|e| int_param(e, "newfd") == 100)
        .collect();
    assert_eq!(dups.len(), 1);
    assert_eq!(int_param(&dups[0], "res"), 100);
    assert_eq!(int_param(&dups[0], "oldfd"), f.fact("pipe_r"));
    assert_eq!(int_param(&dups[0], "newfd"), 100);
    let memfds = workload_events(f, &[405]);
    assert_eq!(memfds.len(), 1);
    assert_eq!(int_param(&memfds[0], "fd"), f.fact("memfd"));
    assert_eq!(str_param(&memfds[0], "name"), "harrier-memfd");
}

#[test]
fn chdir_and_kill_carry_their_args() {
    let Some(f) = fixture() else { return };
    let chdirs = workload_events(f, &[95]);
    assert_eq!(chdirs.len(), 2);
    assert_eq!(str_param(&chdirs[0], "path"), f.dir.display().to_string());
    let kills: Vec<_> = workload_events(f, &[129])
        .into_iter()
        .filter(|e| int_param(e, "pid") == f.fact("pid"))
        .collect();
    assert_eq!(kills.len(), 1);
    assert_eq!(int_param(&kills[0], "res"), 0);
    assert_eq!(value(&kills[0], "sig"), ParamValue::Signal(0));
}

#[test]
fn mmap_carries_converted_prot_and_flags() {
    let Some(f) = fixture() else { return };
    let maps = workload_events(f, &[161]);
    assert!(!maps.is_empty());
    // Some anonymous private mapping: PPM_MAP_PRIVATE 2 | PPM_MAP_ANONYMOUS 8, fd -1.
    assert!(maps
        .iter()
        .any(|e| int_param(e, "flags") & (2 | 8) == (2 | 8) && int_param(e, "fd") == -1));
    assert!(maps.iter().all(|e| int_param(e, "length") > 0));
}

/// Two stages of execs: python renames itself (prctl), then execveat's
/// python again through an `O_PATH` fd (`AT_EMPTY_PATH`); that one renames
/// itself through /proc/self/comm and execveat's a `#!` script, whose shell
/// renames itself too and execve's /bin/true.
const EXEC_STAGES: &str = r#"
import ctypes, os, sys

libc = ctypes.CDLL(None, use_errno=True)
NR_EXECVEAT, AT_FDCWD, AT_EMPTY_PATH, PR_SET_NAME = 322, -100, 0x1000, 15

def execveat(dirfd, path, args, flags):
    argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    envp = (ctypes.c_char_p * 1)(None)
    return libc.syscall(ctypes.c_long(NR_EXECVEAT), ctypes.c_long(dirfd), ctypes.c_char_p(path),
                        argv, envp, ctypes.c_long(flags))

stages, work = sys.argv[0].encode(), sys.argv[1]
if len(sys.argv) == 2:
    libc.prctl(PR_SET_NAME, b"renamed-1", 0, 0, 0)
    fd = os.open(sys.executable, os.O_PATH)
    args = [sys.executable.encode(), b"-I", b"-S", b"-B", stages, work.encode(), b"2"]
    execveat(fd, b"", args, AT_EMPTY_PATH)
else:
    with open("/proc/self/comm", "w") as comm:
        comm.write("renamed-2")
    execveat(AT_FDCWD, os.path.join(work, "exec-true.sh").encode(), [b"script"], 0)
os._exit(7)
"#;

/// The execveat marks (set at the exec's rename, taken at exec) label
/// each exec by the call that made it: an fd exec (whose rename takes the
/// name from the dentry) and a script exec are execveat; renames outside
/// an exec mark nothing, and no mark is left over for the execve after.
#[test]
fn execveat_is_told_from_execve_through_fds_scripts_and_renames() {
    if let Some(reason) = skip_reason() {
        eprintln!("SKIPPED: {reason}");
        return;
    }
    let dir = std::env::temp_dir().join(format!("harrier-exec-stages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stages = dir.join("stages.py");
    std::fs::write(&stages, EXEC_STAGES).unwrap();
    let script = dir.join("exec-true.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf sh-renamed > /proc/self/comm\nexec /bin/true from-script\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let scap = dir.join("stages.scap");
    let out = Command::new(HARRIER)
        .args([
            "capture",
            "--syscalls",
            "execve,execveat",
            "--exit-only",
            "-w",
        ])
        .arg(&scap)
        .args(["--", PYTHON, "-I", "-S", "-B"])
        .arg(&stages)
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "harrier capture failed: {stderr}");
    let mut capture = libcapture::backend::savefile::open_savefile(&scap).unwrap();
    let mut execs = Vec::new();
    while let Next::Event(captured) = capture.next().unwrap() {
        let ev = EventRef::parse(captured.raw()).unwrap();
        let name = ev.info().map_or("?", |i| i.name);
        if name == "execve" || name == "execveat" {
            execs.push((name, int_param(&ev, "res"), str_param(&ev, "exe")));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    let expected = [
        ("execve", 0, PYTHON),
        ("execveat", 0, PYTHON),
        ("execveat", 0, "/bin/sh"),
        ("execve", 0, "/bin/true"),
    ]
    .map(|(name, res, exe)| (name, res, exe.to_string()));
    assert_eq!(execs, expected, "{stderr}");
}
