//! File descriptors: what each open fd of a process refers to.
//!
//! Mirrors libsinsp's `sinsp_fdinfo`: a type, a display name (a path, a
//! socket tuple such as `10.0.0.1:5000->10.0.0.2:80`, or a `pipe:[ino]`
//! style name), open flags, device and inode, and for sockets the
//! endpoints and the role (client or server) this side plays.

use std::fmt::Write;
use std::net::{IpAddr, Ipv6Addr};

use libcapture::meta::{FdInfo, FdKind};

use super::hash::FxHashMap;

/// What a descriptor refers to (libsinsp `scap_fd_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FdType {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// An IPv4 socket (connected or not yet known).
    Ipv4Socket,
    /// An IPv6 socket.
    Ipv6Socket,
    /// A listening IPv4 socket.
    Ipv4ServerSocket,
    /// A listening IPv6 socket.
    Ipv6ServerSocket,
    /// A pipe or FIFO.
    Fifo,
    /// A unix-domain socket.
    UnixSocket,
    /// An eventfd.
    Event,
    /// Something the producer could not classify.
    Unsupported,
    /// A signalfd.
    SignalFd,
    /// An epoll instance.
    EventPoll,
    /// An inotify instance.
    Inotify,
    /// A timerfd.
    TimerFd,
    /// A netlink socket.
    Netlink,
    /// A BPF object.
    Bpf,
    /// A userfaultfd.
    UserFaultFd,
    /// An io_uring instance.
    IoUring,
    /// A memfd.
    Memfd,
    /// A pidfd.
    Pidfd,
}

impl FdType {
    /// The one-character type libsinsp prints in `fd=3(<f>/etc/passwd)` and
    /// `fd.typechar`.
    pub fn type_char(self) -> char {
        match self {
            FdType::File => 'f',
            FdType::Directory => 'd',
            FdType::Ipv4Socket | FdType::Ipv4ServerSocket => '4',
            FdType::Ipv6Socket | FdType::Ipv6ServerSocket => '6',
            FdType::Fifo => 'p',
            FdType::UnixSocket | FdType::UserFaultFd => 'u',
            FdType::Event => 'e',
            FdType::Unsupported => 'o',
            FdType::SignalFd => 's',
            FdType::EventPoll => 'l',
            FdType::Inotify => 'i',
            FdType::TimerFd => 't',
            FdType::Netlink => 'n',
            FdType::Bpf => 'b',
            FdType::IoUring => 'r',
            FdType::Memfd => 'm',
            FdType::Pidfd => 'P',
        }
    }

    /// The name `fd.type` yields (`file`, `ipv4`, `unix`, ...).
    pub fn name(self) -> &'static str {
        match self {
            FdType::File => "file",
            FdType::Directory => "directory",
            FdType::Ipv4Socket | FdType::Ipv4ServerSocket => "ipv4",
            FdType::Ipv6Socket | FdType::Ipv6ServerSocket => "ipv6",
            FdType::Fifo => "pipe",
            FdType::UnixSocket => "unix",
            FdType::Event => "event",
            FdType::Unsupported => "unknown",
            FdType::SignalFd => "signalfd",
            FdType::EventPoll => "eventpoll",
            FdType::Inotify => "inotify",
            FdType::TimerFd => "timerfd",
            FdType::Netlink => "netlink",
            FdType::Bpf => "bpf",
            FdType::UserFaultFd => "userfaultfd",
            FdType::IoUring => "io_uring",
            FdType::Memfd => "memfd",
            FdType::Pidfd => "pidfd",
        }
    }

    /// Whether this is an IP socket (v4 or v6, connected or listening).
    pub fn is_ip_socket(self) -> bool {
        matches!(
            self,
            FdType::Ipv4Socket
                | FdType::Ipv6Socket
                | FdType::Ipv4ServerSocket
                | FdType::Ipv6ServerSocket
        )
    }
}

/// The addresses of a socket fd, as far as they are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Endpoints {
    /// Nothing known yet (a fresh socket, or not a socket).
    #[default]
    None,
    /// A connection: client side first, server side second (libsinsp's
    /// `sip/sport` and `dip/dport`, which is client -> server whatever side
    /// this process is on).
    Tuple {
        /// Client address.
        cip: IpAddr,
        /// Client port.
        cport: u16,
        /// Server address.
        sip: IpAddr,
        /// Server port.
        sport: u16,
    },
    /// A bound or listening socket.
    Server {
        /// Local address.
        ip: IpAddr,
        /// Local port.
        port: u16,
    },
    /// A unix-domain socket's kernel endpoints.
    Unix {
        /// This side's kernel address.
        source: u64,
        /// The peer's kernel address.
        dest: u64,
    },
}

/// Which side of a connection this fd is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// Not known (not a socket, or neither connected nor accepted).
    #[default]
    Unknown,
    /// The fd connected out (`connect`, or sent to a peer).
    Client,
    /// The fd was accepted or is listening.
    Server,
}

/// One open file descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fd {
    /// What it refers to.
    pub ty: FdType,
    /// Display name: path, socket tuple or kernel name.
    pub name: String,
    /// The path as the syscall passed it, before resolution (`fd.nameraw`).
    pub name_raw: String,
    /// `PPM_O_*` open flags.
    pub open_flags: u32,
    /// Device number of the file system, 0 when unknown.
    pub dev: u32,
    /// Inode number, 0 when unknown.
    pub ino: u64,
    /// Layer-4 protocol (`libcapture::meta::l4proto`).
    pub l4proto: u8,
    /// Socket addresses.
    pub endpoints: Endpoints,
    /// Client or server side.
    pub role: Role,
    /// The protocol a socket was created with; it becomes `l4proto` once
    /// the socket has addresses (sysdig shows it only from then on).
    pub pending_l4: u8,
}

/// `l4proto` values (`SCAP_L4_*`).
pub mod l4 {
    pub use libcapture::meta::l4proto::*;
}

/// Open flag bits needed by state and fields (`PPM_O_*`).
pub mod open_flags {
    /// Open for reading only (value, not a bit).
    pub const RDONLY: u32 = 1;
    /// Open for writing only.
    pub const WRONLY: u32 = 2;
    /// Open for reading and writing.
    pub const RDWR: u32 = 3;
    /// Create if missing.
    pub const CREAT: u32 = 4;
    /// Append.
    pub const APPEND: u32 = 8;
    /// Truncate.
    pub const TRUNC: u32 = 256;
    /// Directory.
    pub const DIRECTORY: u32 = 1024;
    /// Close on exec.
    pub const CLOEXEC: u32 = 4096;
    /// The file was created by this open.
    pub const F_CREATED: u32 = 16384;
    /// The file lives in an overlayfs upper layer.
    pub const FD_UPPER_LAYER: u32 = 1 << 15;
    /// The file lives in an overlayfs lower layer.
    pub const FD_LOWER_LAYER: u32 = 1 << 16;
}

impl Fd {
    /// An fd of type `ty` named `name`, everything else unknown.
    pub fn new(ty: FdType, name: impl Into<String>) -> Fd {
        Fd {
            ty,
            name: name.into(),
            name_raw: String::new(),
            open_flags: 0,
            dev: 0,
            ino: 0,
            l4proto: 0,
            endpoints: Endpoints::None,
            role: Role::Unknown,
            pending_l4: 0,
        }
    }

    /// A regular file or directory opened with `flags`.
    pub fn file(path: &str, raw: &str, flags: u32, dev: u32, ino: u64) -> Fd {
        let ty = if flags & open_flags::DIRECTORY != 0 {
            FdType::Directory
        } else {
            FdType::File
        };
        let mut fd = Fd::new(ty, path);
        fd.name_raw.push_str(raw);
        fd.open_flags = flags;
        fd.dev = dev;
        fd.ino = ino;
        fd
    }

    /// Builds the fd from a capture's fd-list entry.
    pub fn from_meta(info: &FdInfo) -> Fd {
        let mut fd = match &info.kind {
            FdKind::File {
                path,
                open_flags,
                dev,
            } => Fd::file(path, path, *open_flags, *dev, info.ino),
            FdKind::Directory { path } => Fd::new(FdType::Directory, path.as_str()),
            FdKind::Ipv4Socket {
                src_ip,
                dst_ip,
                src_port,
                dst_port,
                l4proto,
            } => Fd::tuple(
                IpAddr::V4(*src_ip),
                *src_port,
                IpAddr::V4(*dst_ip),
                *dst_port,
                *l4proto,
            ),
            FdKind::Ipv6Socket {
                src_ip,
                dst_ip,
                src_port,
                dst_port,
                l4proto,
            } => Fd::tuple(
                ipv6_or_mapped(*src_ip),
                *src_port,
                ipv6_or_mapped(*dst_ip),
                *dst_port,
                *l4proto,
            ),
            FdKind::Ipv4ServerSocket { ip, port, l4proto } => {
                Fd::server(IpAddr::V4(*ip), *port, *l4proto)
            }
            FdKind::Ipv6ServerSocket { ip, port, l4proto } => {
                Fd::server(IpAddr::V6(*ip), *port, *l4proto)
            }
            FdKind::UnixSocket { source, dest, path } => {
                let mut fd = Fd::new(FdType::UnixSocket, path.as_str());
                fd.endpoints = Endpoints::Unix {
                    source: *source,
                    dest: *dest,
                };
                fd
            }
            FdKind::Fifo { name } => Fd::new(FdType::Fifo, name.as_str()),
            FdKind::EventFd { name } => Fd::new(FdType::Event, name.as_str()),
            FdKind::SignalFd { name } => Fd::new(FdType::SignalFd, name.as_str()),
            FdKind::EventPoll { name } => Fd::new(FdType::EventPoll, name.as_str()),
            FdKind::Inotify { name } => Fd::new(FdType::Inotify, name.as_str()),
            FdKind::TimerFd { name } => Fd::new(FdType::TimerFd, name.as_str()),
            FdKind::Netlink { name } => Fd::new(FdType::Netlink, name.as_str()),
            FdKind::Bpf { name } => Fd::new(FdType::Bpf, name.as_str()),
            FdKind::UserFaultFd { name } => Fd::new(FdType::UserFaultFd, name.as_str()),
            FdKind::IoUring { name } => Fd::new(FdType::IoUring, name.as_str()),
            FdKind::Memfd { name } => Fd::new(FdType::Memfd, name.as_str()),
            FdKind::Pidfd { name } => Fd::new(FdType::Pidfd, name.as_str()),
            FdKind::Unsupported { name } => Fd::new(FdType::Unsupported, name.as_str()),
        };
        if fd.ino == 0 {
            fd.ino = info.ino;
        }
        fd
    }

    /// A connected IP socket, client side `c` and server side `s`.
    pub fn tuple(cip: IpAddr, cport: u16, sip: IpAddr, sport: u16, l4proto: u8) -> Fd {
        let ty = if cip.is_ipv4() {
            FdType::Ipv4Socket
        } else {
            FdType::Ipv6Socket
        };
        let mut fd = Fd::new(ty, String::new());
        fd.l4proto = l4proto;
        fd.set_tuple(cip, cport, sip, sport);
        fd
    }

    /// A listening IP socket.
    pub fn server(ip: IpAddr, port: u16, l4proto: u8) -> Fd {
        let ty = if ip.is_ipv4() {
            FdType::Ipv4ServerSocket
        } else {
            FdType::Ipv6ServerSocket
        };
        let mut fd = Fd::new(ty, String::new());
        fd.l4proto = l4proto;
        fd.role = Role::Server;
        fd.endpoints = Endpoints::Server { ip, port };
        write_endpoint(&mut fd.name, ip, port);
        fd
    }

    /// Records a connection and renames the fd `cip:cport->sip:sport`.
    pub fn set_tuple(&mut self, cip: IpAddr, cport: u16, sip: IpAddr, sport: u16) {
        self.endpoints = Endpoints::Tuple {
            cip,
            cport,
            sip,
            sport,
        };
        self.name.clear();
        write_endpoint(&mut self.name, cip, cport);
        self.name.push_str("->");
        write_endpoint(&mut self.name, sip, sport);
    }

    /// The one-character l4 protocol suffix libsinsp prints after the type
    /// char (`<4t>`), if any.
    pub fn l4_char(&self) -> Option<char> {
        if !self.ty.is_ip_socket() {
            return None;
        }
        match self.l4proto {
            l4::TCP => Some('t'),
            l4::UDP => Some('u'),
            l4::ICMP => Some('i'),
            l4::RAW => Some('r'),
            _ => None,
        }
    }

    /// Appends libsinsp's fd rendering `<TYPE[L4]>NAME` (the part inside
    /// the parentheses of `fd=3(<f>/etc/passwd)`).
    pub fn write_tag(&self, out: &mut String) {
        out.push('<');
        out.push(self.ty.type_char());
        if let Some(c) = self.l4_char() {
            out.push(c);
        }
        out.push('>');
        // sysdig shows unix sockets by type only.
        if self.ty != FdType::UnixSocket {
            out.push_str(&self.name);
        }
    }

    /// Whether the fd was opened for reading.
    pub fn is_readable(&self) -> bool {
        self.open_flags & open_flags::RDONLY != 0
    }

    /// Whether the fd was opened for writing.
    pub fn is_writable(&self) -> bool {
        self.open_flags & open_flags::WRONLY != 0
    }
}

/// Turns an IPv4-mapped IPv6 address into the IPv4 address, as libsinsp
/// shows such sockets.
fn ipv6_or_mapped(ip: Ipv6Addr) -> IpAddr {
    match ip.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(ip),
    }
}

/// Appends `ip:port` the way libsinsp does (no brackets around IPv6).
pub fn write_endpoint(out: &mut String, ip: IpAddr, port: u16) {
    let _ = write!(out, "{ip}:{port}");
}

/// A table of open fds (one per process, shared by its threads).
#[derive(Debug, Clone, Default)]
pub struct FdTable {
    fds: FxHashMap<i64, Fd>,
}

impl FdTable {
    /// Looks up `fd`.
    #[inline]
    pub fn get(&self, fd: i64) -> Option<&Fd> {
        self.fds.get(&fd)
    }

    /// Looks up `fd` for modification.
    #[inline]
    pub fn get_mut(&mut self, fd: i64) -> Option<&mut Fd> {
        self.fds.get_mut(&fd)
    }

    /// Adds or replaces `fd`.
    pub fn insert(&mut self, num: i64, fd: Fd) {
        self.fds.insert(num, fd);
    }

    /// Removes `fd`, returning it.
    pub fn remove(&mut self, num: i64) -> Option<Fd> {
        self.fds.remove(&num)
    }

    /// Number of open fds.
    pub fn len(&self) -> usize {
        self.fds.len()
    }

    /// Whether no fd is open.
    pub fn is_empty(&self) -> bool {
        self.fds.is_empty()
    }

    /// Removes every fd whose open flags include close-on-exec.
    pub fn close_on_exec(&mut self) {
        self.fds
            .retain(|_, fd| fd.open_flags & open_flags::CLOEXEC == 0);
    }

    /// Iterates the fds in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &Fd)> {
        self.fds.iter().map(|(k, v)| (*k, v))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn socket_tags_carry_type_and_protocol() {
        let fd = Fd::tuple(
            "127.0.0.1".parse().unwrap(),
            47192,
            "127.0.0.1".parse().unwrap(),
            80,
            l4::TCP,
        );
        let mut s = String::new();
        fd.write_tag(&mut s);
        assert_eq!(s, "<4t>127.0.0.1:47192->127.0.0.1:80");
        let srv = Fd::server("2001:db8::3".parse().unwrap(), 1234, l4::TCP);
        s.clear();
        srv.write_tag(&mut s);
        assert_eq!(s, "<6t>2001:db8::3:1234");
    }

    #[test]
    fn directory_flag_makes_a_directory_fd() {
        let fd = Fd::file(
            "/etc",
            "/etc",
            open_flags::DIRECTORY | open_flags::RDONLY,
            0,
            0,
        );
        assert_eq!(fd.ty, FdType::Directory);
        assert_eq!(fd.ty.type_char(), 'd');
    }

    #[test]
    fn exec_closes_cloexec_fds() {
        let mut t = FdTable::default();
        t.insert(3, Fd::file("/a", "/a", open_flags::CLOEXEC, 0, 0));
        t.insert(4, Fd::file("/b", "/b", open_flags::RDONLY, 0, 0));
        t.close_on_exec();
        assert!(t.get(3).is_none());
        assert_eq!(t.get(4).map(|f| f.name.as_str()), Some("/b"));
    }
}
