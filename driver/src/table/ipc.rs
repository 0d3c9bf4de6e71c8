//! IPC events: pipes, eventfd, futex, socketpair, inotify, SysV semaphores,
//! process_vm_*.

use super::events;
use super::ParamExtra::*;
use crate::flags;

events! {
    SOCKETPAIR_E = 42, "socketpair", [IPC SYSCALL], [OLD CF MS CM], 3, {
        ("domain", EnumFlags32, Dec, Flags(flags::SOCKET_FAMILIES)),
        ("type", Uint32, Dec),
        ("proto", Uint32, Dec),
    };
    SOCKETPAIR_X = 43, "socketpair", [IPC SYSCALL], [CF MS CM], 5, {
        ("res", Errno, Dec),
        ("fd1", Fd, Dec),
        ("fd2", Fd, Dec),
        ("source", Uint64, Hex),
        ("peer", Uint64, Hex),
        ("domain", EnumFlags32, Dec, Flags(flags::SOCKET_FAMILIES)),
        ("type", Uint32, Dec),
        ("proto", Uint32, Dec),
    };
    PIPE_E = 60, "pipe", [IPC SYSCALL], [OLD CF MS], 0, {};
    PIPE_X = 61, "pipe", [IPC SYSCALL], [CF MS], 4, {
        ("res", Errno, Dec),
        ("fd1", Fd, Dec),
        ("fd2", Fd, Dec),
        ("ino", Uint64, Dec),
    };
    EVENTFD_E = 62, "eventfd", [IPC SYSCALL], [OLD CF MS CM], 2, {
        ("initval", Uint64, Dec),
        ("flags", Uint32, Hex),
    };
    EVENTFD_X = 63, "eventfd", [IPC SYSCALL], [CF MS CM], 1, {
        ("res", Fd, Dec),
        ("initval", Uint64, Dec),
        ("flags", Uint32, Hex),
    };
    FUTEX_E = 64, "futex", [IPC SYSCALL], [OLD CM], 3, {
        ("addr", Uint64, Hex),
        ("op", Flags16, Hex, Flags(flags::FUTEX_OPERATIONS)),
        ("val", Uint64, Dec),
    };
    FUTEX_X = 65, "futex", [IPC SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("addr", Uint64, Hex),
        ("op", Flags16, Hex, Flags(flags::FUTEX_OPERATIONS)),
        ("val", Uint64, Dec),
    };
    INOTIFY_INIT_E = 138, "inotify_init", [IPC SYSCALL], [OLD CF MS CM], 1, {
        ("flags", Uint8, Hex),
    };
    INOTIFY_INIT_X = 139, "inotify_init", [IPC SYSCALL], [CF MS CM], 1, {
        ("res", Fd, Dec),
        ("flags", Uint8, Hex),
    };
    SEMOP_E = 250, "semop", [PROCESS SYSCALL], [OLD CM], 1, {
        ("semid", Int32, Dec),
    };
    SEMOP_X = 251, "semop", [PROCESS SYSCALL], [CM], 8, {
        ("res", Errno, Dec),
        ("nsops", Uint32, Dec),
        ("sem_num_0", Uint16, Dec),
        ("sem_op_0", Int16, Dec),
        ("sem_flg_0", Flags16, Hex, Flags(flags::SEMOP_FLAGS)),
        ("sem_num_1", Uint16, Dec),
        ("sem_op_1", Int16, Dec),
        ("sem_flg_1", Flags16, Hex, Flags(flags::SEMOP_FLAGS)),
        ("semid", Int32, Dec),
    };
    SEMCTL_E = 252, "semctl", [PROCESS SYSCALL], [OLD CM], 4, {
        ("semid", Int32, Dec),
        ("semnum", Int32, Dec),
        ("cmd", Flags16, Hex, Flags(flags::SEMCTL_COMMANDS)),
        ("val", Int32, Dec),
    };
    SEMCTL_X = 253, "semctl", [PROCESS SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("semid", Int32, Dec),
        ("semnum", Int32, Dec),
        ("cmd", Flags16, Hex, Flags(flags::SEMCTL_COMMANDS)),
        ("val", Int32, Dec),
    };
    SEMGET_E = 262, "semget", [PROCESS SYSCALL], [OLD CM], 3, {
        ("key", Int32, Hex),
        ("nsems", Int32, Dec),
        ("semflg", Flags32, Hex, Flags(flags::SEMGET_FLAGS)),
    };
    SEMGET_X = 263, "semget", [PROCESS SYSCALL], [CM], 1, {
        ("res", Errno, Dec),
        ("key", Int32, Hex),
        ("nsems", Int32, Dec),
        ("semflg", Flags32, Hex, Flags(flags::SEMGET_FLAGS)),
    };
    PIPE2_E = 392, "pipe2", [IPC SYSCALL], [OLD CF MS], -, {};
    PIPE2_X = 393, "pipe2", [IPC SYSCALL], [CF MS], -, {
        ("res", Errno, Dec),
        ("fd1", Fd, Dec),
        ("fd2", Fd, Dec),
        ("ino", Uint64, Dec),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
    };
    INOTIFY_INIT1_E = 394, "inotify_init1", [IPC SYSCALL], [OLD CF MS], -, {};
    INOTIFY_INIT1_X = 395, "inotify_init1", [IPC SYSCALL], [CF MS], -, {
        ("res", Fd, Dec),
        ("flags", Flags16, Hex, Flags(flags::FILE_FLAGS)),
    };
    EVENTFD2_E = 396, "eventfd2", [IPC SYSCALL], [OLD CF MS CM], -, {
        ("initval", Uint64, Dec),
    };
    EVENTFD2_X = 397, "eventfd2", [IPC SYSCALL], [CF MS CM], -, {
        ("res", Fd, Dec),
        ("flags", Flags16, Hex, Flags(flags::FILE_FLAGS)),
        ("initval", Uint64, Dec),
    };
    PROCESS_VM_READV_E = 420, "process_vm_readv", [IPC SYSCALL], [OLD], -, {};
    PROCESS_VM_READV_X = 421, "process_vm_readv", [IPC SYSCALL], [], -, {
        ("res", Int64, Dec),
        ("pid", Pid, Dec),
        ("data", ByteBuf, Na),
    };
    PROCESS_VM_WRITEV_E = 422, "process_vm_writev", [IPC SYSCALL], [OLD], -, {};
    PROCESS_VM_WRITEV_X = 423, "process_vm_writev", [IPC SYSCALL], [], -, {
        ("res", Int64, Dec),
        ("pid", Pid, Dec),
        ("data", ByteBuf, Na),
    };
}
