//! Network events: socket, bind, connect, listen, accept, shutdown, sockopts.

use super::events;
use super::{dynamic, ParamExtra::*};
use crate::flags;

events! {
    SOCKET_E = 18, "socket", [NET SYSCALL], [OLD CF MS CM], 3, {
        ("domain", EnumFlags32, Dec, Flags(flags::SOCKET_FAMILIES)),
        ("type", Uint32, Dec),
        ("proto", Uint32, Dec),
    };
    SOCKET_X = 19, "socket", [NET SYSCALL], [CF MS CM], 1, {
        ("fd", Fd, Dec),
        ("domain", EnumFlags32, Dec, Flags(flags::SOCKET_FAMILIES)),
        ("type", Uint32, Dec),
        ("proto", Uint32, Dec),
        ("flags", Flags32, Hex),
    };
    BIND_E = 20, "bind", [NET SYSCALL], [OLD UF MS CM], 1, {
        ("fd", Fd, Dec),
    };
    BIND_X = 21, "bind", [NET SYSCALL], [UF MS CM], 2, {
        ("res", Errno, Dec),
        ("addr", SockAddr, Na),
        ("fd", Fd, Dec),
    };
    CONNECT_E = 22, "connect", [NET SYSCALL], [UF MS CM], 2, {
        ("fd", Fd, Dec),
        ("addr", SockAddr, Na),
    };
    CONNECT_X = 23, "connect", [NET SYSCALL], [UF MS CM], 2, {
        ("res", Errno, Dec),
        ("tuple", SockTuple, Na),
        ("fd", Fd, Dec),
        ("addr", SockAddr, Na),
    };
    LISTEN_E = 24, "listen", [NET SYSCALL], [OLD UF CM], 2, {
        ("fd", Fd, Dec),
        ("backlog", Int32, Dec),
    };
    LISTEN_X = 25, "listen", [NET SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("backlog", Int32, Dec),
    };
    ACCEPT_E = 26, "accept", [NET SYSCALL], [OLD CF MS], 0, {};
    ACCEPT_X = 27, "accept", [NET SYSCALL], [OLD CF MS CM], 3, {
        ("fd", Fd, Dec),
        ("tuple", SockTuple, Na),
        ("queuepct", Uint8, Dec),
    };
    SHUTDOWN_E = 36, "shutdown", [NET SYSCALL], [OLD UF MS CM], 2, {
        ("fd", Fd, Dec),
        ("how", EnumFlags8, Hex, Flags(flags::SHUTDOWN_HOW)),
    };
    SHUTDOWN_X = 37, "shutdown", [NET SYSCALL], [UF MS CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("how", EnumFlags8, Hex, Flags(flags::SHUTDOWN_HOW)),
    };
    GETSOCKNAME_E = 38, "getsockname", [NET SYSCALL], [OLD], 0, {};
    GETSOCKNAME_X = 39, "getsockname", [NET SYSCALL], [], 0, {};
    GETPEERNAME_E = 40, "getpeername", [NET SYSCALL], [OLD], 0, {};
    GETPEERNAME_X = 41, "getpeername", [NET SYSCALL], [], 0, {};
    SETSOCKOPT_E = 44, "setsockopt", [NET SYSCALL], [OLD], 0, {};
    SETSOCKOPT_X = 45, "setsockopt", [NET SYSCALL], [UF], 6, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("level", EnumFlags8, Dec, Flags(flags::SOCKOPT_LEVELS)),
        ("optname", EnumFlags8, Dec, Flags(flags::SOCKOPT_OPTIONS)),
        ("val", Dyn, Dec, Dyn(dynamic::SOCKOPT)),
        ("optlen", Uint32, Dec),
    };
    GETSOCKOPT_E = 46, "getsockopt", [NET SYSCALL], [OLD MS], 0, {};
    GETSOCKOPT_X = 47, "getsockopt", [NET SYSCALL], [UF MS], 6, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("level", EnumFlags8, Dec, Flags(flags::SOCKOPT_LEVELS)),
        ("optname", EnumFlags8, Dec, Flags(flags::SOCKOPT_OPTIONS)),
        ("val", Dyn, Dec, Dyn(dynamic::SOCKOPT)),
        ("optlen", Uint32, Dec),
    };
    ACCEPT4_E = 56, "accept", [NET SYSCALL], [OLD CF MS CM], 1, {
        ("flags", Int32, Hex),
    };
    ACCEPT4_X = 57, "accept", [NET SYSCALL], [OLD CF MS CM], 3, {
        ("fd", Fd, Dec),
        ("tuple", SockTuple, Na),
        ("queuepct", Uint8, Dec),
    };
    ACCEPT_5_E = 246, "accept", [NET SYSCALL], [OLD CF MS], 0, {};
    ACCEPT_5_X = 247, "accept", [NET SYSCALL], [CF MS], 5, {
        ("fd", Fd, Dec),
        ("tuple", SockTuple, Na),
        ("queuepct", Uint8, Dec),
        ("queuelen", Uint32, Dec),
        ("queuemax", Uint32, Dec),
    };
    ACCEPT4_5_E = 248, "accept", [NET SYSCALL], [OLD CF MS CM], 1, {
        ("flags", Int32, Hex),
    };
    ACCEPT4_5_X = 249, "accept", [NET SYSCALL], [OLD CF MS CM], 5, {
        ("fd", Fd, Dec),
        ("tuple", SockTuple, Na),
        ("queuepct", Uint8, Dec),
        ("queuelen", Uint32, Dec),
        ("queuemax", Uint32, Dec),
    };
    ACCEPT4_6_E = 388, "accept4", [NET SYSCALL], [OLD CF MS CM], -, {
        ("flags", Int32, Hex),
    };
    ACCEPT4_6_X = 389, "accept4", [NET SYSCALL], [CF MS CM], -, {
        ("fd", Fd, Dec),
        ("tuple", SockTuple, Na),
        ("queuepct", Uint8, Dec),
        ("queuelen", Uint32, Dec),
        ("queuemax", Uint32, Dec),
        ("flags", Int32, Hex),
    };
}
