//! Signal events: kill, tkill, tgkill, signalfd, signal delivery.

use super::events;
use super::ParamExtra::*;
use crate::flags;

events! {
    SIGNALFD_E = 126, "signalfd", [SIGNAL SYSCALL], [OLD CF MS CM], 3, {
        ("fd", Fd, Dec),
        ("mask", Uint32, Hex),
        ("flags", Uint8, Hex),
    };
    SIGNALFD_X = 127, "signalfd", [SIGNAL SYSCALL], [CF MS CM], 1, {
        ("res", Fd, Dec),
        ("fd", Fd, Dec),
        ("mask", Uint32, Hex),
        ("flags", Uint8, Hex),
    };
    KILL_E = 128, "kill", [SIGNAL SYSCALL], [OLD CM], 2, {
        ("pid", Pid, Dec),
        ("sig", SigType, Dec),
    };
    KILL_X = 129, "kill", [SIGNAL SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("pid", Pid, Dec),
        ("sig", SigType, Dec),
    };
    TKILL_E = 130, "tkill", [SIGNAL SYSCALL], [OLD CM], 2, {
        ("tid", Pid, Dec),
        ("sig", SigType, Dec),
    };
    TKILL_X = 131, "tkill", [SIGNAL SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("tid", Pid, Dec),
        ("sig", SigType, Dec),
    };
    TGKILL_E = 132, "tgkill", [SIGNAL SYSCALL], [OLD CM], 3, {
        ("pid", Pid, Dec),
        ("tid", Pid, Dec),
        ("sig", SigType, Dec),
    };
    TGKILL_X = 133, "tgkill", [SIGNAL SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("pid", Pid, Dec),
        ("tid", Pid, Dec),
        ("sig", SigType, Dec),
    };
    SIGNALDELIVER_E = 232, "signaldeliver", [SIGNAL TRACEPOINT], [], 3, {
        ("spid", Pid, Dec),
        ("dpid", Pid, Dec),
        ("sig", SigType, Dec),
    };
    SIGNALDELIVER_X = 233, "NA", [UNKNOWN], [UN], 0, {};
    SIGNALFD4_E = 398, "signalfd4", [SIGNAL SYSCALL], [OLD CF MS CM], -, {
        ("fd", Fd, Dec),
        ("mask", Uint32, Hex),
    };
    SIGNALFD4_X = 399, "signalfd4", [SIGNAL SYSCALL], [CF MS CM], -, {
        ("res", Fd, Dec),
        ("flags", Flags16, Hex, Flags(flags::FILE_FLAGS)),
        ("fd", Fd, Dec),
        ("mask", Uint32, Hex),
    };
}
