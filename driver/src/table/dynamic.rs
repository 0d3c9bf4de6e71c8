//! Alternatives of `PT_DYN` parameters, indexed by the selector byte
//! (spec §2.5). Upstream leaves the alternatives unnamed.

use super::DynParam;
use crate::types::{ParamType, PrintFormat};

const fn alt(ty: ParamType, fmt: PrintFormat) -> DynParam {
    DynParam { name: "", ty, fmt }
}

/// setsockopt/getsockopt `val`: unknown option bytes, errno, u32, u64, timeval.
pub const SOCKOPT: &[DynParam] = &[
    alt(ParamType::ByteBuf, PrintFormat::Hex),
    alt(ParamType::Errno, PrintFormat::Dec),
    alt(ParamType::Uint32, PrintFormat::Dec),
    alt(ParamType::Uint64, PrintFormat::Dec),
    alt(ParamType::RelTime, PrintFormat::Dec),
];

/// ptrace `addr` and `data`: a value or a signal number.
pub const PTRACE: &[DynParam] = &[
    alt(ParamType::Uint64, PrintFormat::Hex),
    alt(ParamType::SigType, PrintFormat::Dec),
];

/// Old bpf exit `res_or_fd`: a new fd or an error.
pub const BPF: &[DynParam] = &[
    alt(ParamType::Fd, PrintFormat::Dec),
    alt(ParamType::Errno, PrintFormat::Dec),
];
