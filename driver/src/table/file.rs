//! File open/close events.

use super::events;
#[allow(unused_imports)]
use super::{DynParam, ParamExtra::*};
#[allow(unused_imports)]
use crate::flags;

events! {
    OPEN_E = 2, "open", [FILE SYSCALL], [CF MS CM], 3, {
        ("name", FsPath, Na),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
        ("mode", Uint32, Oct),
    };
    OPEN_X = 3, "open", [FILE SYSCALL], [CF MS CM], 5, {
        ("fd", Fd, Dec),
        ("name", FsPath, Na),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
        ("mode", Uint32, Oct),
        ("dev", Uint32, Hex),
        ("ino", Uint64, Dec),
    };
    CLOSE_E = 4, "close", [IO_OTHER SYSCALL], [DF UF MS OLD CM], 1, {
        ("fd", Fd, Dec),
    };
    CLOSE_X = 5, "close", [IO_OTHER SYSCALL], [DF UF MS CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
    };
    OPENAT_2_E = 306, "openat", [FILE SYSCALL], [CF MS CM], 4, {
        ("dirfd", Fd, Dec),
        ("name", FsRelPath, Na, DirFd(0)),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
        ("mode", Uint32, Oct),
    };
    OPENAT_2_X = 307, "openat", [FILE SYSCALL], [CF MS CM], 6, {
        ("fd", Fd, Dec),
        ("dirfd", Fd, Dec),
        ("name", FsRelPath, Na, DirFd(1)),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
        ("mode", Uint32, Oct),
        ("dev", Uint32, Hex),
        ("ino", Uint64, Dec),
    };
}
