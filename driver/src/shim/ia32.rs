//! ia32 syscalls (`int $0x80`) of traced tasks, decoded into x86_64 terms.
//!
//! The seccomp filter sends every non-x86_64 call to the tracer
//! ([`super::filter`]). `PTRACE_GET_SYSCALL_INFO` reports such a stop with
//! `arch` = `AUDIT_ARCH_I386` and the ia32 number and arguments (ebx, ecx,
//! edx, esi, edi, ebp); [`decode`] turns them into the x86_64 call the
//! kernel runs, through the driver's ia32 map (the table the eBPF probe is
//! given too), so the encoder builds the same event as for a 64-bit call:
//! the number is translated, the arguments widened and fixed up (split
//! 64-bit offsets, `mmap2` pages), and a `socketcall` unpacked into the
//! socket call it multiplexes (its arguments are 32-bit words in the
//! tracee's memory). What still differs, the layout of user structs with
//! pointers (iovec, msghdr), the encoder reads from [`Call::ia32`].

use super::encode::read_bytes;
use crate::syscalls::{ia32_by_nr, socketcall_target, AUDIT_ARCH_I386, IA32_SOCKETCALL};

/// `Call::nr` of an ia32 call with no x86_64 counterpart: reported as a
/// generic event with its own ppm_sc (the probe's `NR_NONE`).
pub(crate) const NR_NONE: u64 = u64::MAX;

/// A syscall at its entry stop, in x86_64 terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Call {
    /// x86_64 number, or [`NR_NONE`].
    pub(crate) nr: u64,
    /// Arguments in the x86_64 call's order.
    pub(crate) args: [u64; 6],
    /// The ia32 number, for a call made with `int $0x80`.
    pub(crate) ia32: Option<u32>,
}

/// The call at entry stop `tid` (ABI `arch`, number `nr`, arguments `args`
/// as `sys::syscall_info` reports them), in x86_64 terms.
pub(crate) fn entry_call(tid: i32, arch: u32, nr: u64, args: [u64; 6]) -> Call {
    if arch == AUDIT_ARCH_I386 {
        return decode(nr as u32, args.map(|a| a as u32), |addr, len| {
            read_bytes(tid, addr, len)
        });
    }
    Call {
        nr,
        args,
        ia32: None,
    }
}

/// The x86_64 form of ia32 call `nr` with arguments `raw`; `read` reads the
/// tracee's memory (socketcall's argument words).
pub(crate) fn decode(nr: u32, raw: [u32; 6], read: impl Fn(u64, usize) -> Vec<u8>) -> Call {
    let mut call = Call {
        nr: NR_NONE,
        args: raw.map(u64::from),
        ia32: Some(nr),
    };
    if nr == IA32_SOCKETCALL {
        if let Some((native, nargs)) = socketcall_target(raw[0]) {
            let len = 4 * usize::from(nargs.min(6));
            // As the probe's read: all the words or none (zeros).
            let bytes = Some(read(u64::from(raw[1]), len)).filter(|b| b.len() == len);
            let mut words = [0u64; 6];
            for (w, b) in words
                .iter_mut()
                .zip(bytes.unwrap_or_default().chunks_exact(4))
            {
                *w = u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            }
            call.nr = u64::from(native);
            call.args = words;
        }
        return call;
    }
    if let Some(sc) = ia32_by_nr(nr) {
        if let Some(native) = sc.native {
            call.nr = u64::from(native);
            call.args = sc.fixup().apply(raw);
        }
    }
    call
}

/// The ppm_sc id and number of the generic event for an ia32 call with no
/// x86_64 counterpart.
pub(crate) fn unmapped_generic(ia32: u32) -> (u16, u64) {
    (
        ia32_by_nr(ia32).map_or(0, |sc| sc.ppm_sc()),
        u64::from(ia32),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ia32_calls_run_as_their_x86_64_calls() {
        let none = |_: u64, _: usize| Vec::new();
        // open(path, O_RDONLY): ia32 5 is x86_64 2.
        let open = decode(5, [0x1000, 0, 0, 0, 0, 0], none);
        assert_eq!((open.nr, open.args[0], open.ia32), (2, 0x1000, Some(5)));
        // pread64's offset comes in two words.
        let pread = decode(180, [3, 0x2000, 16, 0x10, 0x1, 0], none);
        assert_eq!((pread.nr, pread.args[3]), (17, 0x1_0000_0010));
        // ipc has no x86_64 counterpart.
        assert_eq!(decode(117, [0; 6], none).nr, NR_NONE);
        let (sc, nr) = unmapped_generic(117);
        assert_eq!(
            (sc, nr),
            (crate::syscalls::ppm_sc_by_name("ipc").unwrap(), 117)
        );
    }

    #[test]
    fn the_stop_arch_picks_the_decoding() {
        // Number 5 with a path pointer: ia32 open, but x86_64 fstat.
        let args = [0x1000, 0, 0, 0, 0, 0];
        let ia32 = entry_call(0, AUDIT_ARCH_I386, 5, args);
        assert_eq!((ia32.nr, ia32.ia32), (2, Some(5)));
        let native = entry_call(0, super::super::filter::AUDIT_ARCH_X86_64, 5, args);
        assert_eq!(
            native,
            Call {
                nr: 5,
                args,
                ia32: None
            }
        );
    }

    #[test]
    fn socketcall_reads_its_argument_words() {
        // connect(7, 0x0804a000, 16): three little-endian words at 0x0804b000.
        let memory: Vec<u8> = [7u32, 0x0804_a000, 16, 0xdead]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect();
        let connect = decode(IA32_SOCKETCALL, [3, 0x0804_b000, 0, 0, 0, 0], |a, len| {
            assert_eq!(a, 0x0804_b000);
            memory[..len].to_vec()
        });
        assert_eq!(connect.nr, 42);
        assert_eq!(connect.args, [7, 0x0804_a000, 16, 0, 0, 0]);
        // An unreadable array reads as zeros; a bad subcall maps to nothing.
        let unreadable = decode(IA32_SOCKETCALL, [3, 0, 0, 0, 0, 0], |_, _| Vec::new());
        assert_eq!((unreadable.nr, unreadable.args), (42, [0; 6]));
        assert_eq!(
            decode(IA32_SOCKETCALL, [99, 0, 0, 0, 0, 0], |_, _| Vec::new()).nr,
            NR_NONE
        );
    }
}
