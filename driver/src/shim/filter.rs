//! The seccomp-bpf filter generated from a syscall mask: selected syscalls
//! stop the tracee (`SECCOMP_RET_TRACE`), all others run at native speed
//! (`SECCOMP_RET_ALLOW`; the kernel's action cache then skips the filter).

use crate::ring::SyscallMask;

/// `offsetof(struct seccomp_data, nr)`.
const NR_OFFSET: u32 = 0;
/// `offsetof(struct seccomp_data, arch)`.
const ARCH_OFFSET: u32 = 4;
/// `AUDIT_ARCH_X86_64`.
pub const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
/// x32 syscalls have this bit set in `nr`.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

const BPF_LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
const BPF_JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const BPF_JGE_K: u16 = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const BPF_RET_K: u16 = 0x06; // BPF_RET | BPF_K

/// `SECCOMP_RET_ALLOW`.
pub const RET_ALLOW: u32 = 0x7fff_0000;
/// `SECCOMP_RET_TRACE`.
pub const RET_TRACE: u32 = 0x7ff0_0000;

fn stmt(code: u16, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u16, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter { code, jt, jf, k }
}

/// The filter program for `mask`. Other architectures (`int 0x80`) and x32
/// numbers always stop, so nothing slips past the mask.
///
/// Each selected syscall is a compare and a return (two instructions), so
/// no jump is longer than one instruction and the program stays well under
/// the kernel's 4096-instruction limit even with every syscall selected.
pub fn build(mask: &SyscallMask) -> Vec<libc::sock_filter> {
    let mut prog = vec![
        stmt(BPF_LD_W_ABS, ARCH_OFFSET),
        jump(BPF_JEQ_K, AUDIT_ARCH_X86_64, 1, 0),
        stmt(BPF_RET_K, RET_TRACE),
        stmt(BPF_LD_W_ABS, NR_OFFSET),
        jump(BPF_JGE_K, X32_SYSCALL_BIT, 0, 1),
        stmt(BPF_RET_K, RET_TRACE),
    ];
    for nr in mask.iter() {
        prog.push(jump(BPF_JEQ_K, nr, 0, 1));
        prog.push(stmt(BPF_RET_K, RET_TRACE));
    }
    prog.push(stmt(BPF_RET_K, RET_ALLOW));
    prog
}

/// Runs `prog` on one `(arch, nr)` the way the kernel would (the subset of
/// classic BPF [`build`] emits); `None` for anything else. Used by tests
/// and to check a filter before installing it.
pub fn evaluate(prog: &[libc::sock_filter], arch: u32, nr: u32) -> Option<u32> {
    let mut acc = 0u32;
    let mut pc = 0usize;
    loop {
        let ins = prog.get(pc)?;
        pc += 1;
        match ins.code {
            BPF_LD_W_ABS => {
                acc = match ins.k {
                    NR_OFFSET => nr,
                    ARCH_OFFSET => arch,
                    _ => return None,
                }
            }
            BPF_JEQ_K | BPF_JGE_K => {
                let taken = if ins.code == BPF_JEQ_K {
                    acc == ins.k
                } else {
                    acc >= ins.k
                };
                pc += usize::from(if taken { ins.jt } else { ins.jf });
            }
            BPF_RET_K => return Some(ins.k),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selected_syscalls_trace_and_others_run() {
        let mask = SyscallMask::parse("openat,close,execve").unwrap();
        let prog = build(&mask);
        for nr in 0..512 {
            let want = if mask.contains(u64::from(nr)) {
                RET_TRACE
            } else {
                RET_ALLOW
            };
            assert_eq!(
                evaluate(&prog, AUDIT_ARCH_X86_64, nr),
                Some(want),
                "nr {nr}"
            );
        }
        assert_eq!(evaluate(&prog, 0x4000_0003, 5), Some(RET_TRACE), "i386 ABI");
        assert_eq!(
            evaluate(&prog, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT | 1),
            Some(RET_TRACE),
            "x32"
        );
    }

    #[test]
    fn every_syscall_fits_the_instruction_limit() {
        let prog = build(&SyscallMask::all());
        assert!(prog.len() <= 4096, "{}", prog.len());
        assert_eq!(evaluate(&prog, AUDIT_ARCH_X86_64, 511), Some(RET_TRACE));
        assert_eq!(build(&SyscallMask::empty()).len(), 7);
    }
}
