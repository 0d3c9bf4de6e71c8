//! Parameter values: decoding from and encoding to wire bytes (spec §2.3–§2.5).
//!
//! [`decode`] turns one parameter's bytes into a borrowed [`ParamValue`];
//! [`encode`] is its inverse. A zero-length parameter decodes to
//! [`ParamValue::Empty`] for every type, and the legacy 7-byte `"(NULL)\0"`
//! string to [`ParamValue::Null`] (spec §2.4).

mod fdlist;
mod net;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub use fdlist::FdList;
pub use net::{SockAddr, SockTuple, AF_INET, AF_INET6, AF_UNIX};

use crate::error::Error;
use crate::table::{DynParam, ParamExtra, ParamInfo};
use crate::types::ParamType;

/// The legacy NULL string some drivers wrote for NULL string pointers.
pub const LEGACY_NULL: &[u8] = b"(NULL)\0";

/// One decoded parameter, borrowing from the event bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamValue<'a> {
    /// Zero-length parameter: value not available.
    Empty,
    /// The legacy `"(NULL)"` string of a string parameter.
    Null,
    /// `INT8`, `INT16`, `INT32`, `INT64`.
    Int(i64),
    /// `UINT8`, `UINT16`, `UINT32`, `UINT64`.
    Uint(u64),
    /// `CHARBUF`, `FSPATH`, `FSRELPATH`, without the terminating NUL.
    /// Bytes, since the kernel does not promise UTF-8.
    Str(&'a [u8]),
    /// `BYTEBUF`: raw bytes (also NUL-separated lists such as execve args).
    Bytes(&'a [u8]),
    /// `CHARBUFARRAY`, `CHARBUF_PAIR_ARRAY`: NUL-separated strings, raw.
    StrArray(&'a [u8]),
    /// `ERRNO`: ≥ 0 success value, < 0 `-errno`.
    Errno(i64),
    /// `FD`, `FD32`.
    Fd(i64),
    /// `PID`, `PID32`.
    Pid(i64),
    /// `SOCKADDR`.
    SockAddr(SockAddr<'a>),
    /// `SOCKTUPLE`.
    SockTuple(SockTuple<'a>),
    /// `FDLIST`.
    FdList(FdList<'a>),
    /// `SYSCALLID`: a `ppm_sc` code.
    SyscallId(u16),
    /// `SIGTYPE`.
    Signal(u8),
    /// `RELTIME`: nanoseconds.
    RelTime(u64),
    /// `ABSTIME`: nanoseconds since the epoch.
    AbsTime(u64),
    /// `PORT`.
    Port(u16),
    /// `L4PROTO`.
    L4Proto(u8),
    /// `SOCKFAMILY`.
    SockFamily(u8),
    /// `BOOL`.
    Bool(bool),
    /// `IPV4ADDR`, `IPV6ADDR`, `IPADDR`.
    Ip(IpAddr),
    /// `IPV4NET`, `IPV6NET`, `IPNET`: address and mask.
    Net {
        /// Address.
        addr: IpAddr,
        /// Mask.
        mask: IpAddr,
    },
    /// `DYN`: selector index and the selected value's bytes; resolve with
    /// [`decode_dyn`] or [`decode_param`].
    Dyn {
        /// Selector index into the parameter's [`ParamExtra::Dyn`] list.
        index: u8,
        /// The value bytes after the selector.
        bytes: &'a [u8],
    },
    /// `FLAGS8`, `FLAGS16`, `FLAGS32`: a bit set.
    Flags(u32),
    /// `ENUMFLAGS8`, `ENUMFLAGS16`, `ENUMFLAGS32`: one enumerated value.
    EnumFlags(u32),
    /// `UID`; `u32::MAX` means "no value".
    Uid(u32),
    /// `GID`; `u32::MAX` means "no value".
    Gid(u32),
    /// `DOUBLE`.
    Double(f64),
    /// `SIGSET`.
    SigSet(u32),
    /// `MODE`: `PPM_S_*` bits.
    Mode(u32),
}

impl<'a> ParamValue<'a> {
    /// A short name of the value kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            ParamValue::Empty => "Empty",
            ParamValue::Null => "Null",
            ParamValue::Int(_) => "Int",
            ParamValue::Uint(_) => "Uint",
            ParamValue::Str(_) => "Str",
            ParamValue::Bytes(_) => "Bytes",
            ParamValue::StrArray(_) => "StrArray",
            ParamValue::Errno(_) => "Errno",
            ParamValue::Fd(_) => "Fd",
            ParamValue::Pid(_) => "Pid",
            ParamValue::SockAddr(_) => "SockAddr",
            ParamValue::SockTuple(_) => "SockTuple",
            ParamValue::FdList(_) => "FdList",
            ParamValue::SyscallId(_) => "SyscallId",
            ParamValue::Signal(_) => "Signal",
            ParamValue::RelTime(_) => "RelTime",
            ParamValue::AbsTime(_) => "AbsTime",
            ParamValue::Port(_) => "Port",
            ParamValue::L4Proto(_) => "L4Proto",
            ParamValue::SockFamily(_) => "SockFamily",
            ParamValue::Bool(_) => "Bool",
            ParamValue::Ip(_) => "Ip",
            ParamValue::Net { .. } => "Net",
            ParamValue::Dyn { .. } => "Dyn",
            ParamValue::Flags(_) => "Flags",
            ParamValue::EnumFlags(_) => "EnumFlags",
            ParamValue::Uid(_) => "Uid",
            ParamValue::Gid(_) => "Gid",
            ParamValue::Double(_) => "Double",
            ParamValue::SigSet(_) => "SigSet",
            ParamValue::Mode(_) => "Mode",
        }
    }

    /// The value as a signed integer, for every integer-like variant.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            ParamValue::Int(v) | ParamValue::Errno(v) | ParamValue::Fd(v) | ParamValue::Pid(v) => {
                Some(v)
            }
            _ => self.as_u64().and_then(|v| i64::try_from(v).ok()),
        }
    }

    /// The value as an unsigned integer, for every unsigned integer-like variant.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            ParamValue::Uint(v) | ParamValue::RelTime(v) | ParamValue::AbsTime(v) => Some(v),
            ParamValue::SyscallId(v) | ParamValue::Port(v) => Some(u64::from(v)),
            ParamValue::Signal(v) | ParamValue::L4Proto(v) | ParamValue::SockFamily(v) => {
                Some(u64::from(v))
            }
            ParamValue::Flags(v)
            | ParamValue::EnumFlags(v)
            | ParamValue::Uid(v)
            | ParamValue::Gid(v)
            | ParamValue::SigSet(v)
            | ParamValue::Mode(v) => Some(u64::from(v)),
            ParamValue::Bool(b) => Some(u64::from(b)),
            _ => None,
        }
    }

    /// The bytes of string-like and buffer variants.
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match *self {
            ParamValue::Str(b) | ParamValue::Bytes(b) | ParamValue::StrArray(b) => Some(b),
            _ => None,
        }
    }

    /// True for [`ParamValue::Empty`] and [`ParamValue::Null`].
    pub fn is_missing(&self) -> bool {
        matches!(self, ParamValue::Empty | ParamValue::Null)
    }
}

fn width_error(ty: ParamType, len: usize) -> Error {
    let expected = match ty.fixed_width() {
        Some(1) => "1 byte",
        Some(2) => "2 bytes",
        Some(4) => "4 bytes",
        Some(8) => "8 bytes",
        Some(16) => "16 bytes",
        Some(32) => "32 bytes",
        _ => "a different length",
    };
    Error::BadParamWidth { ty, len, expected }
}

fn fixed<const N: usize>(ty: ParamType, b: &[u8]) -> Result<[u8; N], Error> {
    b.try_into().map_err(|_| width_error(ty, b.len()))
}

fn ip(b: &[u8]) -> Option<IpAddr> {
    match b.len() {
        4 => Some(IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(b).ok()?))),
        16 => Some(IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(b).ok()?))),
        _ => None,
    }
}

/// Decodes one parameter of type `ty`.
///
/// `PT_DYN` values come back as [`ParamValue::Dyn`] with the selector and raw
/// bytes; [`decode_param`] resolves them against the event table.
pub fn decode(ty: ParamType, b: &[u8]) -> Result<ParamValue<'_>, Error> {
    use ParamType as T;
    use ParamValue as V;
    if b.is_empty() {
        return Ok(V::Empty);
    }
    Ok(match ty {
        T::None => {
            return Err(Error::InvalidParam {
                ty,
                reason: "PT_NONE carries no value",
            })
        }
        T::Int8 => V::Int(i64::from(i8::from_le_bytes(fixed(ty, b)?))),
        T::Int16 => V::Int(i64::from(i16::from_le_bytes(fixed(ty, b)?))),
        T::Int32 => V::Int(i64::from(i32::from_le_bytes(fixed(ty, b)?))),
        T::Int64 => V::Int(i64::from_le_bytes(fixed(ty, b)?)),
        T::Uint8 => V::Uint(u64::from(b_u8(ty, b)?)),
        T::Uint16 => V::Uint(u64::from(u16::from_le_bytes(fixed(ty, b)?))),
        T::Uint32 => V::Uint(u64::from(u32::from_le_bytes(fixed(ty, b)?))),
        T::Uint64 => V::Uint(u64::from_le_bytes(fixed(ty, b)?)),
        T::CharBuf | T::FsPath | T::FsRelPath => {
            if b == LEGACY_NULL || b == &LEGACY_NULL[..6] {
                V::Null
            } else {
                V::Str(net::until_nul(b))
            }
        }
        T::ByteBuf => V::Bytes(b),
        T::CharBufArray | T::CharBufPairArray => V::StrArray(b),
        T::Errno => V::Errno(i64::from_le_bytes(fixed(ty, b)?)),
        T::SockAddr => V::SockAddr(SockAddr::decode(b)?),
        T::SockTuple => V::SockTuple(SockTuple::decode(b)?),
        T::Fd | T::Pid => {
            let v = i64::from_le_bytes(fixed(ty, b)?);
            if ty == T::Fd {
                V::Fd(v)
            } else {
                V::Pid(v)
            }
        }
        T::Fd32 => V::Fd(i64::from(i32::from_le_bytes(fixed(ty, b)?))),
        T::Pid32 => V::Pid(i64::from(i32::from_le_bytes(fixed(ty, b)?))),
        T::FdList => V::FdList(FdList::decode(b)?),
        T::SyscallId => V::SyscallId(u16::from_le_bytes(fixed(ty, b)?)),
        T::SigType => V::Signal(b_u8(ty, b)?),
        T::RelTime => V::RelTime(u64::from_le_bytes(fixed(ty, b)?)),
        T::AbsTime => V::AbsTime(u64::from_le_bytes(fixed(ty, b)?)),
        T::Port => V::Port(u16::from_le_bytes(fixed(ty, b)?)),
        T::L4Proto => V::L4Proto(b_u8(ty, b)?),
        T::SockFamily => V::SockFamily(b_u8(ty, b)?),
        T::Bool => V::Bool(u32::from_le_bytes(fixed(ty, b)?) != 0),
        T::Ipv4Addr => V::Ip(IpAddr::V4(Ipv4Addr::from(fixed::<4>(ty, b)?))),
        T::Ipv6Addr => V::Ip(IpAddr::V6(Ipv6Addr::from(fixed::<16>(ty, b)?))),
        T::IpAddr => V::Ip(ip(b).ok_or(Error::BadParamWidth {
            ty,
            len: b.len(),
            expected: "4 or 16 bytes",
        })?),
        T::Ipv4Net | T::Ipv6Net | T::IpNet => decode_net(ty, b)?,
        T::Dyn => V::Dyn {
            index: b[0],
            bytes: &b[1..],
        },
        T::Flags8 => V::Flags(u32::from(b_u8(ty, b)?)),
        T::Flags16 => V::Flags(u32::from(u16::from_le_bytes(fixed(ty, b)?))),
        T::Flags32 => V::Flags(u32::from_le_bytes(fixed(ty, b)?)),
        T::EnumFlags8 => V::EnumFlags(u32::from(b_u8(ty, b)?)),
        T::EnumFlags16 => V::EnumFlags(u32::from(u16::from_le_bytes(fixed(ty, b)?))),
        T::EnumFlags32 => V::EnumFlags(u32::from_le_bytes(fixed(ty, b)?)),
        T::Uid => V::Uid(u32::from_le_bytes(fixed(ty, b)?)),
        T::Gid => V::Gid(u32::from_le_bytes(fixed(ty, b)?)),
        T::Double => V::Double(f64::from_le_bytes(fixed(ty, b)?)),
        T::SigSet => V::SigSet(u32::from_le_bytes(fixed(ty, b)?)),
        T::Mode => V::Mode(u32::from_le_bytes(fixed(ty, b)?)),
    })
}

fn b_u8(ty: ParamType, b: &[u8]) -> Result<u8, Error> {
    Ok(u8::from_le_bytes(fixed(ty, b)?))
}

fn decode_net(ty: ParamType, b: &[u8]) -> Result<ParamValue<'_>, Error> {
    let half = b.len() / 2;
    let ok = match ty {
        ParamType::Ipv4Net => b.len() == 8,
        ParamType::Ipv6Net => b.len() == 32,
        _ => b.len() == 8 || b.len() == 32,
    };
    match (ok, ip(&b[..half]), ip(&b[half..])) {
        (true, Some(addr), Some(mask)) => Ok(ParamValue::Net { addr, mask }),
        _ => Err(Error::BadParamWidth {
            ty,
            len: b.len(),
            expected: "8 bytes (IPv4) or 32 bytes (IPv6)",
        }),
    }
}

/// Resolves a `PT_DYN` value against its alternatives.
pub fn decode_dyn<'a>(
    alternatives: &'static [DynParam],
    index: u8,
    bytes: &'a [u8],
) -> Result<ParamValue<'a>, Error> {
    let alt = alternatives
        .get(usize::from(index))
        .ok_or(Error::InvalidParam {
            ty: ParamType::Dyn,
            reason: "selector index outside the parameter's alternatives",
        })?;
    if alt.ty == ParamType::Dyn {
        return Err(Error::InvalidParam {
            ty: ParamType::Dyn,
            reason: "nested PT_DYN",
        });
    }
    decode(alt.ty, bytes)
}

/// Decodes a parameter with its table entry, resolving `PT_DYN` selectors.
pub fn decode_param<'a>(info: &ParamInfo, bytes: &'a [u8]) -> Result<ParamValue<'a>, Error> {
    match (decode(info.ty, bytes)?, info.info) {
        (ParamValue::Dyn { index, bytes }, ParamExtra::Dyn(alts)) => decode_dyn(alts, index, bytes),
        (v, _) => Ok(v),
    }
}

fn mismatch(ty: ParamType, v: &ParamValue<'_>) -> Error {
    Error::EncodeMismatch {
        ty,
        value: v.kind(),
    }
}

fn put_int(ty: ParamType, v: i64, out: &mut Vec<u8>) -> Result<(), Error> {
    let range = || Error::EncodeMismatch {
        ty,
        value: "out-of-range integer",
    };
    match ty.fixed_width() {
        Some(1) => out.push(i8::try_from(v).map_err(|_| range())?.to_le_bytes()[0]),
        Some(2) => out.extend_from_slice(&i16::try_from(v).map_err(|_| range())?.to_le_bytes()),
        Some(4) => out.extend_from_slice(&i32::try_from(v).map_err(|_| range())?.to_le_bytes()),
        _ => out.extend_from_slice(&v.to_le_bytes()),
    }
    Ok(())
}

fn put_uint(ty: ParamType, v: u64, out: &mut Vec<u8>) -> Result<(), Error> {
    let range = || Error::EncodeMismatch {
        ty,
        value: "out-of-range integer",
    };
    match ty.fixed_width() {
        Some(1) => out.push(u8::try_from(v).map_err(|_| range())?),
        Some(2) => out.extend_from_slice(&u16::try_from(v).map_err(|_| range())?.to_le_bytes()),
        Some(4) => out.extend_from_slice(&u32::try_from(v).map_err(|_| range())?.to_le_bytes()),
        _ => out.extend_from_slice(&v.to_le_bytes()),
    }
    Ok(())
}

/// Appends the wire bytes of `v` as type `ty` (without any length prefix).
///
/// [`ParamValue::Empty`] writes nothing; [`ParamValue::Null`] writes the
/// legacy `"(NULL)\0"` for string types. Integers are range-checked against
/// the type's width.
pub fn encode(ty: ParamType, v: &ParamValue<'_>, out: &mut Vec<u8>) -> Result<(), Error> {
    use ParamType as T;
    use ParamValue as V;
    match (ty, v) {
        (_, V::Empty) => {}
        (T::CharBuf | T::FsPath | T::FsRelPath, V::Null) => out.extend_from_slice(LEGACY_NULL),
        (T::CharBuf | T::FsPath | T::FsRelPath, V::Str(s)) => {
            out.extend_from_slice(net::until_nul(s));
            out.push(0);
        }
        (T::ByteBuf, V::Bytes(b)) | (T::CharBufArray | T::CharBufPairArray, V::StrArray(b)) => {
            out.extend_from_slice(b)
        }
        (T::Int8 | T::Int16 | T::Int32 | T::Int64, V::Int(i))
        | (T::Errno, V::Errno(i))
        | (T::Fd | T::Fd32, V::Fd(i))
        | (T::Pid | T::Pid32, V::Pid(i)) => put_int(ty, *i, out)?,
        (T::Uint8 | T::Uint16 | T::Uint32 | T::Uint64, V::Uint(u))
        | (T::RelTime, V::RelTime(u))
        | (T::AbsTime, V::AbsTime(u)) => put_uint(ty, *u, out)?,
        (T::SyscallId, V::SyscallId(u)) | (T::Port, V::Port(u)) => {
            put_uint(ty, u64::from(*u), out)?
        }
        (T::SigType, V::Signal(u))
        | (T::L4Proto, V::L4Proto(u))
        | (T::SockFamily, V::SockFamily(u)) => out.push(*u),
        (T::Bool, V::Bool(b)) => out.extend_from_slice(&u32::from(*b).to_le_bytes()),
        (T::Flags8 | T::Flags16 | T::Flags32, V::Flags(u))
        | (T::EnumFlags8 | T::EnumFlags16 | T::EnumFlags32, V::EnumFlags(u))
        | (T::Uid, V::Uid(u))
        | (T::Gid, V::Gid(u))
        | (T::SigSet, V::SigSet(u))
        | (T::Mode, V::Mode(u)) => put_uint(ty, u64::from(*u), out)?,
        (T::Double, V::Double(d)) => out.extend_from_slice(&d.to_le_bytes()),
        (T::SockAddr, V::SockAddr(a)) => a.encode(out),
        (T::SockTuple, V::SockTuple(t)) => t.encode(out),
        (T::FdList, V::FdList(l)) => l.encode(out),
        (T::Ipv4Addr, V::Ip(IpAddr::V4(a))) => out.extend_from_slice(&a.octets()),
        (T::Ipv6Addr, V::Ip(IpAddr::V6(a))) => out.extend_from_slice(&a.octets()),
        (T::IpAddr, V::Ip(a)) => encode_ip(a, out),
        (
            T::Ipv4Net | T::IpNet,
            V::Net {
                addr: addr @ IpAddr::V4(_),
                mask: mask @ IpAddr::V4(_),
            },
        )
        | (
            T::Ipv6Net | T::IpNet,
            V::Net {
                addr: addr @ IpAddr::V6(_),
                mask: mask @ IpAddr::V6(_),
            },
        ) => {
            encode_ip(addr, out);
            encode_ip(mask, out);
        }
        (T::Dyn, V::Dyn { index, bytes }) => {
            out.push(*index);
            out.extend_from_slice(bytes);
        }
        _ => return Err(mismatch(ty, v)),
    }
    Ok(())
}

fn encode_ip(a: &IpAddr, out: &mut Vec<u8>) {
    match a {
        IpAddr::V4(a) => out.extend_from_slice(&a.octets()),
        IpAddr::V6(a) => out.extend_from_slice(&a.octets()),
    }
}

/// Appends a `PT_DYN` value: selector `index`, then `value` encoded as the
/// alternative's type.
pub fn encode_dyn(
    alternatives: &'static [DynParam],
    index: u8,
    value: &ParamValue<'_>,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let alt = alternatives
        .get(usize::from(index))
        .ok_or(Error::InvalidParam {
            ty: ParamType::Dyn,
            reason: "selector index outside the parameter's alternatives",
        })?;
    out.push(index);
    encode(alt.ty, value, out)
}

#[cfg(test)]
mod tests;
