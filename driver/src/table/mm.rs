//! Memory events: brk, mmap, munmap, mprotect, mlock, memfd_create.

use super::events;
use super::ParamExtra::*;
use crate::flags;

events! {
    BRK_1_E = 10, "brk", [MEMORY SYSCALL], [OLD CM], 1, {
        ("size", Uint32, Dec),
    };
    BRK_1_X = 11, "brk", [MEMORY SYSCALL], [OLD CM], 1, {
        ("res", Uint64, Hex),
    };
    BRK_4_E = 158, "brk", [MEMORY SYSCALL], [OLD CM], 1, {
        ("addr", Uint64, Hex),
    };
    BRK_4_X = 159, "brk", [MEMORY SYSCALL], [CM], 4, {
        ("res", Uint64, Hex),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("addr", Uint64, Hex),
    };
    MMAP_E = 160, "mmap", [MEMORY SYSCALL], [OLD UF CM], 6, {
        ("addr", Uint64, Hex),
        ("length", Uint64, Dec),
        ("prot", Flags32, Hex, Flags(flags::PROT_FLAGS)),
        ("flags", Flags32, Hex, Flags(flags::MMAP_FLAGS)),
        ("fd", Fd, Dec),
        ("offset", Uint64, Dec),
    };
    MMAP_X = 161, "mmap", [MEMORY SYSCALL], [UF CM], 4, {
        ("res", Errno, Hex),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("addr", Uint64, Hex),
        ("length", Uint64, Dec),
        ("prot", Flags32, Hex, Flags(flags::PROT_FLAGS)),
        ("flags", Flags32, Hex, Flags(flags::MMAP_FLAGS)),
        ("fd", Fd, Dec),
        ("offset", Uint64, Dec),
    };
    MMAP2_E = 162, "mmap2", [MEMORY SYSCALL], [OLD UF CM], 6, {
        ("addr", Uint64, Hex),
        ("length", Uint64, Dec),
        ("prot", Flags32, Hex, Flags(flags::PROT_FLAGS)),
        ("flags", Flags32, Hex, Flags(flags::MMAP_FLAGS)),
        ("fd", Fd, Dec),
        ("pgoffset", Uint64, Dec),
    };
    MMAP2_X = 163, "mmap2", [MEMORY SYSCALL], [UF CM], 4, {
        ("res", Errno, Hex),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("addr", Uint64, Hex),
        ("length", Uint64, Dec),
        ("prot", Flags32, Hex, Flags(flags::PROT_FLAGS)),
        ("flags", Flags32, Hex, Flags(flags::MMAP_FLAGS)),
        ("fd", Fd, Dec),
        ("pgoffset", Uint64, Dec),
    };
    MUNMAP_E = 164, "munmap", [MEMORY SYSCALL], [OLD CM], 2, {
        ("addr", Uint64, Hex),
        ("length", Uint64, Dec),
    };
    MUNMAP_X = 165, "munmap", [MEMORY SYSCALL], [CM], 4, {
        ("res", Errno, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("addr", Uint64, Hex),
        ("length", Uint64, Dec),
    };
    MPROTECT_E = 328, "mprotect", [MEMORY SYSCALL], [OLD CM], 3, {
        ("addr", Uint64, Hex),
        ("length", Uint64, Dec),
        ("prot", Flags32, Hex, Flags(flags::PROT_FLAGS)),
    };
    MPROTECT_X = 329, "mprotect", [MEMORY SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("addr", Uint64, Hex),
        ("length", Uint64, Dec),
        ("prot", Flags32, Hex, Flags(flags::PROT_FLAGS)),
    };
    MLOCK_E = 344, "mlock", [MEMORY SYSCALL], [OLD], -, {};
    MLOCK_X = 345, "mlock", [MEMORY SYSCALL], [], -, {
        ("res", Errno, Dec),
        ("addr", Uint64, Hex),
        ("len", Uint64, Dec),
    };
    MUNLOCK_E = 346, "munlock", [MEMORY SYSCALL], [OLD], -, {};
    MUNLOCK_X = 347, "munlock", [MEMORY SYSCALL], [], -, {
        ("res", Errno, Dec),
        ("addr", Uint64, Hex),
        ("len", Uint64, Dec),
    };
    MLOCKALL_E = 348, "mlockall", [MEMORY SYSCALL], [OLD], -, {};
    MLOCKALL_X = 349, "mlockall", [MEMORY SYSCALL], [], -, {
        ("res", Errno, Dec),
        ("flags", Flags32, Hex, Flags(flags::MLOCKALL_FLAGS)),
    };
    MUNLOCKALL_E = 350, "munlockall", [MEMORY SYSCALL], [OLD], -, {};
    MUNLOCKALL_X = 351, "munlockall", [MEMORY SYSCALL], [], -, {
        ("res", Errno, Dec),
    };
    MLOCK2_E = 370, "mlock2", [MEMORY SYSCALL], [OLD], -, {};
    MLOCK2_X = 371, "mlock2", [MEMORY SYSCALL], [], -, {
        ("res", Errno, Dec),
        ("addr", Uint64, Hex),
        ("len", Uint64, Dec),
        ("flags", Flags32, Hex, Flags(flags::MLOCK2_FLAGS)),
    };
    MEMFD_CREATE_E = 404, "memfd_create", [MEMORY SYSCALL], [OLD CF MS], -, {};
    MEMFD_CREATE_X = 405, "memfd_create", [MEMORY SYSCALL], [CF MS], -, {
        ("fd", Fd, Dec),
        ("name", CharBuf, Na),
        ("flags", Flags32, Hex, Flags(flags::MEMFD_CREATE_FLAGS)),
    };
}
