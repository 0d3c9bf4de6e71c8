//! Waiting, sleeping, time and system events: poll/select/epoll, nanosleep,
//! timerfd, bpf, seccomp, modules, fsconfig.

use super::events;
use super::{dynamic, ParamExtra::*};
use crate::flags;

events! {
    EPOLLWAIT_E = 78, "epoll_wait", [WAIT SYSCALL], [OLD WT CM], 1, {
        ("maxevents", Errno, Dec),
    };
    EPOLLWAIT_X = 79, "epoll_wait", [WAIT SYSCALL], [WT CM], 1, {
        ("res", Errno, Dec),
        ("maxevents", Errno, Dec),
    };
    POLL_E = 80, "poll", [WAIT SYSCALL], [OLD WT CM], 2, {
        ("fds", FdList, Dec),
        ("timeout", Int64, Dec),
    };
    POLL_X = 81, "poll", [WAIT SYSCALL], [WT CM], 2, {
        ("res", Errno, Dec),
        ("fds", FdList, Dec),
        ("timeout", Int64, Dec),
    };
    SELECT_E = 82, "select", [WAIT SYSCALL], [OLD WT], 0, {};
    SELECT_X = 83, "select", [WAIT SYSCALL], [WT], 1, {
        ("res", Errno, Dec),
    };
    NEWSELECT_E = 84, "select", [WAIT SYSCALL], [OLD WT], 0, {};
    NEWSELECT_X = 85, "select", [WAIT SYSCALL], [OLD WT CM], 1, {
        ("res", Errno, Dec),
    };
    NANOSLEEP_E = 134, "nanosleep", [SLEEP SYSCALL], [OLD WT CM], 1, {
        ("interval", RelTime, Dec),
    };
    NANOSLEEP_X = 135, "nanosleep", [SLEEP SYSCALL], [WT CM], 1, {
        ("res", Errno, Dec),
        ("interval", RelTime, Dec),
    };
    TIMERFD_CREATE_E = 136, "timerfd_create", [TIME SYSCALL], [OLD CF MS CM], 2, {
        ("clockid", Uint8, Dec),
        ("flags", Uint8, Hex),
    };
    TIMERFD_CREATE_X = 137, "timerfd_create", [TIME SYSCALL], [CF MS CM], 1, {
        ("res", Fd, Dec),
        ("clockid", Uint8, Dec),
        ("flags", Uint8, Hex),
    };
    PPOLL_E = 254, "ppoll", [WAIT SYSCALL], [OLD WT CM], 3, {
        ("fds", FdList, Dec),
        ("timeout", RelTime, Dec),
        ("sigmask", SigSet, Dec),
    };
    PPOLL_X = 255, "ppoll", [WAIT SYSCALL], [WT CM], 2, {
        ("res", Errno, Dec),
        ("fds", FdList, Dec),
        ("timeout", RelTime, Dec),
        ("sigmask", SigSet, Dec),
    };
    BPF_E = 296, "bpf", [OTHER SYSCALL], [OLD CF CM], 1, {
        ("cmd", Int64, Dec),
    };
    BPF_X = 297, "bpf", [OTHER SYSCALL], [OLD CF CM], 1, {
        ("res_or_fd", Dyn, Dec, Dyn(dynamic::BPF)),
    };
    SECCOMP_E = 298, "seccomp", [OTHER SYSCALL], [OLD CM], 1, {
        ("op", Uint64, Dec),
        ("flags", Uint64, Hex),
    };
    SECCOMP_X = 299, "seccomp", [OTHER SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("op", Uint64, Dec),
        ("flags", Uint64, Hex),
    };
    BPF_2_E = 368, "bpf", [OTHER SYSCALL], [OLD CF], -, {
        ("cmd", Int64, Dec),
    };
    BPF_2_X = 369, "bpf", [OTHER SYSCALL], [CF], -, {
        ("fd", Fd, Dec),
        ("cmd", EnumFlags32, Dec, Flags(flags::BPF_COMMANDS)),
    };
    FSCONFIG_E = 372, "fsconfig", [SYSTEM SYSCALL], [OLD], -, {};
    FSCONFIG_X = 373, "fsconfig", [SYSTEM SYSCALL], [UF], -, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("cmd", EnumFlags32, Dec, Flags(flags::FSCONFIG_CMDS)),
        ("key", CharBuf, Na),
        ("value_bytebuf", ByteBuf, Na),
        ("value_charbuf", CharBuf, Na),
        ("aux", Int32, Dec),
    };
    EPOLL_CREATE_E = 374, "epoll_create", [WAIT SYSCALL], [OLD CF MS CM], -, {
        ("size", Int32, Dec),
    };
    EPOLL_CREATE_X = 375, "epoll_create", [WAIT SYSCALL], [CF MS CM], -, {
        ("res", Errno, Dec),
        ("size", Int32, Dec),
    };
    EPOLL_CREATE1_E = 376, "epoll_create1", [WAIT SYSCALL], [OLD CF MS CM], -, {
        ("flags", Flags32, Hex, Flags(flags::EPOLL_CREATE1_FLAGS)),
    };
    EPOLL_CREATE1_X = 377, "epoll_create1", [WAIT SYSCALL], [CF MS CM], -, {
        ("res", Errno, Dec),
        ("flags", Flags32, Hex, Flags(flags::EPOLL_CREATE1_FLAGS)),
    };
    INIT_MODULE_E = 410, "init_module", [OTHER SYSCALL], [OLD], -, {};
    INIT_MODULE_X = 411, "init_module", [OTHER SYSCALL], [], -, {
        ("res", Errno, Dec),
        ("img", ByteBuf, Na),
        ("length", Uint64, Dec),
        ("uargs", CharBuf, Na),
    };
    FINIT_MODULE_E = 412, "finit_module", [OTHER SYSCALL], [OLD], -, {};
    FINIT_MODULE_X = 413, "finit_module", [OTHER SYSCALL], [UF R], -, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("uargs", CharBuf, Na),
        ("flags", Flags32, Hex, Flags(flags::FINIT_MODULE_FLAGS)),
    };
    DELETE_MODULE_E = 424, "delete_module", [OTHER SYSCALL], [OLD], -, {};
    DELETE_MODULE_X = 425, "delete_module", [OTHER SYSCALL], [], -, {
        ("res", Errno, Dec),
        ("name", CharBuf, Na),
        ("flags", Flags32, Hex, Flags(flags::DELETE_MODULE_FLAGS)),
    };
}
