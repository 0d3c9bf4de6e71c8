//! Field extraction for syscall events.

use std::borrow::Cow;
use std::fmt::Write;
use std::net::IpAddr;

use driver::event::EventRef;
use driver::param::ParamValue;
use driver::{syscalls, Category, EventCode, EventFlags, ParamType};

use super::super::errno::errno_name;
use super::super::inspector::SyscallEvent;
use super::super::render::{write_raw_param, ArgRenderer};
use super::super::state::{concat_path, open_flags, Endpoints, FdType as Kind, Role, Thread};
use super::table::{ArgSel, CapSet, Ex, PathField, Side};
use super::time;
use crate::field::{Value, Values};

/// Most ancestors walked (guards against ptid cycles in damaged state).
const MAX_ANCESTORS: usize = 64;

/// Shells for `proc.loginshellid`.
const SHELLS: &[&str] = &[
    "sh", "bash", "csh", "ksh", "tcsh", "zsh", "dash", "ash", "fish",
];

fn s(v: &str) -> Value<'_> {
    Value::Str(Cow::Borrowed(v.as_bytes()))
}

fn owned<'e>(v: String) -> Value<'e> {
    Value::Str(Cow::Owned(v.into_bytes()))
}

/// The process's ancestors, parent process first (a thread's ancestry is
/// its process leader's).
fn ancestors<'e>(e: &SyscallEvent<'e>) -> impl Iterator<Item = &'e Thread> + 'e {
    let state = e.state;
    let mut cur = e
        .thread
        .map(|t| state.main_thread(t.tid).unwrap_or(t))
        .map(|t| (t.tid, t.ptid));
    let mut n = 0;
    std::iter::from_fn(move || {
        let (tid, ptid) = cur?;
        n += 1;
        if n > MAX_ANCESTORS || ptid <= 0 || ptid == tid {
            return None;
        }
        let p = state.thread(ptid)?;
        cur = Some((p.tid, p.ptid));
        Some(p)
    })
}

/// Ancestor `i` (0 = the thread itself).
fn ancestor<'e>(e: &SyscallEvent<'e>, i: usize) -> Option<&'e Thread> {
    if i == 0 {
        return e.thread;
    }
    ancestors(e).nth(i - 1)
}

fn cmdline(t: &Thread, exe: bool) -> String {
    let mut out = String::with_capacity(64);
    out.push_str(if exe { &t.exe } else { &t.comm });
    for a in &t.args {
        out.push(' ');
        out.push_str(a);
    }
    out
}

/// Ancestor-indexed fields: one ancestor, or every ancestor as a list.
fn push_ancestors<'e>(
    e: &SyscallEvent<'e>,
    idx: Option<usize>,
    out: &mut Values<'e>,
    f: impl Fn(&'e Thread) -> Option<Value<'e>>,
) {
    match idx {
        Some(i) => out.extend(ancestor(e, i).and_then(&f)),
        None => out.extend(ancestors(e).filter_map(f)),
    }
}

/// Return value of an exit event (its first param, when that is a result).
fn res<'e>(e: &SyscallEvent<'e>) -> Option<(ParamType, i64)> {
    if e.evt.is_enter() {
        return None;
    }
    let info = e.evt.param_info(0)?;
    let is_result =
        info.name == "res" || matches!(info.ty, ParamType::Errno | ParamType::Fd | ParamType::Pid);
    if !is_result {
        return None;
    }
    let v = e.evt.param(0)?.ok()?;
    Some((
        info.ty,
        v.as_i64().or_else(|| v.as_u64().map(|u| u as i64))?,
    ))
}

fn failed(ty: ParamType, v: i64) -> bool {
    matches!(
        ty,
        ParamType::Errno | ParamType::Fd | ParamType::Pid | ParamType::Int64
    ) && v < 0
}

fn category(e: &SyscallEvent<'_>) -> Category {
    e.evt.info().map_or(Category::UNKNOWN, |i| i.category)
}

/// The `ppm_sc` code a generic event carries.
fn generic_syscall(e: &SyscallEvent<'_>) -> Option<u16> {
    let code = e.evt.code();
    if code != EventCode::GENERIC_E && code != EventCode::GENERIC_X {
        return None;
    }
    match e.evt.param(0)?.ok()? {
        ParamValue::SyscallId(sc) => Some(sc),
        _ => None,
    }
}

/// sysdig's category names. A generic event is named after its syscall's
/// category; I/O events after their fd's kind, which a generic event
/// never has.
fn category_name(e: &SyscallEvent<'_>) -> &'static str {
    let generic = generic_syscall(e);
    let cat = generic.map_or_else(|| category(e), syscalls::ppm_sc_category);
    if cat.contains(Category::SCHEDULER) {
        return "scheduler";
    }
    match cat.0 & 0x3f {
        0 if cat.contains(Category::WAIT) => "wait",
        32..=34 if generic.is_none() => io_subcategory_name(e),
        32..=34 => "unknown",
        _ => cat.base_name(),
    }
}

/// The kind of fd an I/O event works on, as sysdig names it; `unknown`
/// when the fd is not in the table or of a kind it does not group.
fn io_subcategory_name(e: &SyscallEvent<'_>) -> &'static str {
    match e.fd.map(|f| f.ty) {
        Some(Kind::File | Kind::Directory) => "file",
        Some(t) if t.is_ip_socket() => "net",
        Some(
            Kind::Fifo
            | Kind::UnixSocket
            | Kind::Event
            | Kind::SignalFd
            | Kind::Inotify
            | Kind::UserFaultFd,
        ) => "ipc",
        _ => "unknown",
    }
}

fn flags(e: &SyscallEvent<'_>) -> EventFlags {
    e.evt.info().map_or(EventFlags::NONE, |i| i.flags)
}

/// A param by name from the event, or else from its enter event.
fn param_either<'e>(e: &SyscallEvent<'e>, name: &str) -> Option<(EventRef<'e>, usize)> {
    let find = |evt: EventRef<'e>| {
        let i = evt.info()?.param_index(name)?;
        (i < evt.nparams()).then_some((evt, i))
    };
    find(e.evt).or_else(|| find(e.enter()?))
}

fn param_value<'e>(e: &SyscallEvent<'e>, name: &str) -> Option<ParamValue<'e>> {
    let (evt, i) = param_either(e, name)?;
    evt.param(i)?.ok().filter(|v| !v.is_missing())
}

fn is_open_family(e: &SyscallEvent<'_>) -> bool {
    !e.evt.is_enter()
        && matches!(
            e.evt.info().map(|i| i.name),
            Some("open" | "openat" | "openat2" | "creat" | "open_by_handle_at")
        )
}

fn open_flags_of(e: &SyscallEvent<'_>) -> Option<u32> {
    if !is_open_family(e) {
        return None;
    }
    let flags = param_value(e, "flags")
        .and_then(|v| v.as_u64())
        .unwrap_or(0) as u32;
    if e.evt.info().is_some_and(|i| i.name == "creat") {
        return Some(flags | open_flags::CREAT | open_flags::WRONLY);
    }
    Some(flags)
}

fn ip_side(e: &SyscallEvent<'_>, side: Side) -> Vec<(IpAddr, u16)> {
    let Some(fd) = e.fd else { return Vec::new() };
    match fd.endpoints {
        Endpoints::Tuple {
            cip,
            cport,
            sip,
            sport,
        } => {
            let server = fd.role == Role::Server;
            match side {
                Side::Any => vec![(cip, cport), (sip, sport)],
                Side::Client => vec![(cip, cport)],
                Side::Server => vec![(sip, sport)],
                Side::Local if server => vec![(sip, sport)],
                Side::Local => vec![(cip, cport)],
                Side::Remote if server => vec![(cip, cport)],
                Side::Remote => vec![(sip, sport)],
            }
        }
        Endpoints::Server { ip, port } => match side {
            Side::Any | Side::Server | Side::Local => vec![(ip, port)],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

const CAP_NAMES: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

fn caps(bits: u64) -> String {
    let mut out = String::new();
    for (i, name) in CAP_NAMES.iter().enumerate() {
        if bits & (1 << i) != 0 {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(name);
        }
    }
    out
}

/// Path params of filesystem events: (name, source, target) param names,
/// each with the dirfd param it is relative to.
type PathSpec = (&'static str, Option<&'static str>);

fn fs_paths(name: &str) -> Option<(Option<PathSpec>, Option<PathSpec>, Option<PathSpec>)> {
    Some(match name {
        "mkdir" | "rmdir" | "unlink" | "chown" | "lchown" | "mknod" => {
            (Some(("path", None)), None, None)
        }
        "mkdirat" | "mknodat" => (Some(("path", Some("dirfd"))), None, None),
        "unlinkat" | "openat" | "openat2" => (Some(("name", Some("dirfd"))), None, None),
        "open" | "creat" => (Some(("name", None)), None, None),
        "chmod" => (Some(("filename", None)), None, None),
        "fchmodat" => (Some(("filename", Some("dirfd"))), None, None),
        "fchownat" => (Some(("pathname", Some("dirfd"))), None, None),
        "rename" | "link" => (None, Some(("oldpath", None)), Some(("newpath", None))),
        "renameat" | "renameat2" => (
            None,
            Some(("oldpath", Some("olddirfd"))),
            Some(("newpath", Some("newdirfd"))),
        ),
        "linkat" => (
            None,
            Some(("oldpath", Some("olddir"))),
            Some(("newpath", Some("newdir"))),
        ),
        "symlink" => (None, Some(("target", None)), Some(("linkpath", None))),
        "symlinkat" => (
            None,
            Some(("target", None)),
            Some(("linkpath", Some("linkdirfd"))),
        ),
        _ => return None,
    })
}

fn fs_path<'e>(e: &SyscallEvent<'e>, which: PathField) -> Option<Value<'e>> {
    let name = e.evt.info()?.name;
    let (n, src, dst) = fs_paths(name)?;
    let (spec, raw) = match which {
        PathField::Name => (n, false),
        PathField::NameRaw => (n, true),
        PathField::Source => (src, false),
        PathField::SourceRaw => (src, true),
        PathField::Target => (dst, false),
        PathField::TargetRaw => (dst, true),
    };
    let (param, dirfd) = spec?;
    let path = param_value(e, param)?;
    let path = std::str::from_utf8(path.as_bytes()?).ok()?;
    if raw
        || path.starts_with('/')
        || (name == "symlink" || name == "symlinkat") && param == "target"
    {
        return Some(s(path));
    }
    let base = match dirfd
        .and_then(|d| param_value(e, d))
        .and_then(|v| v.as_i64())
    {
        Some(fd) if fd != -100 => e.state.fd(e.tid(), fd).map(|f| f.name.clone())?,
        _ => e.thread.map(|t| t.cwd.clone())?,
    };
    Some(owned(concat_path(&base, path)))
}

/// The `proc.exe_ino.*` times and `proc.pidns_init_start_ts`; 0 means
/// unknown and gives no value.
fn exe_times(ex: &Ex, t: &Thread) -> Option<u64> {
    let ctime = t.exe_ino_ctime;
    let v = match ex {
        Ex::ProcExeInoCtime => ctime,
        Ex::ProcExeInoMtime => t.exe_ino_mtime,
        Ex::ProcExeInoCtimeDurationProcStart if ctime != 0 && t.clone_ts != 0 => {
            t.clone_ts.wrapping_sub(ctime)
        }
        // Only when the namespace predates the executable's last change.
        Ex::ProcExeInoCtimeDurationPidnsStart
            if t.pidns_init_start_ts != 0 && ctime > t.pidns_init_start_ts =>
        {
            ctime - t.pidns_init_start_ts
        }
        Ex::ProcPidnsInitStartTs => t.pidns_init_start_ts,
        _ => 0,
    };
    (v != 0).then_some(v)
}

/// Extracts `ex` from `e` into `out`.
pub fn extract<'e>(ex: &Ex, e: &SyscallEvent<'e>, out: &mut Values<'e>) {
    use Ex::*;
    let ts = e.evt.ts();
    let t = e.thread;
    match ex {
        EvtNum => out.push(Value::U64(e.meta.num)),
        EvtTime | EvtTimeS | EvtTimeIso8601 | EvtDatetime | EvtDatetimeS => {
            let mut s = String::with_capacity(36);
            match ex {
                EvtTime => time::write_time(ts, &mut s),
                EvtTimeS => time::write_time_s(ts, &mut s),
                EvtTimeIso8601 => time::write_iso8601(ts, &mut s),
                EvtDatetime => time::write_datetime(ts, &mut s),
                _ => time::write_datetime_s(ts, &mut s),
            }
            out.push(owned(s));
        }
        EvtRawtime => out.push(Value::U64(ts)),
        EvtRawtimeS => out.push(Value::U64(ts / 1_000_000_000)),
        EvtRawtimeNs => out.push(Value::U64(ts % 1_000_000_000)),
        EvtReltime | EvtReltimeS | EvtReltimeNs => {
            let rel = ts.saturating_sub(e.meta.first_ts);
            out.push(Value::U64(match ex {
                EvtReltimeS => rel / 1_000_000_000,
                EvtReltimeNs => rel % 1_000_000_000,
                _ => rel,
            }));
        }
        EvtLatency | EvtLatencyS | EvtLatencyNs => {
            let lat = e.enter().map_or(0, |en| ts.saturating_sub(en.ts()));
            out.push(Value::U64(match ex {
                EvtLatencyS => lat / 1_000_000_000,
                EvtLatencyNs => lat % 1_000_000_000,
                _ => lat,
            }));
        }
        EvtDir => out.push(s(if e.evt.is_enter() { ">" } else { "<" })),
        EvtType => out.push(s(e.type_name())),
        EvtCpu => out.push(Value::I64(i64::from(e.meta.cpu))),
        EvtArgs | EvtInfo => {
            let mut s = String::new();
            ArgRenderer::new(e.state, e.tid()).write_args(&e.evt, &mut s);
            out.push(owned(s));
        }
        EvtArg(sel) => {
            let i = match sel {
                ArgSel::Index(i) => Some(*i),
                ArgSel::Name(n) => e.evt.info().and_then(|i| i.param_index(n)),
            };
            if let Some(i) = i.filter(|&i| i < ArgRenderer::shown_params(&e.evt)) {
                let mut s = String::new();
                if ArgRenderer::new(e.state, e.tid()).write_param_resolved(&e.evt, i, &mut s) {
                    out.push(owned(s));
                }
            }
        }
        EvtRawArg(name) => extract_rawarg(e, name, out),
        EvtBuffer => {
            if let Some(ParamValue::Bytes(b)) = e.evt.param_by_name("data").and_then(Result::ok) {
                out.push(Value::Bytes(Cow::Borrowed(b)));
            }
        }
        // sysdig counts only I/O on an fd its table knows.
        EvtBuflen => {
            if e.fd.is_some() && category(e).base().0 >= Category::IO_READ.0 {
                if let Some((_, v)) = res(e).filter(|&(_, v)| v >= 0) {
                    out.push(Value::U64(v as u64));
                }
            }
        }
        EvtRes => {
            if let Some((ty, v)) = res(e) {
                if failed(ty, v) {
                    out.push(s(errno_name(-v).unwrap_or("UNKNOWN")));
                } else {
                    out.push(s("SUCCESS"));
                }
            }
        }
        EvtRawres => out.extend(res(e).map(|(_, v)| Value::I64(v))),
        EvtFailed => out.push(Value::Bool(res(e).is_some_and(|(ty, v)| failed(ty, v)))),
        EvtIsIo | EvtIsIoRead | EvtIsIoWrite => {
            let f = flags(e);
            let r = f.contains(EventFlags::READS_FROM_FD);
            let w = f.contains(EventFlags::WRITES_TO_FD);
            out.push(Value::Bool(match ex {
                EvtIsIoRead => r,
                EvtIsIoWrite => w,
                _ => r || w,
            }));
        }
        EvtIoDir => {
            let f = flags(e);
            if f.contains(EventFlags::READS_FROM_FD) {
                out.push(s("read"));
            } else if f.contains(EventFlags::WRITES_TO_FD) {
                out.push(s("write"));
            }
        }
        EvtIsWait => out.push(Value::Bool(flags(e).contains(EventFlags::WAITS))),
        EvtCount => out.push(Value::U64(1)),
        EvtIsOpenRead | EvtIsOpenWrite | EvtIsOpenExec | EvtIsOpenCreate => {
            let fl = open_flags_of(e);
            let v = match (ex, fl) {
                (_, None) => false,
                (EvtIsOpenRead, Some(f)) => f & open_flags::RDONLY != 0,
                (EvtIsOpenWrite, Some(f)) => f & open_flags::WRONLY != 0,
                (EvtIsOpenCreate, Some(f)) => f & open_flags::F_CREATED != 0,
                (_, Some(f)) => {
                    let mode = param_value(e, "mode").and_then(|v| v.as_u64()).unwrap_or(0);
                    // PPM_S_IXUSR|IXGRP|IXOTH.
                    f & open_flags::CREAT != 0 && mode & (64 | 8 | 1) != 0
                }
            };
            out.push(Value::Bool(v));
        }
        EvtCategory => out.push(s(category_name(e))),
        EvtSource => out.push(s("syscall")),
        EvtHostname => out.push(s(e.meta.hostname)),
        EvtIsAsync => out.push(Value::Bool(e.evt.tid() == driver::header::NO_TID)),
        EvtIsSyscall => out.push(Value::Bool(category(e).contains(Category::SYSCALL))),
        _ => extract_process(ex, e, t, out),
    }
}

fn extract_rawarg<'e>(e: &SyscallEvent<'e>, name: &str, out: &mut Values<'e>) {
    let Some(i) = e.evt.info().and_then(|i| i.param_index(name)) else {
        return;
    };
    let Some(Ok(v)) = e.evt.param(i) else { return };
    match v {
        ParamValue::Str(b) => out.push(Value::Str(Cow::Borrowed(b))),
        ParamValue::Bytes(b) => out.push(Value::Bytes(Cow::Borrowed(b))),
        ParamValue::Empty | ParamValue::Null => {}
        other => {
            if let Some(v) = other.as_i64() {
                out.push(Value::I64(v));
            } else if let Some(v) = other.as_u64() {
                out.push(Value::U64(v));
            } else {
                let mut s = String::new();
                if write_raw_param(&e.evt, i, &mut s) {
                    out.push(owned(s));
                }
            }
        }
    }
}

fn extract_process<'e>(ex: &Ex, e: &SyscallEvent<'e>, t: Option<&'e Thread>, out: &mut Values<'e>) {
    use Ex::*;
    let parent = || t.and_then(|t| e.state.thread(t.ptid).filter(|p| p.tid != t.tid));
    match ex {
        ProcPid => out.extend(t.map(|t| Value::I64(t.pid))),
        ProcExe => out.extend(t.filter(|t| !t.exe.is_empty()).map(|t| s(&t.exe))),
        ProcName => out.extend(t.filter(|t| !t.comm.is_empty()).map(|t| s(&t.comm))),
        ProcArgs => out.extend(t.map(|t| owned(t.args.join(" ")))),
        ProcEnv(None) => out.extend(t.map(|t| owned(t.env.join(" ")))),
        ProcEnv(Some(k)) => out.extend(t.and_then(|t| {
            t.env.iter().find_map(|v| {
                let (name, value) = v.split_once('=')?;
                (name == k).then(|| s(value))
            })
        })),
        ProcCmdline => out.extend(
            t.filter(|t| !t.comm.is_empty())
                .map(|t| owned(cmdline(t, false))),
        ),
        // sysdig joins exe and the argument list with one space, even
        // when there are no arguments.
        ProcExeline => out.extend(
            t.filter(|t| !t.exe.is_empty())
                .map(|t| owned(format!("{} {}", t.exe, t.args.join(" ")))),
        ),
        ProcCwd => out.extend(t.map(|t| s(&t.cwd))),
        ProcNthreads => out.extend(
            t.map(|t| Value::U64(e.state.threads().filter(|o| o.pid == t.pid).count() as u64)),
        ),
        ProcNchilds => out.extend(t.map(|t| {
            Value::U64(
                e.state
                    .threads()
                    .filter(|o| o.ptid == t.pid && !o.dead)
                    .count() as u64,
            )
        })),
        ProcPpid => out.extend(
            t.map(|t| e.state.main_thread(t.tid).map_or(t.ptid, |m| m.ptid))
                .map(Value::I64),
        ),
        ProcPname => out.extend(parent().map(|p| s(&p.comm))),
        ProcPcmdline => out.extend(parent().map(|p| owned(cmdline(p, false)))),
        ProcPexe => out.extend(parent().map(|p| s(&p.exe))),
        ProcPexepath => out.extend(parent().map(|p| s(&p.exepath))),
        ProcApid(i) => push_ancestors(e, *i, out, |a| Some(Value::I64(a.pid))),
        ProcAname(i) => push_ancestors(e, *i, out, |a| Some(s(&a.comm))),
        ProcAexe(i) => push_ancestors(e, *i, out, |a| Some(s(&a.exe))),
        ProcAexepath(i) => push_ancestors(e, *i, out, |a| Some(s(&a.exepath))),
        ProcAcmdline(i) => push_ancestors(e, *i, out, |a| Some(owned(cmdline(a, false)))),
        ProcLoginshellid => {
            let mut found = None;
            for a in t.into_iter().chain(ancestors(e)) {
                if SHELLS.contains(&a.comm.as_str()) {
                    found = Some(a.pid);
                }
            }
            out.extend(found.map(Value::I64));
        }
        ProcDuration => out.extend(
            t.filter(|t| t.clone_ts != 0)
                .map(|t| Value::U64(e.evt.ts().saturating_sub(t.clone_ts))),
        ),
        ProcFdopencount => out.extend(
            e.state
                .fd_table(e.tid())
                .map(|f| Value::U64(f.len() as u64)),
        ),
        ProcFdlimit => out.extend(t.map(|t| Value::I64(t.fdlimit))),
        ProcSid => out.extend(t.map(|t| Value::I64(t.sid))),
        ProcSname => out.extend(
            t.map(|t| {
                let mut leader = t;
                for a in ancestors(e) {
                    if a.sid != t.sid {
                        break;
                    }
                    leader = a;
                    if a.pid == t.sid {
                        break;
                    }
                }
                leader
            })
            .filter(|l| !l.comm.is_empty())
            .map(|l| s(&l.comm)),
        ),
        ProcTty => out.extend(t.map(|t| Value::I64(i64::from(t.tty as i32)))),
        ProcExepath => out.extend(t.map(|t| s(&t.exepath))),
        ProcVpgid => out.extend(t.map(|t| Value::I64(t.vpgid))),
        ProcVpgidName => out.extend(t.and_then(|t| e.state.thread(t.vpgid)).map(|l| s(&l.comm))),
        ProcIsExeWritable => out.extend(t.map(|t| Value::Bool(t.exe_writable()))),
        ProcIsExeUpperLayer => out.extend(t.map(|t| Value::Bool(t.exe_flags & 2 != 0))),
        ProcIsExeLowerLayer => out.extend(t.map(|t| Value::Bool(t.exe_flags & 8 != 0))),
        ProcIsExeFromMemfd => out.extend(t.map(|t| Value::Bool(t.exe_flags & 4 != 0))),
        ProcIsSidLeader => out.extend(t.map(|t| Value::Bool(t.sid == t.pid))),
        ProcIsVpgidLeader => {
            out.extend(t.map(|t| Value::Bool(t.vpgid == t.vpid || t.vpgid == t.pid)))
        }
        ProcExeIno => out.extend(
            t.filter(|t| t.exe_ino != 0)
                .map(|t| Value::I64(t.exe_ino as i64)),
        ),
        ProcExeInoCtime
        | ProcExeInoMtime
        | ProcExeInoCtimeDurationProcStart
        | ProcExeInoCtimeDurationPidnsStart
        | ProcPidnsInitStartTs => out.extend(t.and_then(|t| exe_times(ex, t)).map(Value::U64)),
        ProcVpid => out.extend(t.filter(|t| t.vpid >= 0).map(|t| Value::I64(t.vpid))),
        ProcPvpid => out.extend(parent().filter(|p| p.vpid >= 0).map(|p| Value::I64(p.vpid))),
        ProcVmsize => out.extend(t.map(|t| Value::U64(u64::from(t.vm_size_kb)))),
        ProcVmrss => out.extend(t.map(|t| Value::U64(u64::from(t.vm_rss_kb)))),
        ProcVmswap => out.extend(t.map(|t| Value::U64(u64::from(t.vm_swap_kb)))),
        ProcIsContainerProbe => out.push(Value::Bool(false)),
        ThreadTid => out.push(Value::I64(e.tid())),
        ThreadVtid => out.extend(t.filter(|t| t.vtid >= 0).map(|t| Value::I64(t.vtid))),
        ThreadIsMain => out.extend(t.map(|t| Value::Bool(t.is_main_thread()))),
        ThreadCap(set) => out.extend(t.map(|t| {
            owned(caps(match set {
                CapSet::Permitted => t.cap_permitted,
                CapSet::Effective => t.cap_effective,
                CapSet::Inheritable => t.cap_inheritable,
            }))
        })),
        _ => extract_fd(ex, e, t, out),
    }
}

fn extract_fd<'e>(ex: &Ex, e: &SyscallEvent<'e>, t: Option<&'e Thread>, out: &mut Values<'e>) {
    use Ex::*;
    let fd = e.fd;
    match ex {
        FdNum => out.extend(e.ctx.fd.map(Value::I64)),
        FdType => out.extend(fd.map(|f| s(f.ty.name()))),
        FdTypechar => out.extend(fd.map(|f| owned(f.ty.type_char().to_string()))),
        FdName => out.extend(fd.map(|f| s(&f.name))),
        FdNameraw => out.extend(fd.map(|f| {
            s(if f.name_raw.is_empty() {
                &f.name
            } else {
                &f.name_raw
            })
        })),
        FdDirectory => out.extend(fd.and_then(|f| match f.ty {
            Kind::Directory => Some(s(&f.name)),
            Kind::File => Some(s(match f.name.rfind('/') {
                Some(0) => "/",
                Some(i) => &f.name[..i],
                None => "",
            })),
            _ => None,
        })),
        FdFilename => out.extend(
            fd.filter(|f| f.ty == Kind::File)
                .map(|f| s(f.name.rsplit('/').next().unwrap_or(&f.name))),
        ),
        FdIp(side) => out.extend(ip_side(e, *side).into_iter().map(|(ip, _)| Value::Ip(ip))),
        FdNet(side) => out.extend(ip_side(e, *side).into_iter().map(|(ip, _)| Value::Ip(ip))),
        FdPort(side) => out.extend(
            ip_side(e, *side)
                .into_iter()
                .map(|(_, p)| Value::U64(u64::from(p))),
        ),
        // libsinsp names addresses from its DNS manager's cache only; harrier
        // keeps no such cache, so these have no value, as there without one.
        FdIpName(_) => {}
        FdL4proto => out.extend(fd.filter(|f| f.ty.is_ip_socket()).and_then(|f| {
            Some(s(match f.l4proto {
                2 => "tcp",
                3 => "udp",
                4 => "icmp",
                5 => "raw",
                _ => return None,
            }))
        })),
        FdSockfamily => out.extend(fd.and_then(|f| match f.ty {
            _ if f.ty.is_ip_socket() => Some(s("ip")),
            Kind::UnixSocket => Some(s("unix")),
            _ => None,
        })),
        FdIsServer => out.extend(fd.map(|f| {
            Value::Bool(
                f.role == Role::Server
                    || matches!(f.ty, Kind::Ipv4ServerSocket | Kind::Ipv6ServerSocket),
            )
        })),
        FdConnected => out.extend(
            fd.filter(|f| f.ty.is_ip_socket())
                .map(|f| Value::Bool(matches!(f.endpoints, Endpoints::Tuple { .. }))),
        ),
        FdNameChanged => out.push(Value::Bool(e.ctx.fd_name_changed)),
        FdIno => out.extend(fd.filter(|f| f.ino != 0).map(|f| Value::I64(f.ino as i64))),
        FdDev => out.extend(fd.map(|f| Value::U64(u64::from(f.dev)))),
        FdDevMajor => out.extend(fd.map(|f| Value::U64(u64::from((f.dev & 0xfff00) >> 8)))),
        FdDevMinor => out
            .extend(fd.map(|f| Value::U64(u64::from((f.dev & 0xff) | ((f.dev >> 12) & 0xfff00))))),
        FdUid => out.extend(e.ctx.fd.map(|n| owned(format!("{}{}", e.tid(), n)))),
        FdContainername | FdContainerdirectory => {
            if let (Some(f), Some(t)) = (fd, t) {
                let id = if t.container_id.is_empty() {
                    "host"
                } else {
                    &t.container_id
                };
                let mut v = String::with_capacity(id.len() + f.name.len() + 1);
                let _ = write!(v, "{id}:");
                if *ex == FdContainername {
                    v.push_str(&f.name);
                } else {
                    let mut dir = Values::new();
                    extract_fd(&FdDirectory, e, Some(t), &mut dir);
                    v.push_str(&dir.first().map(|d| d.to_string()).unwrap_or_default());
                }
                out.push(owned(v));
            }
        }
        FsPath(which) => out.extend(fs_path(e, *which)),
        _ => extract_user(ex, e, t, out),
    }
}

fn extract_user<'e>(ex: &Ex, e: &SyscallEvent<'e>, t: Option<&'e Thread>, out: &mut Values<'e>) {
    use Ex::*;
    let users = e.state.users();
    let on_host = |t: &Thread| t.container_id.is_empty();
    match ex {
        UserUid => out.extend(t.map(|t| Value::U64(u64::from(t.uid)))),
        UserName => out.extend(t.and_then(|t| users.user(t.uid)).map(|u| s(&u.name))),
        UserHomedir => out.extend(t.and_then(|t| users.user(t.uid)).map(|u| s(&u.homedir))),
        UserShell => out.extend(t.and_then(|t| users.user(t.uid)).map(|u| s(&u.shell))),
        UserLoginuid => out.extend(t.map(|t| Value::I64(i64::from(t.loginuid as i32)))),
        UserLoginname => out.extend(
            t.filter(|t| t.loginuid != u32::MAX)
                .and_then(|t| users.user(t.loginuid))
                .map(|u| s(&u.name)),
        ),
        GroupGid => out.extend(t.map(|t| Value::U64(u64::from(t.gid)))),
        GroupName => out.extend(t.and_then(|t| users.group(t.gid)).map(|g| s(&g.name))),
        ContainerId => out.extend(t.map(|t| s(if on_host(t) { "host" } else { &t.container_id }))),
        ContainerName => out.extend(t.filter(|t| on_host(t)).map(|_| s("host"))),
        ContainerType => out.extend(t.filter(|t| on_host(t)).map(|_| s("host"))),
        ContainerStartTs => out.extend(
            t.filter(|t| !on_host(t) && t.pidns_init_start_ts != 0)
                .map(|t| Value::U64(t.pidns_init_start_ts)),
        ),
        ContainerDuration => out.extend(
            t.filter(|t| !on_host(t) && t.clone_ts != 0 && t.pidns_init_start_ts != 0)
                .map(|t| Value::U64(e.evt.ts().saturating_sub(t.pidns_init_start_ts))),
        ),
        // No runtime or pod metadata source: libsinsp's answer for a host
        // process or a container its runtime did not describe.
        ContainerImage | ContainerPrivileged | ContainerRuntimeInfo | K8sPodInfo => {}
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn capability_sets_render_names() {
        assert_eq!(caps(0), "");
        assert_eq!(caps(1 | 1 << 21), "CAP_CHOWN CAP_SYS_ADMIN");
    }
}
