//! Which syscalls the probe reports: the in-kernel interest table.
//!
//! The probe keeps one row per native x86_64 syscall number; a syscall whose
//! row is not marked returns from the dispatcher before any buffer work. The
//! default set is the security-relevant syscalls that have a dedicated event;
//! any other syscall, once selected, is reported as a generic event carrying
//! its ppm_sc id.

use std::collections::BTreeSet;

/// Native syscall numbers are below this bound (the probe's table size).
pub const SYSCALL_TABLE_SIZE: usize = 512;

/// Security-relevant syscalls captured by default, by x86_64 name.
pub use driver::syscalls::DEFAULT_SELECTION as DEFAULT_SYSCALLS;

/// A set of native syscall numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyscallSet {
    numbers: BTreeSet<u32>,
}

impl SyscallSet {
    /// The default security-relevant set ([`DEFAULT_SYSCALLS`]).
    pub fn security_default() -> Self {
        let mut set = SyscallSet::default();
        for name in DEFAULT_SYSCALLS {
            if let Some(nr) = native_number(name) {
                set.numbers.insert(nr);
            }
        }
        set
    }

    /// Every syscall the table can hold.
    pub fn all() -> Self {
        SyscallSet {
            numbers: (0..SYSCALL_TABLE_SIZE as u32).collect(),
        }
    }

    /// Parses a comma-separated list of syscall names; `default` and `all`
    /// stand for those sets. Unknown names are an error naming the name.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut set = SyscallSet::default();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item {
                "default" => set.numbers.extend(SyscallSet::security_default().numbers),
                "all" => set.numbers.extend(SyscallSet::all().numbers),
                name => {
                    let nr = native_number(name)
                        .ok_or_else(|| format!("unknown x86_64 syscall `{name}`"))?;
                    set.numbers.insert(nr);
                }
            }
        }
        Ok(set)
    }

    /// The syscalls that produce any of `codes` (enter or exit event codes):
    /// each syscall whose event pair (its dedicated events, or the generic
    /// pair) has a code in the list. The probe reports successful execs and
    /// child-side clones from scheduler hooks; they follow their syscall's row.
    pub fn for_event_codes(codes: &[u16]) -> Self {
        let mut set = SyscallSet::default();
        for sc in driver::syscalls::all() {
            let (enter, exit) = sc.event_pair();
            if codes.contains(&enter.0) || codes.contains(&exit.0) {
                set.insert(sc.nr);
            }
        }
        set
    }

    /// Adds one native number.
    pub fn insert(&mut self, nr: u32) {
        if (nr as usize) < SYSCALL_TABLE_SIZE {
            self.numbers.insert(nr);
        }
    }

    /// Whether `nr` is selected.
    pub fn contains(&self, nr: u32) -> bool {
        self.numbers.contains(&nr)
    }

    /// Number of selected syscalls.
    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// The selected numbers, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.numbers.iter().copied()
    }
}

/// The native x86_64 number of a syscall name, from the driver's syscall map
/// or, for syscalls that map has no row for, the probe's own list.
pub fn native_number(name: &str) -> Option<u32> {
    if let Some(sc) = driver::syscalls::by_name(name) {
        return Some(sc.nr);
    }
    PROBE_NUMBERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, nr)| *nr)
}

/// Numbers of the syscalls with a dedicated probe program (bpf/shared/syscall_nr.h).
const PROBE_NUMBERS: &[(&str, u32)] = &[
    ("read", 0),
    ("write", 1),
    ("open", 2),
    ("close", 3),
    ("mmap", 9),
    ("mprotect", 10),
    ("pread64", 17),
    ("pwrite64", 18),
    ("readv", 19),
    ("writev", 20),
    ("pipe", 22),
    ("dup", 32),
    ("dup2", 33),
    ("getpid", 39),
    ("socket", 41),
    ("connect", 42),
    ("accept", 43),
    ("sendto", 44),
    ("recvfrom", 45),
    ("sendmsg", 46),
    ("recvmsg", 47),
    ("shutdown", 48),
    ("bind", 49),
    ("listen", 50),
    ("socketpair", 53),
    ("clone", 56),
    ("fork", 57),
    ("vfork", 58),
    ("execve", 59),
    ("kill", 62),
    ("chdir", 80),
    ("fchdir", 81),
    ("rename", 82),
    ("mkdir", 83),
    ("rmdir", 84),
    ("creat", 85),
    ("link", 86),
    ("unlink", 87),
    ("symlink", 88),
    ("chmod", 90),
    ("fchmod", 91),
    ("chown", 92),
    ("fchown", 93),
    ("lchown", 94),
    ("ptrace", 101),
    ("getppid", 110),
    ("setuid", 105),
    ("setgid", 106),
    ("setreuid", 113),
    ("setregid", 114),
    ("setresuid", 117),
    ("setresgid", 119),
    ("capset", 126),
    ("prctl", 157),
    ("chroot", 161),
    ("mount", 165),
    ("umount2", 166),
    ("init_module", 175),
    ("tkill", 200),
    ("tgkill", 234),
    ("openat", 257),
    ("mkdirat", 258),
    ("fchownat", 260),
    ("unlinkat", 263),
    ("renameat", 264),
    ("linkat", 265),
    ("symlinkat", 266),
    ("fchmodat", 268),
    ("unshare", 272),
    ("accept4", 288),
    ("dup3", 292),
    ("pipe2", 293),
    ("preadv", 295),
    ("pwritev", 296),
    ("setns", 308),
    ("finit_module", 313),
    ("renameat2", 316),
    ("memfd_create", 319),
    ("bpf", 321),
    ("execveat", 322),
    ("clone3", 435),
    ("openat2", 437),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test data is fixed")]
mod tests {
    use super::*;

    #[test]
    fn default_set_covers_every_listed_syscall() {
        let set = SyscallSet::security_default();
        assert_eq!(set.len(), DEFAULT_SYSCALLS.len());
        assert!(set.contains(59) && set.contains(257) && set.contains(42));
        assert!(!set.contains(110), "getppid is not security relevant");
    }

    #[test]
    fn parse_accepts_names_and_keywords_and_names_unknown_ones() {
        let set = SyscallSet::parse("openat, close").unwrap();
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![3, 257]);
        assert_eq!(SyscallSet::parse("all").unwrap().len(), SYSCALL_TABLE_SIZE);
        let err = SyscallSet::parse("openat,frobnicate").unwrap_err();
        assert!(err.contains("frobnicate"), "{err}");
    }

    #[test]
    fn event_codes_select_their_syscalls() {
        // OPENAT_2_X (307) selects openat only; GENERIC_X selects syscalls without events.
        let set = SyscallSet::for_event_codes(&[307]);
        assert!(set.contains(257));
        assert!(!set.contains(2) && !set.contains(3));
        let generic = SyscallSet::for_event_codes(&[1]);
        assert!(!generic.contains(257));
        let getppid = native_number("getppid").unwrap();
        assert_eq!(
            generic.contains(getppid),
            driver::syscalls::by_native(getppid).is_some_and(|s| s.events.is_none())
        );
    }

    #[test]
    fn probe_numbers_agree_with_the_driver_map() {
        for (name, nr) in PROBE_NUMBERS {
            if let Some(sc) = driver::syscalls::by_name(name) {
                assert_eq!(sc.nr, *nr, "{name}");
            }
        }
    }
}
