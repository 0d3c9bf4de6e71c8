//! Where each parameter of a syscall's exit event comes from: a small
//! declarative table, one row per syscall, read in the event table's
//! parameter order. The encoder ([`super::encode`]) turns each source into a
//! value of the parameter's schema type, so the table never repeats types.
//!
//! The table has a row for exactly the syscalls the eBPF probe has an exit
//! program for (clone, fork and execve families aside: the tracer builds
//! those); every other syscall is a generic event, as in the probe.

/// The source of one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Src {
    /// The syscall's return value.
    Ret,
    /// Argument `i` as an integer (truncated to the parameter's width).
    Arg(u8),
    /// Argument `i` as an `int` (fds, pids, signed ints).
    Int(u8),
    /// NUL-terminated string at the pointer in argument `i`, at most
    /// `PATH_MAX` bytes with the NUL; empty when unreadable (NULL).
    Str(u8),
    /// [`Src::Str`] with another bound `max` (NUL included), the probe's
    /// for names and module arguments.
    StrMax(u8, u16),
    /// Argument `i` with only the bits of `mask` kept (flags the probe keeps).
    ArgMask(u8, u32),
    /// I/O data at the pointer in argument `i`: `min(ret, snaplen)` bytes.
    Data(u8),
    /// A buffer at the pointer in argument `ptr`: `min(arg(len), snaplen)`
    /// bytes (init_module's image).
    Buf { ptr: u8, len: u8 },
    /// I/O data gathered from the iovec array at argument `i` (count at `i + 1`).
    IovData(u8),
    /// Total length of the iovec array at argument `i` (count at `i + 1`).
    IovLen(u8),
    /// I/O data gathered from the iovecs of the `struct user_msghdr` at
    /// argument `i`: `min(ret, snaplen)` bytes.
    MsgIovData(u8),
    /// Total length of the iovecs of the `struct user_msghdr` at argument `i`.
    MsgIovLen(u8),
    /// Ancillary data (`msg_control`) of the `struct user_msghdr` at argument
    /// `i`, as the kernel left it: `msg_controllen` bytes when below 256 and
    /// the call succeeded, empty otherwise (the probe's bound).
    MsgControl(u8),
    /// The return value when positive, else 0 (a transfer size).
    RetSize,
    /// Kernel open flags in argument `i`, as `PPM_O_*`, with
    /// `PPM_O_F_CREATED` when the call created the file.
    OpenFlags(u8),
    /// Open mode: argument `mode` when the flags in argument `flags` create.
    OpenMode { flags: u8, mode: u8 },
    /// `struct open_how` at argument `i`: field 0 flags (as [`Src::OpenFlags`]),
    /// 1 mode, 2 resolve.
    OpenHow(u8, u8),
    /// Mode bits of argument `i` (`& 07777`).
    ModeBits(u8),
    /// Device of the file behind the returned fd (kernel `dev_t` encoding).
    RetDev,
    /// Inode of the file behind the returned fd.
    RetIno,
    /// Kernel clone flags in argument `i`, as `PPM_CL_*`.
    CloneFlags(u8),
    /// Socket type in argument `i` without `SOCK_NONBLOCK`/`SOCK_CLOEXEC`.
    SockType(u8),
    /// `SOCK_NONBLOCK`/`SOCK_CLOEXEC` of argument `i` as `PPM_O_*`.
    SockFlags(u8),
    /// Socket address at argument `i`, length in argument `i + 1`.
    SockAddr(u8),
    /// Tuple of the socket fd in argument `fd`. Outbound calls (connect,
    /// send) put the local side first, inbound ones (recv) the peer. A socket
    /// without a peer (unconnected, or a connect that failed) takes the peer
    /// from the call's own address argument, as the kernel probes do.
    TupleOfArg {
        fd: u8,
        inbound: bool,
        peer: PeerArg,
    },
    /// Peer/local tuple of the returned socket fd (inbound: accept).
    TupleOfRet,
    /// Element `j` of the `int[2]` at argument `i` (pipe, socketpair); -1
    /// when the call failed.
    IntPair(u8, u8),
    /// Inode of the pipe whose fds are the `int[2]` at argument `i`.
    PairIno(u8),
    /// pipe2 flags in argument `i`: `PPM_O_*` without the access mode.
    PipeFlags(u8),
    /// dup3 flags in argument `i`: only `O_CLOEXEC`, as `PPM_O_CLOEXEC`.
    CloexecFlag(u8),
    /// `PT_DYN` with selector 0 (u64) holding argument `i`.
    DynU64(u8),
    /// `PTRACE_*` request in argument `i` as `PPM_PTRACE_*`.
    PtraceRequest(u8),
    /// Kernel `PROT_*` in argument `i` as `PPM_PROT_*`.
    MmapProt(u8),
    /// Kernel `MAP_*` in argument `i` as `PPM_MAP_*`.
    MmapFlags(u8),
    /// The process's virtual memory size, resident set or swap (KiB): 0, 1, 2.
    Vm(u8),
    /// The thread's capability sets after the call, kernel bit layout:
    /// 0 inheritable, 1 permitted, 2 effective.
    Caps(u8),
    /// prctl's `arg2_str`: the name at argument 1 for `PR_SET_NAME` and
    /// `PR_GET_NAME` (at most 15 bytes, read after the call), empty otherwise.
    PrctlArg2Str,
    /// prctl's `arg2_int`: argument 1, or 0 when it is a name (see
    /// [`Src::PrctlArg2Str`]).
    PrctlArg2Int,
    /// Accept queue of the listening socket in argument `fd` after the call:
    /// 0 fill percentage, 1 length, 2 maximum (the listen backlog), as the
    /// probe reads `sk_ack_backlog`/`sk_max_ack_backlog`: from `TCP_INFO`
    /// for TCP listeners, from sock_diag for unix listeners in the tracer's
    /// network namespace, 0 otherwise (see `socket::listen_queue`). Read
    /// when the tracer handles the exit stop, a little later than the
    /// probe: a connection completed in between is counted.
    ListenQueue { fd: u8, field: u8 },
    /// The type's default value (not extracted by the shim).
    Default,
}

/// Where a call names its peer address, for [`Src::TupleOfArg`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PeerArg {
    /// A `struct sockaddr *` at argument `i`, its length in argument `i + 1`.
    Addr(u8),
    /// A `struct sockaddr *` at argument `i`, its length behind the
    /// `socklen_t *` in argument `i + 1` (filled in by the kernel: recvfrom).
    AddrLenPtr(u8),
    /// `msg_name`/`msg_namelen` of the `struct user_msghdr` at argument `i`
    /// (sendmsg; recvmsg, where the kernel filled them in).
    MsgName(u8),
}

use Src::*;

/// The sources of each syscall's exit-event parameters, by syscall name.
/// Syscalls that are not listed are generic events.
pub(crate) fn sources(syscall: &str) -> Option<&'static [Src]> {
    Some(match syscall {
        "open" => &[
            Ret,
            Str(0),
            OpenFlags(1),
            OpenMode { flags: 1, mode: 2 },
            RetDev,
            RetIno,
        ],
        "openat" => &[
            Ret,
            Int(0),
            Str(1),
            OpenFlags(2),
            OpenMode { flags: 2, mode: 3 },
            RetDev,
            RetIno,
        ],
        "openat2" => &[
            Ret,
            Int(0),
            Str(1),
            OpenHow(2, 0),
            OpenHow(2, 1),
            OpenHow(2, 2),
            RetDev,
            RetIno,
        ],
        "creat" => &[Ret, Str(0), ModeBits(1), RetDev, RetIno, Default],
        "close" | "fchdir" | "dup" => &[Ret, Int(0)],
        "read" | "write" => &[Ret, Data(1), Int(0), Arg(2)],
        "pread64" | "pwrite64" => &[Ret, Data(1), Int(0), Arg(2), Arg(3)],
        "readv" => &[Ret, IovLen(1), IovData(1), Int(0)],
        "writev" => &[Ret, IovData(1), Int(0), IovLen(1)],
        "preadv" => &[Ret, IovLen(1), IovData(1), Int(0), Arg(3)],
        "pwritev" => &[Ret, IovData(1), Int(0), IovLen(1), Arg(3)],
        "socket" => &[Ret, Arg(0), SockType(1), Arg(2), SockFlags(1)],
        // source and peer are the kernel addresses of the two sockets, which
        // the probe reads from the socket structures; user space cannot see
        // them, so the shim writes 0 (the equivalence test ignores them).
        "socketpair" => &[
            Ret,
            IntPair(3, 0),
            IntPair(3, 1),
            Default,
            Default,
            Arg(0),
            SockType(1),
            Arg(2),
        ],
        "connect" => &[
            Ret,
            TupleOfArg {
                fd: 0,
                inbound: false,
                peer: PeerArg::Addr(1),
            },
            Int(0),
            SockAddr(1),
        ],
        "accept" => &[Ret, TupleOfRet, QUEUE_PCT, QUEUE_LEN, QUEUE_MAX],
        "accept4" => &[
            Ret,
            TupleOfRet,
            QUEUE_PCT,
            QUEUE_LEN,
            QUEUE_MAX,
            SockFlags(3),
        ],
        "bind" => &[Ret, SockAddr(1), Int(0)],
        "listen" => &[Ret, Int(0), Int(1)],
        "sendto" => &[
            Ret,
            Data(1),
            Int(0),
            Arg(2),
            TupleOfArg {
                fd: 0,
                inbound: false,
                peer: PeerArg::Addr(4),
            },
        ],
        "recvfrom" => &[
            Ret,
            Data(1),
            TupleOfArg {
                fd: 0,
                inbound: true,
                peer: PeerArg::AddrLenPtr(4),
            },
            Int(0),
            Arg(2),
        ],
        "sendmsg" => &[
            Ret,
            MsgIovData(1),
            Int(0),
            MsgIovLen(1),
            TupleOfArg {
                fd: 0,
                inbound: false,
                peer: PeerArg::MsgName(1),
            },
        ],
        "recvmsg" => &[
            Ret,
            RetSize,
            MsgIovData(1),
            TupleOfArg {
                fd: 0,
                inbound: true,
                peer: PeerArg::MsgName(1),
            },
            MsgControl(1),
            Int(0),
        ],
        "shutdown" => &[Ret, Int(0), Arg(1)],
        "unlink" | "rmdir" | "chdir" | "chroot" => &[Ret, Str(0)],
        "unlinkat" => &[Ret, Int(0), Str(1), ArgMask(2, AT_REMOVEDIR)],
        "rename" | "link" | "symlink" => &[Ret, Str(0), Str(1)],
        "renameat" => &[Ret, Int(0), Str(1), Int(2), Str(3)],
        "renameat2" | "linkat" => &[Ret, Int(0), Str(1), Int(2), Str(3), Arg(4)],
        "symlinkat" => &[Ret, Str(0), Int(1), Str(2)],
        "mkdir" => &[Ret, Str(0), Arg(1)],
        "mkdirat" => &[Ret, Int(0), Str(1), Arg(2)],
        "chmod" => &[Ret, Str(0), ModeBits(1)],
        "fchmodat" => &[Ret, Int(0), Str(1), ModeBits(2)],
        "fchmod" => &[Ret, Int(0), ModeBits(1)],
        "chown" | "lchown" => &[Ret, Str(0), Arg(1), Arg(2)],
        "fchown" => &[Ret, Int(0), Arg(1), Arg(2)],
        "fchownat" => &[Ret, Int(0), Str(1), Arg(2), Arg(3), Arg(4)],
        "setuid" | "setgid" | "bpf" => &[Ret, Arg(0)],
        "setreuid" | "setregid" => &[Ret, Arg(0), Arg(1)],
        "setresuid" | "setresgid" => &[Ret, Arg(0), Arg(1), Arg(2)],
        "ptrace" => &[Ret, DynU64(2), DynU64(3), PtraceRequest(0), Int(1)],
        "mount" => &[Ret, Str(0), Str(1), StrMax(2, 256), Arg(3)],
        "umount2" => &[Ret, Str(0), Arg(1)],
        // MFD_CLOEXEC, MFD_ALLOW_SEALING and MFD_HUGETLB.
        "memfd_create" => &[Ret, StrMax(0, 256), ArgMask(1, 7)],
        "kill" | "tkill" => &[Ret, Int(0), Arg(1)],
        "tgkill" => &[Ret, Int(0), Int(1), Arg(2)],
        "dup2" => &[Ret, Int(0), Int(1)],
        "dup3" => &[Ret, Int(0), Int(1), CloexecFlag(2)],
        "pipe" => &[Ret, IntPair(0, 0), IntPair(0, 1), PairIno(0)],
        "pipe2" => &[Ret, IntPair(0, 0), IntPair(0, 1), PairIno(0), PipeFlags(1)],
        "init_module" => &[Ret, Buf { ptr: 0, len: 1 }, Arg(1), StrMax(2, 1024)],
        "finit_module" => &[Ret, Int(0), StrMax(1, 1024), Arg(2)],
        "setns" => &[Ret, Int(0), CloneFlags(1)],
        "unshare" => &[Ret, CloneFlags(0)],
        "prctl" => &[Ret, Arg(0), PrctlArg2Str, PrctlArg2Int],
        "capset" => &[Ret, Caps(0), Caps(1), Caps(2)],
        "mmap" => &[
            Ret,
            Vm(0),
            Vm(1),
            Vm(2),
            Arg(0),
            Arg(1),
            MmapProt(2),
            MmapFlags(3),
            Int(4),
            Arg(5),
        ],
        "mprotect" => &[Ret, Arg(0), Arg(1), MmapProt(2)],
        _ => return None,
    })
}

/// The accept queue of the listening socket in argument 0 (accept, accept4).
const QUEUE_PCT: Src = ListenQueue { fd: 0, field: 0 };
const QUEUE_LEN: Src = ListenQueue { fd: 0, field: 1 };
const QUEUE_MAX: Src = ListenQueue { fd: 0, field: 2 };

/// `AT_REMOVEDIR` (= `PPM_AT_REMOVEDIR`), the one unlinkat flag.
const AT_REMOVEDIR: u32 = 0x200;

/// `PPM_O_F_CREATED`: the open created the file.
pub(crate) const PPM_O_F_CREATED: u32 = 1 << 14;

/// Kernel open flags to `PPM_O_*` (libs' `open_flags_to_scap`).
pub(crate) fn open_flags_to_ppm(flags: u64) -> u32 {
    let mut r = match flags & 3 {
        0 => 1,
        1 => 2,
        2 => 3,
        _ => 0,
    };
    for (kernel, ppm) in [
        (0o100, 4),
        (0o2000, 8),
        (0o10000, 16),
        (0o200, 32),
        (0o4000, 64),
        (0o4000000, 128),
        (0o1000, 256),
        (0o40000, 512),
        (0o200000, 1024),
        (0o100000, 2048),
        (0o2000000, 4096),
        (0o20000000, 8192),
    ] {
        if flags & kernel != 0 {
            r |= ppm;
        }
    }
    r
}

/// Kernel `PROT_*` to `PPM_PROT_*`.
pub(crate) fn prot_to_ppm(prot: u64) -> u32 {
    let mut r = (prot & 0xf) as u32;
    if prot & 0x0100_0000 != 0 {
        r |= 0x10;
    }
    r
}

/// Kernel `MAP_*` to `PPM_MAP_*`.
pub(crate) fn mmap_flags_to_ppm(flags: u64) -> u32 {
    const MAP: &[(u64, u32)] = &[
        (0x10, 0x4),
        (0x20, 0x8),
        (0x40, 0x10),
        (0x4000, 0x40),
        (0x8000, 0x80),
        (0x10000, 0x100),
        (0x100, 0x200),
        (0x800, 0x400),
        (0x1000, 0x800),
        (0x2000, 0x4000),
    ];
    MAP.iter()
        .filter(|(k, _)| flags & k != 0)
        .fold((flags & 3) as u32, |r, (_, p)| r | p)
}

/// Kernel `CLONE_*` to `PPM_CL_*`.
pub(crate) fn clone_flags_to_ppm(flags: u64) -> u32 {
    const MAP: &[(u64, u32)] = &[
        (0x400, 1),
        (0x200, 2),
        (0x8000_0000, 4),
        (0x0800_0000, 8),
        (0x4000_0000, 16),
        (0x20000, 32),
        (0x2000_0000, 64),
        (0x0400_0000, 128),
        (0x8000, 256),
        (0x10_0000, 512),
        (0x2000, 1024),
        (0x800, 2048),
        (0x4_0000, 4096),
        (0x1_0000, 8192),
        (0x80_0000, 1 << 14),
        (0x100, 1 << 15),
        (0x1000_0000, 1 << 20),
        (0x20_0000, 1 << 23),
        (0x0100_0000, 1 << 24),
        (0x8_0000, 1 << 25),
        (0x4000, 1 << 27),
        (0x0200_0000, 1 << 28),
    ];
    MAP.iter()
        .filter(|(k, _)| flags & k != 0)
        .fold(0, |r, (_, p)| r | p)
}

/// Kernel `PTRACE_*` request to `PPM_PTRACE_*` (0 when not mapped).
pub(crate) fn ptrace_request_to_ppm(req: u64) -> u16 {
    match req {
        0..=9 => req as u16 + 1,
        16 => 11,
        17 => 12,
        24 => 13,
        0x4200..=0x4206 => (req - 0x4200) as u16 + 14,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_matches_its_event_arity() {
        for sc in crate::syscalls::all() {
            let Some(srcs) = sources(sc.name) else {
                continue;
            };
            let (_, exit) = sc.event_pair();
            let info = crate::event_info(exit.0).unwrap();
            assert_eq!(
                srcs.len(),
                info.params.len(),
                "{}: sources vs {} params",
                sc.name,
                info.name
            );
        }
    }

    #[test]
    fn rows_are_the_probes_exit_programs() {
        let probe = concat!(env!("CARGO_MANIFEST_DIR"), "/../bpf/probe.bpf.c");
        let probe = std::fs::read_to_string(probe).unwrap();
        // The tracer builds the clone and execve families' events itself.
        let by_tracer = ["clone", "clone3", "fork", "vfork", "execve", "execveat"];
        let programs: std::collections::BTreeSet<&str> = probe
            .lines()
            .filter_map(|l| l.trim().strip_prefix("[NR_")?.split_once(']'))
            .map(|(name, _)| name)
            .filter(|name| !by_tracer.contains(name))
            .collect();
        assert!(programs.len() > 50, "the probe's exit-program table");
        let rows: std::collections::BTreeSet<&str> = crate::syscalls::all()
            .iter()
            .filter(|sc| sources(sc.name).is_some())
            .map(|sc| sc.name)
            .collect();
        assert_eq!(rows, programs);
    }

    #[test]
    fn flag_conversions_follow_libs() {
        // O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC
        assert_eq!(
            open_flags_to_ppm(0o1 | 0o100 | 0o1000 | 0o2000000),
            2 | 4 | 256 | 4096
        );
        assert_eq!(open_flags_to_ppm(0), 1, "O_RDONLY");
        // CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD
        assert_eq!(
            clone_flags_to_ppm(0x100 | 0x200 | 0x400 | 0x800 | 0x10000),
            (1 << 15) | 2 | 1 | 2048 | 8192
        );
        assert_eq!(ptrace_request_to_ppm(0x4206), 20);
        assert_eq!(ptrace_request_to_ppm(16), 11);
        // MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, PROT_READ|PROT_EXEC
        assert_eq!(mmap_flags_to_ppm(0x02 | 0x10 | 0x20), 0x2 | 0x4 | 0x8);
        assert_eq!(prot_to_ppm(0x1 | 0x4), 0x5);
    }
}
