//! Process lifecycle events: execve, clone/fork, exit, rlimits, ptrace,
//! namespaces, capabilities, pidfds, process-wide state.

use super::events;
use super::{dynamic, ParamExtra::*};
use crate::flags;

/// Parameters shared by the `CLONE_16` family of exit events.
const CLONE_16: &[super::ParamInfo] = events!(@params {
    ("res", Pid, Dec),
    ("exe", CharBuf, Na),
    ("args", ByteBuf, Na),
    ("tid", Pid, Dec),
    ("pid", Pid, Dec),
    ("ptid", Pid, Dec),
    ("cwd", CharBuf, Na),
    ("fdlimit", Int64, Dec),
    ("pgft_maj", Uint64, Dec),
    ("pgft_min", Uint64, Dec),
    ("vm_size", Uint32, Dec),
    ("vm_rss", Uint32, Dec),
    ("vm_swap", Uint32, Dec),
    ("flags", Flags32, Hex, Flags(flags::CLONE_FLAGS)),
    ("uid", Uint32, Dec),
    ("gid", Uint32, Dec),
});

/// Parameters shared by the `CLONE_17` family of exit events.
const CLONE_17: &[super::ParamInfo] = events!(@params {
    ("res", Pid, Dec),
    ("exe", CharBuf, Na),
    ("args", ByteBuf, Na),
    ("tid", Pid, Dec),
    ("pid", Pid, Dec),
    ("ptid", Pid, Dec),
    ("cwd", CharBuf, Na),
    ("fdlimit", Int64, Dec),
    ("pgft_maj", Uint64, Dec),
    ("pgft_min", Uint64, Dec),
    ("vm_size", Uint32, Dec),
    ("vm_rss", Uint32, Dec),
    ("vm_swap", Uint32, Dec),
    ("comm", CharBuf, Na),
    ("flags", Flags32, Hex, Flags(flags::CLONE_FLAGS)),
    ("uid", Uint32, Dec),
    ("gid", Uint32, Dec),
});

/// Parameters shared by the `CLONE_20` family of exit events.
const CLONE_20: &[super::ParamInfo] = events!(@params {
    ("res", Pid, Dec),
    ("exe", CharBuf, Na),
    ("args", ByteBuf, Na),
    ("tid", Pid, Dec),
    ("pid", Pid, Dec),
    ("ptid", Pid, Dec),
    ("cwd", CharBuf, Na),
    ("fdlimit", Int64, Dec),
    ("pgft_maj", Uint64, Dec),
    ("pgft_min", Uint64, Dec),
    ("vm_size", Uint32, Dec),
    ("vm_rss", Uint32, Dec),
    ("vm_swap", Uint32, Dec),
    ("comm", CharBuf, Na),
    ("cgroups", ByteBuf, Na),
    ("flags", Flags32, Hex, Flags(flags::CLONE_FLAGS)),
    ("uid", Uint32, Dec),
    ("gid", Uint32, Dec),
    ("vtid", Pid, Dec),
    ("vpid", Pid, Dec),
    ("pidns_init_start_ts", Uint64, Dec),
});

/// Parameters shared by the `EXECVE_17` family of exit events.
const EXECVE_17: &[super::ParamInfo] = events!(@params {
    ("res", Errno, Dec),
    ("exe", CharBuf, Na),
    ("args", ByteBuf, Na),
    ("tid", Pid, Dec),
    ("pid", Pid, Dec),
    ("ptid", Pid, Dec),
    ("cwd", CharBuf, Na),
    ("fdlimit", Uint64, Dec),
    ("pgft_maj", Uint64, Dec),
    ("pgft_min", Uint64, Dec),
    ("vm_size", Uint32, Dec),
    ("vm_rss", Uint32, Dec),
    ("vm_swap", Uint32, Dec),
    ("comm", CharBuf, Na),
    ("cgroups", ByteBuf, Na),
    ("env", ByteBuf, Na),
    ("tty", Int32, Dec),
});

events! {
    EXECVE_8_E = 12, "execve", [PROCESS SYSCALL], [OLD MS CM], 0, {};
    EXECVE_8_X = 13, "execve", [PROCESS SYSCALL], [OLD MS CM], 8, {
        ("res", Errno, Dec),
        ("exe", CharBuf, Na),
        ("args", ByteBuf, Na),
        ("tid", Pid, Dec),
        ("pid", Pid, Dec),
        ("ptid", Pid, Dec),
        ("cwd", CharBuf, Na),
        ("fdlimit", Uint64, Dec),
    };
    CLONE_11_E = 14, "clone", [PROCESS SYSCALL], [OLD MS], 0, {};
    CLONE_11_X = 15, "clone", [PROCESS SYSCALL], [OLD MS CM], 11, {
        ("res", Pid, Dec),
        ("exe", CharBuf, Na),
        ("args", ByteBuf, Na),
        ("tid", Pid, Dec),
        ("pid", Pid, Dec),
        ("ptid", Pid, Dec),
        ("cwd", CharBuf, Na),
        ("fdlimit", Int64, Dec),
        ("flags", Flags32, Hex, Flags(flags::CLONE_FLAGS)),
        ("uid", Uint32, Dec),
        ("gid", Uint32, Dec),
    };
    PROCEXIT_E = 16, "procexit", [PROCESS TRACEPOINT], [OLD MS CM], 0, {};
    PROCEXIT_X = 17, "NA", [UNKNOWN], [UN], 0, {};
    GETRLIMIT_E = 140, "getrlimit", [PROCESS SYSCALL], [OLD CM], 1, {
        ("resource", EnumFlags8, Dec, Flags(flags::RLIMIT_RESOURCES)),
    };
    GETRLIMIT_X = 141, "getrlimit", [PROCESS SYSCALL], [CM], 3, {
        ("res", Errno, Dec),
        ("cur", Int64, Dec),
        ("max", Int64, Dec),
        ("resource", EnumFlags8, Dec, Flags(flags::RLIMIT_RESOURCES)),
    };
    SETRLIMIT_E = 142, "setrlimit", [PROCESS SYSCALL], [OLD CM], 1, {
        ("resource", EnumFlags8, Dec, Flags(flags::RLIMIT_RESOURCES)),
    };
    SETRLIMIT_X = 143, "setrlimit", [PROCESS SYSCALL], [CM], 3, {
        ("res", Errno, Dec),
        ("cur", Int64, Dec),
        ("max", Int64, Dec),
        ("resource", EnumFlags8, Dec, Flags(flags::RLIMIT_RESOURCES)),
    };
    PRLIMIT_E = 144, "prlimit", [PROCESS SYSCALL], [OLD CM], 2, {
        ("pid", Pid, Dec),
        ("resource", EnumFlags8, Dec, Flags(flags::RLIMIT_RESOURCES)),
    };
    PRLIMIT_X = 145, "prlimit", [PROCESS SYSCALL], [CM], 5, {
        ("res", Errno, Dec),
        ("newcur", Int64, Dec),
        ("newmax", Int64, Dec),
        ("oldcur", Int64, Dec),
        ("oldmax", Int64, Dec),
        ("pid", Int64, Dec),
        ("resource", EnumFlags8, Dec, Flags(flags::RLIMIT_RESOURCES)),
    };
    EXECVE_13_E = 154, "execve", [PROCESS SYSCALL], [OLD MS CM], 0, {};
    EXECVE_13_X = 155, "execve", [PROCESS SYSCALL], [OLD MS CM], 13, {
        ("res", Errno, Dec),
        ("exe", CharBuf, Na),
        ("args", ByteBuf, Na),
        ("tid", Pid, Dec),
        ("pid", Pid, Dec),
        ("ptid", Pid, Dec),
        ("cwd", CharBuf, Na),
        ("fdlimit", Uint64, Dec),
        ("pgft_maj", Uint64, Dec),
        ("pgft_min", Uint64, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
    };
    CLONE_16_E = 156, "clone", [PROCESS SYSCALL], [OLD MS], 0, {};
    CLONE_16_X = 157, "clone", [PROCESS SYSCALL], [OLD MS CM], 16, {
        ("res", Pid, Dec),
        ("exe", CharBuf, Na),
        ("args", ByteBuf, Na),
        ("tid", Pid, Dec),
        ("pid", Pid, Dec),
        ("ptid", Pid, Dec),
        ("cwd", CharBuf, Na),
        ("fdlimit", Int64, Dec),
        ("pgft_maj", Uint64, Dec),
        ("pgft_min", Uint64, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("flags", Flags32, Hex, Flags(flags::CLONE_FLAGS)),
        ("uid", Uint32, Dec),
        ("gid", Uint32, Dec),
    };
    PTRACE_E = 168, "ptrace", [PROCESS SYSCALL], [OLD CM], 2, {
        ("request", EnumFlags16, Dec, Flags(flags::PTRACE_REQUESTS)),
        ("pid", Pid, Dec),
    };
    PTRACE_X = 169, "ptrace", [PROCESS SYSCALL], [CM], 3, {
        ("res", Errno, Dec),
        ("addr", Dyn, Hex, Dyn(dynamic::PTRACE)),
        ("data", Dyn, Hex, Dyn(dynamic::PTRACE)),
        ("request", EnumFlags16, Dec, Flags(flags::PTRACE_REQUESTS)),
        ("pid", Pid, Dec),
    };
    EXECVE_14_E = 172, "execve", [PROCESS SYSCALL], [OLD MS CM], 0, {};
    EXECVE_14_X = 173, "execve", [PROCESS SYSCALL], [OLD MS CM], 14, {
        ("res", Errno, Dec),
        ("exe", CharBuf, Na),
        ("args", ByteBuf, Na),
        ("tid", Pid, Dec),
        ("pid", Pid, Dec),
        ("ptid", Pid, Dec),
        ("cwd", CharBuf, Na),
        ("fdlimit", Uint64, Dec),
        ("pgft_maj", Uint64, Dec),
        ("pgft_min", Uint64, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("env", ByteBuf, Na),
    };
    FORK_E = 182, "fork", [PROCESS SYSCALL], [OLD MS], 0, {};
    FORK_X = 183, "fork", [PROCESS SYSCALL], [OLD MS CM], 16, CLONE_16;
    VFORK_E = 184, "vfork", [PROCESS SYSCALL], [OLD MS], 0, {};
    VFORK_X = 185, "vfork", [PROCESS SYSCALL], [OLD MS CM], 16, CLONE_16;
    PROCEXIT_1_E = 186, "procexit", [PROCESS TRACEPOINT], [MS], 4, {
        ("status", Errno, Dec),
        ("ret", Errno, Dec),
        ("sig", SigType, Dec),
        ("core", Uint8, Dec),
        ("reaper_tid", Pid, Dec),
    };
    PROCEXIT_1_X = 187, "NA", [UNKNOWN], [UN], 0, {};
    EXECVE_15_E = 214, "execve", [PROCESS SYSCALL], [OLD MS CM], 0, {};
    EXECVE_15_X = 215, "execve", [PROCESS SYSCALL], [OLD MS CM], 15, {
        ("res", Errno, Dec),
        ("exe", CharBuf, Na),
        ("args", ByteBuf, Na),
        ("tid", Pid, Dec),
        ("pid", Pid, Dec),
        ("ptid", Pid, Dec),
        ("cwd", CharBuf, Na),
        ("fdlimit", Uint64, Dec),
        ("pgft_maj", Uint64, Dec),
        ("pgft_min", Uint64, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("comm", CharBuf, Na),
        ("env", ByteBuf, Na),
    };
    CLONE_17_E = 216, "clone", [PROCESS SYSCALL], [OLD MS], 0, {};
    CLONE_17_X = 217, "clone", [PROCESS SYSCALL], [OLD MS CM], 17, CLONE_17;
    FORK_17_E = 218, "fork", [PROCESS SYSCALL], [OLD MS], 0, {};
    FORK_17_X = 219, "fork", [PROCESS SYSCALL], [OLD MS CM], 17, CLONE_17;
    VFORK_17_E = 220, "vfork", [PROCESS SYSCALL], [OLD MS], 0, {};
    VFORK_17_X = 221, "vfork", [PROCESS SYSCALL], [OLD MS CM], 17, CLONE_17;
    CLONE_20_E = 222, "clone", [PROCESS SYSCALL], [OLD MS], 0, {};
    CLONE_20_X = 223, "clone", [PROCESS SYSCALL], [MS CM], 20, CLONE_20;
    FORK_20_E = 224, "fork", [PROCESS SYSCALL], [OLD MS], 0, {};
    FORK_20_X = 225, "fork", [PROCESS SYSCALL], [MS CM], 20, CLONE_20;
    VFORK_20_E = 226, "vfork", [PROCESS SYSCALL], [OLD MS], 0, {};
    VFORK_20_X = 227, "vfork", [PROCESS SYSCALL], [MS CM], 20, CLONE_20;
    EXECVE_16_E = 230, "execve", [PROCESS SYSCALL], [OLD MS CM], 0, {};
    EXECVE_16_X = 231, "execve", [PROCESS SYSCALL], [OLD MS CM], 16, {
        ("res", Errno, Dec),
        ("exe", CharBuf, Na),
        ("args", ByteBuf, Na),
        ("tid", Pid, Dec),
        ("pid", Pid, Dec),
        ("ptid", Pid, Dec),
        ("cwd", CharBuf, Na),
        ("fdlimit", Uint64, Dec),
        ("pgft_maj", Uint64, Dec),
        ("pgft_min", Uint64, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("comm", CharBuf, Na),
        ("cgroups", ByteBuf, Na),
        ("env", ByteBuf, Na),
    };
    SETNS_E = 240, "setns", [PROCESS SYSCALL], [OLD UF CM], 2, {
        ("fd", Fd, Na),
        ("nstype", Flags32, Hex, Flags(flags::CLONE_FLAGS)),
    };
    SETNS_X = 241, "setns", [PROCESS SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Na),
        ("nstype", Flags32, Hex, Flags(flags::CLONE_FLAGS)),
    };
    CHROOT_E = 266, "chroot", [PROCESS SYSCALL], [OLD MS], 0, {};
    CHROOT_X = 267, "chroot", [PROCESS SYSCALL], [MS], 2, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
    };
    SETSID_E = 274, "setsid", [PROCESS SYSCALL], [OLD MS], 0, {};
    SETSID_X = 275, "setsid", [PROCESS SYSCALL], [MS], 1, {
        ("res", Pid, Dec),
    };
    EXECVE_17_E = 282, "execve", [PROCESS SYSCALL], [OLD MS CM], 0, {};
    EXECVE_17_X = 283, "execve", [PROCESS SYSCALL], [OLD MS CM], 17, EXECVE_17;
    UNSHARE_E = 284, "unshare", [PROCESS SYSCALL], [OLD CM], 1, {
        ("flags", Flags32, Hex, Flags(flags::CLONE_FLAGS)),
    };
    UNSHARE_X = 285, "unshare", [PROCESS SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("flags", Flags32, Hex, Flags(flags::CLONE_FLAGS)),
    };
    EXECVE_18_E = 288, "execve", [PROCESS SYSCALL], [OLD MS CM], 1, {
        ("filename", FsPath, Na),
    };
    EXECVE_18_X = 289, "execve", [PROCESS SYSCALL], [OLD MS CM], 17, EXECVE_17;
    EXECVE_19_E = 292, "execve", [PROCESS SYSCALL], [OLD MS CM], 1, {
        ("filename", FsPath, Na),
    };
    EXECVE_19_X = 293, "execve", [PROCESS SYSCALL], [MS CM], 20, {
        ("res", Errno, Dec),
        ("exe", CharBuf, Na),
        ("args", ByteBuf, Na),
        ("tid", Pid, Dec),
        ("pid", Pid, Dec),
        ("ptid", Pid, Dec),
        ("cwd", CharBuf, Na),
        ("fdlimit", Uint64, Dec),
        ("pgft_maj", Uint64, Dec),
        ("pgft_min", Uint64, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("comm", CharBuf, Na),
        ("cgroups", ByteBuf, Na),
        ("env", ByteBuf, Na),
        ("tty", Uint32, Dec),
        ("vpgid", Pid, Dec),
        ("loginuid", Uid, Dec),
        ("flags", Flags32, Hex, Flags(flags::EXECVE_FLAGS)),
        ("cap_inheritable", Uint64, Hex),
        ("cap_permitted", Uint64, Hex),
        ("cap_effective", Uint64, Hex),
        ("exe_ino", Uint64, Dec),
        ("exe_ino_ctime", AbsTime, Dec),
        ("exe_ino_mtime", AbsTime, Dec),
        ("uid", Uid, Dec),
        ("trusted_exepath", FsPath, Na),
        ("pgid", Pid, Na),
        ("gid", Gid, Dec),
        ("filename", FsPath, Na),
    };
    SETPGID_E = 294, "setpgid", [PROCESS SYSCALL], [OLD CM], 2, {
        ("pid", Pid, Dec),
        ("pgid", Pid, Dec),
    };
    SETPGID_X = 295, "setpgid", [PROCESS SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("pid", Pid, Dec),
        ("pgid", Pid, Dec),
    };
    EXECVEAT_E = 330, "execveat", [PROCESS SYSCALL], [OLD MS CM], 3, {
        ("dirfd", Fd, Dec),
        ("pathname", FsRelPath, Na, DirFd(0)),
        ("flags", Flags32, Hex, Flags(flags::EXECVEAT_FLAGS)),
    };
    EXECVEAT_X = 331, "execveat", [PROCESS SYSCALL], [MS CM], 20, {
        ("res", Errno, Dec),
        ("exe", CharBuf, Na),
        ("args", ByteBuf, Na),
        ("tid", Pid, Dec),
        ("pid", Pid, Dec),
        ("ptid", Pid, Dec),
        ("cwd", CharBuf, Na),
        ("fdlimit", Uint64, Dec),
        ("pgft_maj", Uint64, Dec),
        ("pgft_min", Uint64, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("comm", CharBuf, Na),
        ("cgroups", ByteBuf, Na),
        ("env", ByteBuf, Na),
        ("tty", Uint32, Dec),
        ("vpgid", Pid, Dec),
        ("loginuid", Uid, Dec),
        ("flags", Flags32, Hex, Flags(flags::EXECVE_FLAGS)),
        ("cap_inheritable", Uint64, Hex),
        ("cap_permitted", Uint64, Hex),
        ("cap_effective", Uint64, Hex),
        ("exe_ino", Uint64, Dec),
        ("exe_ino_ctime", AbsTime, Dec),
        ("exe_ino_mtime", AbsTime, Dec),
        ("uid", Uid, Dec),
        ("trusted_exepath", FsPath, Na),
        ("pgid", Pid, Na),
        ("gid", Gid, Dec),
    };
    CLONE3_E = 334, "clone3", [PROCESS SYSCALL], [OLD MS], 0, {};
    CLONE3_X = 335, "clone3", [PROCESS SYSCALL], [MS CM], 20, CLONE_20;
    CAPSET_E = 352, "capset", [PROCESS SYSCALL], [OLD MS], -, {};
    CAPSET_X = 353, "capset", [PROCESS SYSCALL], [MS], -, {
        ("res", Errno, Dec),
        ("cap_inheritable", Uint64, Hex),
        ("cap_permitted", Uint64, Hex),
        ("cap_effective", Uint64, Hex),
    };
    PRCTL_E = 400, "prctl", [PROCESS SYSCALL], [OLD MS], -, {};
    PRCTL_X = 401, "prctl", [PROCESS SYSCALL], [MS], -, {
        ("res", Errno, Dec),
        ("option", EnumFlags32, Dec, Flags(flags::PRCTL_OPTIONS)),
        ("arg2_str", CharBuf, Na),
        ("arg2_int", Int64, Dec),
    };
    PIDFD_GETFD_E = 406, "pidfd_getfd", [PROCESS SYSCALL], [OLD CF MS], -, {};
    PIDFD_GETFD_X = 407, "pidfd_getfd", [PROCESS SYSCALL], [CF MS], -, {
        ("fd", Fd, Dec),
        ("pid_fd", Fd, Dec),
        ("target_fd", Fd, Dec),
        ("flags", Uint32, Hex),
    };
    PIDFD_OPEN_E = 408, "pidfd_open", [PROCESS SYSCALL], [OLD CF MS], -, {};
    PIDFD_OPEN_X = 409, "pidfd_open", [PROCESS SYSCALL], [CF MS], -, {
        ("fd", Fd, Dec),
        ("pid", Pid, Dec),
        ("flags", Flags32, Hex, Flags(flags::PIDFD_OPEN_FLAGS)),
    };
}
