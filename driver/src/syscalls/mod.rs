//! x86_64 syscall mapping: native number → `ppm_sc` code → name, and the
//! dedicated enter/exit events of each syscall (spec §3.7).
//!
//! Syscalls without dedicated events are reported as `GENERIC_E`/`GENERIC_X`
//! carrying the `ppm_sc` code; viewers name those events after the syscall.

mod category;
mod ia32;
mod ia32_table;
mod ppm_sc;
mod x86_64;

pub use category::ppm_sc_category;
pub use ia32::{
    ia32_all, ia32_by_nr, socketcall_target, Ia32Fixup, Ia32Syscall, AUDIT_ARCH_I386,
    IA32_SOCKETCALL, SOCKETCALL_CALLS,
};
pub use ppm_sc::PPM_SC_NAMES;

use crate::table::EventCode;

/// `ppm_sc` code of unknown syscalls; its name is `<unknown>`.
pub const PPM_SC_UNKNOWN: u16 = 0;

/// One x86_64 syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syscall {
    /// Native x86_64 syscall number (`__NR_*`).
    pub nr: u32,
    /// Kernel name, e.g. `"openat"`.
    pub name: &'static str,
    /// `ppm_sc` code (the `PT_SYSCALLID` value).
    pub ppm_sc: u16,
    /// Dedicated (enter, exit) events; `None` means the syscall is reported
    /// as `GENERIC_E`/`GENERIC_X`.
    pub events: Option<(EventCode, EventCode)>,
}

impl Syscall {
    /// The (enter, exit) codes used to report this syscall: its dedicated
    /// events or the generic pair.
    pub fn event_pair(&self) -> (EventCode, EventCode) {
        self.events
            .unwrap_or((EventCode::GENERIC_E, EventCode::GENERIC_X))
    }
}

/// The syscall with native x86_64 number `nr`.
pub fn by_native(nr: u32) -> Option<&'static Syscall> {
    x86_64::SYSCALLS
        .binary_search_by_key(&nr, |s| s.nr)
        .ok()
        .map(|i| &x86_64::SYSCALLS[i])
}

/// The x86_64 syscall named `name`.
pub fn by_name(name: &str) -> Option<&'static Syscall> {
    x86_64::SYSCALLS.iter().find(|s| s.name == name)
}

/// Every x86_64 syscall, sorted by native number.
pub fn all() -> &'static [Syscall] {
    x86_64::SYSCALLS
}

/// The `ppm_sc` code of native syscall `nr`, [`PPM_SC_UNKNOWN`] if unknown.
pub fn ppm_sc_of_native(nr: u32) -> u16 {
    by_native(nr).map_or(PPM_SC_UNKNOWN, |s| s.ppm_sc)
}

/// The name sysdig shows for `ppm_sc` code `sc` (e.g. `"madvise"`);
/// `"<unknown>"` for code 0 and codes it does not know.
pub fn ppm_sc_name(sc: u16) -> &'static str {
    match PPM_SC_NAMES.get(usize::from(sc)) {
        Some(&name) if sc != PPM_SC_UNKNOWN && !name.is_empty() => name,
        _ => "<unknown>",
    }
}

/// Security-relevant syscalls every live backend selects by default, by
/// x86_64 name: the ones with a dedicated event that detection relies on.
pub const DEFAULT_SELECTION: &[&str] = &[
    "execve",
    "execveat",
    "clone",
    "clone3",
    "fork",
    "vfork",
    "open",
    "openat",
    "openat2",
    "creat",
    "close",
    "read",
    "write",
    "pread64",
    "pwrite64",
    "readv",
    "writev",
    "preadv",
    "pwritev",
    "socket",
    "socketpair",
    "connect",
    "accept",
    "accept4",
    "bind",
    "listen",
    "sendto",
    "recvfrom",
    "sendmsg",
    "recvmsg",
    "shutdown",
    "unlink",
    "unlinkat",
    "rename",
    "renameat",
    "renameat2",
    "mkdir",
    "mkdirat",
    "rmdir",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "chmod",
    "fchmod",
    "fchmodat",
    "chown",
    "lchown",
    "fchown",
    "fchownat",
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setresuid",
    "setresgid",
    "ptrace",
    "mount",
    "umount2",
    "kill",
    "tkill",
    "tgkill",
    "dup",
    "dup2",
    "dup3",
    "pipe",
    "pipe2",
    "bpf",
    "memfd_create",
    "init_module",
    "finit_module",
    "setns",
    "unshare",
    "capset",
    "prctl",
    "mmap",
    "mprotect",
    "chdir",
    "fchdir",
    "chroot",
];

/// The code libs renamed after sysdig 0.29.3 (2022): `sigreturn` became
/// `rt_sigreturn`. Every other code kept its name.
const LEGACY_RENAMED_SC: u16 = 298;

/// The name sysdig 0.29.3 shows for a generic event carrying `sc`: the
/// current name, except for the one code libs renamed since.
pub fn legacy_ppm_sc_name(sc: u16) -> &'static str {
    if sc == LEGACY_RENAMED_SC {
        "sigreturn"
    } else {
        ppm_sc_name(sc)
    }
}

/// The `ppm_sc` code named `name`.
pub fn ppm_sc_by_name(name: &str) -> Option<u16> {
    PPM_SC_NAMES
        .iter()
        .position(|&n| n == name && !n.is_empty())
        .and_then(|i| u16::try_from(i).ok())
        .filter(|&sc| sc != PPM_SC_UNKNOWN)
}

/// The x86_64 syscall whose `ppm_sc` code is `sc`.
pub fn native_of_ppm_sc(sc: u16) -> Option<&'static Syscall> {
    x86_64::SYSCALLS
        .iter()
        .find(|s| s.ppm_sc == sc && sc != PPM_SC_UNKNOWN)
}

#[cfg(test)]
mod tests;
