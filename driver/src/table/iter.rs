//! Kernel iterator events: the modern probe's snapshot of existing tasks
//! and their files (HEAD only). The exact codes 432–449 other than 436 and
//! 440 follow the order the probe declares its dumpers; see the README.

use super::events;
use super::ParamExtra::*;
use crate::flags;

events! {
    ITER_TASK_E = 430, "task", [PROCESS ITER], [MS], -, {
        ("ppid", Pid32, Dec),
        ("pgid", Pid32, Dec),
        ("vpgid", Pid32, Dec),
        ("sid", Pid32, Dec),
        ("comm", CharBuf, Na),
        ("argv", CharBufArray, Na),
        ("exepath", FsPath, Na),
        ("flags", Flags32, Hex, Flags(flags::EXECVE_FLAGS)),
        ("env", CharBufArray, Na),
        ("cwd", CharBuf, Na),
        ("fdlimit", Uint64, Dec),
        ("euid", Uid, Dec),
        ("egid", Gid, Dec),
        ("cap_permitted", Uint64, Hex),
        ("cap_effective", Uint64, Hex),
        ("cap_inheritable", Uint64, Hex),
        ("exe_ino_num", Uint64, Dec),
        ("exe_ino_ctime", AbsTime, Dec),
        ("exe_ino_mtime", AbsTime, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
        ("pgft_maj", Uint64, Dec),
        ("pgft_min", Uint64, Dec),
        ("vtgid", Pid32, Dec),
        ("vpid", Pid32, Dec),
        ("pidns_init_start_ts", Uint64, Dec),
        ("cgroups", CharBufArray, Na),
        ("root", FsPath, Na),
        ("start_time", AbsTime, Dec),
        ("tty", Uint32, Dec),
        ("loginuid", Uid, Dec),
    };
    ITER_TASK_X = 431, "NA", [UNKNOWN], [UN], -, {};
    ITER_TASK_FILE_PIPE_E = 432, "task_file_pipe", [PROCESS ITER], [MS], -, {
        ("fd", Fd32, Dec),
        ("path", FsPath, Na),
        ("ino_num", Uint64, Dec),
    };
    ITER_TASK_FILE_PIPE_X = 433, "NA", [UNKNOWN], [UN], -, {};
    ITER_TASK_FILE_MEMFD_E = 434, "task_file_memfd", [PROCESS ITER], [MS], -, {
        ("fd", Fd32, Dec),
        ("path", FsPath, Na),
        ("ino_num", Uint64, Dec),
    };
    ITER_TASK_FILE_MEMFD_X = 435, "NA", [UNKNOWN], [UN], -, {};
    ITER_TASK_FILE_REGULAR_E = 436, "task_file_regular", [PROCESS ITER], [MS], -, {
        ("fd", Fd32, Dec),
        ("path", FsPath, Na),
        ("flags", Flags32, Hex, Flags(flags::FILE_FLAGS)),
        ("mnt_id", Uint32, Dec),
        ("ino_num", Uint64, Dec),
    };
    ITER_TASK_FILE_REGULAR_X = 437, "NA", [UNKNOWN], [UN], -, {};
    ITER_TASK_FILE_DIRECTORY_E = 438, "task_file_directory", [PROCESS ITER], [MS], -, {
        ("fd", Fd32, Dec),
        ("path", FsPath, Na),
        ("ino_num", Uint64, Dec),
    };
    ITER_TASK_FILE_DIRECTORY_X = 439, "NA", [UNKNOWN], [UN], -, {};
    ITER_TASK_FILE_SOCKET_INET_E = 440, "task_file_socket_inet", [PROCESS ITER], [MS], -, {
        ("fd", Fd32, Dec),
        ("sk_type", Uint16, Dec),
        ("sk_proto", Uint16, Dec),
        ("local_ip", Ipv4Addr, Hex),
        ("local_port", Port, Hex),
        ("remote_ip", Ipv4Addr, Hex),
        ("remote_port", Port, Hex),
        ("ino_num", Uint64, Dec),
    };
    ITER_TASK_FILE_SOCKET_INET_X = 441, "NA", [UNKNOWN], [UN], -, {};
    ITER_TASK_FILE_SOCKET_INET6_E = 442, "task_file_socket_inet6", [PROCESS ITER], [MS], -, {
        ("fd", Fd32, Dec),
        ("sk_type", Uint16, Dec),
        ("sk_proto", Uint16, Dec),
        ("local_ip", Ipv6Addr, Hex),
        ("local_port", Port, Hex),
        ("remote_ip", Ipv6Addr, Hex),
        ("remote_port", Port, Hex),
        ("ino_num", Uint64, Dec),
    };
    ITER_TASK_FILE_SOCKET_INET6_X = 443, "NA", [UNKNOWN], [UN], -, {};
    ITER_TASK_FILE_SOCKET_UNIX_E = 444, "task_file_socket_unix", [PROCESS ITER], [MS], -, {
        ("fd", Fd32, Dec),
        ("sk_type", Uint16, Dec),
        ("sk_proto", Uint16, Dec),
        ("sk_pointer", Uint64, Na),
        ("sun_path", FsPath, Na),
        ("ino_num", Uint64, Dec),
    };
    ITER_TASK_FILE_SOCKET_UNIX_X = 445, "NA", [UNKNOWN], [UN], -, {};
    ITER_TASK_FILE_SOCKET_NETLINK_E = 446, "task_file_socket_netlink", [PROCESS ITER], [MS], -, {
        ("fd", Fd32, Dec),
        ("sk_type", Uint16, Dec),
        ("sk_proto", Uint16, Dec),
        ("ino_num", Uint64, Dec),
    };
    ITER_TASK_FILE_SOCKET_NETLINK_X = 447, "NA", [UNKNOWN], [UN], -, {};
    ITER_TASK_FILE_ANON_INODE_E = 448, "task_file_anon_inode", [PROCESS ITER], [MS], -, {
        ("fd", Fd32, Dec),
        ("fd_type", Flags8, Dec, Flags(flags::ANON_INODE_FD_TYPES)),
        ("path", FsPath, Na),
        ("ino_num", Uint64, Dec),
    };
    ITER_TASK_FILE_ANON_INODE_X = 449, "NA", [UNKNOWN], [UN], -, {};
}
