//! Socket address (`PT_SOCKADDR`) and socket tuple (`PT_SOCKTUPLE`) values.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::Error;
use crate::types::ParamType;

/// `PPM_AF_UNIX`.
pub const AF_UNIX: u8 = 1;
/// `PPM_AF_INET`.
pub const AF_INET: u8 = 2;
/// `PPM_AF_INET6`.
pub const AF_INET6: u8 = 10;

/// A decoded `PT_SOCKADDR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockAddr<'a> {
    /// IPv4 address and port.
    Inet {
        /// Address.
        addr: Ipv4Addr,
        /// Port (host order on the wire).
        port: u16,
    },
    /// IPv6 address and port.
    Inet6 {
        /// Address.
        addr: Ipv6Addr,
        /// Port.
        port: u16,
    },
    /// Unix socket path without the NUL (abstract names lose their leading NUL).
    Unix(&'a [u8]),
    /// Any other family: its byte and whatever follows.
    Other {
        /// `PPM_AF_*` family.
        family: u8,
        /// Remaining bytes.
        rest: &'a [u8],
    },
}

/// A decoded `PT_SOCKTUPLE`. For outbound calls `src` is the local side,
/// for inbound ones the peer (spec §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockTuple<'a> {
    /// IPv4 endpoints.
    Inet {
        /// Source address.
        src: Ipv4Addr,
        /// Source port.
        sport: u16,
        /// Destination address.
        dst: Ipv4Addr,
        /// Destination port.
        dport: u16,
    },
    /// IPv6 endpoints.
    Inet6 {
        /// Source address.
        src: Ipv6Addr,
        /// Source port.
        sport: u16,
        /// Destination address.
        dst: Ipv6Addr,
        /// Destination port.
        dport: u16,
    },
    /// Unix socket: kernel endpoint pointers and the path without NUL.
    Unix {
        /// Source endpoint (kernel pointer).
        src: u64,
        /// Destination endpoint (kernel pointer).
        dst: u64,
        /// Path.
        path: &'a [u8],
    },
    /// Any other family.
    Other {
        /// `PPM_AF_*` family.
        family: u8,
        /// Remaining bytes.
        rest: &'a [u8],
    },
}

fn short(ty: ParamType, expected: &'static str, len: usize) -> Error {
    Error::BadParamWidth { ty, len, expected }
}

fn v4(b: &[u8]) -> Ipv4Addr {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    Ipv4Addr::from(a)
}

fn v6(b: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[..16]);
    Ipv6Addr::from(a)
}

fn port(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}

/// Strips one trailing NUL (and anything after the first NUL).
pub(crate) fn until_nul(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

impl<'a> SockAddr<'a> {
    /// Decodes a non-empty `PT_SOCKADDR`.
    pub fn decode(b: &'a [u8]) -> Result<Self, Error> {
        let ty = ParamType::SockAddr;
        let (&family, rest) = b.split_first().ok_or(short(ty, "at least 1 byte", 0))?;
        Ok(match family {
            AF_INET if rest.len() >= 6 => SockAddr::Inet {
                addr: v4(rest),
                port: port(&rest[4..]),
            },
            AF_INET => return Err(short(ty, "7 bytes for AF_INET", b.len())),
            AF_INET6 if rest.len() >= 18 => SockAddr::Inet6 {
                addr: v6(rest),
                port: port(&rest[16..]),
            },
            AF_INET6 => return Err(short(ty, "19 bytes for AF_INET6", b.len())),
            AF_UNIX => SockAddr::Unix(until_nul(rest)),
            _ => SockAddr::Other { family, rest },
        })
    }

    /// Appends the wire form.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match *self {
            SockAddr::Inet { addr, port } => {
                out.push(AF_INET);
                out.extend_from_slice(&addr.octets());
                out.extend_from_slice(&port.to_le_bytes());
            }
            SockAddr::Inet6 { addr, port } => {
                out.push(AF_INET6);
                out.extend_from_slice(&addr.octets());
                out.extend_from_slice(&port.to_le_bytes());
            }
            SockAddr::Unix(path) => {
                out.push(AF_UNIX);
                out.extend_from_slice(path);
                out.push(0);
            }
            SockAddr::Other { family, rest } => {
                out.push(family);
                out.extend_from_slice(rest);
            }
        }
    }
}

impl<'a> SockTuple<'a> {
    /// Decodes a non-empty `PT_SOCKTUPLE`.
    pub fn decode(b: &'a [u8]) -> Result<Self, Error> {
        let ty = ParamType::SockTuple;
        let (&family, rest) = b.split_first().ok_or(short(ty, "at least 1 byte", 0))?;
        Ok(match family {
            AF_INET if rest.len() >= 12 => SockTuple::Inet {
                src: v4(rest),
                sport: port(&rest[4..]),
                dst: v4(&rest[6..]),
                dport: port(&rest[10..]),
            },
            AF_INET => return Err(short(ty, "13 bytes for AF_INET", b.len())),
            AF_INET6 if rest.len() >= 36 => SockTuple::Inet6 {
                src: v6(rest),
                sport: port(&rest[16..]),
                dst: v6(&rest[18..]),
                dport: port(&rest[34..]),
            },
            AF_INET6 => return Err(short(ty, "37 bytes for AF_INET6", b.len())),
            AF_UNIX if rest.len() >= 16 => SockTuple::Unix {
                src: u64::from_le_bytes(rest[..8].try_into().unwrap_or_default()),
                dst: u64::from_le_bytes(rest[8..16].try_into().unwrap_or_default()),
                path: until_nul(&rest[16..]),
            },
            AF_UNIX => return Err(short(ty, "at least 17 bytes for AF_UNIX", b.len())),
            _ => SockTuple::Other { family, rest },
        })
    }

    /// Appends the wire form.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match *self {
            SockTuple::Inet {
                src,
                sport,
                dst,
                dport,
            } => {
                out.push(AF_INET);
                out.extend_from_slice(&src.octets());
                out.extend_from_slice(&sport.to_le_bytes());
                out.extend_from_slice(&dst.octets());
                out.extend_from_slice(&dport.to_le_bytes());
            }
            SockTuple::Inet6 {
                src,
                sport,
                dst,
                dport,
            } => {
                out.push(AF_INET6);
                out.extend_from_slice(&src.octets());
                out.extend_from_slice(&sport.to_le_bytes());
                out.extend_from_slice(&dst.octets());
                out.extend_from_slice(&dport.to_le_bytes());
            }
            SockTuple::Unix { src, dst, path } => {
                out.push(AF_UNIX);
                out.extend_from_slice(&src.to_le_bytes());
                out.extend_from_slice(&dst.to_le_bytes());
                out.extend_from_slice(path);
                out.push(0);
            }
            SockTuple::Other { family, rest } => {
                out.push(family);
                out.extend_from_slice(rest);
            }
        }
    }
}
