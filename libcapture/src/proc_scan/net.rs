//! Sockets by inode, from `/proc/net/{tcp,tcp6,udp,udp6,raw,raw6,unix,netlink}`.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

use super::read_text;
use crate::meta::{l4proto, FdKind};

/// TCP state `LISTEN` in `/proc/net/tcp*`.
const TCP_LISTEN: &str = "0A";

/// Every socket the kernel lists, keyed by inode.
#[derive(Debug, Default)]
pub(super) struct SocketTable {
    by_inode: HashMap<u64, FdKind>,
}

impl SocketTable {
    /// Reads all tables of the network namespace of the scanning process.
    /// A missing table (no IPv6, no raw sockets) is simply empty.
    pub(super) fn read(proc_root: &Path) -> SocketTable {
        let mut table = SocketTable::default();
        let net = proc_root.join("net");
        for (file, proto) in [
            ("tcp", l4proto::TCP),
            ("udp", l4proto::UDP),
            ("raw", l4proto::RAW),
            ("tcp6", l4proto::TCP),
            ("udp6", l4proto::UDP),
            ("raw6", l4proto::RAW),
        ] {
            if let Some(text) = read_text(&net.join(file)) {
                table.add_inet(&text, proto);
            }
        }
        if let Some(text) = read_text(&net.join("unix")) {
            table.add_unix(&text);
        }
        if let Some(text) = read_text(&net.join("netlink")) {
            table.add_netlink(&text);
        }
        table
    }

    /// The socket with this inode, if the kernel listed it.
    pub(super) fn get(&self, inode: u64) -> Option<&FdKind> {
        self.by_inode.get(&inode)
    }

    fn add_inet(&mut self, text: &str, proto: u8) {
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(remote), Some(state), Some(inode)) = (
                cols.get(1),
                cols.get(2),
                cols.get(3),
                cols.get(9).and_then(|i| i.parse().ok()),
            ) else {
                continue;
            };
            let (Some((src_ip, src_port)), Some((dst_ip, dst_port))) =
                (endpoint(local), endpoint(remote))
            else {
                continue;
            };
            // libscap: a listening TCP socket, or any socket without a peer, is a server socket.
            let server = (proto == l4proto::TCP && *state == TCP_LISTEN)
                || (dst_port == 0 && dst_ip.is_unspecified());
            let kind = match (src_ip, dst_ip, server) {
                (Ip::V4(ip), _, true) => FdKind::Ipv4ServerSocket {
                    ip,
                    port: src_port,
                    l4proto: proto,
                },
                (Ip::V6(ip), _, true) => FdKind::Ipv6ServerSocket {
                    ip,
                    port: src_port,
                    l4proto: proto,
                },
                (Ip::V4(src_ip), Ip::V4(dst_ip), false) => FdKind::Ipv4Socket {
                    src_ip,
                    dst_ip,
                    src_port,
                    dst_port,
                    l4proto: proto,
                },
                (Ip::V6(src_ip), Ip::V6(dst_ip), false) => FdKind::Ipv6Socket {
                    src_ip,
                    dst_ip,
                    src_port,
                    dst_port,
                    l4proto: proto,
                },
                _ => continue,
            };
            if inode != 0 {
                self.by_inode.insert(inode, kind);
            }
        }
    }

    fn add_unix(&mut self, text: &str) {
        // Num RefCount Protocol Flags Type St Inode [Path]
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let (Some(num), Some(inode)) = (cols.first(), cols.get(6).and_then(|i| i.parse().ok()))
            else {
                continue;
            };
            let source = u64::from_str_radix(num.trim_end_matches(':'), 16).unwrap_or(0);
            let path = cols.get(7).unwrap_or(&"").to_string();
            self.by_inode.insert(
                inode,
                FdKind::UnixSocket {
                    source,
                    dest: 0,
                    path,
                },
            );
        }
    }

    fn add_netlink(&mut self, text: &str) {
        // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
        for line in text.lines().skip(1) {
            if let Some(inode) = line
                .split_whitespace()
                .nth(9)
                .and_then(|i| i.parse::<u64>().ok())
            {
                let name = format!("socket:[{inode}]");
                self.by_inode.insert(inode, FdKind::Netlink { name });
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Ip {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

impl Ip {
    fn is_unspecified(self) -> bool {
        match self {
            Ip::V4(ip) => ip.is_unspecified(),
            Ip::V6(ip) => ip.is_unspecified(),
        }
    }
}

/// Parses `0100007F:1F90` (IPv4) or 32 hex digits plus port (IPv6). The kernel
/// prints the address as host-order 32-bit words.
fn endpoint(text: &str) -> Option<(Ip, u16)> {
    let (addr, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let words: Option<Vec<u32>> = (0..addr.len() / 8)
        .map(|i| u32::from_str_radix(addr.get(i * 8..i * 8 + 8)?, 16).ok())
        .collect();
    let words = words?;
    let mut bytes = Vec::with_capacity(16);
    for word in &words {
        bytes.extend_from_slice(&word.to_le_bytes());
    }
    match bytes.len() {
        4 => Some((
            Ip::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])),
            port,
        )),
        16 => {
            let octets: [u8; 16] = bytes.try_into().ok()?;
            Some((Ip::V6(Ipv6Addr::from(octets)), port))
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test data is fixed")]
mod tests {
    use super::*;

    #[test]
    fn parses_ipv4_and_ipv6_endpoints() {
        let (Ip::V4(ip), port) = endpoint("0100007F:1F90").unwrap() else {
            panic!()
        };
        assert_eq!((ip, port), (Ipv4Addr::LOCALHOST, 8080));
        let (Ip::V6(ip), port) = endpoint("00000000000000000000000001000000:0016").unwrap() else {
            panic!()
        };
        assert_eq!((ip, port), (Ipv6Addr::LOCALHOST, 22));
    }

    #[test]
    fn tcp_listen_is_a_server_and_established_is_a_tuple() {
        let mut table = SocketTable::default();
        table.add_inet(
            "hdr\n 0: 00000000:07E8 00000000:0000 0A 0:0 0:0 0 0 0 1213 1\n 1: 020200C0:9244 507100CB:01BB 01 0:0 0:0 0 0 0 12202 1\n",
            l4proto::TCP,
        );
        assert_eq!(
            table.get(1213),
            Some(&FdKind::Ipv4ServerSocket {
                ip: Ipv4Addr::UNSPECIFIED,
                port: 2024,
                l4proto: l4proto::TCP
            })
        );
        assert_eq!(
            table.get(12202),
            Some(&FdKind::Ipv4Socket {
                src_ip: Ipv4Addr::new(192, 0, 2, 2),
                dst_ip: Ipv4Addr::new(203, 0, 113, 80),
                src_port: 0x9244,
                dst_port: 443,
                l4proto: l4proto::TCP
            })
        );
    }

    #[test]
    fn unix_sockets_keep_their_path() {
        let mut table = SocketTable::default();
        table.add_unix("Num RefCount Protocol Flags Type St Inode Path\n000000008443b43b: 00000003 00000000 00000000 0001 03  1209 /run/x.sock\n");
        assert_eq!(
            table.get(1209),
            Some(&FdKind::UnixSocket {
                source: 0x8443b43b,
                dest: 0,
                path: "/run/x.sock".into()
            })
        );
    }
}
