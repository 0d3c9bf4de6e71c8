//! Files and filesystems: open flags, modes, *at() flags, mounts, locks.

use super::FlagTable;

/// `file_flags`.
pub const FILE_FLAGS: FlagTable = &[
    ("O_LARGEFILE", 0x800),
    ("O_DIRECTORY", 0x400),
    ("O_DIRECT", 0x200),
    ("O_TRUNC", 0x100),
    ("O_SYNC", 0x80),
    ("O_NONBLOCK", 0x40),
    ("O_EXCL", 0x20),
    ("O_DSYNC", 0x10),
    ("O_APPEND", 8),
    ("O_CREAT", 4),
    ("O_RDWR", 3),
    ("O_WRONLY", 2),
    ("O_RDONLY", 1),
    ("O_CLOEXEC", 0x1000),
    ("O_NONE", 0),
    ("O_TMPFILE", 0x2000),
    ("O_F_CREATED", 0x4000),
    ("FD_UPPER_LAYER", 0x8000),
    ("FD_LOWER_LAYER", 0x10000),
];

/// `creat_flags`.
pub const CREAT_FLAGS: FlagTable = &[("FD_UPPER_LAYER_CREAT", 1), ("FD_LOWER_LAYER_CREAT", 2)];

/// `chmod_mode`.
pub const CHMOD_MODE: FlagTable = &[
    ("S_IXOTH", 1),
    ("S_IWOTH", 2),
    ("S_IROTH", 4),
    ("S_IXGRP", 8),
    ("S_IWGRP", 0x10),
    ("S_IRGRP", 0x20),
    ("S_IXUSR", 0x40),
    ("S_IWUSR", 0x80),
    ("S_IRUSR", 0x100),
    ("S_ISVTX", 0x200),
    ("S_ISGID", 0x400),
    ("S_ISUID", 0x800),
];

/// `mknod_mode`.
pub const MKNOD_MODE: FlagTable = &[
    ("S_IXOTH", 1),
    ("S_IWOTH", 2),
    ("S_IROTH", 4),
    ("S_IXGRP", 8),
    ("S_IWGRP", 0x10),
    ("S_IRGRP", 0x20),
    ("S_IXUSR", 0x40),
    ("S_IWUSR", 0x80),
    ("S_IRUSR", 0x100),
    ("S_ISVTX", 0x200),
    ("S_ISGID", 0x400),
    ("S_ISUID", 0x800),
    ("S_IFREG", 0x8000),
    ("S_IFCHR", 0x2000),
    ("S_IFBLK", 0x6000),
    ("S_IFIFO", 0x1000),
    ("S_IFSOCK", 0xc000),
];

/// `access_flags`.
pub const ACCESS_FLAGS: FlagTable = &[("F_OK", 0), ("R_OK", 4), ("W_OK", 2), ("X_OK", 1)];

/// `flock_flags`.
pub const FLOCK_FLAGS: FlagTable = &[
    ("LOCK_SH", 1),
    ("LOCK_EX", 2),
    ("LOCK_NB", 4),
    ("LOCK_UN", 8),
    ("LOCK_NONE", 0),
];

/// `linkat_flags`.
pub const LINKAT_FLAGS: FlagTable = &[("AT_SYMLINK_FOLLOW", 0x400), ("AT_EMPTY_PATH", 0x1000)];

/// `unlinkat_flags`.
pub const UNLINKAT_FLAGS: FlagTable = &[("AT_REMOVEDIR", 0x200)];

/// `newfstatat_flags`.
pub const NEWFSTATAT_FLAGS: FlagTable = &[
    ("AT_EMPTY_PATH", 0x1000),
    ("AT_NO_AUTOMOUNT", 0x800),
    ("AT_SYMLINK_NOFOLLOW", 0x100),
];

/// `fchownat_flags`.
pub const FCHOWNAT_FLAGS: FlagTable = &[("AT_SYMLINK_NOFOLLOW", 0x400), ("AT_EMPTY_PATH", 0x1000)];

/// `renameat2_flags`.
pub const RENAMEAT2_FLAGS: FlagTable = &[
    ("RENAME_NOREPLACE", 1),
    ("RENAME_EXCHANGE", 2),
    ("RENAME_WHITEOUT", 4),
];

/// `openat2_flags`.
pub const OPENAT2_FLAGS: FlagTable = &[
    ("RESOLVE_BENEATH", 1),
    ("RESOLVE_IN_ROOT", 2),
    ("RESOLVE_NO_MAGICLINKS", 4),
    ("RESOLVE_NO_SYMLINKS", 8),
    ("RESOLVE_NO_XDEV", 0x10),
    ("RESOLVE_CACHED", 0x20),
];

/// `execve_flags`.
pub const EXECVE_FLAGS: FlagTable = &[
    ("EXE_WRITABLE", 1),
    ("EXE_UPPER_LAYER", 2),
    ("EXE_FROM_MEMFD", 4),
    ("EXE_LOWER_LAYER", 8),
];

/// `execveat_flags`.
pub const EXECVEAT_FLAGS: FlagTable = &[("AT_EMPTY_PATH", 1), ("AT_SYMLINK_NOFOLLOW", 2)];

/// `mount_flags`.
pub const MOUNT_FLAGS: FlagTable = &[
    ("RDONLY", 1),
    ("NOSUID", 2),
    ("NODEV", 4),
    ("NOEXEC", 8),
    ("SYNCHRONOUS", 0x10),
    ("REMOUNT", 0x20),
    ("MANDLOCK", 0x40),
    ("DIRSYNC", 0x80),
    ("NOATIME", 0x400),
    ("NODIRATIME", 0x800),
    ("BIND", 0x1000),
    ("MOVE", 0x2000),
    ("REC", 0x4000),
    ("SILENT", 0x8000),
    ("POSIXACL", 0x10000),
    ("UNBINDABLE", 0x20000),
    ("PRIVATE", 0x40000),
    ("SLAVE", 0x80000),
    ("SHARED", 0x100000),
    ("RELATIME", 0x200000),
    ("KERNMOUNT", 0x400000),
    ("I_VERSION", 0x800000),
    ("STRICTATIME", 0x1000000),
    ("LAZYTIME", 0x2000000),
    ("NOSEC", 0x10000000),
    ("BORN", 0x20000000),
    ("ACTIVE", 0x40000000),
    ("NOUSER", 0x80000000),
];

/// `umount_flags`.
pub const UMOUNT_FLAGS: FlagTable = &[("FORCE", 1), ("DETACH", 2), ("EXPIRE", 4), ("NOFOLLOW", 8)];

/// `lseek_whence`.
pub const LSEEK_WHENCE: FlagTable = &[("SEEK_END", 2), ("SEEK_CUR", 1), ("SEEK_SET", 0)];

/// `fcntl_commands`.
pub const FCNTL_COMMANDS: FlagTable = &[
    ("F_GETPIPE_SZ", 0x1d),
    ("F_SETPIPE_SZ", 0x1c),
    ("F_NOTIFY", 0x1b),
    ("F_DUPFD_CLOEXEC", 0x1a),
    ("F_CANCELLK", 0x19),
    ("F_GETLEASE", 0x18),
    ("F_SETLEASE", 0x17),
    ("F_GETOWN_EX", 0x16),
    ("F_SETOWN_EX", 0x15),
    ("F_SETLKW64", 0x13),
    ("F_SETLK64", 0x12),
    ("F_GETLK64", 0x11),
    ("F_GETSIG", 0xf),
    ("F_SETSIG", 0xd),
    ("F_GETOWN", 0xc),
    ("F_SETOWN", 0xa),
    ("F_SETLKW", 9),
    ("F_SETLK", 8),
    ("F_GETLK", 6),
    ("F_SETFL", 5),
    ("F_GETFL", 4),
    ("F_SETFD", 3),
    ("F_GETFD", 2),
    ("F_DUPFD", 1),
    ("F_OFD_GETLK", 0x1e),
    ("F_OFD_SETLK", 0x1f),
    ("F_OFD_SETLKW", 0x20),
    ("UNKNOWN", 0),
];

/// `splice_flags`.
pub const SPLICE_FLAGS: FlagTable = &[
    ("SPLICE_F_MOVE", 1),
    ("SPLICE_F_NONBLOCK", 2),
    ("SPLICE_F_MORE", 4),
    ("SPLICE_F_GIFT", 8),
];

/// `fsconfig_cmds`.
pub const FSCONFIG_CMDS: FlagTable = &[
    ("FSCONFIG_SET_FLAG", 0),
    ("FSCONFIG_SET_STRING", 1),
    ("FSCONFIG_SET_BINARY", 2),
    ("FSCONFIG_SET_PATH", 3),
    ("FSCONFIG_SET_PATH_EMPTY", 4),
    ("FSCONFIG_SET_FD", 5),
    ("FSCONFIG_CMD_CREATE", 6),
    ("FSCONFIG_CMD_RECONFIGURE", 7),
];

/// `anon_inode_fd_types`.
pub const ANON_INODE_FD_TYPES: FlagTable = &[
    ("ANON_INODE_FD_TYPE_UNKNOWN", 0),
    ("ANON_INODE_FD_TYPE_EVENTFD", 1),
    ("ANON_INODE_FD_TYPE_EVENTPOLL", 2),
    ("ANON_INODE_FD_TYPE_INOTIFY", 3),
    ("ANON_INODE_FD_TYPE_SIGNALFD", 4),
    ("ANON_INODE_FD_TYPE_TIMERFD", 5),
    ("ANON_INODE_FD_TYPE_IO_URING", 6),
    ("ANON_INODE_FD_TYPE_USERFAULTFD", 7),
    ("ANON_INODE_FD_TYPE_PIDFD", 8),
    ("ANON_INODE_FD_TYPE_BPF_MAP", 9),
    ("ANON_INODE_FD_TYPE_BPF_PROG", 0xa),
    ("ANON_INODE_FD_TYPE_BPF_LINK", 0xb),
    ("ANON_INODE_FD_TYPE_PERF_EVENT", 0xc),
    ("ANON_INODE_FD_TYPE_DMABUF", 0xd),
];
