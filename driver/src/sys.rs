//! The kernel boundary of `driver`: shared-memory mappings, the traced
//! child's fork-and-exec, ptrace requests, `waitpid`, tracee memory reads and
//! the kmod device ioctls. Every `unsafe` block of the crate is here, each
//! with a `// SAFETY:` line; the ring and shim modules above it are safe code.
//!
//! Failures name the call (`SysError { call, source }`).

#![allow(unsafe_code, reason = "this module is the crate's FFI boundary")]

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicU32, AtomicU64};

/// A failed system call.
#[derive(Debug)]
pub(crate) struct SysError {
    pub(crate) call: &'static str,
    pub(crate) source: io::Error,
}

impl SysError {
    fn last(call: &'static str) -> SysError {
        SysError {
            call,
            source: io::Error::last_os_error(),
        }
    }
}

/// `Ok(ret)` for a non-negative C return value, the call's errno otherwise.
fn check(call: &'static str, ret: libc::c_long) -> Result<libc::c_long, SysError> {
    if ret < 0 {
        Err(SysError::last(call))
    } else {
        Ok(ret)
    }
}

/// The system page size.
pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf has no memory-safety preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).unwrap_or(4096).max(4096)
}

/// A shared mapping of (part of) a device file; unmapped on drop.
///
/// Bytes in it may be written by another process at any time, so it only
/// hands out atomics, copies and slices the ring protocol says are stable.
#[derive(Debug)]
pub(crate) struct Mapping {
    base: *mut u8,
    len: usize,
    writable: bool,
}

// SAFETY: the mapping is plain shared memory owned by this value; all access
// goes through atomics or through byte ranges the ring protocol hands to one
// side at a time.
unsafe impl Send for Mapping {}
// SAFETY: as for Send; `&Mapping` exposes no interior mutability beyond atomics
// and `write`, whose callers own the written range by protocol.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Maps `len` bytes of `fd` at `offset`, shared.
    pub(crate) fn map(
        fd: BorrowedFd<'_>,
        offset: usize,
        len: usize,
        writable: bool,
    ) -> Result<Mapping, SysError> {
        let prot = prot(writable);
        let off = libc::off_t::try_from(offset).map_err(|_| invalid("mmap", "offset too large"))?;
        // SAFETY: a fresh mapping chosen by the kernel (addr NULL) aliases no Rust object.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                prot,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                off,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(SysError::last("mmap"));
        }
        Ok(Mapping {
            base: base.cast(),
            len,
            writable,
        })
    }

    /// Maps `dim` bytes of `fd` at `offset` twice, back to back, so that
    /// `[dim, 2·dim)` aliases `[0, dim)` and no record ever wraps.
    pub(crate) fn map_twice(
        fd: BorrowedFd<'_>,
        offset: usize,
        dim: usize,
        writable: bool,
    ) -> Result<Mapping, SysError> {
        let off = libc::off_t::try_from(offset).map_err(|_| invalid("mmap", "offset too large"))?;
        let total = dim
            .checked_mul(2)
            .ok_or_else(|| invalid("mmap", "ring too large"))?;
        // SAFETY: reserves fresh address space (PROT_NONE, private, anonymous); nothing aliases it.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                total,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(SysError::last("mmap(reserve)"));
        }
        let mapping = Mapping {
            base: base.cast(),
            len: total,
            writable,
        };
        for half in 0..2 {
            // SAFETY: `base + half·dim .. + dim` lies inside the reservation made
            // above, which this function owns; MAP_FIXED replaces only that range.
            let addr = unsafe { mapping.base.add(half * dim) };
            // SAFETY: see above; the fd is valid for the duration of the call.
            let got = unsafe {
                libc::mmap(
                    addr.cast(),
                    dim,
                    prot(writable),
                    libc::MAP_SHARED | libc::MAP_FIXED,
                    fd.as_raw_fd(),
                    off,
                )
            };
            if got == libc::MAP_FAILED {
                return Err(SysError::last("mmap(MAP_FIXED)"));
            }
        }
        Ok(mapping)
    }

    fn check_range(&self, offset: usize, len: usize) {
        assert!(
            offset.checked_add(len).is_some_and(|end| end <= self.len),
            "range {offset}+{len} outside a {}-byte mapping",
            self.len
        );
    }

    /// The `u32` at `offset` (4-byte aligned) as an atomic.
    pub(crate) fn u32_at(&self, offset: usize) -> &AtomicU32 {
        self.check_range(offset, 4);
        assert_eq!(offset % 4, 0, "unaligned u32 at {offset}");
        // SAFETY: in range and aligned (checked above; mappings are page aligned);
        // the memory lives as long as `self` and is only accessed atomically.
        unsafe { AtomicU32::from_ptr(self.base.add(offset).cast()) }
    }

    /// The `u64` at `offset` (8-byte aligned) as an atomic.
    pub(crate) fn u64_at(&self, offset: usize) -> &AtomicU64 {
        self.check_range(offset, 8);
        assert_eq!(offset % 8, 0, "unaligned u64 at {offset}");
        // SAFETY: in range and aligned (checked above); the memory lives as long
        // as `self` and is only accessed atomically.
        unsafe { AtomicU64::from_ptr(self.base.add(offset).cast()) }
    }

    /// The bytes `[offset, offset + len)`. The caller must own that range by
    /// protocol (the producer will not write it until the tail moves past it).
    pub(crate) fn bytes(&self, offset: usize, len: usize) -> &[u8] {
        self.check_range(offset, len);
        // SAFETY: in range (checked); the ring protocol keeps the producer out of
        // the published, not yet consumed range for as long as the borrow lives.
        unsafe { std::slice::from_raw_parts(self.base.add(offset), len) }
    }

    /// Copies `src` to `offset`. The caller must own that range by protocol
    /// (free space between head and tail).
    pub(crate) fn write(&self, offset: usize, src: &[u8]) {
        assert!(self.writable, "write to a read-only mapping");
        self.check_range(offset, src.len());
        // SAFETY: in range and writable (checked); the consumer does not read
        // free space, so no reference to these bytes exists.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), self.base.add(offset), src.len()) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `base..base+len` was mapped by this value and is unmapped once.
        unsafe { libc::munmap(self.base.cast(), self.len) };
    }
}

fn prot(writable: bool) -> libc::c_int {
    if writable {
        libc::PROT_READ | libc::PROT_WRITE
    } else {
        libc::PROT_READ
    }
}

fn invalid(call: &'static str, what: &str) -> SysError {
    SysError {
        call,
        source: io::Error::new(io::ErrorKind::InvalidInput, what.to_string()),
    }
}

/// `ioctl(fd, cmd, arg)` on a kmod device: returns the non-negative result.
pub(crate) fn ioctl(fd: BorrowedFd<'_>, cmd: u64, arg: u64) -> Result<i64, SysError> {
    // SAFETY: the module's ioctls take a value argument; the ones that take a
    // pointer are issued through `ioctl_u64_out`.
    let ret = unsafe { libc::ioctl(fd.as_raw_fd(), cmd as libc::c_ulong, arg as libc::c_ulong) };
    check("ioctl", libc::c_long::from(ret))
}

/// `ioctl(fd, cmd, &mut u64)`: the version queries.
pub(crate) fn ioctl_u64_out(fd: BorrowedFd<'_>, cmd: u64) -> Result<u64, SysError> {
    let mut out: u64 = 0;
    // SAFETY: the command writes one u64 through the pointer, which is valid for it.
    let ret = unsafe { libc::ioctl(fd.as_raw_fd(), cmd as libc::c_ulong, &mut out as *mut u64) };
    check("ioctl", libc::c_long::from(ret))?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// Tracing

/// One syscall stop as `PTRACE_GET_SYSCALL_INFO` reports it
/// (`struct ptrace_syscall_info`, 88 bytes).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
struct RawSyscallInfo {
    op: u8,
    pad: [u8; 3],
    arch: u32,
    instruction_pointer: u64,
    stack_pointer: u64,
    data: [u64; 8],
}

/// What a syscall stop says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyscallStop {
    /// Syscall entry (`PTRACE_SYSCALL` stop) or seccomp stop: the ABI the
    /// call was made with (`AUDIT_ARCH_*`: x86_64, or I386 for `int $0x80`),
    /// its number and arguments in that ABI.
    Entry { arch: u32, nr: u64, args: [u64; 6] },
    /// Syscall exit: the return value.
    Exit { rval: i64 },
    /// Not a syscall stop.
    None,
}

/// `PTRACE_GET_SYSCALL_INFO` for a stopped tracee (Linux 5.3+).
pub(crate) fn syscall_info(tid: i32) -> Result<SyscallStop, SysError> {
    let mut raw = RawSyscallInfo::default();
    // SAFETY: the kernel writes at most `size_of::<RawSyscallInfo>()` bytes into `raw`.
    let ret = unsafe {
        libc::ptrace(
            libc::PTRACE_GET_SYSCALL_INFO,
            tid,
            std::mem::size_of::<RawSyscallInfo>(),
            &mut raw as *mut RawSyscallInfo,
        )
    };
    check("ptrace(PTRACE_GET_SYSCALL_INFO)", ret)?;
    let args = [
        raw.data[1],
        raw.data[2],
        raw.data[3],
        raw.data[4],
        raw.data[5],
        raw.data[6],
    ];
    Ok(match raw.op {
        1 | 3 => SyscallStop::Entry {
            arch: raw.arch,
            nr: raw.data[0],
            args,
        },
        2 => SyscallStop::Exit {
            rval: raw.data[0] as i64,
        },
        _ => SyscallStop::None,
    })
}

/// A ptrace request that takes no pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ptrace {
    /// Resume, delivering `sig` (0 for none).
    Cont(i32),
    /// Resume until the next syscall entry or exit.
    Syscall(i32),
    /// Stop tracing, delivering `sig`.
    Detach(i32),
    /// Attach without stopping, with options.
    Seize(u64),
    /// Set the options.
    SetOptions(u64),
    /// Stop a seized tracee.
    Interrupt,
}

/// Issues `req` for `tid`.
pub(crate) fn ptrace(tid: i32, req: Ptrace) -> Result<(), SysError> {
    let (request, name, data) = match req {
        Ptrace::Cont(sig) => (libc::PTRACE_CONT, "ptrace(PTRACE_CONT)", sig as usize),
        Ptrace::Syscall(sig) => (libc::PTRACE_SYSCALL, "ptrace(PTRACE_SYSCALL)", sig as usize),
        Ptrace::Detach(sig) => (libc::PTRACE_DETACH, "ptrace(PTRACE_DETACH)", sig as usize),
        Ptrace::Seize(opts) => (libc::PTRACE_SEIZE, "ptrace(PTRACE_SEIZE)", opts as usize),
        Ptrace::SetOptions(opts) => (
            libc::PTRACE_SETOPTIONS,
            "ptrace(PTRACE_SETOPTIONS)",
            opts as usize,
        ),
        Ptrace::Interrupt => (libc::PTRACE_INTERRUPT, "ptrace(PTRACE_INTERRUPT)", 0),
    };
    // SAFETY: none of these requests dereferences addr or data.
    let ret = unsafe { libc::ptrace(request, tid, 0usize, data) };
    check(name, ret).map(drop)
}

/// `PTRACE_GETEVENTMSG`: the new tid of a fork/clone event, the former tid of an exec.
pub(crate) fn event_msg(tid: i32) -> Result<u64, SysError> {
    let mut msg: libc::c_ulong = 0;
    // SAFETY: the kernel writes one unsigned long through the pointer.
    let ret = unsafe {
        libc::ptrace(
            libc::PTRACE_GETEVENTMSG,
            tid,
            0usize,
            &mut msg as *mut libc::c_ulong,
        )
    };
    check("ptrace(PTRACE_GETEVENTMSG)", ret)?;
    Ok(msg)
}

/// `waitpid(pid, __WALL | flags)`: `(tid, raw status)`, or `None` when
/// `WNOHANG` found nothing.
pub(crate) fn wait_any(pid: i32, nohang: bool) -> Result<Option<(i32, i32)>, SysError> {
    let mut status = 0;
    // __WNOTHREAD: only this thread's children and tracees, never a child
    // another thread of the process started.
    let flags = libc::__WALL | libc::__WNOTHREAD | if nohang { libc::WNOHANG } else { 0 };
    // SAFETY: `status` is a valid out pointer.
    let tid = unsafe { libc::waitpid(pid, &mut status, flags) };
    if tid < 0 {
        return Err(SysError::last("waitpid"));
    }
    Ok((tid > 0).then_some((tid, status)))
}

/// Whether a signal stop of `tid` is a signal-delivery stop (it has siginfo)
/// rather than a group stop.
pub(crate) fn has_siginfo(tid: i32) -> bool {
    // SAFETY: siginfo_t is plain data; the kernel writes it through the pointer.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is valid for writes of a siginfo_t.
    let ret = unsafe {
        libc::ptrace(
            libc::PTRACE_GETSIGINFO,
            tid,
            0usize,
            &mut info as *mut libc::siginfo_t,
        )
    };
    ret >= 0
}

/// The signal that wakes a tracer blocked in `waitpid`.
pub(crate) const WAKEUP_SIGNAL: i32 = libc::SIGURG;

extern "C" fn ignore_signal(_: libc::c_int) {}

/// Installs a no-op handler for [`WAKEUP_SIGNAL`] without `SA_RESTART`, so
/// that sending it to a thread interrupts its `waitpid` with `EINTR`.
/// SIGURG is otherwise ignored by default, so a stray one harms nothing.
pub(crate) fn install_wakeup_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sigaction is plain data; the handler is async-signal-safe (it does nothing).
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = ignore_signal as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut action.sa_mask);
            action.sa_flags = 0;
            libc::sigaction(WAKEUP_SIGNAL, &action, std::ptr::null_mut());
        }
    });
}

/// Sends [`WAKEUP_SIGNAL`] to the thread `thread`.
pub(crate) fn wake_thread(thread: libc::pthread_t) {
    // SAFETY: the caller passes the pthread_t of a thread it joined-handle owns
    // and has not joined yet.
    unsafe { libc::pthread_kill(thread, WAKEUP_SIGNAL) };
}

/// Reads tracee memory at `addr` into `buf` with `process_vm_readv`;
/// returns the bytes read (short at an unmapped page).
pub(crate) fn read_tracee(tid: i32, addr: u64, buf: &mut [u8]) -> Result<usize, SysError> {
    if buf.is_empty() {
        return Ok(0);
    }
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let remote = libc::iovec {
        iov_base: addr as usize as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: `local` describes `buf`, which is writable for its length; the
    // remote iovec is only read by the kernel in the other process.
    let n = unsafe { libc::process_vm_readv(tid, &local, 1, &remote, 1, 0) };
    check("process_vm_readv", n as libc::c_long).map(|n| n as usize)
}

/// Duplicates fd `fd` of process `pid` into this process (`pidfd_getfd`,
/// Linux 5.6+; the tracer has the PTRACE_MODE_ATTACH right it needs).
pub(crate) fn dup_tracee_fd(pid: i32, fd: i32) -> Result<std::os::fd::OwnedFd, SysError> {
    use std::os::fd::FromRawFd;
    // SAFETY: pidfd_open takes plain integers.
    let pidfd = check("pidfd_open", unsafe {
        libc::syscall(libc::SYS_pidfd_open, pid, 0)
    })?;
    // SAFETY: pidfd was just returned by the kernel and is owned here.
    let pidfd = unsafe { std::os::fd::OwnedFd::from_raw_fd(pidfd as i32) };
    // SAFETY: pidfd_getfd takes plain integers.
    let got = unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0) };
    let got = check("pidfd_getfd", got)?;
    // SAFETY: the new fd was just returned by the kernel and is owned here.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(got as i32) })
}

/// A socket address read with `getsockname` or `getpeername`.
pub(crate) fn socket_name(fd: BorrowedFd<'_>, peer: bool) -> Result<Vec<u8>, SysError> {
    let mut storage = [0u8; 128];
    let mut len = storage.len() as libc::socklen_t;
    let ptr = storage.as_mut_ptr().cast::<libc::sockaddr>();
    // SAFETY: `storage` is writable for `len` bytes and `len` is a valid out pointer.
    let ret = unsafe {
        if peer {
            libc::getpeername(fd.as_raw_fd(), ptr, &mut len)
        } else {
            libc::getsockname(fd.as_raw_fd(), ptr, &mut len)
        }
    };
    check(
        if peer { "getpeername" } else { "getsockname" },
        libc::c_long::from(ret),
    )?;
    Ok(storage[..(len as usize).min(storage.len())].to_vec())
}

/// `(queued, backlog)` of a listening TCP socket: the connections waiting
/// for accept (`sk_ack_backlog`) and the listen backlog
/// (`sk_max_ack_backlog`), which `TCP_INFO` reports for listeners in
/// `tcpi_unacked` and `tcpi_sacked`. `None` for a socket that is not a
/// listening TCP socket.
pub(crate) fn tcp_listen_queue(fd: BorrowedFd<'_>) -> Option<(u32, u32)> {
    const TCP_LISTEN: u8 = 10;
    let mut info = [0u8; 32];
    let mut len = info.len() as libc::socklen_t;
    // SAFETY: `info` is writable for `len` bytes and `len` is a valid out pointer.
    let ret = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            info.as_mut_ptr().cast(),
            &mut len,
        )
    };
    if ret != 0 || (len as usize) < info.len() || info[0] != TCP_LISTEN {
        return None;
    }
    let word = |at: usize| u32::from_ne_bytes([info[at], info[at + 1], info[at + 2], info[at + 3]]);
    // struct tcp_info: tcpi_unacked at byte 24, tcpi_sacked at byte 28.
    Some((word(24), word(28)))
}

/// Sends one request to the kernel's socket-diagnostics netlink interface
/// (`NETLINK_SOCK_DIAG`, of this process's network namespace) and reads its
/// first reply into `reply`; returns the reply's length.
pub(crate) fn sock_diag(request: &[u8], reply: &mut [u8]) -> Result<usize, SysError> {
    use std::os::fd::FromRawFd;
    // SAFETY: socket takes plain integers.
    let fd = check("socket", unsafe {
        libc::c_long::from(libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            libc::NETLINK_SOCK_DIAG,
        ))
    })?;
    // SAFETY: fd was just returned by the kernel and is owned here.
    let sock = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd as i32) };
    // SAFETY: `request` is readable for its length (no destination: the kernel).
    let sent = unsafe { libc::send(sock.as_raw_fd(), request.as_ptr().cast(), request.len(), 0) };
    check("send", sent as libc::c_long)?;
    // SAFETY: `reply` is writable for its length.
    let got = unsafe { libc::recv(sock.as_raw_fd(), reply.as_mut_ptr().cast(), reply.len(), 0) };
    check("recv", got as libc::c_long).map(|n| n as usize)
}

/// What the traced child does between fork and exec.
#[derive(Debug)]
pub(crate) struct ChildSetup<'a> {
    /// Absolute path of the program.
    pub(crate) program: &'a CStr,
    /// argv, NUL-terminated pointers built by the caller.
    pub(crate) argv: &'a [CString],
    /// envp.
    pub(crate) envp: &'a [CString],
    /// The seccomp filter to install after the tracer took hold, if any.
    pub(crate) filter: Option<&'a [libc::sock_filter]>,
}

/// Forks a child that asks to be traced (`PTRACE_TRACEME`), stops itself
/// with SIGSTOP so the tracer can set its options, installs the seccomp
/// filter and execs the program. Returns the child's pid; the caller must
/// `waitpid` for the SIGSTOP and resume it.
///
/// The child only makes async-signal-safe calls: every buffer is built
/// before the fork.
pub(crate) fn fork_traced(setup: &ChildSetup<'_>) -> Result<i32, SysError> {
    let mut argv: Vec<*const libc::c_char> = setup.argv.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    let mut envp: Vec<*const libc::c_char> = setup.envp.iter().map(|a| a.as_ptr()).collect();
    envp.push(std::ptr::null());
    let prog = setup.filter.map(|f| libc::sock_fprog {
        len: f.len() as libc::c_ushort,
        filter: f.as_ptr().cast_mut(),
    });
    // SAFETY: the child branch below only calls async-signal-safe functions on
    // memory prepared before the fork, then execs or _exits.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(SysError::last("fork"));
    }
    if pid == 0 {
        // SAFETY: async-signal-safe calls only; the pointers outlive the exec.
        unsafe { child_after_fork(setup.program.as_ptr(), &argv, &envp, prog.as_ref()) }
    }
    Ok(pid)
}

/// The child side of [`fork_traced`]; never returns.
///
/// # Safety
/// Call only in a freshly forked child; the pointers must be valid.
unsafe fn child_after_fork(
    program: *const libc::c_char,
    argv: &[*const libc::c_char],
    envp: &[*const libc::c_char],
    prog: Option<&libc::sock_fprog>,
) -> ! {
    // SAFETY: async-signal-safe libc calls with valid arguments, in the forked child.
    unsafe {
        // Ignored signals survive exec; the tracee must start like a normal child.
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
        if libc::ptrace(libc::PTRACE_TRACEME, 0, 0usize, 0usize) < 0 {
            libc::_exit(126);
        }
        libc::raise(libc::SIGSTOP);
        if let Some(prog) = prog {
            let mut ret = libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                0,
                prog as *const libc::sock_fprog,
            );
            if ret < 0 && *libc::__errno_location() == libc::EACCES {
                // Without CAP_SYS_ADMIN a filter needs no_new_privs.
                libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                ret = libc::syscall(
                    libc::SYS_seccomp,
                    libc::SECCOMP_SET_MODE_FILTER,
                    0,
                    prog as *const libc::sock_fprog,
                );
            }
            if ret < 0 {
                libc::_exit(125);
            }
        }
        libc::execve(program, argv.as_ptr(), envp.as_ptr());
        libc::_exit(127)
    }
}

/// Nanoseconds since the Unix epoch (`CLOCK_REALTIME`), the events' clock.
pub(crate) fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Pins the calling thread to `cpu`; failures are ignored (a hint only).
pub(crate) fn pin_to_cpu(cpu: usize) {
    // SAFETY: cpu_set_t is plain data; sched_setaffinity reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// `memfd_create(name, MFD_CLOEXEC)`.
pub(crate) fn memfd(name: &str) -> Result<std::os::fd::OwnedFd, SysError> {
    use std::os::fd::FromRawFd;
    let cname = CString::new(name).map_err(|_| invalid("memfd_create", "name contains NUL"))?;
    // SAFETY: cname is a valid C string.
    let fd = unsafe { libc::memfd_create(cname.as_ptr(), libc::MFD_CLOEXEC) };
    check("memfd_create", libc::c_long::from(fd))?;
    // SAFETY: fd was just returned by the kernel and is owned here.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}
