//! The category of each `ppm_sc` code, as libscap's syscall info table of
//! sysdig 0.29.3 assigns it. Generic events (`GENERIC_E`/`GENERIC_X`) take
//! their category from the syscall they carry rather than from the event
//! table, whose entry for them says only `OTHER`.
//!
//! Codes that table never had (syscalls added to libs after 2022) are
//! `OTHER`, which is what libs gives every generic event since.

use std::sync::OnceLock;

use super::ppm_sc::PPM_SC_NAMES;
use crate::Category;

/// Syscalls by category, named as in [`PPM_SC_NAMES`]. The groups follow
/// upstream's table as it is, quirks included (`fcntl` waits, `chroot` is
/// IPC, `exit_group` and the 32-bit id calls are I/O).
const GROUPS: &[(Category, &[&str])] = &[
    (
        Category::OTHER,
        &[
            "ptrace",
            "vhangup",
            "rt_tgsigqueueinfo",
            "perf_event_open",
            "clock_adjtime",
            "bdflush",
            "bpf",
            "seccomp",
        ],
    ),
    (
        Category::FILE,
        &[
            "open",
            "close",
            "creat",
            "link",
            "unlink",
            "chdir",
            "mknod",
            "chmod",
            "stat",
            "lseek",
            "mount",
            "fstat",
            "access",
            "rename",
            "mkdir",
            "rmdir",
            "ustat",
            "symlink",
            "lstat",
            "readlink",
            "mmap",
            "munmap",
            "truncate",
            "ftruncate",
            "fchmod",
            "statfs",
            "fstatfs",
            "fchdir",
            "getdents",
            "flock",
            "mremap",
            "getcwd",
            "sendfile",
            "lchown",
            "fchown",
            "chown",
            "setxattr",
            "lsetxattr",
            "fsetxattr",
            "getxattr",
            "lgetxattr",
            "fgetxattr",
            "listxattr",
            "llistxattr",
            "flistxattr",
            "removexattr",
            "lremovexattr",
            "fremovexattr",
            "remap_file_pages",
            "utimes",
            "openat",
            "mkdirat",
            "mknodat",
            "fchownat",
            "futimesat",
            "unlinkat",
            "renameat",
            "linkat",
            "symlinkat",
            "readlinkat",
            "fchmodat",
            "faccessat",
            "utimensat",
            "syncfs",
            "statfs64",
            "fstatfs64",
            "fstatat64",
            "sendfile64",
            "stat64",
            "lstat64",
            "fstat64",
            "fcntl64",
            "mmap2",
            "umount",
            "_llseek",
            "pread64",
            "pwrite64",
            "renameat2",
            "userfaultfd",
            "openat2",
            "umount2",
            "copy_file_range",
            "open_by_handle_at",
        ],
    ),
    (
        Category::NET,
        &[
            "socket",
            "bind",
            "connect",
            "listen",
            "accept",
            "getsockname",
            "getpeername",
            "socketpair",
            "sendto",
            "recvfrom",
            "shutdown",
            "setsockopt",
            "getsockopt",
            "sendmsg",
            "sendmmsg",
            "recvmsg",
            "recvmmsg",
            "accept4",
            "socketcall",
        ],
    ),
    (
        Category::IPC,
        &[
            "kill",
            "pipe",
            "chroot",
            "futex",
            "mq_open",
            "mq_unlink",
            "mq_timedsend",
            "mq_timedreceive",
            "mq_notify",
            "mq_getsetattr",
            "inotify_init",
            "inotify_add_watch",
            "inotify_rm_watch",
            "splice",
            "tee",
            "vmsplice",
            "eventfd",
            "eventfd2",
            "pipe2",
            "inotify_init1",
            "fanotify_init",
            "getdents64",
            "semop",
            "semget",
            "semctl",
            "msgsnd",
            "msgrcv",
            "msgget",
            "msgctl",
            "shmdt",
            "shmget",
            "shmctl",
            "ipc",
            "shmat",
        ],
    ),
    (
        Category::MEMORY,
        &[
            "brk",
            "mprotect",
            "mlock",
            "munlock",
            "mlockall",
            "munlockall",
            "mincore",
            "madvise",
        ],
    ),
    (
        Category::PROCESS,
        &[
            "exit",
            "getpid",
            "acct",
            "setpgid",
            "umask",
            "getppid",
            "getpgrp",
            "setsid",
            "setrlimit",
            "getrusage",
            "uselib",
            "swapon",
            "getpriority",
            "setpriority",
            "getpgid",
            "personality",
            "getsid",
            "sched_setparam",
            "sched_getparam",
            "sched_setscheduler",
            "sched_getscheduler",
            "sched_get_priority_max",
            "sched_get_priority_min",
            "sched_rr_get_interval",
            "prctl",
            "capget",
            "capset",
            "getrlimit",
            "pivot_root",
            "gettid",
            "sched_setaffinity",
            "sched_getaffinity",
            "set_thread_area",
            "get_thread_area",
            "set_tid_address",
            "ioprio_set",
            "ioprio_get",
            "unshare",
            "set_robust_list",
            "get_robust_list",
            "getcpu",
            "prlimit64",
            "setns",
            "ugetrlimit",
            "nice",
            "arch_prctl",
            "clone",
            "clone3",
        ],
    ),
    (
        Category::SLEEP,
        &["sched_yield", "nanosleep", "clock_nanosleep"],
    ),
    (
        Category::SYSTEM,
        &[
            "restart_syscall",
            "sethostname",
            "reboot",
            "syslog",
            "uname",
            "swapoff",
            "sysinfo",
            "setdomainname",
            "adjtimex",
            "init_module",
            "delete_module",
            "quotactl",
            "sysfs",
            "kexec_load",
            "add_key",
            "request_key",
            "keyctl",
            "olduname",
            "finit_module",
            "execve",
            "execveat",
        ],
    ),
    (
        Category::SIGNAL,
        &[
            "rt_sigaction",
            "rt_sigprocmask",
            "rt_sigpending",
            "rt_sigtimedwait",
            "rt_sigqueueinfo",
            "rt_sigsuspend",
            "tkill",
            "tgkill",
            "signalfd",
            "signalfd4",
            "sigprocmask",
            "sgetmask",
            "ssetmask",
            "sigpending",
            "signal",
            "rt_sigreturn",
        ],
    ),
    (
        Category::USER,
        &[
            "getuid",
            "getgid",
            "geteuid",
            "getegid",
            "setreuid",
            "setregid",
            "getgroups",
            "setgroups",
            "setresuid",
            "getresuid",
            "setresgid",
            "getresgid",
            "setuid",
            "setgid",
            "setfsuid",
            "setfsgid",
        ],
    ),
    (
        Category::TIME,
        &[
            "time",
            "alarm",
            "utime",
            "times",
            "gettimeofday",
            "settimeofday",
            "setitimer",
            "getitimer",
            "timer_create",
            "timer_settime",
            "timer_gettime",
            "timer_getoverrun",
            "timer_delete",
            "clock_settime",
            "clock_gettime",
            "clock_getres",
            "timerfd_create",
            "timerfd_settime",
            "timerfd_gettime",
            "stime",
        ],
    ),
    (Category::IO_READ, &["read", "readv", "preadv"]),
    (Category::IO_WRITE, &["write", "writev", "pwritev"]),
    (
        Category::IO_OTHER,
        &[
            "sync",
            "dup",
            "ioctl",
            "dup2",
            "fsync",
            "msync",
            "fdatasync",
            "io_setup",
            "io_destroy",
            "io_getevents",
            "io_submit",
            "io_cancel",
            "exit_group",
            "dup3",
            "fallocate",
            "newfstatat",
            "process_vm_readv",
            "process_vm_writev",
            "fork",
            "vfork",
            "setuid32",
            "getuid32",
            "setgid32",
            "geteuid32",
            "getgid32",
            "setresuid32",
            "setresgid32",
            "getresuid32",
            "getresgid32",
            "sigaltstack",
            "getrandom",
            "fadvise64",
            "io_uring_setup",
            "io_uring_enter",
            "io_uring_register",
        ],
    ),
    (
        Category::WAIT,
        &[
            "pause",
            "fcntl",
            "wait4",
            "select",
            "poll",
            "epoll_create",
            "epoll_ctl",
            "epoll_wait",
            "waitid",
            "pselect6",
            "ppoll",
            "epoll_pwait",
            "epoll_create1",
            "_newselect",
            "waitpid",
        ],
    ),
];

/// [`GROUPS`] indexed by `ppm_sc` code; built on first use.
fn by_code() -> &'static [Category] {
    static TABLE: OnceLock<Vec<Category>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![Category::OTHER; PPM_SC_NAMES.len()];
        for &(category, names) in GROUPS {
            for name in names {
                if let Some(sc) = PPM_SC_NAMES.iter().position(|n| n == name) {
                    table[sc] = category;
                }
            }
        }
        table
    })
}

/// The category of the syscall with `ppm_sc` code `sc` (e.g. `TIME` for
/// `clock_gettime`); `OTHER` for code 0 and codes without one.
pub fn ppm_sc_category(sc: u16) -> Category {
    by_code()
        .get(usize::from(sc))
        .copied()
        .unwrap_or(Category::OTHER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grouped_name_is_a_code_in_one_group() {
        let mut seen = std::collections::HashSet::new();
        for (_, names) in GROUPS {
            for name in *names {
                assert!(PPM_SC_NAMES.contains(name), "{name} is no ppm_sc name");
                assert!(seen.insert(*name), "{name} is in two groups");
            }
        }
    }

    /// Upstream's table covered every code up to `io_uring_register`.
    #[test]
    fn every_code_of_the_upstream_table_is_grouped() {
        let last = PPM_SC_NAMES
            .iter()
            .position(|&n| n == "io_uring_register")
            .unwrap_or(0);
        assert!(last > 300);
        let grouped: Vec<&str> = GROUPS.iter().flat_map(|(_, n)| n.iter().copied()).collect();
        for name in &PPM_SC_NAMES[1..=last] {
            assert!(grouped.contains(name), "{name} has no category");
        }
    }

    #[test]
    fn codes_take_their_group_category() {
        let of = |name| ppm_sc_category(super::super::ppm_sc_by_name(name).unwrap_or(0));
        assert_eq!(of("clock_gettime"), Category::TIME);
        assert_eq!(of("madvise"), Category::MEMORY);
        assert_eq!(of("exit_group"), Category::IO_OTHER);
        assert_eq!(of("epoll_pwait"), Category::WAIT);
        assert_eq!(of("rt_sigreturn"), Category::SIGNAL);
        assert_eq!(of("memfd_create"), Category::OTHER);
        assert_eq!(ppm_sc_category(0), Category::OTHER);
        assert_eq!(ppm_sc_category(u16::MAX), Category::OTHER);
    }
}
