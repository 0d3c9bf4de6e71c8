//! Machine info (`/proc/meminfo`, `/proc/stat`, hostname) and network interfaces.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

use nix::ifaddrs::getifaddrs;

use super::read_text;
use crate::meta::{Interface, InterfaceAddr, MachineInfo};

/// Reads the machine description from `proc_root`.
pub(super) fn read(proc_root: &Path) -> MachineInfo {
    let meminfo = read_text(&proc_root.join("meminfo")).unwrap_or_default();
    let stat = read_text(&proc_root.join("stat")).unwrap_or_default();
    let kib = |text: &str, key: &str| -> Option<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.split_whitespace().next()?.parse().ok())
    };
    let boot_secs: u64 = stat
        .lines()
        .find_map(|l| l.strip_prefix("btime ")?.trim().parse().ok())
        .unwrap_or(0);
    MachineInfo {
        num_cpus: std::thread::available_parallelism().map_or(1, |n| n.get() as u32),
        memory_size_bytes: kib(&meminfo, "MemTotal:").unwrap_or(0) * 1024,
        max_pid: 0,
        hostname: read_text(&proc_root.join("sys/kernel/hostname"))
            .map(|h| h.trim().to_string())
            .unwrap_or_default(),
        boot_ts_epoch: boot_secs * 1_000_000_000,
        flags: 0,
    }
}

/// Every IPv4 address, then every IPv6 address, as libscap lists them.
pub(super) fn interfaces() -> Vec<Interface> {
    let Ok(addrs) = getifaddrs() else {
        return Vec::new();
    };
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    for ifa in addrs {
        let (Some(addr), Some(mask)) = (ifa.address, ifa.netmask) else {
            continue;
        };
        let broadcast = ifa.broadcast;
        if let (Some(a), Some(m)) = (addr.as_sockaddr_in(), mask.as_sockaddr_in()) {
            let b = broadcast
                .as_ref()
                .and_then(|b| b.as_sockaddr_in())
                .map_or(Ipv4Addr::UNSPECIFIED, |b| b.ip());
            v4.push(interface(
                &ifa.interface_name,
                InterfaceAddr::V4 {
                    addr: a.ip(),
                    netmask: m.ip(),
                    broadcast: b,
                },
            ));
        } else if let (Some(a), Some(m)) = (addr.as_sockaddr_in6(), mask.as_sockaddr_in6()) {
            let b = broadcast
                .as_ref()
                .and_then(|b| b.as_sockaddr_in6())
                .map_or(Ipv6Addr::UNSPECIFIED, |b| b.ip());
            v6.push(interface(
                &ifa.interface_name,
                InterfaceAddr::V6 {
                    addr: a.ip(),
                    netmask: m.ip(),
                    broadcast: b,
                },
            ));
        }
    }
    v4.append(&mut v6);
    v4
}

fn interface(name: &str, addr: InterfaceAddr) -> Interface {
    Interface {
        name: name.to_string(),
        addr,
        linkspeed: 0,
    }
}
