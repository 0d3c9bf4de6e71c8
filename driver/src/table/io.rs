//! I/O events: read/write and their socket and vectored variants, close,
//! dup, fcntl, ioctl, splice, sendfile, io_uring.

use super::events;
use super::ParamExtra::*;
use crate::flags;

events! {
    CLOSE_E = 4, "close", [IO_OTHER SYSCALL], [OLD DF UF MS CM], 1, {
        ("fd", Fd, Dec),
    };
    CLOSE_X = 5, "close", [IO_OTHER SYSCALL], [DF UF MS CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
    };
    READ_E = 6, "read", [IO_READ SYSCALL], [OLD UF R CM], 2, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    READ_X = 7, "read", [IO_READ SYSCALL], [UF R CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    WRITE_E = 8, "write", [IO_WRITE SYSCALL], [OLD UF W CM], 2, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    WRITE_X = 9, "write", [IO_WRITE SYSCALL], [UF W CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    SEND_E = 28, "send", [IO_WRITE SYSCALL], [OLD UF W CM], 2, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    SEND_X = 29, "send", [IO_WRITE SYSCALL], [UF W CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("tuple", SockTuple, Na),
    };
    SENDTO_E = 30, "sendto", [IO_WRITE SYSCALL], [OLD UF W MS CM], 3, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("tuple", SockTuple, Na),
    };
    SENDTO_X = 31, "sendto", [IO_WRITE SYSCALL], [UF W MS CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("tuple", SockTuple, Na),
    };
    RECV_E = 32, "recv", [IO_READ SYSCALL], [OLD UF R CM], 2, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    RECV_X = 33, "recv", [IO_READ SYSCALL], [UF R CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("tuple", SockTuple, Na),
    };
    RECVFROM_E = 34, "recvfrom", [IO_READ SYSCALL], [OLD UF R MS CM], 2, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    RECVFROM_X = 35, "recvfrom", [IO_READ SYSCALL], [UF R MS CM], 3, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("tuple", SockTuple, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    SENDMSG_E = 48, "sendmsg", [IO_WRITE SYSCALL], [OLD UF W MS CM], 3, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("tuple", SockTuple, Na),
    };
    SENDMSG_X = 49, "sendmsg", [IO_WRITE SYSCALL], [UF W MS CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("tuple", SockTuple, Na),
    };
    SENDMMSG_E = 50, "sendmmsg", [IO_WRITE SYSCALL], [OLD], 0, {};
    SENDMMSG_X = 51, "sendmmsg", [IO_WRITE SYSCALL], [UF W MS CM], 0, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("data", ByteBuf, Na),
        ("tuple", SockTuple, Na),
    };
    RECVMSG_E = 52, "recvmsg", [IO_READ SYSCALL], [OLD UF R MS CM], 1, {
        ("fd", Fd, Dec),
    };
    RECVMSG_X = 53, "recvmsg", [IO_READ SYSCALL], [UF R MS CM], 4, {
        ("res", Errno, Dec),
        ("size", Uint32, Dec),
        ("data", ByteBuf, Na),
        ("tuple", SockTuple, Na),
        ("msgcontrol", ByteBuf, Na),
        ("fd", Fd, Dec),
    };
    RECVMMSG_E = 54, "recvmmsg", [IO_READ SYSCALL], [OLD], 0, {};
    RECVMMSG_X = 55, "recvmmsg", [IO_READ SYSCALL], [UF R MS CM], 0, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("data", ByteBuf, Na),
        ("tuple", SockTuple, Na),
        ("msgcontrol", ByteBuf, Na),
    };
    IOCTL_2_E = 90, "ioctl", [IO_OTHER SYSCALL], [OLD UF CM], 2, {
        ("fd", Fd, Dec),
        ("request", Uint64, Hex),
    };
    IOCTL_2_X = 91, "ioctl", [IO_OTHER SYSCALL], [OLD UF CM], 1, {
        ("res", Errno, Dec),
    };
    PREAD_E = 112, "pread", [IO_READ SYSCALL], [OLD UF R CM], 3, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("pos", Uint64, Dec),
    };
    PREAD_X = 113, "pread", [IO_READ SYSCALL], [UF R CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("pos", Uint64, Dec),
    };
    PWRITE_E = 114, "pwrite", [IO_WRITE SYSCALL], [OLD UF W CM], 3, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("pos", Uint64, Dec),
    };
    PWRITE_X = 115, "pwrite", [IO_WRITE SYSCALL], [UF W CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("pos", Uint64, Dec),
    };
    READV_E = 116, "readv", [IO_READ SYSCALL], [OLD UF R CM], 1, {
        ("fd", Fd, Dec),
    };
    READV_X = 117, "readv", [IO_READ SYSCALL], [UF R CM], 3, {
        ("res", Errno, Dec),
        ("size", Uint32, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
    };
    WRITEV_E = 118, "writev", [IO_WRITE SYSCALL], [OLD UF W CM], 2, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    WRITEV_X = 119, "writev", [IO_WRITE SYSCALL], [UF W CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
    };
    PREADV_E = 120, "preadv", [IO_READ SYSCALL], [OLD UF R CM], 2, {
        ("fd", Fd, Dec),
        ("pos", Uint64, Dec),
    };
    PREADV_X = 121, "preadv", [IO_READ SYSCALL], [UF R CM], 3, {
        ("res", Errno, Dec),
        ("size", Uint32, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("pos", Uint64, Dec),
    };
    PWRITEV_E = 122, "pwritev", [IO_WRITE SYSCALL], [OLD UF W CM], 3, {
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("pos", Uint64, Dec),
    };
    PWRITEV_X = 123, "pwritev", [IO_WRITE SYSCALL], [UF W CM], 2, {
        ("res", Errno, Dec),
        ("data", ByteBuf, Na),
        ("fd", Fd, Dec),
        ("size", Uint32, Dec),
        ("pos", Uint64, Dec),
    };
    DUP_E = 124, "dup", [IO_OTHER SYSCALL], [OLD CF UF MS CM], 1, {
        ("fd", Fd, Dec),
    };
    DUP_X = 125, "dup", [IO_OTHER SYSCALL], [OLD CF UF MS CM], 1, {
        ("res", Fd, Dec),
    };
    FCNTL_E = 150, "fcntl", [IO_OTHER SYSCALL], [OLD UF MS CM], 2, {
        ("fd", Fd, Dec),
        ("cmd", EnumFlags8, Dec, Flags(flags::FCNTL_COMMANDS)),
    };
    FCNTL_X = 151, "fcntl", [IO_OTHER SYSCALL], [UF MS CM], 1, {
        ("res", Fd, Dec),
        ("fd", Fd, Dec),
        ("cmd", EnumFlags8, Dec, Flags(flags::FCNTL_COMMANDS)),
        ("arg", Uint64, Dec),
    };
    SPLICE_E = 166, "splice", [IO_OTHER SYSCALL], [OLD UF CM], 4, {
        ("fd_in", Fd, Dec),
        ("fd_out", Fd, Dec),
        ("size", Uint64, Dec),
        ("flags", Flags32, Hex, Flags(flags::SPLICE_FLAGS)),
    };
    SPLICE_X = 167, "splice", [IO_OTHER SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd_in", Fd, Dec),
        ("fd_out", Fd, Dec),
        ("size", Uint64, Dec),
        ("flags", Flags32, Hex, Flags(flags::SPLICE_FLAGS)),
    };
    IOCTL_3_E = 170, "ioctl", [IO_OTHER SYSCALL], [OLD UF CM], 3, {
        ("fd", Fd, Dec),
        ("request", Uint64, Hex),
        ("argument", Uint64, Hex),
    };
    IOCTL_3_X = 171, "ioctl", [IO_OTHER SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("request", Uint64, Hex),
        ("argument", Uint64, Hex),
    };
    SENDFILE_E = 188, "sendfile", [IO_WRITE SYSCALL], [OLD UF CM], 4, {
        ("out_fd", Fd, Dec),
        ("in_fd", Fd, Dec),
        ("offset", Uint64, Dec),
        ("size", Uint64, Dec),
    };
    SENDFILE_X = 189, "sendfile", [IO_WRITE SYSCALL], [UF CM], 2, {
        ("res", Errno, Dec),
        ("offset", Uint64, Dec),
        ("out_fd", Fd, Dec),
        ("in_fd", Fd, Dec),
        ("size", Uint64, Dec),
    };
    IO_URING_SETUP_E = 338, "io_uring_setup", [IO_OTHER SYSCALL], [OLD CF MS], -, {};
    IO_URING_SETUP_X = 339, "io_uring_setup", [IO_OTHER SYSCALL], [CF MS], -, {
        ("res", Errno, Dec),
        ("entries", Uint32, Dec),
        ("sq_entries", Uint32, Dec),
        ("cq_entries", Uint32, Dec),
        ("flags", Flags32, Hex, Flags(flags::IO_URING_SETUP_FLAGS)),
        ("sq_thread_cpu", Uint32, Dec),
        ("sq_thread_idle", Uint32, Dec),
        ("features", Flags32, Hex, Flags(flags::IO_URING_SETUP_FEATS)),
    };
    IO_URING_ENTER_E = 340, "io_uring_enter", [IO_OTHER SYSCALL], [OLD], -, {};
    IO_URING_ENTER_X = 341, "io_uring_enter", [IO_OTHER SYSCALL], [UF], -, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("to_submit", Uint32, Dec),
        ("min_complete", Uint32, Dec),
        ("flags", Flags32, Hex, Flags(flags::IO_URING_ENTER_FLAGS)),
        ("sig", SigSet, Dec),
    };
    IO_URING_REGISTER_E = 342, "io_uring_register", [IO_OTHER SYSCALL], [OLD], -, {};
    IO_URING_REGISTER_X = 343, "io_uring_register", [IO_OTHER SYSCALL], [UF], -, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("opcode", EnumFlags16, Dec, Flags(flags::IO_URING_REGISTER_OPCODES)),
        ("arg", Uint64, Hex),
        ("nr_args", Uint32, Dec),
    };
    DUP2_E = 362, "dup2", [IO_OTHER SYSCALL], [OLD CF UF MS], -, {
        ("fd", Fd, Dec),
    };
    DUP2_X = 363, "dup2", [IO_OTHER SYSCALL], [CF UF MS], -, {
        ("res", Fd, Dec),
        ("oldfd", Fd, Dec),
        ("newfd", Fd, Dec),
    };
    DUP3_E = 364, "dup3", [IO_OTHER SYSCALL], [OLD CF UF MS], -, {
        ("fd", Fd, Dec),
    };
    DUP3_X = 365, "dup3", [IO_OTHER SYSCALL], [CF UF MS], -, {
        ("res", Fd, Dec),
        ("oldfd", Fd, Dec),
        ("newfd", Fd, Dec),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
    };
    DUP_1_E = 366, "dup", [IO_OTHER SYSCALL], [OLD CF UF MS], -, {
        ("fd", Fd, Dec),
    };
    DUP_1_X = 367, "dup", [IO_OTHER SYSCALL], [CF UF MS], -, {
        ("res", Fd, Dec),
        ("oldfd", Fd, Dec),
    };
    CLOSE_RANGE_E = 450, "close_range", [IO_OTHER SYSCALL], [OLD MS], -, {};
    CLOSE_RANGE_X = 451, "close_range", [IO_OTHER SYSCALL], [MS], -, {
        ("res", Errno, Dec),
        ("first", Uint32, Dec),
        ("last", Uint32, Dec),
        ("flags", Flags32, Hex),
    };
}
