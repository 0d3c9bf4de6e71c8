//! Event-driven state updates (libsinsp's `sinsp_parser`).
//!
//! Each event code maps once, at first use, to a [`Handler`]; per event the
//! work is a table lookup, a thread lookup and, for the few state-changing
//! events, reading the params they need. Exit events that lack a param in
//! old captures take it from the thread's stored enter event.

use std::net::IpAddr;
use std::sync::OnceLock;

use driver::event::EventRef;
use driver::param::{ParamValue, SockAddr, SockTuple};
use driver::{event_info, EVENT_COUNT};
use driver::{Category, EventFlags};

use super::fd::{l4, open_flags, Endpoints, Fd, FdType, Role};
use super::path::concat_path;
use super::thread::{clone_flags, exe_flags, with_trailing_slash, Thread};
use super::{EventContext, State};
use libcapture::meta::{GroupInfo, UserInfo};

/// What an event does to the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handler {
    None,
    Clone,
    Execve,
    ProcExit,
    Open,
    OpenAt,
    OpenByHandle,
    Close,
    Socket,
    Bind,
    Connect,
    Accept,
    Dup,
    Fcntl,
    Pipe,
    SocketPair,
    NewFd(FdType, &'static str),
    Memfd,
    Chdir,
    Fchdir,
    Chroot,
    SetUid,
    SetGid,
    SetResUid,
    SetResGid,
    SetReUid,
    SetReGid,
    SetSid,
    SetPgid,
    Capset,
    Tuple,
    UserAdded,
    UserDeleted,
    GroupAdded,
    GroupDeleted,
}

fn handler_for(code: u16) -> Handler {
    let Some(info) = event_info(code) else {
        return Handler::None;
    };
    let exit = code & 1 == 1;
    if !exit {
        return match info.name {
            "procexit" => Handler::ProcExit,
            "useradded" => Handler::UserAdded,
            "userdeleted" => Handler::UserDeleted,
            "groupadded" => Handler::GroupAdded,
            "groupdeleted" => Handler::GroupDeleted,
            _ => Handler::None,
        };
    }
    match info.name {
        "clone" | "fork" | "vfork" | "clone3" => Handler::Clone,
        "execve" | "execveat" => Handler::Execve,
        "open" | "creat" => Handler::Open,
        "openat" | "openat2" => Handler::OpenAt,
        "open_by_handle_at" => Handler::OpenByHandle,
        "close" => Handler::Close,
        "socket" => Handler::Socket,
        "bind" => Handler::Bind,
        "connect" => Handler::Connect,
        "accept" | "accept4" => Handler::Accept,
        "dup" | "dup2" | "dup3" => Handler::Dup,
        "fcntl" => Handler::Fcntl,
        "pipe" | "pipe2" => Handler::Pipe,
        "socketpair" => Handler::SocketPair,
        "eventfd" | "eventfd2" => Handler::NewFd(FdType::Event, ""),
        "signalfd" | "signalfd4" => Handler::NewFd(FdType::SignalFd, ""),
        "timerfd_create" => Handler::NewFd(FdType::TimerFd, ""),
        "inotify_init" | "inotify_init1" => Handler::NewFd(FdType::Inotify, ""),
        "epoll_create" | "epoll_create1" => Handler::NewFd(FdType::EventPoll, ""),
        "userfaultfd" => Handler::NewFd(FdType::UserFaultFd, ""),
        "io_uring_setup" => Handler::NewFd(FdType::IoUring, ""),
        "bpf" => Handler::NewFd(FdType::Bpf, "bpf"),
        "pidfd_open" | "pidfd_getfd" => Handler::NewFd(FdType::Pidfd, "pidfd"),
        "memfd_create" => Handler::Memfd,
        "chdir" => Handler::Chdir,
        "fchdir" => Handler::Fchdir,
        "chroot" => Handler::Chroot,
        "setuid" => Handler::SetUid,
        "setgid" => Handler::SetGid,
        "setresuid" => Handler::SetResUid,
        "setresgid" => Handler::SetResGid,
        "setreuid" => Handler::SetReUid,
        "setregid" => Handler::SetReGid,
        "setsid" => Handler::SetSid,
        "setpgid" => Handler::SetPgid,
        "capset" => Handler::Capset,
        "sendto" | "recvfrom" | "sendmsg" | "recvmsg" => Handler::Tuple,
        _ => Handler::None,
    }
}

/// Per-code facts computed once: the handler and where the fd param is.
struct CodeInfo {
    handler: Handler,
    /// Index of the param holding the fd the event uses.
    fd_param: Option<u8>,
    /// Whether the exit returns a new fd in param 0.
    creates_fd: bool,
    uses_fd: bool,
    /// The event comes from a syscall (not a tracepoint or meta event).
    syscall: bool,
}

fn code_info() -> &'static [CodeInfo] {
    static TABLE: OnceLock<Vec<CodeInfo>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..EVENT_COUNT)
            .map(|code| {
                let code = code as u16;
                let info = event_info(code);
                let flags = info.map_or(EventFlags::NONE, |i| i.flags);
                // mmap's fd param describes the mapping, not the event's fd.
                let maps = info.is_some_and(|i| matches!(i.name, "mmap" | "mmap2"));
                let fd_param = info.filter(|_| !maps).and_then(|i| {
                    i.params
                        .iter()
                        .position(|p| p.name == "fd" && p.ty.is_fd())
                        .or_else(|| {
                            // Enter events of fd-using syscalls name it `fd` too,
                            // but a few old layouts only have an FD-typed param.
                            i.params
                                .iter()
                                .position(|p| p.ty.is_fd() && p.name != "dirfd")
                        })
                        .and_then(|p| u8::try_from(p).ok())
                });
                CodeInfo {
                    handler: handler_for(code),
                    fd_param,
                    creates_fd: flags.contains(EventFlags::CREATES_FD),
                    uses_fd: flags.contains(EventFlags::USES_FD) && !maps,
                    syscall: info.is_some_and(|i| i.category.contains(Category::SYSCALL)),
                }
            })
            .collect()
    })
}

/// A param decoded by name, `None` when absent, empty or malformed.
fn param<'a>(evt: &EventRef<'a>, name: &str) -> Option<ParamValue<'a>> {
    evt.param_by_name(name)?.ok().filter(|v| !v.is_missing())
}

fn int<'a>(evt: &EventRef<'a>, name: &str) -> Option<i64> {
    param(evt, name)?.as_i64()
}

fn uint<'a>(evt: &EventRef<'a>, name: &str) -> Option<u64> {
    param(evt, name)?.as_u64()
}

fn text<'a>(evt: &EventRef<'a>, name: &str) -> Option<&'a str> {
    param(evt, name)?
        .as_bytes()
        .and_then(|b| std::str::from_utf8(b).ok())
}

/// A param from the exit event, or else from its stored enter event.
fn int_either(evt: &EventRef<'_>, enter: Option<&EventRef<'_>>, name: &str) -> Option<i64> {
    int(evt, name).or_else(|| enter.and_then(|e| int(e, name)))
}

fn uint_either(evt: &EventRef<'_>, enter: Option<&EventRef<'_>>, name: &str) -> Option<u64> {
    uint(evt, name).or_else(|| enter.and_then(|e| uint(e, name)))
}

fn text_either(evt: &EventRef<'_>, enter: Option<&EventRef<'_>>, name: &str) -> Option<String> {
    text(evt, name)
        .or_else(|| enter.and_then(|e| text(e, name)))
        .map(str::to_owned)
}

/// The return value: param 0 of an exit event.
fn result(evt: &EventRef<'_>) -> Option<i64> {
    evt.param(0)?.ok()?.as_i64()
}

/// NUL-separated strings (execve args, env) as a vector.
fn split_nul(b: &[u8]) -> Vec<String> {
    b.split(|&c| c == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// Applies `evt` to `state` (pending removals were applied by the caller).
pub(super) fn apply(state: &mut State, evt: &EventRef<'_>) -> EventContext {
    let code = evt.code().0;
    let tid = evt.tid() as i64;
    let Some(ci) = code_info().get(usize::from(code)) else {
        return EventContext::default();
    };
    let is_exit = code & 1 == 1;
    // Only syscalls make an unknown thread known (as in sysdig): tracepoint
    // events such as context switches name kernel threads it never tracks.
    if ci.syscall && evt.tid() != driver::header::NO_TID && tid != 0 {
        ensure_thread(state, tid);
    }
    let mut ctx = EventContext::default();
    // Only syscall enter events wait for an exit; a context switch or
    // signal in between must not replace the stored enter event.
    if !is_exit && ci.syscall {
        store_enter(state, tid, evt);
    }
    // Borrow the stored enter event by copying its bytes only when the exit
    // needs a param it lacks; most handlers read the exit alone.
    let enter_bytes = if is_exit {
        state
            .threads
            .get(&tid)
            .filter(|t| t.enter.valid && t.enter.code == code.wrapping_sub(1))
            .map(|t| t.enter.bytes.as_slice())
    } else {
        None
    };
    ctx.has_enter = enter_bytes.is_some();
    // Find the fd the event uses.
    if ci.creates_fd && !is_exit && !ci.uses_fd {
        // The fd does not exist yet (sysdig reports -1).
        ctx.fd = Some(-1);
    } else if ci.uses_fd || (ci.creates_fd && is_exit) {
        ctx.fd = fd_of(evt, ci, is_exit)
            .or_else(|| {
                let bytes = enter_bytes?;
                let enter = EventRef::parse(bytes).ok()?;
                let eci = code_info().get(usize::from(code.wrapping_sub(1)))?;
                fd_of(&enter, eci, false)
            })
            // An fd-using exit whose fd is unknown reads -1, as in sysdig.
            .or(if is_exit && ci.uses_fd {
                Some(-1)
            } else {
                None
            });
    }
    if ci.handler == Handler::None {
        return ctx;
    }
    // The handlers read the enter event while mutating the state: lend its
    // buffer out of the thread for the call (no copy), then put it back.
    let stored = if ctx.has_enter {
        state
            .threads
            .get_mut(&tid)
            .map(|t| std::mem::take(&mut t.enter.bytes))
    } else {
        None
    };
    let enter = stored.as_deref().and_then(|b| EventRef::parse(b).ok());
    handle(state, ci.handler, tid, evt, enter.as_ref(), &mut ctx);
    if let Some(bytes) = stored {
        if let Some(t) = state.threads.get_mut(&tid) {
            t.enter.bytes = bytes;
        }
    }
    ctx
}

fn fd_of(evt: &EventRef<'_>, ci: &CodeInfo, is_exit: bool) -> Option<i64> {
    if is_exit && ci.creates_fd {
        if let Some(i) = ci.fd_param {
            return evt.param(usize::from(i))?.ok()?.as_i64();
        }
        return result(evt).filter(|&fd| fd >= 0);
    }
    if !ci.uses_fd {
        return None;
    }
    let i = ci.fd_param?;
    match evt.param(usize::from(i))?.ok()? {
        ParamValue::Fd(fd) => Some(fd),
        _ => None,
    }
}

fn ensure_thread(state: &mut State, tid: i64) {
    if !state.threads.contains_key(&tid) {
        state.add_thread(Thread::unknown(tid));
    }
}

fn store_enter(state: &mut State, tid: i64, evt: &EventRef<'_>) {
    if let Some(t) = state.threads.get_mut(&tid) {
        t.enter.code = evt.code().0;
        t.enter.bytes.clear();
        t.enter.bytes.extend_from_slice(evt.as_bytes());
        t.enter.valid = true;
    }
}

fn handle(
    state: &mut State,
    handler: Handler,
    tid: i64,
    evt: &EventRef<'_>,
    enter: Option<&EventRef<'_>>,
    ctx: &mut EventContext,
) {
    match handler {
        Handler::None => {}
        Handler::Clone => on_clone(state, tid, evt),
        Handler::Execve => on_execve(state, tid, evt, enter),
        Handler::ProcExit => {
            if let Some(t) = state.threads.get_mut(&tid) {
                t.dead = true;
            }
            state.pending.exit = Some(tid);
        }
        Handler::Open => on_open(state, tid, evt, enter, None, ctx),
        Handler::OpenAt => {
            let dirfd = int_either(evt, enter, "dirfd");
            on_open(state, tid, evt, enter, Some(dirfd.unwrap_or(-100)), ctx);
        }
        Handler::OpenByHandle => on_open_by_handle(state, tid, evt),
        Handler::Close => {
            if result(evt).is_some_and(|r| r >= 0) {
                if let Some(fd) = ctx.fd {
                    state.pending.close = Some((tid, fd));
                }
            }
        }
        Handler::Socket => on_socket(state, tid, evt, enter),
        Handler::Bind => on_bind(state, tid, evt, ctx),
        Handler::Connect => on_connect(state, tid, evt, enter, ctx),
        Handler::Accept => on_accept(state, tid, evt, enter),
        Handler::Dup => on_dup(state, tid, evt, enter),
        Handler::Fcntl => on_fcntl(state, tid, evt, enter),
        Handler::Pipe => on_pipe(state, tid, evt),
        Handler::SocketPair => on_socketpair(state, tid, evt),
        Handler::NewFd(ty, name) => {
            if let Some(fd) = result(evt).filter(|&r| r >= 0) {
                state.add_fd(tid, fd, Fd::new(ty, name));
            }
        }
        Handler::Memfd => {
            if let Some(fd) = result(evt).filter(|&r| r >= 0) {
                let name = text(evt, "name").unwrap_or_default();
                state.add_fd(tid, fd, Fd::new(FdType::Memfd, format!("memfd:{name}")));
            }
        }
        Handler::Chdir | Handler::Chroot => on_chdir(state, tid, evt, enter, handler),
        Handler::Fchdir => on_fchdir(state, tid, evt, enter),
        Handler::SetUid => on_ids(state, tid, evt, enter, &["uid"], true),
        Handler::SetResUid | Handler::SetReUid => on_ids(state, tid, evt, enter, &["euid"], true),
        Handler::SetGid => on_ids(state, tid, evt, enter, &["gid"], false),
        Handler::SetResGid | Handler::SetReGid => on_ids(state, tid, evt, enter, &["egid"], false),
        Handler::SetSid => {
            if let Some(sid) = result(evt).filter(|&r| r >= 0) {
                for_process(state, tid, |t| t.sid = sid);
            }
        }
        Handler::SetPgid => {
            if result(evt) == Some(0) {
                if let Some(pgid) = int_either(evt, enter, "pgid").filter(|&p| p > 0) {
                    if let Some(t) = state.threads.get_mut(&tid) {
                        t.vpgid = pgid;
                    }
                }
            }
        }
        Handler::Capset => {
            if result(evt) == Some(0) {
                let (i, p, e) = (
                    uint(evt, "cap_inheritable"),
                    uint(evt, "cap_permitted"),
                    uint(evt, "cap_effective"),
                );
                if let Some(t) = state.threads.get_mut(&tid) {
                    t.cap_inheritable = i.unwrap_or(t.cap_inheritable);
                    t.cap_permitted = p.unwrap_or(t.cap_permitted);
                    t.cap_effective = e.unwrap_or(t.cap_effective);
                }
            }
        }
        Handler::Tuple => on_tuple(state, tid, evt, enter, ctx),
        Handler::UserAdded | Handler::UserDeleted => on_user(state, evt, handler),
        Handler::GroupAdded | Handler::GroupDeleted => on_group(state, evt, handler),
    }
}

/// Runs `f` on every thread of `tid`'s process.
fn for_process(state: &mut State, tid: i64, mut f: impl FnMut(&mut Thread)) {
    let pid = state.threads.get(&tid).map_or(tid, |t| t.pid);
    for t in state.threads.values_mut() {
        if t.pid == pid || t.tid == tid {
            f(t);
        }
    }
}

fn on_clone(state: &mut State, tid: i64, evt: &EventRef<'_>) {
    let Some(res) = result(evt) else { return };
    if res < 0 {
        return;
    }
    let child_tid = if res == 0 { tid } else { res };
    // The child side (res == 0) arrives after or before the parent side;
    // whichever comes first creates the child.
    if res > 0 && state.threads.get(&child_tid).is_some_and(|t| !t.incomplete) {
        return;
    }
    if res == 0 && state.threads.get(&child_tid).is_some_and(|t| !t.incomplete) {
        return;
    }
    let flags = uint(evt, "flags").unwrap_or(0) as u32;
    let is_thread = flags & clone_flags::CLONE_THREAD != 0;
    let (ev_pid, ev_ptid) = (int(evt, "pid"), int(evt, "ptid"));
    // On the child side the event's ids are the child's; the parent is its ptid.
    let parent_tid = if res == 0 {
        if is_thread {
            ev_pid.unwrap_or(tid)
        } else {
            ev_ptid.unwrap_or(-1)
        }
    } else {
        tid
    };
    let parent = state.threads.get(&parent_tid).map(Thread::clone_process);
    let mut child = parent.unwrap_or_else(|| Thread::unknown(child_tid));
    child.tid = child_tid;
    child.incomplete = false;
    child.dead = false;
    child.flags = flags;
    child.clone_ts = evt.ts();
    if let Some(v) = uint(evt, "pidns_init_start_ts") {
        child.pidns_init_start_ts = v;
    }
    if res == 0 {
        child.pid = ev_pid.unwrap_or(child_tid);
        child.ptid = ev_ptid.unwrap_or(child.ptid);
    } else if is_thread {
        // A thread's parent is the thread that created it; proc.ppid reads
        // the process leader's parent.
        child.pid = state
            .threads
            .get(&tid)
            .map_or(ev_pid.unwrap_or(tid), |p| p.pid);
        child.ptid = tid;
    } else {
        child.pid = child_tid;
        child.ptid = state.threads.get(&tid).map_or(tid, |p| p.pid);
    }
    if let Some(exe) = text(evt, "exe") {
        child.exe = exe.to_owned();
    }
    if let Some(ParamValue::Bytes(args)) = param(evt, "args") {
        child.args = split_nul(args);
    }
    if let Some(comm) = text(evt, "comm") {
        child.comm = comm.to_owned();
    } else if child.comm.is_empty() {
        child.comm = child.exe.rsplit('/').next().unwrap_or_default().to_owned();
    }
    // Threads share their process's cwd; a new process starts where the
    // event says it is.
    if let Some(cwd) = text(evt, "cwd").filter(|c| !c.is_empty() && !is_thread) {
        child.cwd = with_trailing_slash(cwd);
    }
    if let Some(uid) = uint(evt, "uid") {
        child.uid = uid as u32;
    }
    if let Some(gid) = uint(evt, "gid") {
        child.gid = gid as u32;
    }
    if res == 0 {
        child.vtid = int(evt, "vtid").unwrap_or(-1);
        child.vpid = int(evt, "vpid").unwrap_or(-1);
    } else if int(evt, "vtid") == Some(tid) {
        // The parent is in the initial pid namespace, so is the child.
        child.vtid = child_tid;
        child.vpid = child.pid;
    } else {
        child.vtid = -1;
        child.vpid = -1;
    }
    if let Some(v) = int(evt, "fdlimit") {
        child.fdlimit = v;
    }
    if let Some(ParamValue::Bytes(cg)) = param(evt, "cgroups") {
        set_cgroups(&mut child, cg);
    }
    // A new process gets a copy of the parent's fds; a thread shares them.
    let share = is_thread || flags & clone_flags::CLONE_FILES != 0;
    child.fds = if share {
        Default::default()
    } else {
        state
            .threads
            .get(&state.fd_owner(parent_tid))
            .map(|p| p.fds.clone())
            .unwrap_or_default()
    };
    if share && !is_thread {
        // CLONE_FILES without CLONE_THREAD: libsinsp copies too (it cannot
        // share tables across processes).
        child.flags &= !clone_flags::CLONE_FILES;
        child.fds = state
            .threads
            .get(&state.fd_owner(parent_tid))
            .map(|p| p.fds.clone())
            .unwrap_or_default();
    }
    state.threads.remove(&child_tid);
    state.add_thread(child);
}

fn set_cgroups(t: &mut Thread, raw: &[u8]) {
    t.cgroups = split_nul(raw)
        .into_iter()
        .filter_map(|e| {
            let (k, v) = e.split_once('=')?;
            Some((k.to_owned(), v.to_owned()))
        })
        .collect();
    t.container_id = super::container::container_id_from_cgroups(
        t.cgroups.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .unwrap_or_default();
}

fn on_execve(state: &mut State, tid: i64, evt: &EventRef<'_>, enter: Option<&EventRef<'_>>) {
    if result(evt).is_none_or(|r| r < 0) {
        return;
    }
    let filename = enter
        .and_then(|e| text(e, "filename").or_else(|| text(e, "pathname")))
        .or_else(|| text(evt, "filename"))
        .map(str::to_owned);
    let Some(t) = state.threads.get_mut(&tid) else {
        return;
    };
    t.incomplete = false;
    if let Some(exe) = text(evt, "exe") {
        t.exe = exe.to_owned();
    }
    if let Some(ParamValue::Bytes(args)) = param(evt, "args") {
        t.args = split_nul(args);
    } else {
        t.args.clear();
    }
    if let Some(comm) = text(evt, "comm") {
        t.comm = comm.to_owned();
    } else {
        t.comm = t.exe.rsplit('/').next().unwrap_or_default().to_owned();
    }
    if let Some(path) = text(evt, "trusted_exepath").filter(|p| !p.is_empty()) {
        t.exepath = path.to_owned();
    } else if let Some(f) = filename {
        t.exepath = concat_path(&t.cwd, &f);
    } else if t.exe.starts_with('/') {
        t.exepath = t.exe.clone();
    } else {
        t.exepath.clear();
    }
    if let Some(ParamValue::Bytes(env)) = param(evt, "env") {
        t.env = split_nul(env);
    }
    if let Some(ParamValue::Bytes(cg)) = param(evt, "cgroups") {
        set_cgroups(t, cg);
    }
    if let Some(v) = int(evt, "pid") {
        t.pid = v;
    }
    if let Some(v) = int(evt, "ptid") {
        t.ptid = v;
    }
    if let Some(v) = int(evt, "fdlimit") {
        t.fdlimit = v;
    }
    if let Some(v) = uint(evt, "tty") {
        t.tty = v as u32;
    }
    if let Some(v) = int(evt, "vpgid") {
        t.vpgid = v;
    }
    if let Some(v) = int(evt, "pgid") {
        t.pgid = v;
    }
    if let Some(v) = uint(evt, "loginuid") {
        t.loginuid = v as u32;
    }
    if let Some(v) = uint(evt, "uid") {
        t.uid = v as u32;
    }
    if let Some(v) = uint(evt, "gid") {
        t.gid = v as u32;
    }
    t.exe_flags = uint(evt, "flags").map_or(0, |f| f as u32)
        & (exe_flags::WRITABLE
            | exe_flags::UPPER_LAYER
            | exe_flags::FROM_MEMFD
            | exe_flags::LOWER_LAYER);
    if let Some(v) = uint(evt, "cap_inheritable") {
        t.cap_inheritable = v;
    }
    if let Some(v) = uint(evt, "cap_permitted") {
        t.cap_permitted = v;
    }
    if let Some(v) = uint(evt, "cap_effective") {
        t.cap_effective = v;
    }
    if let Some(v) = uint(evt, "exe_ino") {
        t.exe_ino = v;
    }
    // Older execve layouts lack the inode times: they stay unknown (0).
    t.exe_ino_ctime = uint(evt, "exe_ino_ctime").unwrap_or(0);
    t.exe_ino_mtime = uint(evt, "exe_ino_mtime").unwrap_or(0);
    if let Some(v) = uint(evt, "pidns_init_start_ts") {
        t.pidns_init_start_ts = v;
    }
    if let Some(owner) = state.fd_table_mut(tid) {
        owner.close_on_exec();
    }
}

fn on_open(
    state: &mut State,
    tid: i64,
    evt: &EventRef<'_>,
    enter: Option<&EventRef<'_>>,
    dirfd: Option<i64>,
    ctx: &mut EventContext,
) {
    let Some(res) = result(evt) else { return };
    let Some(raw) = text_either(evt, enter, "name") else {
        return;
    };
    let flags = uint_either(evt, enter, "flags").unwrap_or(0) as u32;
    let dev = uint(evt, "dev").unwrap_or(0) as u32;
    let ino = uint(evt, "ino").unwrap_or(0);
    let base = resolve_dir(state, tid, dirfd.unwrap_or(-100));
    let path = concat_path(&base, &raw);
    let mut f = Fd::file(&path, &raw, flags, dev, ino);
    if evt.info().is_some_and(|i| i.name == "creat") {
        f.open_flags |= open_flags::CREAT | open_flags::WRONLY | open_flags::TRUNC;
    }
    if res < 0 {
        // A failed open still tells what was tried (sysdig: fd -1 named
        // after the path).
        state.transient = Some(f);
        ctx.transient_fd = true;
        ctx.fd = Some(-1);
        return;
    }
    state.add_fd(tid, res, f);
}

/// The directory a relative path is resolved against: the cwd for
/// `AT_FDCWD` (-100), else the directory fd's path.
fn resolve_dir(state: &State, tid: i64, dirfd: i64) -> String {
    if dirfd == -100 {
        return state
            .threads
            .get(&tid)
            .map(|t| t.cwd.clone())
            .unwrap_or_default();
    }
    state
        .fd(tid, dirfd)
        .map(|f| with_trailing_slash(&f.name))
        .unwrap_or_default()
}

fn on_open_by_handle(state: &mut State, tid: i64, evt: &EventRef<'_>) {
    let Some(fd) = result(evt).filter(|&r| r >= 0) else {
        return;
    };
    let path = text(evt, "path").unwrap_or_default().to_owned();
    let flags = uint(evt, "flags").unwrap_or(0) as u32;
    let dev = uint(evt, "dev").unwrap_or(0) as u32;
    let ino = uint(evt, "ino").unwrap_or(0);
    state.add_fd(tid, fd, Fd::file(&path, &path, flags, dev, ino));
}

const SOCK_STREAM: u64 = 1;
const SOCK_DGRAM: u64 = 2;
const SOCK_RAW: u64 = 3;
const IPPROTO_IP: u64 = 0;
const IPPROTO_ICMP: u64 = 1;
const IPPROTO_TCP: u64 = 6;
const IPPROTO_UDP: u64 = 17;
const IPPROTO_ICMPV6: u64 = 58;

fn l4_of(ty: u64, proto: u64) -> u8 {
    let ty = ty & 0xf;
    match proto {
        IPPROTO_TCP if ty != SOCK_RAW => l4::TCP,
        IPPROTO_UDP if ty != SOCK_RAW => l4::UDP,
        IPPROTO_IP if ty == SOCK_STREAM => l4::TCP,
        IPPROTO_IP if ty == SOCK_DGRAM => l4::UDP,
        IPPROTO_ICMP | IPPROTO_ICMPV6 => l4::ICMP,
        _ if ty == SOCK_RAW => l4::RAW,
        _ => l4::UNKNOWN,
    }
}

/// Socket protocol per fd, remembered until the socket gets addresses
/// (sysdig shows the protocol letter only from then on).
fn on_socket(state: &mut State, tid: i64, evt: &EventRef<'_>, enter: Option<&EventRef<'_>>) {
    let Some(fd) = result(evt).filter(|&r| r >= 0) else {
        return;
    };
    let domain = uint_either(evt, enter, "domain").unwrap_or(0);
    let ty = uint_either(evt, enter, "type").unwrap_or(0);
    let proto = uint_either(evt, enter, "proto").unwrap_or(0);
    let kind = match domain {
        1 => FdType::UnixSocket,
        2 => FdType::Ipv4Socket,
        10 => FdType::Ipv6Socket,
        16 => FdType::Netlink,
        _ => FdType::Unsupported,
    };
    let mut f = Fd::new(kind, "");
    f.pending_l4 = l4_of(ty, proto);
    state.add_fd(tid, fd, f);
}

fn on_bind(state: &mut State, tid: i64, evt: &EventRef<'_>, ctx: &EventContext) {
    if result(evt).is_none_or(|r| r < 0) {
        return;
    }
    let Some(fd) = ctx.fd else { return };
    let Some(ParamValue::SockAddr(addr)) = param(evt, "addr") else {
        return;
    };
    let Some(f) = state.fd_table_mut(tid).and_then(|t| t.get_mut(fd)) else {
        return;
    };
    match addr {
        SockAddr::Inet { addr, port } => bind_ip(f, IpAddr::V4(addr), port),
        SockAddr::Inet6 { addr, port } => bind_ip(f, IpAddr::V6(addr), port),
        SockAddr::Unix(path) => {
            f.name = String::from_utf8_lossy(path).into_owned();
        }
        SockAddr::Other { .. } => {}
    }
}

fn bind_ip(f: &mut Fd, ip: IpAddr, port: u16) {
    if port > 0 {
        let l4 = f.pending_l4;
        *f = Fd::server(ip, port, l4);
    } else {
        f.name.clear();
        super::fd::write_endpoint(&mut f.name, ip, port);
    }
}

fn on_connect(
    state: &mut State,
    tid: i64,
    evt: &EventRef<'_>,
    enter: Option<&EventRef<'_>>,
    ctx: &mut EventContext,
) {
    let Some(fd) = ctx.fd.or_else(|| enter.and_then(|e| int(e, "fd"))) else {
        return;
    };
    let Some(ParamValue::SockTuple(tuple)) = param(evt, "tuple") else {
        return;
    };
    let Some(f) = state.fd_table_mut(tid).and_then(|t| t.get_mut(fd)) else {
        return;
    };
    // sysdig 0.29.3 keeps the tuple of a socket whose local port is known
    // (a UDP socket connected again keeps its first peer).
    if matches!(f.endpoints, Endpoints::Tuple { cport, .. } if cport != 0) {
        return;
    }
    let res = result(evt).unwrap_or(-1);
    if res < 0 && res != -115 {
        // A refused connect shows its target on this event only.
        let mut copy = f.clone();
        set_from_tuple(&mut copy, tuple, Role::Client);
        state.transient = Some(copy);
        ctx.transient_fd = true;
        return;
    }
    let before = f.endpoints;
    set_from_tuple(f, tuple, Role::Client);
    ctx.fd_name_changed = before != Endpoints::None && before != f.endpoints;
}

/// Fills a socket fd from a tuple; `role` says which side this process is
/// (the tuple's source is the local side for clients, the peer for servers).
fn set_from_tuple(f: &mut Fd, tuple: SockTuple<'_>, role: Role) {
    let l4 = if f.l4proto != l4::UNKNOWN {
        f.l4proto
    } else {
        f.pending_l4
    };
    match tuple {
        SockTuple::Inet {
            src,
            sport,
            dst,
            dport,
        } => {
            *f = with_l4(
                Fd::tuple(IpAddr::V4(src), sport, IpAddr::V4(dst), dport, l4),
                f,
            );
        }
        SockTuple::Inet6 {
            src,
            sport,
            dst,
            dport,
        } => {
            let (s, d) = match (src.to_ipv4_mapped(), dst.to_ipv4_mapped()) {
                (Some(s), Some(d)) => (IpAddr::V4(s), IpAddr::V4(d)),
                _ => (IpAddr::V6(src), IpAddr::V6(dst)),
            };
            *f = with_l4(Fd::tuple(s, sport, d, dport, l4), f);
        }
        SockTuple::Unix { src, dst, path } => {
            f.ty = FdType::UnixSocket;
            f.endpoints = Endpoints::Unix {
                source: src,
                dest: dst,
            };
            // sysdig names a connected unix socket `src->dst path`.
            f.name = format!("{src:x}->{dst:x} {}", String::from_utf8_lossy(path));
        }
        SockTuple::Other { .. } => {}
    }
    f.role = role;
}

fn with_l4(mut new: Fd, old: &Fd) -> Fd {
    new.pending_l4 = old.pending_l4;
    new.open_flags = old.open_flags;
    new
}

fn on_accept(state: &mut State, tid: i64, evt: &EventRef<'_>, enter: Option<&EventRef<'_>>) {
    let Some(fd) = result(evt).filter(|&r| r >= 0) else {
        return;
    };
    let listener = enter.and_then(|e| int(e, "fd"));
    let l4 = listener
        .and_then(|l| state.fd(tid, l))
        .map_or(l4::UNKNOWN, |f| {
            if f.l4proto != l4::UNKNOWN {
                f.l4proto
            } else {
                f.pending_l4
            }
        });
    let mut f = Fd::new(FdType::Ipv4Socket, "");
    f.pending_l4 = if l4 == l4::UNKNOWN { l4::TCP } else { l4 };
    match param(evt, "tuple") {
        Some(ParamValue::SockTuple(tuple)) => set_from_tuple(&mut f, tuple, Role::Server),
        _ => f.role = Role::Server,
    }
    state.add_fd(tid, fd, f);
}

fn on_dup(state: &mut State, tid: i64, evt: &EventRef<'_>, enter: Option<&EventRef<'_>>) {
    let Some(newfd) = result(evt).filter(|&r| r >= 0) else {
        return;
    };
    let Some(old) =
        int(evt, "oldfd").or_else(|| enter.and_then(|e| int(e, "fd").or_else(|| int(e, "oldfd"))))
    else {
        return;
    };
    if let Some(f) = state.fd(tid, old).cloned() {
        let mut f = f;
        f.open_flags &= !open_flags::CLOEXEC;
        state.add_fd(tid, newfd, f);
    }
}

const F_DUPFD: u64 = 1;
const F_DUPFD_CLOEXEC: u64 = 19;

fn on_fcntl(state: &mut State, tid: i64, evt: &EventRef<'_>, enter: Option<&EventRef<'_>>) {
    let cmd = uint_either(evt, enter, "cmd");
    if cmd != Some(F_DUPFD) && cmd != Some(F_DUPFD_CLOEXEC) {
        return;
    }
    let Some(newfd) = result(evt).filter(|&r| r >= 0) else {
        return;
    };
    let Some(old) = int_either(evt, enter, "fd") else {
        return;
    };
    if let Some(mut f) = state.fd(tid, old).cloned() {
        if cmd == Some(F_DUPFD_CLOEXEC) {
            f.open_flags |= open_flags::CLOEXEC;
        }
        state.add_fd(tid, newfd, f);
    }
}

fn on_pipe(state: &mut State, tid: i64, evt: &EventRef<'_>) {
    if result(evt).is_none_or(|r| r < 0) {
        return;
    }
    let ino = uint(evt, "ino").unwrap_or(0);
    let flags = uint(evt, "flags").unwrap_or(0) as u32;
    for (name, mode) in [("fd1", open_flags::RDONLY), ("fd2", open_flags::WRONLY)] {
        if let Some(fd) = int(evt, name) {
            let mut f = Fd::new(FdType::Fifo, "");
            f.ino = ino;
            f.open_flags = mode | (flags & open_flags::CLOEXEC);
            state.add_fd(tid, fd, f);
        }
    }
}

fn on_socketpair(state: &mut State, tid: i64, evt: &EventRef<'_>) {
    if result(evt).is_none_or(|r| r < 0) {
        return;
    }
    let (source, peer) = (
        uint(evt, "source").unwrap_or(0),
        uint(evt, "peer").unwrap_or(0),
    );
    for (name, s, d) in [("fd1", source, peer), ("fd2", peer, source)] {
        if let Some(fd) = int(evt, name) {
            let mut f = Fd::new(FdType::UnixSocket, "");
            f.endpoints = Endpoints::Unix { source: s, dest: d };
            state.add_fd(tid, fd, f);
        }
    }
}

fn on_chdir(
    state: &mut State,
    tid: i64,
    evt: &EventRef<'_>,
    enter: Option<&EventRef<'_>>,
    handler: Handler,
) {
    if result(evt).is_none_or(|r| r < 0) {
        return;
    }
    let Some(path) = text_either(evt, enter, "path") else {
        return;
    };
    let cwd = state
        .threads
        .get(&tid)
        .map(|t| t.cwd.clone())
        .unwrap_or_default();
    let full = with_trailing_slash(&concat_path(&cwd, &path));
    for_process(state, tid, |t| {
        if handler == Handler::Chroot {
            t.root.clone_from(&full);
        } else {
            t.cwd.clone_from(&full);
        }
    });
}

fn on_fchdir(state: &mut State, tid: i64, evt: &EventRef<'_>, enter: Option<&EventRef<'_>>) {
    if result(evt).is_none_or(|r| r < 0) {
        return;
    }
    let Some(fd) = int_either(evt, enter, "fd") else {
        return;
    };
    let Some(dir) = state.fd(tid, fd).map(|f| with_trailing_slash(&f.name)) else {
        return;
    };
    for_process(state, tid, |t| t.cwd.clone_from(&dir));
}

/// setuid/setgid family: the effective id moves for the whole process.
fn on_ids(
    state: &mut State,
    tid: i64,
    evt: &EventRef<'_>,
    enter: Option<&EventRef<'_>>,
    names: &[&str],
    is_uid: bool,
) {
    if result(evt) != Some(0) {
        return;
    }
    let Some(id) = names
        .iter()
        .find_map(|n| uint_either(evt, enter, n))
        .filter(|&v| v != u64::from(u32::MAX))
    else {
        return;
    };
    for_process(state, tid, |t| {
        if is_uid {
            t.uid = id as u32;
        } else {
            t.gid = id as u32;
        }
    });
}

/// sendto/recvfrom/...: an unconnected socket learns its peer from the
/// tuple (of the exit event, or of the enter event in old captures).
fn on_tuple(
    state: &mut State,
    tid: i64,
    evt: &EventRef<'_>,
    enter: Option<&EventRef<'_>>,
    ctx: &mut EventContext,
) {
    let Some(fd) = ctx.fd else { return };
    let tuple = match param(evt, "tuple").or_else(|| enter.and_then(|e| param(e, "tuple"))) {
        Some(ParamValue::SockTuple(t)) => t,
        _ => return,
    };
    let Some(f) = state.fd_table_mut(tid).and_then(|t| t.get_mut(fd)) else {
        return;
    };
    if !f.ty.is_ip_socket() || f.endpoints != Endpoints::None {
        return;
    }
    let sending = evt.info().is_some_and(|i| i.name.starts_with("send"));
    // An unbound sender's source address is unspecified: sysdig shows the
    // destination address there.
    let tuple = match tuple {
        SockTuple::Inet {
            src,
            sport,
            dst,
            dport,
        } if sending && src.is_unspecified() => SockTuple::Inet {
            src: dst,
            sport,
            dst,
            dport,
        },
        SockTuple::Inet6 {
            src,
            sport,
            dst,
            dport,
        } if sending && src.is_unspecified() => SockTuple::Inet6 {
            src: dst,
            sport,
            dst,
            dport,
        },
        t => t,
    };
    set_from_tuple(f, tuple, if sending { Role::Client } else { Role::Server });
    ctx.fd_name_changed = true;
}

fn on_user(state: &mut State, evt: &EventRef<'_>, handler: Handler) {
    let Some(uid) = uint(evt, "uid") else { return };
    let uid = uid as u32;
    if handler == Handler::UserDeleted {
        state.users.remove_user(uid);
        return;
    }
    state.users.add_user(UserInfo {
        uid,
        gid: uint(evt, "gid").unwrap_or(0) as u32,
        name: text(evt, "name").unwrap_or_default().to_owned(),
        homedir: text(evt, "home").unwrap_or_default().to_owned(),
        shell: text(evt, "shell").unwrap_or_default().to_owned(),
    });
}

fn on_group(state: &mut State, evt: &EventRef<'_>, handler: Handler) {
    let Some(gid) = uint(evt, "gid") else { return };
    let gid = gid as u32;
    if handler == Handler::GroupDeleted {
        state.users.remove_group(gid);
        return;
    }
    state.users.add_group(GroupInfo {
        gid,
        name: text(evt, "name").unwrap_or_default().to_owned(),
    });
}
