//! Fd list blocks (FDL v1, FDL_V2): one thread's open descriptors.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::block_type;
use super::cursor::Cursor;
use super::error::{Error, ErrorKind};
use super::proc_list::lossy;
use crate::meta::{FdInfo, FdKind};

/// `scap_fd_type` codes as stored in fd lists.
#[allow(missing_docs)]
pub mod fd_type {
    pub const UNKNOWN: u8 = 0;
    pub const FILE: u8 = 1;
    pub const DIRECTORY: u8 = 2;
    pub const IPV4_SOCK: u8 = 3;
    pub const IPV6_SOCK: u8 = 4;
    pub const IPV4_SERVSOCK: u8 = 5;
    pub const IPV6_SERVSOCK: u8 = 6;
    pub const FIFO: u8 = 7;
    pub const UNIX_SOCK: u8 = 8;
    pub const EVENT: u8 = 9;
    pub const UNSUPPORTED: u8 = 10;
    pub const SIGNALFD: u8 = 11;
    pub const EVENTPOLL: u8 = 12;
    pub const INOTIFY: u8 = 13;
    pub const TIMERFD: u8 = 14;
    pub const NETLINK: u8 = 15;
    pub const FILE_V2: u8 = 16;
    pub const BPF: u8 = 17;
    pub const USERFAULTFD: u8 = 18;
    pub const IOURING: u8 = 19;
    pub const MEMFD: u8 = 20;
    pub const PIDFD: u8 = 21;
}

/// An fd-list block: the descriptors of one thread.
#[derive(Debug, Clone)]
pub struct FdList<'a> {
    /// The thread owning the descriptors.
    pub tid: u64,
    v2: bool,
    entries: Cursor<'a>,
}

impl<'a> FdList<'a> {
    pub(crate) fn parse(block_type: u32, mut body: Cursor<'a>) -> Result<Self, Error> {
        let tid = body.u64("tid")?;
        let list = FdList {
            tid,
            v2: block_type == block_type::FD_LIST_V2,
            entries: body,
        };
        for entry in list.entries() {
            entry?;
        }
        Ok(list)
    }

    /// Block version, 1 or 2.
    pub fn version(&self) -> u8 {
        if self.v2 {
            2
        } else {
            1
        }
    }

    /// The descriptors, in file order.
    pub fn entries(&self) -> FdEntries<'a> {
        FdEntries {
            v2: self.v2,
            cur: self.entries.clone(),
            failed: false,
        }
    }
}

/// Iterator over the entries of an [`FdList`].
#[derive(Debug, Clone)]
pub struct FdEntries<'a> {
    v2: bool,
    cur: Cursor<'a>,
    failed: bool,
}

impl<'a> Iterator for FdEntries<'a> {
    type Item = Result<FdEntry<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.cur.remaining() < 4 {
            return None;
        }
        let entry = if self.v2 {
            FdEntry::parse_v2(&mut self.cur)
        } else {
            FdEntry::parse_fields(&mut self.cur, false)
        };
        self.failed = entry.is_err();
        Some(entry)
    }
}

/// One descriptor of an fd list, borrowing its name from the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdEntry<'a> {
    /// Descriptor number.
    pub fd: i64,
    /// Inode number.
    pub ino: u64,
    /// Raw `scap_fd_type` (see [`fd_type`]).
    pub fd_type: u8,
    /// Type-specific details.
    pub info: FdEntryInfo<'a>,
}

/// Type-specific details of an [`FdEntry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FdEntryInfo<'a> {
    /// A name or path (most types).
    Name(&'a [u8]),
    /// A file with open flags and, in FDL v2, the device number.
    File {
        /// Path.
        name: &'a [u8],
        /// `PPM_O_*` flags.
        open_flags: u32,
        /// Device, 0 when absent.
        dev: u32,
    },
    /// A connected IPv4 socket.
    Ipv4 {
        /// Source address.
        src: Ipv4Addr,
        /// Destination address.
        dst: Ipv4Addr,
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Layer-4 protocol.
        l4proto: u8,
    },
    /// A connected IPv6 socket.
    Ipv6 {
        /// Source address.
        src: Ipv6Addr,
        /// Destination address.
        dst: Ipv6Addr,
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Layer-4 protocol.
        l4proto: u8,
    },
    /// A listening IPv4 socket.
    Ipv4Server {
        /// Address.
        ip: Ipv4Addr,
        /// Port.
        port: u16,
        /// Layer-4 protocol.
        l4proto: u8,
    },
    /// A listening IPv6 socket.
    Ipv6Server {
        /// Address.
        ip: Ipv6Addr,
        /// Port.
        port: u16,
        /// Layer-4 protocol.
        l4proto: u8,
    },
    /// A unix socket.
    Unix {
        /// This endpoint's kernel address.
        source: u64,
        /// The peer's kernel address.
        dest: u64,
        /// Path.
        name: &'a [u8],
    },
}

impl<'a> FdEntry<'a> {
    fn parse_v2(outer: &mut Cursor<'a>) -> Result<Self, Error> {
        let len_at = outer.clone();
        let entry_len = outer.u32("entry_len")?;
        let body_len = usize::try_from(entry_len)
            .ok()
            .and_then(|n| n.checked_sub(4))
            .filter(|&n| n <= outer.remaining())
            .ok_or_else(|| len_at.error(ErrorKind::BadEntryLength { length: entry_len }))?;
        let mut cur = outer.sub(body_len, "entry")?;
        Self::parse_fields(&mut cur, true)
    }

    fn parse_fields(cur: &mut Cursor<'a>, v2: bool) -> Result<Self, Error> {
        let fd = cur.i64("fd")?;
        let ino = cur.u64("ino")?;
        let type_at = cur.clone();
        let fd_type = cur.u8("fd_type")?;
        let info = match fd_type {
            fd_type::IPV4_SOCK => FdEntryInfo::Ipv4 {
                src: Ipv4Addr::from(cur.array::<4>("sip")?),
                dst: Ipv4Addr::from(cur.array::<4>("dip")?),
                sport: cur.u16("sport")?,
                dport: cur.u16("dport")?,
                l4proto: cur.u8("l4proto")?,
            },
            fd_type::IPV6_SOCK => FdEntryInfo::Ipv6 {
                src: Ipv6Addr::from(cur.array::<16>("sip")?),
                dst: Ipv6Addr::from(cur.array::<16>("dip")?),
                sport: cur.u16("sport")?,
                dport: cur.u16("dport")?,
                l4proto: cur.u8("l4proto")?,
            },
            fd_type::IPV4_SERVSOCK => FdEntryInfo::Ipv4Server {
                ip: Ipv4Addr::from(cur.array::<4>("ip")?),
                port: cur.u16("port")?,
                l4proto: cur.u8("l4proto")?,
            },
            fd_type::IPV6_SERVSOCK => FdEntryInfo::Ipv6Server {
                ip: Ipv6Addr::from(cur.array::<16>("ip")?),
                port: cur.u16("port")?,
                l4proto: cur.u8("l4proto")?,
            },
            fd_type::UNIX_SOCK => FdEntryInfo::Unix {
                source: cur.u64("source")?,
                dest: cur.u64("dest")?,
                name: cur.lstr16("name")?,
            },
            fd_type::FILE_V2 => {
                let open_flags = cur.u32("open_flags")?;
                let name = cur.lstr16("name")?;
                let dev = if v2 && cur.remaining() >= 4 {
                    cur.u32("dev")?
                } else {
                    0
                };
                FdEntryInfo::File {
                    name,
                    open_flags,
                    dev,
                }
            }
            fd_type::FILE
            | fd_type::DIRECTORY
            | fd_type::FIFO
            | fd_type::EVENT
            | fd_type::UNSUPPORTED
            | fd_type::SIGNALFD
            | fd_type::EVENTPOLL
            | fd_type::INOTIFY
            | fd_type::TIMERFD
            | fd_type::NETLINK
            | fd_type::BPF
            | fd_type::USERFAULTFD
            | fd_type::IOURING
            | fd_type::MEMFD
            | fd_type::PIDFD => FdEntryInfo::Name(cur.lstr16("name")?),
            other => return Err(type_at.error(ErrorKind::BadFdType { fd_type: other })),
        };
        if v2 {
            // Fields appended by newer writers are skipped.
            cur.skip_up_to(cur.remaining());
        }
        Ok(FdEntry {
            fd,
            ino,
            fd_type,
            info,
        })
    }

    /// The owned form.
    pub fn to_meta(&self) -> FdInfo {
        FdInfo {
            fd: self.fd,
            ino: self.ino,
            kind: self.kind(),
        }
    }

    fn kind(&self) -> FdKind {
        let named = |name: &[u8]| lossy(name);
        match self.info {
            FdEntryInfo::File {
                name,
                open_flags,
                dev,
            } => FdKind::File {
                path: named(name),
                open_flags,
                dev,
            },
            FdEntryInfo::Ipv4 {
                src,
                dst,
                sport,
                dport,
                l4proto,
            } => FdKind::Ipv4Socket {
                src_ip: src,
                dst_ip: dst,
                src_port: sport,
                dst_port: dport,
                l4proto,
            },
            FdEntryInfo::Ipv6 {
                src,
                dst,
                sport,
                dport,
                l4proto,
            } => FdKind::Ipv6Socket {
                src_ip: src,
                dst_ip: dst,
                src_port: sport,
                dst_port: dport,
                l4proto,
            },
            FdEntryInfo::Ipv4Server { ip, port, l4proto } => {
                FdKind::Ipv4ServerSocket { ip, port, l4proto }
            }
            FdEntryInfo::Ipv6Server { ip, port, l4proto } => {
                FdKind::Ipv6ServerSocket { ip, port, l4proto }
            }
            FdEntryInfo::Unix { source, dest, name } => FdKind::UnixSocket {
                source,
                dest,
                path: named(name),
            },
            FdEntryInfo::Name(name) => named_kind(self.fd_type, named(name)),
        }
    }
}

fn named_kind(fd_type: u8, name: String) -> FdKind {
    match fd_type {
        fd_type::FILE => FdKind::File {
            path: name,
            open_flags: 0,
            dev: 0,
        },
        fd_type::DIRECTORY => FdKind::Directory { path: name },
        fd_type::FIFO => FdKind::Fifo { name },
        fd_type::EVENT => FdKind::EventFd { name },
        fd_type::SIGNALFD => FdKind::SignalFd { name },
        fd_type::EVENTPOLL => FdKind::EventPoll { name },
        fd_type::INOTIFY => FdKind::Inotify { name },
        fd_type::TIMERFD => FdKind::TimerFd { name },
        fd_type::NETLINK => FdKind::Netlink { name },
        fd_type::BPF => FdKind::Bpf { name },
        fd_type::USERFAULTFD => FdKind::UserFaultFd { name },
        fd_type::IOURING => FdKind::IoUring { name },
        fd_type::MEMFD => FdKind::Memfd { name },
        fd_type::PIDFD => FdKind::Pidfd { name },
        _ => FdKind::Unsupported { name },
    }
}
