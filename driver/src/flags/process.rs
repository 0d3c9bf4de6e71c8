//! Processes, memory and IPC: clone, ptrace, rlimits, prctl, mmap, futex, SysV IPC, modules, bpf, io_uring.

use super::FlagTable;

/// `clone_flags`.
pub const CLONE_FLAGS: FlagTable = &[
    ("CLONE_FILES", 1),
    ("CLONE_FS", 2),
    ("CLONE_IO", 4),
    ("CLONE_NEWIPC", 8),
    ("CLONE_NEWNET", 0x10),
    ("CLONE_NEWNS", 0x20),
    ("CLONE_NEWPID", 0x40),
    ("CLONE_NEWUTS", 0x80),
    ("CLONE_PARENT", 0x100),
    ("CLONE_PARENT_SETTID", 0x200),
    ("CLONE_PTRACE", 0x400),
    ("CLONE_SIGHAND", 0x800),
    ("CLONE_SYSVSEM", 0x1000),
    ("CLONE_THREAD", 0x2000),
    ("CLONE_UNTRACED", 0x4000),
    ("CLONE_VM", 0x8000),
    ("CLONE_INVERTED", 0x10000),
    ("NAME_CHANGED", 0x20000),
    ("CLOSED", 0x40000),
    ("CLONE_NEWUSER", 0x100000),
    ("CLONE_CHILD_CLEARTID", 0x800000),
    ("CLONE_CHILD_SETTID", 0x1000000),
    ("CLONE_SETTLS", 0x2000000),
    ("CLONE_STOPPED", 0x4000000),
    ("CLONE_VFORK", 0x8000000),
    ("CLONE_NEWCGROUP", 0x10000000),
];

/// `ptrace_requests`.
pub const PTRACE_REQUESTS: FlagTable = &[
    ("PTRACE_SINGLEBLOCK", 0x26),
    ("PTRACE_SYSEMU_SINGLESTEP", 0x25),
    ("PTRACE_SYSEMU", 0x24),
    ("PTRACE_ARCH_PRCTL", 0x23),
    ("PTRACE_SET_THREAD_AREA", 0x22),
    ("PTRACE_GET_THREAD_AREA", 0x21),
    ("PTRACE_OLDSETOPTIONS", 0x20),
    ("PTRACE_SETFPXREGS", 0x1f),
    ("PTRACE_GETFPXREGS", 0x1e),
    ("PTRACE_SETFPREGS", 0x1d),
    ("PTRACE_GETFPREGS", 0x1c),
    ("PTRACE_SETREGS", 0x1b),
    ("PTRACE_GETREGS", 0x1a),
    ("PTRACE_SETSIGMASK", 0x19),
    ("PTRACE_GETSIGMASK", 0x18),
    ("PTRACE_PEEKSIGINFO", 0x17),
    ("PTRACE_LISTEN", 0x16),
    ("PTRACE_INTERRUPT", 0x15),
    ("PTRACE_SEIZE", 0x14),
    ("PTRACE_SETREGSET", 0x13),
    ("PTRACE_GETREGSET", 0x12),
    ("PTRACE_SETSIGINFO", 0x11),
    ("PTRACE_GETSIGINFO", 0x10),
    ("PTRACE_GETEVENTMSG", 0xf),
    ("PTRACE_SETOPTIONS", 0xe),
    ("PTRACE_SYSCALL", 0xd),
    ("PTRACE_DETACH", 0xc),
    ("PTRACE_ATTACH", 0xb),
    ("PTRACE_SINGLESTEP", 0xa),
    ("PTRACE_KILL", 9),
    ("PTRACE_CONT", 8),
    ("PTRACE_POKEUSR", 7),
    ("PTRACE_POKEDATA", 6),
    ("PTRACE_POKETEXT", 5),
    ("PTRACE_PEEKUSR", 4),
    ("PTRACE_PEEKDATA", 3),
    ("PTRACE_PEEKTEXT", 2),
    ("PTRACE_TRACEME", 1),
    ("PTRACE_UNKNOWN", 0),
];

/// `rlimit_resources`.
pub const RLIMIT_RESOURCES: FlagTable = &[
    ("RLIMIT_UNKNOWN", 0xff),
    ("RLIMIT_RTTIME", 0xf),
    ("RLIMIT_RTPRIO", 0xe),
    ("RLIMIT_NICE", 0xd),
    ("RLIMIT_MSGQUEUE", 0xc),
    ("RLIMIT_SIGPENDING", 0xb),
    ("RLIMIT_LOCKS", 0xa),
    ("RLIMIT_AS", 9),
    ("RLIMIT_MEMLOCK", 8),
    ("RLIMIT_NOFILE", 7),
    ("RLIMIT_NPROC", 6),
    ("RLIMIT_RSS", 5),
    ("RLIMIT_CORE", 4),
    ("RLIMIT_STACK", 3),
    ("RLIMIT_DATA", 2),
    ("RLIMIT_FSIZE", 1),
    ("RLIMIT_CPU", 0),
];

/// `prctl_options`.
pub const PRCTL_OPTIONS: FlagTable = &[
    ("PR_GET_DUMPABLE", 3),
    ("PR_SET_DUMPABLE", 4),
    ("PR_GET_KEEPCAPS", 7),
    ("PR_SET_KEEPCAPS", 8),
    ("PR_SET_NAME", 0xf),
    ("PR_GET_NAME", 0x10),
    ("PR_GET_SECCOMP", 0x15),
    ("PR_SET_SECCOMP", 0x16),
    ("PR_CAPBSET_READ", 0x17),
    ("PR_CAPBSET_DROP", 0x18),
    ("PR_GET_SECUREBITS", 0x1b),
    ("PR_SET_SECUREBITS", 0x1c),
    ("PR_MCE_KILL", 0x21),
    ("PR_SET_MM", 0x23),
    ("PR_SET_CHILD_SUBREAPER", 0x24),
    ("PR_GET_CHILD_SUBREAPER", 0x25),
    ("PR_SET_NO_NEW_PRIVS", 0x26),
    ("PR_GET_NO_NEW_PRIVS", 0x27),
    ("PR_GET_TID_ADDRESS", 0x28),
    ("PR_SET_THP_DISABLE", 0x29),
    ("PR_GET_THP_DISABLE", 0x2a),
    ("PR_CAP_AMBIENT", 0x2f),
];

/// `pidfd_open_flags`.
pub const PIDFD_OPEN_FLAGS: FlagTable = &[("PIDFD_NONBLOCK", 1)];

/// `prot_flags`.
pub const PROT_FLAGS: FlagTable = &[
    ("PROT_READ", 1),
    ("PROT_WRITE", 2),
    ("PROT_EXEC", 4),
    ("PROT_SEM", 8),
    ("PROT_GROWSDOWN", 0x10),
    ("PROT_GROWSUP", 0x20),
    ("PROT_SAO", 0x40),
    ("PROT_NONE", 0),
];

/// `mmap_flags`.
pub const MMAP_FLAGS: FlagTable = &[
    ("MAP_SHARED", 1),
    ("MAP_PRIVATE", 2),
    ("MAP_FIXED", 4),
    ("MAP_ANONYMOUS", 8),
    ("MAP_32BIT", 0x10),
    ("MAP_RENAME", 0x20),
    ("MAP_NORESERVE", 0x40),
    ("MAP_POPULATE", 0x80),
    ("MAP_NONBLOCK", 0x100),
    ("MAP_GROWSDOWN", 0x200),
    ("MAP_DENYWRITE", 0x400),
    ("MAP_EXECUTABLE", 0x800),
    ("MAP_INHERIT", 0x1000),
    ("MAP_FILE", 0x2000),
    ("MAP_LOCKED", 0x4000),
];

/// `mlockall_flags`.
pub const MLOCKALL_FLAGS: FlagTable = &[("MCL_CURRENT", 1), ("MCL_FUTURE", 2), ("MCL_ONFAULT", 4)];

/// `mlock2_flags`.
pub const MLOCK2_FLAGS: FlagTable = &[("MLOCK_ONFAULT", 1)];

/// `memfd_create_flags`.
pub const MEMFD_CREATE_FLAGS: FlagTable = &[
    ("MFD_CLOEXEC", 1),
    ("MFD_ALLOW_SEALING", 2),
    ("MFD_HUGETLB", 4),
];

/// `futex_operations`.
pub const FUTEX_OPERATIONS: FlagTable = &[
    ("FUTEX_CLOCK_REALTIME", 0x100),
    ("FUTEX_PRIVATE_FLAG", 0x80),
    ("FUTEX_CMP_REQUEUE_PI", 0xc),
    ("FUTEX_WAIT_REQUEUE_PI", 0xb),
    ("FUTEX_WAKE_BITSET", 0xa),
    ("FUTEX_WAIT_BITSET", 9),
    ("FUTEX_TRYLOCK_PI", 8),
    ("FUTEX_UNLOCK_PI", 7),
    ("FUTEX_LOCK_PI", 6),
    ("FUTEX_WAKE_OP", 5),
    ("FUTEX_CMP_REQUEUE", 4),
    ("FUTEX_REQUEUE", 3),
    ("FUTEX_FD", 2),
    ("FUTEX_WAKE", 1),
    ("FUTEX_WAIT", 0),
];

/// `semop_flags`.
pub const SEMOP_FLAGS: FlagTable = &[("IPC_NOWAIT", 1), ("SEM_UNDO", 2)];

/// `semget_flags`.
pub const SEMGET_FLAGS: FlagTable = &[("IPC_EXCL", 0x4000), ("IPC_CREAT", 0x2000)];

/// `semctl_commands`.
pub const SEMCTL_COMMANDS: FlagTable = &[
    ("IPC_STAT", 1),
    ("IPC_SET", 2),
    ("IPC_RMID", 4),
    ("IPC_INFO", 8),
    ("SEM_INFO", 0x10),
    ("SEM_STAT", 0x20),
    ("GETALL", 0x40),
    ("GETNCNT", 0x80),
    ("GETPID", 0x100),
    ("GETVAL", 0x200),
    ("GETZCNT", 0x400),
    ("SETALL", 0x800),
    ("SETVAL", 0x1000),
];

/// `quotactl_cmds`.
pub const QUOTACTL_CMDS: FlagTable = &[
    ("Q_QUOTAON", 1),
    ("Q_QUOTAOFF", 2),
    ("Q_GETFMT", 4),
    ("Q_GETINFO", 8),
    ("Q_SETINFO", 0x10),
    ("Q_GETQUOTA", 0x20),
    ("Q_SETQUOTA", 0x40),
    ("Q_SYNC", 0x80),
    ("Q_XQUOTAON", 0x100),
    ("Q_XQUOTAOFF", 0x200),
    ("Q_XGETQUOTA", 0x400),
    ("Q_XSETQLIM", 0x800),
    ("Q_XGETQSTAT", 0x1000),
    ("Q_XQUOTARM", 0x2000),
    ("Q_XQUOTASYNC", 0x4000),
];

/// `quotactl_types`.
pub const QUOTACTL_TYPES: FlagTable = &[("USRQUOTA", 1), ("GRPQUOTA", 2)];

/// `quotactl_dqi_flags`.
pub const QUOTACTL_DQI_FLAGS: FlagTable = &[("DQF_NONE", 1), ("V1_DQF_RSQUASH", 2)];

/// `quotactl_quota_fmts`.
pub const QUOTACTL_QUOTA_FMTS: FlagTable = &[
    ("QFMT_NOT_USED", 1),
    ("QFMT_VFS_OLD", 2),
    ("QFMT_VFS_V0", 4),
    ("QFMT_VFS_V1", 8),
];

/// `pf_flags`.
pub const PF_FLAGS: FlagTable = &[
    ("PROTECTION_VIOLATION", 1),
    ("PAGE_NOT_PRESENT", 2),
    ("WRITE_ACCESS", 4),
    ("READ_ACCESS", 8),
    ("USER_FAULT", 0x10),
    ("SUPERVISOR_FAULT", 0x20),
    ("RESERVED_PAGE", 0x40),
    ("INSTRUCTION_FETCH", 0x80),
];

/// `epoll_create1_flags`.
pub const EPOLL_CREATE1_FLAGS: FlagTable = &[("EPOLL_CLOEXEC", 1)];

/// `bpf_commands`.
pub const BPF_COMMANDS: FlagTable = &[
    ("BPF_MAP_CREATE", 0),
    ("BPF_MAP_LOOKUP_ELEM", 1),
    ("BPF_MAP_UPDATE_ELEM", 2),
    ("BPF_MAP_DELETE_ELEM", 3),
    ("BPF_MAP_GET_NEXT_KEY", 4),
    ("BPF_PROG_LOAD", 5),
    ("BPF_OBJ_PIN", 6),
    ("BPF_OBJ_GET", 7),
    ("BPF_PROG_ATTACH", 8),
    ("BPF_PROG_DETACH", 9),
    ("BPF_PROG_TEST_RUN", 0xa),
    ("BPF_PROG_RUN", 0xa),
    ("BPF_PROG_GET_NEXT_ID", 0xb),
    ("BPF_MAP_GET_NEXT_ID", 0xc),
    ("BPF_PROG_GET_FD_BY_ID", 0xd),
    ("BPF_MAP_GET_FD_BY_ID", 0xe),
    ("BPF_OBJ_GET_INFO_BY_FD", 0xf),
    ("BPF_PROG_QUERY", 0x10),
    ("BPF_RAW_TRACEPOINT_OPEN", 0x11),
    ("BPF_BTF_LOAD", 0x12),
    ("BPF_BTF_GET_FD_BY_ID", 0x13),
    ("BPF_TASK_FD_QUERY", 0x14),
    ("BPF_MAP_LOOKUP_AND_DELETE_ELEM", 0x15),
    ("BPF_MAP_FREEZE", 0x16),
    ("BPF_BTF_GET_NEXT_ID", 0x17),
    ("BPF_MAP_LOOKUP_BATCH", 0x18),
    ("BPF_MAP_LOOKUP_AND_DELETE_BATCH", 0x19),
    ("BPF_MAP_UPDATE_BATCH", 0x1a),
    ("BPF_MAP_DELETE_BATCH", 0x1b),
    ("BPF_LINK_CREATE", 0x1c),
    ("BPF_LINK_UPDATE", 0x1d),
    ("BPF_LINK_GET_FD_BY_ID", 0x1e),
    ("BPF_LINK_GET_NEXT_ID", 0x1f),
    ("BPF_ENABLE_STATS", 0x20),
    ("BPF_ITER_CREATE", 0x21),
    ("BPF_LINK_DETACH", 0x22),
    ("BPF_PROG_BIND_MAP", 0x23),
];

/// `delete_module_flags`.
pub const DELETE_MODULE_FLAGS: FlagTable = &[("O_NONBLOCK", 2), ("O_TRUNC", 1)];

/// `finit_module_flags`.
pub const FINIT_MODULE_FLAGS: FlagTable = &[
    ("MODULE_INIT_IGNORE_MODVERSIONS", 1),
    ("MODULE_INIT_IGNORE_VERMAGIC", 2),
    ("MODULE_INIT_COMPRESSED_FILE", 4),
];

/// `io_uring_setup_flags`.
pub const IO_URING_SETUP_FLAGS: FlagTable = &[
    ("IORING_SETUP_IOPOLL", 1),
    ("IORING_SETUP_SQPOLL", 2),
    ("IORING_SQ_NEED_WAKEUP", 4),
    ("IORING_SETUP_SQ_AFF", 8),
    ("IORING_SETUP_CQSIZE", 0x10),
    ("IORING_SETUP_CLAMP", 0x20),
    ("IORING_SETUP_ATTACH_RW", 0x40),
    ("IORING_SETUP_R_DISABLED", 0x80),
];

/// `io_uring_setup_feats`.
pub const IO_URING_SETUP_FEATS: FlagTable = &[
    ("IORING_FEAT_SINGLE_MMAP", 1),
    ("IORING_FEAT_NODROP", 2),
    ("IORING_FEAT_SUBMIT_STABLE", 4),
    ("IORING_FEAT_RW_CUR_POS", 8),
    ("IORING_FEAT_CUR_PERSONALITY", 0x10),
    ("IORING_FEAT_FAST_POLL", 0x20),
    ("IORING_FEAT_POLL_32BITS", 0x40),
    ("IORING_FEAT_SQPOLL_NONFIXED", 0x80),
    ("IORING_FEAT_ENTER_EXT_ARG", 0x100),
    ("IORING_FEAT_NATIVE_WORKERS", 0x200),
    ("IORING_FEAT_RSRC_TAGS", 0x400),
];

/// `io_uring_enter_flags`.
pub const IO_URING_ENTER_FLAGS: FlagTable = &[
    ("IORING_ENTER_GETEVENTS", 1),
    ("IORING_ENTER_SQ_WAKEUP", 2),
    ("IORING_ENTER_SQ_WAIT", 4),
    ("IORING_ENTER_EXT_ARG", 8),
];

/// `io_uring_register_opcodes`.
pub const IO_URING_REGISTER_OPCODES: FlagTable = &[
    ("IORING_REGISTER_BUFFERS", 0),
    ("IORING_UNREGISTER_BUFFERS", 1),
    ("IORING_REGISTER_FILES", 2),
    ("IORING_UNREGISTER_FILES", 3),
    ("IORING_REGISTER_EVENTFD", 4),
    ("IORING_UNREGISTER_EVENTFD", 5),
    ("IORING_REGISTER_FILES_UPDATE", 6),
    ("IORING_REGISTER_EVENTFD_ASYNC", 7),
    ("IORING_REGISTER_PROBE", 8),
    ("IORING_REGISTER_PERSONALITY", 9),
    ("IORING_UNREGISTER_PERSONALITY", 0xa),
    ("IORING_REGISTER_RESTRICTIONS", 0xb),
    ("IORING_REGISTER_ENABLE_RINGS", 0xc),
    ("IORING_REGISTER_FILES2", 0xd),
    ("IORING_REGISTER_FILES_UPDATE2", 0xe),
    ("IORING_REGISTER_BUFFERS2", 0xf),
    ("IORING_REGISTER_BUFFERS_UPDATE", 0x10),
    ("IORING_REGISTER_IOWQ_AFF", 0x11),
    ("IORING_UNREGISTER_IOWQ_AFF", 0x12),
    ("IORING_REGISTER_IOWQ_MAX_WORKERS", 0x13),
    ("IORING_REGISTER_RING_FDS", 0x14),
    ("IORING_UNREGISTER_RING_FDS", 0x15),
];
