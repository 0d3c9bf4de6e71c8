//! ia32 syscalls (`int $0x80` from a 64-bit process) under both live
//! backends: a workload built here with gcc makes its calls through the
//! 32-bit ABI, and the eBPF probe and the kmod shim must report them as the
//! events of their x86_64 equivalents, with the right parameters, the same
//! in both; `detect` must see an ia32 open of /etc/shadow.
//!
//! Needs root, gcc, a kernel with `CONFIG_IA32_EMULATION` and (for the eBPF
//! backend) BPF; each test prints `SKIPPED: <reason>` and returns where one
//! is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use driver::EventRef;
use libcapture::capture::{CaptureBuilder, Next};

mod support;
use support::{capture_exit_events, comparable_param, RUN_SPECIFIC_PARAMS};

/// Every pointer the workload passes is static data: built `-no-pie`, it
/// sits below 4 GiB where the 32-bit ABI can name it.
const WORKLOAD_C: &str = r#"
#include <stdlib.h>
#include <string.h>

static long sys32_5(long nr, long a, long b, long c, long d, long e)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e) : "memory");
	return ret;
}
#define sys32(nr, a, b, c, d) sys32_5(nr, a, b, c, d, 0)
#define PTR(p) ((unsigned int)(unsigned long)(p))

static char in_path[256], out_path[256];
static char buf[64];
static const char msg[] = "ia32 write";
static const char part1[] = "vec-", part2[] = "tor", ping[] = "ping";
static unsigned int iov32[4], ping_iov[2], msghdr32[7];
static unsigned char addr[16];
static unsigned int sockargs[3];
static const char exe[] = "/bin/true";
static const char arg1[] = "ia32-arg";
static unsigned int argv32[3];
static char rbuf[64], rbuf2[64];
static unsigned int readiov[4], preadiov[2], rvec[2], rmsg[7], args6[6];
static unsigned char addr0[16], bound[16];
static unsigned int blen;
static const char hi[] = "hi", msg2[] = "msg2";

/* argv: DIR PORT */
int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	strcpy(in_path, argv[1]);
	strcat(in_path, "/in");
	strcpy(out_path, argv[1]);
	strcat(out_path, "/out");
	int port = atoi(argv[2]);

	long fd = sys32(5, (long)in_path, 0, 0, 0);                      /* open(in, O_RDONLY) */
	sys32(3, fd, (long)buf, sizeof(buf), 0);                          /* read */
	sys32(6, fd, 0, 0, 0);                                            /* close */
	fd = sys32(295, -100, (long)out_path, 01 | 0100 | 01000, 0640);   /* openat(AT_FDCWD, out, O_WRONLY|O_CREAT|O_TRUNC) */
	sys32(4, fd, (long)msg, sizeof(msg) - 1, 0);                      /* write */
	iov32[0] = (unsigned int)(unsigned long)part1;
	iov32[1] = sizeof(part1) - 1;
	iov32[2] = (unsigned int)(unsigned long)part2;
	iov32[3] = sizeof(part2) - 1;
	sys32(146, fd, (long)iov32, 2, 0);                                /* writev: compat_iovec */
	sys32(95, fd, 0xffff, 0xffff, 0);                                 /* fchown (16-bit ids): -1, -1 */
	sys32(6, fd, 0, 0, 0);

	fd = sys32(5, (long)in_path, 0, 0, 0);
	readiov[0] = PTR(rbuf), readiov[1] = 5, readiov[2] = PTR(rbuf2), readiov[3] = 16;
	sys32(145, fd, (long)readiov, 2, 0);                              /* readv: "hello" + "-ia32\n" */
	sys32_5(180, fd, (long)rbuf, 4, 6, 0);                            /* pread64(offset 6 in two words) */
	preadiov[0] = PTR(rbuf), preadiov[1] = 4;
	sys32_5(333, fd, (long)preadiov, 1, 6, 0);                        /* preadv(offset 6) */
	sys32(6, fd, 0, 0, 0);

	addr[0] = 2;                                                      /* AF_INET */
	addr[2] = port >> 8;
	addr[3] = port & 0xff;
	addr[4] = 127, addr[7] = 1;
	long s1 = sys32(359, 2, 1, 0, 0);                                 /* socket(AF_INET, SOCK_STREAM, 0) */
	sys32(362, s1, (long)addr, 16, 0);                                /* connect */
	sockargs[0] = 2, sockargs[1] = 1, sockargs[2] = 0;
	long s2 = sys32(102, 1, (long)sockargs, 0, 0);                    /* socketcall(SYS_SOCKET) */
	sockargs[0] = s2, sockargs[1] = (unsigned int)(unsigned long)addr, sockargs[2] = 16;
	sys32(102, 3, (long)sockargs, 0, 0);                              /* socketcall(SYS_CONNECT) */
	ping_iov[0] = (unsigned int)(unsigned long)ping;
	ping_iov[1] = sizeof(ping) - 1;
	msghdr32[2] = (unsigned int)(unsigned long)ping_iov;
	msghdr32[3] = 1;
	sockargs[0] = s2, sockargs[1] = (unsigned int)(unsigned long)msghdr32, sockargs[2] = 0;
	sys32(102, 16, (long)sockargs, 0, 0);                             /* socketcall(SYS_SENDMSG): compat_msghdr */

	/* A server through socketcall: socket, bind, listen, accept, sendto/recvfrom, send, recvmsg. */
	addr0[0] = 2, addr0[4] = 127, addr0[7] = 1;
	args6[0] = 2, args6[1] = 1, args6[2] = 0;
	long ls = sys32(102, 1, (long)args6, 0, 0);                       /* SYS_SOCKET */
	args6[0] = ls, args6[1] = PTR(addr0), args6[2] = 16;
	sys32(102, 2, (long)args6, 0, 0);                                 /* SYS_BIND */
	args6[0] = ls, args6[1] = 4;
	sys32(102, 4, (long)args6, 0, 0);                                 /* SYS_LISTEN */
	blen = 16;
	sys32(367, ls, (long)bound, (long)&blen, 0);                      /* getsockname (not selected) */
	long c1 = sys32(359, 2, 1, 0, 0);
	sys32(362, c1, (long)bound, 16, 0);
	args6[0] = ls, args6[1] = 0, args6[2] = 0;
	long a1 = sys32(102, 5, (long)args6, 0, 0);                       /* SYS_ACCEPT */
	args6[0] = c1, args6[1] = PTR(hi), args6[2] = 2, args6[3] = 0, args6[4] = 0, args6[5] = 0;
	sys32(102, 11, (long)args6, 0, 0);                                /* SYS_SENDTO */
	args6[0] = a1, args6[1] = PTR(rbuf), args6[2] = 2;
	sys32(102, 12, (long)args6, 0, 0);                                /* SYS_RECVFROM */
	args6[0] = c1, args6[1] = PTR(msg2), args6[2] = 4, args6[3] = 0;
	sys32(102, 9, (long)args6, 0, 0);                                 /* SYS_SEND: sendto without address */
	rvec[0] = PTR(rbuf2), rvec[1] = 4;
	rmsg[2] = PTR(rvec), rmsg[3] = 1;
	args6[0] = a1, args6[1] = PTR(rmsg), args6[2] = 0;
	sys32(102, 17, (long)args6, 0, 0);                                /* SYS_RECVMSG: compat_msghdr */
	long c2 = sys32(359, 2, 1, 0, 0);
	sys32(362, c2, (long)bound, 16, 0);
	long a2 = sys32(364, ls, 0, 0, 02000000);                         /* accept4(SOCK_CLOEXEC) */
	sys32(6, c1, 0, 0, 0);
	sys32(6, a1, 0, 0, 0);
	sys32(6, c2, 0, 0, 0);
	sys32(6, a2, 0, 0, 0);
	sys32(6, ls, 0, 0, 0);
	sys32(6, s1, 0, 0, 0);
	sys32(6, s2, 0, 0, 0);
	sys32(34, 0, 0, 0, 0);                                            /* nice(0): no x86_64 counterpart */

	argv32[0] = (unsigned int)(unsigned long)exe;
	argv32[1] = (unsigned int)(unsigned long)arg1;
	sys32(11, (long)exe, (long)argv32, 0, 0);                         /* execve(/bin/true, argv, NULL) */
	return 3;
}
"#;

/// The evasion this guards against: an ia32 open of /etc/shadow.
const OPEN_SHADOW_C: &str = r#"
static const char path[] = "/etc/shadow";
int main(void){ long fd; __asm__ volatile("int $0x80":"=a"(fd):"a"(5L),"b"(path),"c"(0L),"d"(0L)); return fd < 0; }
"#;

/// ia32 execveat (358, compat argv): one that fails, one that runs /bin/true.
const EXECVEAT_C: &str = r#"
#define PTR(p) ((unsigned int)(unsigned long)(p))
static const char bad[] = "/nonexistent/true", exe[] = "/bin/true", arg1[] = "ia32-execveat";
static unsigned int argv32[3], envp32[1];
static long execveat32(const char *path)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(358L), "b"(-100L), "c"(PTR(path)), "d"(PTR(argv32)),
			 "S"(PTR(envp32)), "D"(0L) : "memory");
	return ret;
}
int main(void)
{
	argv32[0] = PTR(exe);
	argv32[1] = PTR(arg1);
	execveat32(bad);
	execveat32(exe);
	return 3;
}
"#;

/// Whether ia32 calls work here: getpid through int $0x80 (ia32 20).
const PROBE_C: &str = r#"
#include <unistd.h>
int main(void){ long r; __asm__ volatile("int $0x80":"=a"(r):"a"(20L)); return r == getpid() ? 0 : 1; }
"#;

fn harrier() -> Command {
    Command::new(env!("CARGO_BIN_EXE_harrier"))
}

fn tmpdir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("harrier-ia32-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds `source` with `gcc -O1 -no-pie` into `dir/name`; `None` (after
/// printing why) when this machine cannot run the test.
fn build(dir: &Path, name: &str, source: &str) -> Option<PathBuf> {
    if !nix_root() {
        println!("SKIPPED: not root (ptrace of spawned trees and eBPF need it)");
        return None;
    }
    let c = dir.join(format!("{name}.c"));
    let bin = dir.join(name);
    std::fs::write(&c, source).unwrap();
    let gcc = Command::new("gcc")
        .args(["-O1", "-no-pie", "-o"])
        .arg(&bin)
        .arg(&c)
        .output();
    match gcc {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!("gcc failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            println!("SKIPPED: gcc not available: {e}");
            return None;
        }
    }
    let probe = dir.join("ia32-probe");
    let probe_c = dir.join("ia32-probe.c");
    std::fs::write(&probe_c, PROBE_C).unwrap();
    let built = Command::new("gcc")
        .args(["-O1", "-no-pie", "-o"])
        .arg(&probe)
        .arg(&probe_c)
        .status()
        .unwrap();
    assert!(built.success());
    if !Command::new(&probe).status().is_ok_and(|s| s.success()) {
        println!("SKIPPED: the kernel runs no ia32 syscalls (CONFIG_IA32_EMULATION off or ia32_emulation=0)");
        return None;
    }
    Some(bin)
}

fn nix_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|u| u.split_whitespace().nth(1))
            == Some("0")
    })
}

/// One exit event: name and every parameter as text.
#[derive(Debug, Clone, PartialEq)]
struct Event {
    name: String,
    tid: u64,
    params: Vec<(String, String)>,
}

impl Event {
    fn get(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{} has no {name}: {:?}", self.name, self.params))
    }
}

/// Exit events from the workload's first execve on, parameters as text
/// (socket tuples without the ephemeral source port).
fn events(path: &Path) -> Vec<Event> {
    let mut capture = CaptureBuilder::savefile(path).open().unwrap();
    let mut out = Vec::new();
    while let Next::Event(ev) = capture.next().unwrap() {
        let e: &EventRef<'_> = &ev.event;
        if e.is_enter() {
            continue;
        }
        let info = e.info().unwrap();
        if out.is_empty() && info.name != "execve" {
            continue;
        }
        let params = info
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p.name.to_string(),
                    comparable_param(e.param(i).map(Result::unwrap)),
                )
            })
            .collect();
        out.push(Event {
            name: info.name.to_string(),
            tid: e.tid(),
            params,
        });
    }
    out
}

/// The workload's own calls (before the exec of /bin/true) and the exec.
fn workload_calls(events: &[Event]) -> Vec<Event> {
    let tid = events.first().map(|e| e.tid);
    let mut calls: Vec<Event> = events
        .iter()
        .filter(|e| Some(e.tid) == tid)
        .cloned()
        .collect();
    // From the workload's first ia32 call (its open of `in`) to the exec of /bin/true.
    let start = calls
        .iter()
        .position(|e| e.name == "open" && e.get("name").ends_with("/in"))
        .expect("the ia32 open of `in`");
    let end = calls
        .iter()
        .rposition(|e| e.name == "execve" && e.get("exe") == "/bin/true")
        .expect("the ia32 execve of /bin/true");
    calls.drain(..start);
    calls.truncate(end - start + 1);
    calls
}

fn run_workload(tag: &str) -> Option<(Vec<Event>, Vec<Event>, u16)> {
    let dir = tmpdir(tag);
    let bin = build(&dir, "workload", WORKLOAD_C)?;
    std::fs::write(dir.join("in"), "hello-ia32\n").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let argv = [bin.to_str().unwrap(), ".", &port.to_string()];
    let bpf = events(&capture_exit_events(&dir, "bpf", "default", &argv)?);
    // Each run creates `out` afresh (the open's PPM_O_F_CREATED).
    std::fs::remove_file(dir.join("out")).unwrap();
    let kmod = events(&capture_exit_events(&dir, "kmod", "default", &argv)?);
    drop(listener);
    std::fs::remove_dir_all(&dir).unwrap();
    Some((workload_calls(&bpf), workload_calls(&kmod), port))
}

/// The events the workload's ia32 calls must produce, in order.
const EXPECTED: &[&str] = &[
    "open", "read", "close", "openat", "write", "writev", "fchown", "close", // files
    "open", "readv", "pread", "preadv", "close", // reads at offsets
    "socket", "connect", "socket", "connect", "sendmsg", // client, direct and socketcall
    "socket", "bind", "listen", "socket", "connect", "accept", // server through socketcall
    "sendto", "recvfrom", "sendto", "recvmsg", "socket", "connect", "accept4", //
    "close", "close", "close", "close", "close", "close", "close", //
    "syscall", "execve", // nice (generic), execve of /bin/true
];

/// The ia32 calls, as the events of their x86_64 equivalents.
fn check_calls(backend: &str, calls: &[Event], port: u16) {
    let names: Vec<&str> = calls.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, EXPECTED, "{backend}: event sequence");
    let p = |i: usize, name: &str| calls[i].get(name).to_string();
    let check = |i: usize, pairs: &[(&str, &str)]| {
        for (name, want) in pairs {
            assert_eq!(
                p(i, name),
                *want,
                "{backend}: event {i} {}.{name}",
                calls[i].name
            );
        }
    };
    let fd_of = |i: usize| p(i, "fd");
    // open(in, O_RDONLY), read, close.
    check(0, &[("name", "./in"), ("flags", "Flags(1)")]);
    assert!(
        fd_of(0) != "Fd(-1)" && fd_of(0).starts_with("Fd("),
        "{backend}: {}",
        fd_of(0)
    );
    check(
        1,
        &[
            ("res", "Errno(11)"),
            ("data", "hello-ia32\n"),
            ("fd", &fd_of(0)),
        ],
    );
    check(2, &[("res", "Errno(0)"), ("fd", &fd_of(0))]);
    // openat(AT_FDCWD, out, O_WRONLY|O_CREAT|O_TRUNC, 0640): PPM_O_* with
    // PPM_O_F_CREATED (a new file); write; writev of two compat_iovecs.
    check(
        3,
        &[
            ("dirfd", "Fd(-100)"),
            ("name", "./out"),
            ("flags", "Flags(16646)"),
            ("mode", "Uint(416)"),
        ],
    );
    check(
        4,
        &[
            ("res", "Errno(10)"),
            ("data", "ia32 write"),
            ("fd", &fd_of(3)),
        ],
    );
    check(
        5,
        &[
            ("res", "Errno(7)"),
            ("data", "vec-tor"),
            ("size", "Uint(7)"),
            ("fd", &fd_of(3)),
        ],
    );
    // fchown(fd, 0xffff, 0xffff), the 16-bit-id call: -1 and -1.
    check(
        6,
        &[
            ("res", "Errno(0)"),
            ("fd", &fd_of(3)),
            ("uid", "Uint(4294967295)"),
            ("gid", "Uint(4294967295)"),
        ],
    );
    // readv into two compat_iovecs (5 + 16 bytes of room); pread64 and
    // preadv at offset 6, passed as two 32-bit words.
    check(
        9,
        &[
            ("res", "Errno(11)"),
            ("size", "Uint(21)"),
            ("data", "hello-ia32\n"),
            ("fd", &fd_of(8)),
        ],
    );
    check(
        10,
        &[
            ("res", "Errno(4)"),
            ("data", "ia32"),
            ("size", "Uint(4)"),
            ("pos", "Uint(6)"),
        ],
    );
    check(
        11,
        &[
            ("res", "Errno(4)"),
            ("data", "ia32"),
            ("size", "Uint(4)"),
            ("pos", "Uint(6)"),
        ],
    );
    // Client sockets: direct socket+connect, then both through socketcall,
    // then sendmsg (compat_msghdr) through socketcall.
    let to_listener = format!("127.0.0.1:* -> 127.0.0.1:{port}");
    for (socket, connect) in [(13, 14), (15, 16)] {
        check(socket, &[("domain", "EnumFlags(2)"), ("type", "Uint(1)")]);
        check(
            connect,
            &[
                ("res", "Errno(0)"),
                ("tuple", &to_listener),
                ("fd", &fd_of(socket)),
            ],
        );
    }
    check(
        17,
        &[
            ("res", "Errno(4)"),
            ("data", "ping"),
            ("fd", &fd_of(15)),
            ("tuple", &to_listener),
        ],
    );
    // Server through socketcall: bind to 127.0.0.1:0, listen, accept a direct connect.
    check(
        19,
        &[
            ("res", "Errno(0)"),
            ("addr", "SockAddr(Inet { addr: 127.0.0.1, port: 0 })"),
            ("fd", &fd_of(18)),
        ],
    );
    check(
        20,
        &[
            ("res", "Errno(0)"),
            ("backlog", "Int(4)"),
            ("fd", &fd_of(18)),
        ],
    );
    let server = p(22, "tuple");
    assert!(
        server.starts_with("127.0.0.1:* -> 127.0.0.1:"),
        "{backend}: {server}"
    );
    check(23, &[("tuple", &server), ("queuemax", "Uint(4)")]);
    // SYS_SENDTO, SYS_RECVFROM, SYS_SEND (a sendto), SYS_RECVMSG.
    check(
        24,
        &[("res", "Errno(2)"), ("data", "hi"), ("fd", &fd_of(21))],
    );
    check(
        25,
        &[
            ("res", "Errno(2)"),
            ("data", "hi"),
            ("fd", &fd_of(23)),
            ("tuple", &server),
        ],
    );
    check(
        26,
        &[("res", "Errno(4)"), ("data", "msg2"), ("fd", &fd_of(21))],
    );
    check(
        27,
        &[
            ("res", "Errno(4)"),
            ("data", "msg2"),
            ("fd", &fd_of(23)),
            ("tuple", &server),
        ],
    );
    // accept4(SOCK_CLOEXEC) directly: PPM_O_CLOEXEC.
    check(30, &[("tuple", &server), ("flags", "Int(4096)")]);
    // nice: ia32 only, a generic event with its own ppm_sc and ia32 number.
    let nice = driver::syscalls::ppm_sc_by_name("nice").unwrap();
    check(
        38,
        &[
            ("ID", &format!("SyscallId({nice})")),
            ("nativeID", "Uint(34)"),
        ],
    );
    // execve(/bin/true, {"/bin/true", "ia32-arg"}): argv of 32-bit pointers.
    check(
        39,
        &[
            ("res", "Errno(0)"),
            ("exe", "/bin/true"),
            ("args", "ia32-arg\\0"),
        ],
    );
}

#[test]
fn ia32_calls_are_reported_as_their_x86_64_events_by_both_backends() {
    let Some((bpf, kmod, port)) = run_workload("calls") else {
        return;
    };
    check_calls("bpf", &bpf, port);
    check_calls("kmod", &kmod, port);
    // The workload's own listener gets a new port in each run.
    let strip = |calls: &[Event]| -> Vec<(String, HashMap<String, String>)> {
        let tuple = calls[22].get("tuple");
        let server = tuple.rsplit(':').next().unwrap().to_string();
        calls
            .iter()
            .map(|e| {
                let params = e
                    .params
                    .iter()
                    // Files the workload creates get a new inode in each run.
                    .filter(|(n, _)| !RUN_SPECIFIC_PARAMS.contains(&n.as_str()) && n != "ino")
                    .map(|(n, v)| {
                        let v = v
                            .replace(&format!(":{server}"), ":<server>")
                            .replace(&format!("port: {server} "), "port: <server> ");
                        (n.clone(), v)
                    })
                    .collect();
                (e.name.clone(), params)
            })
            .collect()
    };
    let (b, k) = (strip(&bpf), strip(&kmod));
    for (i, (eb, ek)) in b.iter().zip(&k).enumerate() {
        assert_eq!(eb, ek, "event {i} differs between bpf and kmod");
    }
}

#[test]
fn an_ia32_execveat_is_reported_as_execveat_by_both_backends() {
    let dir = tmpdir("execveat");
    let Some(bin) = build(&dir, "execveat", EXECVEAT_C) else {
        return;
    };
    let argv = [bin.to_str().unwrap()];
    let Some(bpf) = capture_exit_events(&dir, "bpf", "default", &argv) else {
        return;
    };
    let kmod = capture_exit_events(&dir, "kmod", "default", &argv).unwrap();
    let expected = [
        ("execveat", "Errno(-2)", "/nonexistent/true", "Empty"),
        ("execveat", "Errno(0)", "/bin/true", "ia32-execveat\\0"),
    ];
    for (backend, path) in [("bpf", &bpf), ("kmod", &kmod)] {
        let execs: Vec<Event> = events(path)
            .into_iter()
            .filter(|e| e.name.starts_with("execve"))
            .skip(1) // the exec of the workload itself
            .collect();
        let got: Vec<(&str, &str, &str, &str)> = execs
            .iter()
            .map(|e| (e.name.as_str(), e.get("res"), e.get("exe"), e.get("args")))
            .collect();
        assert_eq!(got, expected, "{backend}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_ia32_open_of_etc_shadow_raises_sensitive_file_read() {
    let dir = tmpdir("detect");
    let Some(bin) = build(&dir, "i32open", OPEN_SHADOW_C) else {
        return;
    };
    let live = harrier()
        .args(["detect", "--live", "--"])
        .arg(&bin)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&live.stdout);
    let stderr = String::from_utf8_lossy(&live.stderr);
    if stderr.contains("cannot start the eBPF capture") {
        println!(
            "SKIPPED: the eBPF backend is not available: {}",
            stderr.trim()
        );
    } else {
        assert!(
            stdout.contains("Sensitive file opened for reading")
                && stdout.contains("file=/etc/shadow"),
            "detect --live missed the ia32 open:\n{stdout}\n{stderr}"
        );
    }
    // The kmod shim's capture of it, replayed through the rules.
    let scap = capture_exit_events(&dir, "kmod", "default", &[bin.to_str().unwrap()]).unwrap();
    let replay = harrier()
        .args(["detect", "--replay"])
        .arg(&scap)
        .output()
        .unwrap();
    let replayed = String::from_utf8_lossy(&replay.stdout);
    assert!(
        replayed.contains("Sensitive file opened for reading")
            && replayed.contains("file=/etc/shadow"),
        "detect on the kmod capture missed the ia32 open:\n{replayed}\n{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
