//! File and filesystem events: open/creat/openat, stat, links, renames,
//! directories, permissions, mounts.

use super::events;
use super::ParamExtra::*;
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
    CREAT_E = 58, "creat", [FILE SYSCALL], [CF MS CM], 2, {
        ("name", FsPath, Na),
        ("mode", Uint32, Oct),
    };
    CREAT_X = 59, "creat", [FILE SYSCALL], [CF MS CM], 4, {
        ("fd", Fd, Dec),
        ("name", FsPath, Na),
        ("mode", Uint32, Oct),
        ("dev", Uint32, Hex),
        ("ino", Uint64, Dec),
        ("creat_flags", Flags16, Hex, Flags(flags::CREAT_FLAGS)),
    };
    STAT_E = 66, "stat", [FILE SYSCALL], [OLD], 0, {};
    STAT_X = 67, "stat", [FILE SYSCALL], [], 2, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
    };
    LSTAT_E = 68, "lstat", [FILE SYSCALL], [OLD], 0, {};
    LSTAT_X = 69, "lstat", [FILE SYSCALL], [], 2, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
    };
    FSTAT_E = 70, "fstat", [FILE SYSCALL], [OLD UF CM], 1, {
        ("fd", Fd, Na),
    };
    FSTAT_X = 71, "fstat", [FILE SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Na),
    };
    STAT64_E = 72, "stat64", [FILE SYSCALL], [OLD], 0, {};
    STAT64_X = 73, "stat64", [FILE SYSCALL], [], 2, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
    };
    LSTAT64_E = 74, "lstat64", [FILE SYSCALL], [OLD], 0, {};
    LSTAT64_X = 75, "lstat64", [FILE SYSCALL], [], 2, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
    };
    FSTAT64_E = 76, "fstat64", [FILE SYSCALL], [OLD UF], 1, {
        ("fd", Fd, Na),
    };
    FSTAT64_X = 77, "fstat64", [FILE SYSCALL], [], 1, {
        ("res", Errno, Dec),
    };
    LSEEK_E = 86, "lseek", [FILE SYSCALL], [OLD UF CM], 3, {
        ("fd", Fd, Dec),
        ("offset", Uint64, Dec),
        ("whence", EnumFlags8, Dec, Flags(flags::LSEEK_WHENCE)),
    };
    LSEEK_X = 87, "lseek", [FILE SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("offset", Uint64, Dec),
        ("whence", EnumFlags8, Dec, Flags(flags::LSEEK_WHENCE)),
    };
    LLSEEK_E = 88, "llseek", [FILE SYSCALL], [OLD UF CM], 3, {
        ("fd", Fd, Dec),
        ("offset", Uint64, Dec),
        ("whence", EnumFlags8, Dec, Flags(flags::LSEEK_WHENCE)),
    };
    LLSEEK_X = 89, "llseek", [FILE SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("offset", Uint64, Dec),
        ("whence", EnumFlags8, Dec, Flags(flags::LSEEK_WHENCE)),
    };
    GETCWD_E = 92, "getcwd", [FILE SYSCALL], [OLD], 0, {};
    GETCWD_X = 93, "getcwd", [FILE SYSCALL], [], 2, {
        ("res", Errno, Dec),
        ("path", CharBuf, Na),
    };
    CHDIR_E = 94, "chdir", [FILE SYSCALL], [OLD MS], 0, {};
    CHDIR_X = 95, "chdir", [FILE SYSCALL], [MS], 2, {
        ("res", Errno, Dec),
        ("path", CharBuf, Na),
    };
    FCHDIR_E = 96, "fchdir", [FILE SYSCALL], [OLD UF MS CM], 1, {
        ("fd", Fd, Na),
    };
    FCHDIR_X = 97, "fchdir", [FILE SYSCALL], [UF MS CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Na),
    };
    MKDIR_E = 98, "mkdir", [FILE SYSCALL], [OLD CM], 2, {
        ("path", FsPath, Na),
        ("mode", Uint32, Hex),
    };
    MKDIR_X = 99, "mkdir", [FILE SYSCALL], [OLD CM], 1, {
        ("res", Errno, Dec),
    };
    RMDIR_E = 100, "rmdir", [FILE SYSCALL], [OLD CM], 1, {
        ("path", FsPath, Na),
    };
    RMDIR_X = 101, "rmdir", [FILE SYSCALL], [OLD CM], 1, {
        ("res", Errno, Dec),
    };
    OPENAT_E = 102, "openat", [FILE SYSCALL], [OLD CF MS CM], 4, {
        ("dirfd", Fd, Dec),
        ("name", CharBuf, Na),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
        ("mode", Uint32, Oct),
    };
    OPENAT_X = 103, "openat", [FILE SYSCALL], [OLD CF MS CM], 1, {
        ("fd", Fd, Dec),
    };
    LINK_E = 104, "link", [FILE SYSCALL], [OLD CM], 2, {
        ("oldpath", FsPath, Na),
        ("newpath", FsPath, Na),
    };
    LINK_X = 105, "link", [FILE SYSCALL], [OLD CM], 1, {
        ("res", Errno, Dec),
    };
    LINKAT_E = 106, "linkat", [FILE SYSCALL], [OLD CM], 4, {
        ("olddir", Fd, Dec),
        ("oldpath", CharBuf, Na),
        ("newdir", Fd, Dec),
        ("newpath", CharBuf, Na),
    };
    LINKAT_X = 107, "linkat", [FILE SYSCALL], [OLD CM], 1, {
        ("res", Errno, Dec),
    };
    UNLINK_E = 108, "unlink", [FILE SYSCALL], [OLD CM], 1, {
        ("path", FsPath, Na),
    };
    UNLINK_X = 109, "unlink", [FILE SYSCALL], [OLD CM], 1, {
        ("res", Errno, Dec),
    };
    UNLINKAT_E = 110, "unlinkat", [FILE SYSCALL], [OLD CM], 2, {
        ("dirfd", Fd, Dec),
        ("name", CharBuf, Na),
    };
    UNLINKAT_X = 111, "unlinkat", [FILE SYSCALL], [OLD CM], 1, {
        ("res", Errno, Dec),
    };
    RENAME_E = 174, "rename", [FILE SYSCALL], [OLD], 0, {};
    RENAME_X = 175, "rename", [FILE SYSCALL], [], 3, {
        ("res", Errno, Dec),
        ("oldpath", FsPath, Na),
        ("newpath", FsPath, Na),
    };
    RENAMEAT_E = 176, "renameat", [FILE SYSCALL], [OLD], 0, {};
    RENAMEAT_X = 177, "renameat", [FILE SYSCALL], [], 5, {
        ("res", Errno, Dec),
        ("olddirfd", Fd, Dec),
        ("oldpath", FsRelPath, Na, DirFd(1)),
        ("newdirfd", Fd, Dec),
        ("newpath", FsRelPath, Na, DirFd(3)),
    };
    SYMLINK_E = 178, "symlink", [FILE SYSCALL], [OLD], 0, {};
    SYMLINK_X = 179, "symlink", [FILE SYSCALL], [], 3, {
        ("res", Errno, Dec),
        ("target", CharBuf, Na),
        ("linkpath", FsPath, Na),
    };
    SYMLINKAT_E = 180, "symlinkat", [FILE SYSCALL], [OLD], 0, {};
    SYMLINKAT_X = 181, "symlinkat", [FILE SYSCALL], [UF], 4, {
        ("res", Errno, Dec),
        ("target", CharBuf, Na),
        ("linkdirfd", Fd, Dec),
        ("linkpath", FsRelPath, Na, DirFd(2)),
    };
    GETDENTS_E = 236, "getdents", [FILE SYSCALL], [OLD UF CM], 1, {
        ("fd", Fd, Na),
    };
    GETDENTS_X = 237, "getdents", [FILE SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Na),
    };
    GETDENTS64_E = 238, "getdents64", [FILE SYSCALL], [OLD UF CM], 1, {
        ("fd", Fd, Na),
    };
    GETDENTS64_X = 239, "getdents64", [FILE SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Na),
    };
    FLOCK_E = 242, "flock", [FILE SYSCALL], [OLD UF CM], 2, {
        ("fd", Fd, Na),
        ("operation", Flags32, Hex, Flags(flags::FLOCK_FLAGS)),
    };
    FLOCK_X = 243, "flock", [FILE SYSCALL], [UF CM], 1, {
        ("res", Errno, Dec),
        ("fd", Fd, Na),
        ("operation", Flags32, Hex, Flags(flags::FLOCK_FLAGS)),
    };
    MOUNT_E = 256, "mount", [FILE SYSCALL], [OLD MS CM], 1, {
        ("flags", Flags32, Hex, Flags(flags::MOUNT_FLAGS)),
    };
    MOUNT_X = 257, "mount", [FILE SYSCALL], [MS CM], 4, {
        ("res", Errno, Dec),
        ("dev", CharBuf, Na),
        ("dir", FsPath, Na),
        ("type", CharBuf, Na),
        ("flags", Flags32, Hex, Flags(flags::MOUNT_FLAGS)),
    };
    UMOUNT_E = 258, "umount", [FILE SYSCALL], [OLD MS], 1, {
        ("flags", Flags32, Hex, Flags(flags::UMOUNT_FLAGS)),
    };
    UMOUNT_X = 259, "umount", [FILE SYSCALL], [OLD MS CM], 2, {
        ("res", Errno, Dec),
        ("name", FsPath, Na),
    };
    ACCESS_E = 264, "access", [FILE SYSCALL], [OLD CM], 1, {
        ("mode", Flags32, Hex, Flags(flags::ACCESS_FLAGS)),
    };
    ACCESS_X = 265, "access", [FILE SYSCALL], [CM], 2, {
        ("res", Errno, Dec),
        ("name", FsPath, Na),
        ("mode", Flags32, Hex, Flags(flags::ACCESS_FLAGS)),
    };
    MKDIR_2_E = 276, "mkdir", [FILE SYSCALL], [OLD CM], 1, {
        ("mode", Uint32, Hex),
    };
    MKDIR_2_X = 277, "mkdir", [FILE SYSCALL], [CM], 2, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
        ("mode", Uint32, Hex),
    };
    RMDIR_2_E = 278, "rmdir", [FILE SYSCALL], [OLD], 0, {};
    RMDIR_2_X = 279, "rmdir", [FILE SYSCALL], [], 2, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
    };
    UNLINK_2_E = 300, "unlink", [FILE SYSCALL], [OLD], 0, {};
    UNLINK_2_X = 301, "unlink", [FILE SYSCALL], [], 2, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
    };
    UNLINKAT_2_E = 302, "unlinkat", [FILE SYSCALL], [OLD], 0, {};
    UNLINKAT_2_X = 303, "unlinkat", [FILE SYSCALL], [UF], 4, {
        ("res", Errno, Dec),
        ("dirfd", Fd, Dec),
        ("name", FsRelPath, Na, DirFd(1)),
        ("flags", Flags32, Hex, Flags(flags::UNLINKAT_FLAGS)),
    };
    MKDIRAT_E = 304, "mkdirat", [FILE SYSCALL], [OLD], 0, {};
    MKDIRAT_X = 305, "mkdirat", [FILE SYSCALL], [UF], 4, {
        ("res", Errno, Dec),
        ("dirfd", Fd, Dec),
        ("path", FsRelPath, Na, DirFd(1)),
        ("mode", Uint32, Hex),
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
    LINK_2_E = 308, "link", [FILE SYSCALL], [OLD], 0, {};
    LINK_2_X = 309, "link", [FILE SYSCALL], [], 3, {
        ("res", Errno, Dec),
        ("oldpath", FsPath, Na),
        ("newpath", FsPath, Na),
    };
    LINKAT_2_E = 310, "linkat", [FILE SYSCALL], [OLD], 0, {};
    LINKAT_2_X = 311, "linkat", [FILE SYSCALL], [], 6, {
        ("res", Errno, Dec),
        ("olddir", Fd, Dec),
        ("oldpath", FsRelPath, Na, DirFd(1)),
        ("newdir", Fd, Dec),
        ("newpath", FsRelPath, Na, DirFd(3)),
        ("flags", Flags32, Hex, Flags(flags::LINKAT_FLAGS)),
    };
    FCHMODAT_E = 312, "fchmodat", [FILE SYSCALL], [OLD], 0, {};
    FCHMODAT_X = 313, "fchmodat", [FILE SYSCALL], [UF], 4, {
        ("res", Errno, Dec),
        ("dirfd", Fd, Dec),
        ("filename", FsRelPath, Na, DirFd(1)),
        ("mode", Mode, Oct, Flags(flags::CHMOD_MODE)),
    };
    CHMOD_E = 314, "chmod", [FILE SYSCALL], [OLD], 0, {};
    CHMOD_X = 315, "chmod", [FILE SYSCALL], [], 3, {
        ("res", Errno, Dec),
        ("filename", FsPath, Na),
        ("mode", Mode, Oct, Flags(flags::CHMOD_MODE)),
    };
    FCHMOD_E = 316, "fchmod", [FILE SYSCALL], [OLD], 0, {};
    FCHMOD_X = 317, "fchmod", [FILE SYSCALL], [UF], 3, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("mode", Mode, Oct, Flags(flags::CHMOD_MODE)),
    };
    RENAMEAT2_E = 318, "renameat2", [FILE SYSCALL], [OLD], 0, {};
    RENAMEAT2_X = 319, "renameat2", [FILE SYSCALL], [], 6, {
        ("res", Errno, Dec),
        ("olddirfd", Fd, Dec),
        ("oldpath", FsRelPath, Na, DirFd(1)),
        ("newdirfd", Fd, Dec),
        ("newpath", FsRelPath, Na, DirFd(3)),
        ("flags", Flags32, Hex, Flags(flags::RENAMEAT2_FLAGS)),
    };
    USERFAULTFD_E = 320, "userfaultfd", [FILE SYSCALL], [OLD CF MS], 0, {};
    USERFAULTFD_X = 321, "userfaultfd", [FILE SYSCALL], [CF MS], 2, {
        ("res", Errno, Dec),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
    };
    OPENAT2_E = 326, "openat2", [FILE SYSCALL], [CF MS CM], 5, {
        ("dirfd", Fd, Dec),
        ("name", FsRelPath, Na, DirFd(0)),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
        ("mode", Uint32, Oct),
        ("resolve", Flags32, Hex, Flags(flags::OPENAT2_FLAGS)),
    };
    OPENAT2_X = 327, "openat2", [FILE SYSCALL], [CF MS CM], 6, {
        ("fd", Fd, Dec),
        ("dirfd", Fd, Dec),
        ("name", FsRelPath, Na, DirFd(1)),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
        ("mode", Uint32, Oct),
        ("resolve", Flags32, Hex, Flags(flags::OPENAT2_FLAGS)),
        ("dev", Uint32, Hex),
        ("ino", Uint64, Dec),
    };
    COPY_FILE_RANGE_E = 332, "copy_file_range", [FILE SYSCALL], [OLD UF R W CM], 3, {
        ("fdin", Fd, Dec),
        ("offin", Uint64, Dec),
        ("len", Uint64, Dec),
    };
    COPY_FILE_RANGE_X = 333, "copy_file_range", [FILE SYSCALL], [UF R W CM], 3, {
        ("res", Errno, Dec),
        ("fdout", Fd, Dec),
        ("offout", Uint64, Dec),
        ("fdin", Fd, Dec),
        ("offin", Uint64, Dec),
        ("len", Uint64, Dec),
    };
    OPEN_BY_HANDLE_AT_E = 336, "open_by_handle_at", [FILE SYSCALL], [OLD CF MS], -, {};
    OPEN_BY_HANDLE_AT_X = 337, "open_by_handle_at", [FILE SYSCALL], [CF MS], -, {
        ("fd", Fd, Dec),
        ("mountfd", Fd, Dec),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
        ("path", FsPath, Na),
        ("dev", Uint32, Hex),
        ("ino", Uint64, Dec),
    };
    CHOWN_E = 378, "chown", [FILE SYSCALL], [OLD], -, {};
    CHOWN_X = 379, "chown", [FILE SYSCALL], [], -, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
        ("uid", Uint32, Dec),
        ("gid", Uint32, Dec),
    };
    LCHOWN_E = 380, "lchown", [FILE SYSCALL], [OLD], -, {};
    LCHOWN_X = 381, "lchown", [FILE SYSCALL], [], -, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
        ("uid", Uint32, Dec),
        ("gid", Uint32, Dec),
    };
    FCHOWN_E = 382, "fchown", [FILE SYSCALL], [OLD], -, {};
    FCHOWN_X = 383, "fchown", [FILE SYSCALL], [UF], -, {
        ("res", Errno, Dec),
        ("fd", Fd, Dec),
        ("uid", Uint32, Dec),
        ("gid", Uint32, Dec),
    };
    FCHOWNAT_E = 384, "fchownat", [FILE SYSCALL], [OLD], -, {};
    FCHOWNAT_X = 385, "fchownat", [FILE SYSCALL], [UF], -, {
        ("res", Errno, Dec),
        ("dirfd", Fd, Dec),
        ("pathname", FsRelPath, Na, DirFd(1)),
        ("uid", Uint32, Dec),
        ("gid", Uint32, Dec),
        ("flags", Flags32, Hex, Flags(flags::FCHOWNAT_FLAGS)),
    };
    UMOUNT_1_E = 386, "umount", [FILE SYSCALL], [OLD MS], -, {};
    UMOUNT_1_X = 387, "umount", [FILE SYSCALL], [MS], -, {
        ("res", Errno, Dec),
        ("name", FsPath, Na),
    };
    UMOUNT2_E = 390, "umount2", [FILE SYSCALL], [OLD MS CM], -, {
        ("flags", Flags32, Hex, Flags(flags::UMOUNT_FLAGS)),
    };
    UMOUNT2_X = 391, "umount2", [FILE SYSCALL], [MS CM], -, {
        ("res", Errno, Dec),
        ("name", FsPath, Na),
        ("flags", Flags32, Hex, Flags(flags::UMOUNT_FLAGS)),
    };
    MKNOD_E = 414, "mknod", [OTHER SYSCALL], [OLD], -, {};
    MKNOD_X = 415, "mknod", [OTHER SYSCALL], [], -, {
        ("res", Errno, Dec),
        ("path", FsPath, Na),
        ("mode", Mode, Oct, Flags(flags::MKNOD_MODE)),
        ("dev", Uint32, Dec),
    };
    MKNODAT_E = 416, "mknodat", [OTHER SYSCALL], [OLD], -, {};
    MKNODAT_X = 417, "mknodat", [OTHER SYSCALL], [UF], -, {
        ("res", Errno, Dec),
        ("dirfd", Fd, Dec),
        ("path", FsRelPath, Na, DirFd(1)),
        ("mode", Mode, Oct, Flags(flags::MKNOD_MODE)),
        ("dev", Uint32, Dec),
    };
    NEWFSTATAT_E = 418, "newfstatat", [FILE SYSCALL], [OLD], -, {};
    NEWFSTATAT_X = 419, "newfstatat", [FILE SYSCALL], [UF], -, {
        ("res", Errno, Dec),
        ("dirfd", Fd, Dec),
        ("path", FsRelPath, Na, DirFd(1)),
        ("flags", Flags32, Hex, Flags(flags::NEWFSTATAT_FLAGS)),
    };
}
