//! Owned machine, process, fd, interface and user state carried by captures.
//!
//! These are the types the `/proc` scanner fills, the `.scap` writer
//! serialises into metadata blocks (MI, IL, UL, PL, FDL) and the `.scap`
//! reader collects those blocks into. Field meanings follow libscap's
//! `scap_threadinfo`, `scap_fdinfo`, `scap_ifinfo_*` and `scap_userinfo`.
//!
//! Strings are stored as UTF-8; bytes that are not valid UTF-8 in a capture
//! are replaced with U+FFFD when read.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Everything a capture says about the system before its first event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The machine the capture was taken on, if the capture says.
    pub machine: Option<MachineInfo>,
    /// Network interfaces with their addresses.
    pub interfaces: Vec<Interface>,
    /// Users known at capture start.
    pub users: Vec<UserInfo>,
    /// Groups known at capture start.
    pub groups: Vec<GroupInfo>,
    /// Threads alive at capture start, each with its open fds.
    pub threads: Vec<ThreadInfo>,
}

/// The machine a capture was taken on (the MI block).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MachineInfo {
    /// Online CPUs at capture time.
    pub num_cpus: u32,
    /// Physical memory in bytes.
    pub memory_size_bytes: u64,
    /// Highest pid (libscap writers leave 0).
    pub max_pid: u64,
    /// Host name (at most 127 bytes are stored in a capture).
    pub hostname: String,
    /// Host boot time in nanoseconds since the epoch; 0 when unknown.
    pub boot_ts_epoch: u64,
    /// Machine flags; no bits are defined yet.
    pub flags: u64,
}

/// One network interface address (one IL entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// Interface name, e.g. `eth0`.
    pub name: String,
    /// The address with netmask and broadcast address.
    pub addr: InterfaceAddr,
    /// Link speed; 0 when unknown (old captures do not store it).
    pub linkspeed: u64,
}

/// An interface address, IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterfaceAddr {
    /// An IPv4 address.
    V4 {
        /// Interface address.
        addr: Ipv4Addr,
        /// Netmask.
        netmask: Ipv4Addr,
        /// Broadcast address.
        broadcast: Ipv4Addr,
    },
    /// An IPv6 address.
    V6 {
        /// Interface address.
        addr: Ipv6Addr,
        /// Netmask.
        netmask: Ipv6Addr,
        /// Broadcast address.
        broadcast: Ipv6Addr,
    },
}

/// A user account (UL entry of kind user).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserInfo {
    /// User id.
    pub uid: u32,
    /// Primary group id.
    pub gid: u32,
    /// Login name.
    pub name: String,
    /// Home directory.
    pub homedir: String,
    /// Login shell.
    pub shell: String,
}

/// A group (UL entry of kind group).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupInfo {
    /// Group id.
    pub gid: u32,
    /// Group name.
    pub name: String,
}

/// A thread alive at capture start (one PL entry), with every PL v9 field.
///
/// [`ThreadInfo::default`] uses the values libscap assumes for fields an
/// older capture does not carry: `loginuid` unset (`u32::MAX`), `sid`,
/// `vpgid`, `pgid`, `vtid` and `vpid` −1, everything else 0/empty/false.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadInfo {
    /// Thread id (initial pid namespace).
    pub tid: u64,
    /// Process (thread group) id.
    pub pid: u64,
    /// Parent process id.
    pub ptid: u64,
    /// Session id, −1 when unknown.
    pub sid: i64,
    /// Process group id as seen in the process's pid namespace, −1 when unknown.
    pub vpgid: i64,
    /// Process group id, −1 when unknown.
    pub pgid: i64,
    /// Command name (`/proc/PID/comm`).
    pub comm: String,
    /// `argv[0]`.
    pub exe: String,
    /// Full path of the executable.
    pub exepath: String,
    /// `argv[1..]`.
    pub args: Vec<String>,
    /// Current working directory.
    pub cwd: String,
    /// Open-file limit.
    pub fdlimit: u64,
    /// `PPM_CL_*` thread flags.
    pub flags: u32,
    /// Effective user id.
    pub uid: u32,
    /// Effective group id.
    pub gid: u32,
    /// Virtual memory size in KiB.
    pub vmsize_kb: u32,
    /// Resident set size in KiB.
    pub vmrss_kb: u32,
    /// Swapped-out memory in KiB.
    pub vmswap_kb: u32,
    /// Major page faults.
    pub pfmajor: u64,
    /// Minor page faults.
    pub pfminor: u64,
    /// Environment, `KEY=VALUE` per entry.
    pub env: Vec<String>,
    /// Thread id in the thread's own pid namespace, −1 when unknown.
    pub vtid: i64,
    /// Process id in the thread's own pid namespace, −1 when unknown.
    pub vpid: i64,
    /// Cgroups as (subsystem, path) pairs.
    pub cgroups: Vec<(String, String)>,
    /// Root directory.
    pub root: String,
    /// Audit login uid, `u32::MAX` when unset.
    pub loginuid: u32,
    /// The executable is writable by the thread's user.
    pub exe_writable: bool,
    /// Inheritable capabilities (bit n = kernel capability n).
    pub cap_inheritable: u64,
    /// Permitted capabilities.
    pub cap_permitted: u64,
    /// Effective capabilities.
    pub cap_effective: u64,
    /// Start time of the pid namespace's init, ns relative to boot.
    pub pidns_init_start_ts: u64,
    /// Controlling terminal (device number), 0 when none.
    pub tty: u32,
    /// The executable lives in an overlayfs upper layer.
    pub exe_upper_layer: bool,
    /// The executable lives in an overlayfs lower layer.
    pub exe_lower_layer: bool,
    /// The executable was loaded from a memfd.
    pub exe_from_memfd: bool,
    /// Inode number of the executable.
    pub exe_ino: u64,
    /// ctime of the executable's inode, ns since the epoch.
    pub exe_ino_ctime: u64,
    /// mtime of the executable's inode, ns since the epoch.
    pub exe_ino_mtime: u64,
    /// Open file descriptors (usually only on the thread-group leader).
    pub fds: Vec<FdInfo>,
}

impl Default for ThreadInfo {
    fn default() -> Self {
        ThreadInfo {
            tid: 0,
            pid: 0,
            ptid: 0,
            sid: -1,
            vpgid: -1,
            pgid: -1,
            comm: String::new(),
            exe: String::new(),
            exepath: String::new(),
            args: Vec::new(),
            cwd: String::new(),
            fdlimit: 0,
            flags: 0,
            uid: 0,
            gid: 0,
            vmsize_kb: 0,
            vmrss_kb: 0,
            vmswap_kb: 0,
            pfmajor: 0,
            pfminor: 0,
            env: Vec::new(),
            vtid: -1,
            vpid: -1,
            cgroups: Vec::new(),
            root: String::new(),
            loginuid: u32::MAX,
            exe_writable: false,
            cap_inheritable: 0,
            cap_permitted: 0,
            cap_effective: 0,
            pidns_init_start_ts: 0,
            tty: 0,
            exe_upper_layer: false,
            exe_lower_layer: false,
            exe_from_memfd: false,
            exe_ino: 0,
            exe_ino_ctime: 0,
            exe_ino_mtime: 0,
            fds: Vec::new(),
        }
    }
}

/// One open file descriptor of a thread (one FDL entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FdInfo {
    /// The descriptor number.
    pub fd: i64,
    /// Inode number of the file behind it, 0 when unknown.
    pub ino: u64,
    /// What the descriptor refers to.
    pub kind: FdKind,
}

/// Layer-4 protocol numbers used by socket fds (`SCAP_L4_*`).
pub mod l4proto {
    /// Unknown protocol.
    pub const UNKNOWN: u8 = 0;
    /// Not applicable (e.g. unix sockets).
    pub const NA: u8 = 1;
    /// TCP.
    pub const TCP: u8 = 2;
    /// UDP.
    pub const UDP: u8 = 3;
    /// ICMP.
    pub const ICMP: u8 = 4;
    /// Raw socket.
    pub const RAW: u8 = 5;
}

/// What a file descriptor refers to, with the details a capture stores.
///
/// Ports are in host order; `l4proto` uses the [`l4proto`] numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FdKind {
    /// A regular file (FDL types FILE and FILE_V2).
    File {
        /// Path of the file.
        path: String,
        /// `PPM_O_*` open flags (0 when the capture does not say).
        open_flags: u32,
        /// Device number of the file system, 0 when unknown.
        dev: u32,
    },
    /// A directory.
    Directory {
        /// Path of the directory.
        path: String,
    },
    /// A connected IPv4 socket.
    Ipv4Socket {
        /// Source address.
        src_ip: Ipv4Addr,
        /// Destination address.
        dst_ip: Ipv4Addr,
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
        /// Layer-4 protocol.
        l4proto: u8,
    },
    /// A connected IPv6 socket.
    Ipv6Socket {
        /// Source address.
        src_ip: Ipv6Addr,
        /// Destination address.
        dst_ip: Ipv6Addr,
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
        /// Layer-4 protocol.
        l4proto: u8,
    },
    /// A listening IPv4 socket.
    Ipv4ServerSocket {
        /// Bound address.
        ip: Ipv4Addr,
        /// Bound port.
        port: u16,
        /// Layer-4 protocol.
        l4proto: u8,
    },
    /// A listening IPv6 socket.
    Ipv6ServerSocket {
        /// Bound address.
        ip: Ipv6Addr,
        /// Bound port.
        port: u16,
        /// Layer-4 protocol.
        l4proto: u8,
    },
    /// A unix-domain socket.
    UnixSocket {
        /// Kernel address of this endpoint.
        source: u64,
        /// Kernel address of the peer endpoint.
        dest: u64,
        /// Socket path, empty for unnamed sockets.
        path: String,
    },
    /// A pipe or FIFO.
    Fifo {
        /// Name, e.g. `pipe:[1234]`.
        name: String,
    },
    /// An eventfd.
    EventFd {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// A signalfd.
    SignalFd {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// An epoll instance.
    EventPoll {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// An inotify instance.
    Inotify {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// A timerfd.
    TimerFd {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// A netlink socket.
    Netlink {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// A BPF object (map, program, link).
    Bpf {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// A userfaultfd.
    UserFaultFd {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// An io_uring instance.
    IoUring {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// A memfd.
    Memfd {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// A pidfd.
    Pidfd {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
    /// Anything else the producer could name but not classify.
    Unsupported {
        /// Name as shown in `/proc/PID/fd`.
        name: String,
    },
}

impl FdKind {
    /// The path or name of the descriptor, if it has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            FdKind::File { path, .. }
            | FdKind::Directory { path }
            | FdKind::UnixSocket { path, .. } => Some(path),
            FdKind::Fifo { name }
            | FdKind::EventFd { name }
            | FdKind::SignalFd { name }
            | FdKind::EventPoll { name }
            | FdKind::Inotify { name }
            | FdKind::TimerFd { name }
            | FdKind::Netlink { name }
            | FdKind::Bpf { name }
            | FdKind::UserFaultFd { name }
            | FdKind::IoUring { name }
            | FdKind::Memfd { name }
            | FdKind::Pidfd { name }
            | FdKind::Unsupported { name } => Some(name),
            FdKind::Ipv4Socket { .. }
            | FdKind::Ipv6Socket { .. }
            | FdKind::Ipv4ServerSocket { .. }
            | FdKind::Ipv6ServerSocket { .. } => None,
        }
    }
}
