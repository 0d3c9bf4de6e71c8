//! User and group credential events: set/get uid/gid families, quotactl.

use super::events;
use super::ParamExtra::*;
use crate::flags;

events! {
    QUOTACTL_E = 190, "quotactl", [USER SYSCALL], [OLD CM], 4, {
        ("cmd", Flags16, Dec, Flags(flags::QUOTACTL_CMDS)),
        ("type", Flags8, Dec, Flags(flags::QUOTACTL_TYPES)),
        ("id", Uint32, Dec),
        ("quota_fmt", Flags8, Dec, Flags(flags::QUOTACTL_QUOTA_FMTS)),
    };
    QUOTACTL_X = 191, "quotactl", [USER SYSCALL], [CM], 14, {
        ("res", Errno, Dec),
        ("special", CharBuf, Na),
        ("quotafilepath", CharBuf, Na),
        ("dqb_bhardlimit", Uint64, Dec),
        ("dqb_bsoftlimit", Uint64, Dec),
        ("dqb_curspace", Uint64, Dec),
        ("dqb_ihardlimit", Uint64, Dec),
        ("dqb_isoftlimit", Uint64, Dec),
        ("dqb_btime", RelTime, Dec),
        ("dqb_itime", RelTime, Dec),
        ("dqi_bgrace", RelTime, Dec),
        ("dqi_igrace", RelTime, Dec),
        ("dqi_flags", Flags8, Dec, Flags(flags::QUOTACTL_DQI_FLAGS)),
        ("quota_fmt_out", Flags8, Dec, Flags(flags::QUOTACTL_QUOTA_FMTS)),
        ("cmd", Flags16, Dec, Flags(flags::QUOTACTL_CMDS)),
        ("type", Flags8, Dec, Flags(flags::QUOTACTL_TYPES)),
        ("id", Uint32, Dec),
        ("quota_fmt", Flags8, Dec, Flags(flags::QUOTACTL_QUOTA_FMTS)),
    };
    SETRESUID_E = 192, "setresuid", [USER SYSCALL], [OLD MS CM], 3, {
        ("ruid", Uid, Dec),
        ("euid", Uid, Dec),
        ("suid", Uid, Dec),
    };
    SETRESUID_X = 193, "setresuid", [USER SYSCALL], [MS CM], 1, {
        ("res", Errno, Dec),
        ("ruid", Uid, Dec),
        ("euid", Uid, Dec),
        ("suid", Uid, Dec),
    };
    SETRESGID_E = 194, "setresgid", [USER SYSCALL], [OLD MS CM], 3, {
        ("rgid", Gid, Dec),
        ("egid", Gid, Dec),
        ("sgid", Gid, Dec),
    };
    SETRESGID_X = 195, "setresgid", [USER SYSCALL], [MS CM], 1, {
        ("res", Errno, Dec),
        ("rgid", Gid, Dec),
        ("egid", Gid, Dec),
        ("sgid", Gid, Dec),
    };
    SETUID_E = 198, "setuid", [USER SYSCALL], [OLD MS CM], 1, {
        ("uid", Uid, Dec),
    };
    SETUID_X = 199, "setuid", [USER SYSCALL], [MS CM], 1, {
        ("res", Errno, Dec),
        ("uid", Uid, Dec),
    };
    SETGID_E = 200, "setgid", [USER SYSCALL], [OLD MS CM], 1, {
        ("gid", Gid, Dec),
    };
    SETGID_X = 201, "setgid", [USER SYSCALL], [MS CM], 1, {
        ("res", Errno, Dec),
        ("gid", Gid, Dec),
    };
    GETUID_E = 202, "getuid", [USER SYSCALL], [OLD], 0, {};
    GETUID_X = 203, "getuid", [USER SYSCALL], [], 1, {
        ("uid", Uid, Dec),
    };
    GETEUID_E = 204, "geteuid", [USER SYSCALL], [OLD], 0, {};
    GETEUID_X = 205, "geteuid", [USER SYSCALL], [], 1, {
        ("euid", Uid, Dec),
    };
    GETGID_E = 206, "getgid", [USER SYSCALL], [OLD], 0, {};
    GETGID_X = 207, "getgid", [USER SYSCALL], [], 1, {
        ("gid", Gid, Dec),
    };
    GETEGID_E = 208, "getegid", [USER SYSCALL], [OLD], 0, {};
    GETEGID_X = 209, "getegid", [USER SYSCALL], [], 1, {
        ("egid", Gid, Dec),
    };
    GETRESUID_E = 210, "getresuid", [USER SYSCALL], [OLD], 0, {};
    GETRESUID_X = 211, "getresuid", [USER SYSCALL], [], 4, {
        ("res", Errno, Dec),
        ("ruid", Uid, Dec),
        ("euid", Uid, Dec),
        ("suid", Uid, Dec),
    };
    GETRESGID_E = 212, "getresgid", [USER SYSCALL], [OLD], 0, {};
    GETRESGID_X = 213, "getresgid", [USER SYSCALL], [], 4, {
        ("res", Errno, Dec),
        ("rgid", Gid, Dec),
        ("egid", Gid, Dec),
        ("sgid", Gid, Dec),
    };
    SETREUID_E = 426, "setreuid", [USER SYSCALL], [OLD MS], -, {};
    SETREUID_X = 427, "setreuid", [USER SYSCALL], [MS], -, {
        ("res", Errno, Dec),
        ("ruid", Uid, Dec),
        ("euid", Uid, Dec),
    };
    SETREGID_E = 428, "setregid", [USER SYSCALL], [OLD], -, {};
    SETREGID_X = 429, "setregid", [USER SYSCALL], [MS], -, {
        ("res", Errno, Dec),
        ("rgid", Uid, Dec),
        ("egid", Uid, Dec),
    };
}
