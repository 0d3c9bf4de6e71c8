//! The ia32 syscall ABI (`int $0x80` on x86_64 with `CONFIG_IA32_EMULATION`):
//! ia32 numbers, the x86_64 syscall each one runs as, and how its
//! arguments become x86_64 ones.
//!
//! The event schema has one set of codes, so an ia32 call is reported as the
//! event of its x86_64 equivalent (`open` for ia32 5, `stat` for `stat64`,
//! `setuid` for `setuid32`). The table is generated from the kernel headers
//! by `gen_ia32_table.py` and is the one source both capture paths use: the
//! kmod shim directly, the eBPF probe through the table libcapture writes
//! into it at load. Calls without an x86_64 counterpart ([`Ia32Syscall::native`]
//! is `None`: `ipc`, `sigreturn`, old `mmap`, ...) are reported as generic
//! events carrying their own `ppm_sc` code.

use super::ia32_table::IA32_SYSCALLS;
use super::{ppm_sc_by_name, PPM_SC_UNKNOWN};

/// `AUDIT_ARCH_I386`: the `arch` of an ia32 syscall (seccomp, ptrace).
pub const AUDIT_ARCH_I386: u32 = 0x4000_0003;

/// ia32 `socketcall`: a multiplexer whose arguments are 32-bit words in user memory.
pub const IA32_SOCKETCALL: u32 = 102;

/// One ia32 syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ia32Syscall {
    /// ia32 number (`__NR_*` of `asm/unistd_32.h`).
    pub nr: u32,
    /// Kernel name, e.g. `"fstat64"`.
    pub name: &'static str,
    /// The x86_64 syscall it runs as; `None` when x86_64 has no such call.
    pub native: Option<u32>,
}

impl Ia32Syscall {
    pub(super) const fn new(nr: u32, name: &'static str, native: Option<u32>) -> Ia32Syscall {
        Ia32Syscall { nr, name, native }
    }

    /// The fix-up its arguments need once widened (see [`Ia32Fixup`]).
    pub fn fixup(&self) -> Ia32Fixup {
        match self.name {
            "pread64" | "pwrite64" | "preadv" | "pwritev" | "preadv2" | "pwritev2" => {
                Ia32Fixup::Offset64At3
            }
            "mmap2" => Ia32Fixup::PageOffset5,
            "umount" => Ia32Fixup::NoFlags1,
            "setuid" | "setgid" | "setreuid" | "setregid" | "setresuid" | "setresgid" => {
                Ia32Fixup::Uid16From0
            }
            "chown" | "lchown" | "fchown" => Ia32Fixup::Uid16From1,
            _ => Ia32Fixup::None,
        }
    }

    /// The `ppm_sc` code of a generic event for this call: its x86_64
    /// counterpart's, else its own name's ([`PPM_SC_UNKNOWN`] if it has none).
    pub fn ppm_sc(&self) -> u16 {
        match self.native {
            Some(nr) => super::ppm_sc_of_native(nr),
            None => ppm_sc_by_name(self.name).unwrap_or(PPM_SC_UNKNOWN),
        }
    }
}

/// How the six 32-bit arguments of an ia32 call differ from the x86_64
/// call's beyond their width. The numbers are the probe's
/// (`IA32_FIXUP_*` in `bpf/shared/settings.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Ia32Fixup {
    /// Arguments are the x86_64 ones, zero-extended.
    None = 0,
    /// A 64-bit file offset split in arguments 3 (low) and 4 (high).
    Offset64At3 = 1,
    /// `mmap2`: argument 5 counts 4096-byte pages, `mmap` takes bytes.
    PageOffset5 = 2,
    /// `umount`: `umount2` with no flags (argument 1 is 0).
    NoFlags1 = 3,
    /// The 16-bit uid/gid calls (`setuid`, ..., not `setuid32`): arguments
    /// 0 to 2 are 16-bit ids, 0xffff standing for -1 (the kernel's
    /// `low2highuid`).
    Uid16From0 = 4,
    /// `chown`, `lchown`, `fchown` (16-bit): arguments 1 and 2 are 16-bit ids.
    Uid16From1 = 5,
}

/// A 16-bit uid or gid as the kernel widens it: 0xffff (-1) stays -1.
fn uid16(v: u64) -> u64 {
    match v & 0xffff {
        0xffff => u64::from(u32::MAX),
        id => id,
    }
}

impl Ia32Fixup {
    /// The x86_64 arguments of an ia32 call with this fix-up.
    pub fn apply(self, raw: [u32; 6]) -> [u64; 6] {
        let mut args = raw.map(u64::from);
        match self {
            Ia32Fixup::None => {}
            Ia32Fixup::Offset64At3 => args[3] |= args[4] << 32,
            Ia32Fixup::PageOffset5 => args[5] <<= 12,
            Ia32Fixup::NoFlags1 => args[1] = 0,
            Ia32Fixup::Uid16From0 => args[..3].iter_mut().for_each(|a| *a = uid16(*a)),
            Ia32Fixup::Uid16From1 => args[1..3].iter_mut().for_each(|a| *a = uid16(*a)),
        }
        args
    }
}

/// Every ia32 syscall, sorted by number.
pub fn ia32_all() -> &'static [Ia32Syscall] {
    IA32_SYSCALLS
}

/// The ia32 syscall with number `nr`.
pub fn ia32_by_nr(nr: u32) -> Option<&'static Ia32Syscall> {
    IA32_SYSCALLS
        .binary_search_by_key(&nr, |s| s.nr)
        .ok()
        .map(|i| &IA32_SYSCALLS[i])
}

/// `SYS_*` calls of ia32 `socketcall` (`linux/net.h`), by subcall number
/// (index 0 is unused): the x86_64 syscall each runs as and how many 32-bit
/// words of arguments the kernel reads. `send`/`recv` run as
/// `sendto`/`recvfrom` with no address, `accept` as `accept` (`accept4`
/// without flags), as in `net/socket.c`.
pub const SOCKETCALL_CALLS: [(u32, u8); 21] = [
    (0, 0),
    (41, 3),  // SYS_SOCKET: socket
    (49, 3),  // SYS_BIND: bind
    (42, 3),  // SYS_CONNECT: connect
    (50, 2),  // SYS_LISTEN: listen
    (43, 3),  // SYS_ACCEPT: accept
    (51, 3),  // SYS_GETSOCKNAME: getsockname
    (52, 3),  // SYS_GETPEERNAME: getpeername
    (53, 4),  // SYS_SOCKETPAIR: socketpair
    (44, 4),  // SYS_SEND: sendto(fd, buf, len, flags, NULL, 0)
    (45, 4),  // SYS_RECV: recvfrom(fd, buf, len, flags, NULL, NULL)
    (44, 6),  // SYS_SENDTO: sendto
    (45, 6),  // SYS_RECVFROM: recvfrom
    (48, 2),  // SYS_SHUTDOWN: shutdown
    (54, 5),  // SYS_SETSOCKOPT: setsockopt
    (55, 5),  // SYS_GETSOCKOPT: getsockopt
    (46, 3),  // SYS_SENDMSG: sendmsg
    (47, 3),  // SYS_RECVMSG: recvmsg
    (288, 4), // SYS_ACCEPT4: accept4
    (299, 5), // SYS_RECVMMSG: recvmmsg
    (307, 4), // SYS_SENDMMSG: sendmmsg
];

/// The x86_64 syscall and argument count of `socketcall` subcall `call`;
/// `None` for numbers the kernel rejects (`EINVAL`).
pub fn socketcall_target(call: u32) -> Option<(u32, u8)> {
    match SOCKETCALL_CALLS.get(call as usize) {
        Some(&(nr, nargs)) if call != 0 => Some((nr, nargs)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "ia32_tests.rs"]
mod tests;
