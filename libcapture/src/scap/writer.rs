//! Writing `.scap` files that sysdig 0.29.3 and current libs both read.
//!
//! Block versions follow spec §1.10: SHB 1.2 without options, MI (0x201),
//! IL_V2, UL_V2, PL_V9, one FDL_V2 per thread, EV_V2 events (EVF_V2 when
//! the dump flags are non-zero, the `_LARGE` variants for large-payload
//! events and blocks over 64 KiB). Events are copied byte for byte.

use std::io::{self, Write};

use driver::EventRef;
use flate2::write::GzEncoder;
use flate2::Compression;

use super::block_type as bt;
use super::fd_list::fd_type;
use super::interface_list::{IF_IPV4, IF_IPV6};
use super::machine_info::{HOSTNAME_SIZE, MACHINE_INFO_SIZE};
use super::section_header::BYTE_ORDER_MAGIC;
use super::unknown::UnknownBlock;
use crate::meta::{
    FdInfo, FdKind, GroupInfo, Interface, InterfaceAddr, MachineInfo, Snapshot, ThreadInfo,
    UserInfo,
};

/// Longest comm/exe/exepath/cwd/root libscap accepts (`SCAP_MAX_PATH_SIZE`).
const MAX_PATH: usize = 1024;
/// Longest args/env/cgroups list libscap accepts.
const MAX_ARGS: usize = 4096;
/// Longest user-list string libscap accepts (it requires `< 256`).
const MAX_CRED: usize = 255;
/// Longest fd or interface name libscap accepts (it requires `< 1024`).
const MAX_NAME: usize = 1023;
/// Non-LARGE event blocks may hold at most this many bytes after the block header.
const MAX_SMALL_BLOCK: usize = 65_536;

/// Choices a writer makes where sysdig 0.29.3 and current libs disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterOptions {
    /// Gzip the whole stream.
    pub gzip: bool,
    /// Write the 29-byte pre-2022 PL tail (loginuid, exe_writable,
    /// capabilities) instead of the 76-byte modern one. sysdig 0.29.3 then
    /// shows the right `loginuid`, but tty, pidns start, exe inode/times,
    /// layers, memfd and pgid are not stored. Default: modern tail.
    pub legacy_proc_tail: bool,
    /// Write fd types unknown to sysdig 0.29.3 (bpf, userfaultfd, io_uring,
    /// memfd, pidfd), which make it abort, as "unsupported". Default: true.
    pub legacy_fd_types: bool,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            gzip: false,
            legacy_proc_tail: false,
            legacy_fd_types: true,
        }
    }
}

enum Sink<W: Write> {
    Plain(W),
    Gzip(GzEncoder<W>),
}

impl<W: Write> Sink<W> {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(bytes),
            Sink::Gzip(w) => w.write_all(bytes),
        }
    }
}

/// Writes one `.scap` section: the section header on creation, then
/// metadata, then events.
///
/// Readers require metadata before the first event and at least one event
/// per section.
///
/// ```
/// use libcapture::meta::{MachineInfo, Snapshot};
/// use libcapture::scap::{Block, ScapFile, Writer};
///
/// let mut event = Vec::new();
/// driver::EventBuilder::new(driver::EventCode(1), 1_700_000_000, 42) // GENERIC_X
///     .syscall_id(5)
///     .u16(2)
///     .finish(&mut event)
///     .unwrap();
///
/// let mut writer = Writer::new(Vec::new())?;
/// writer.write_snapshot(&Snapshot {
///     machine: Some(MachineInfo { num_cpus: 2, hostname: "box".into(), ..Default::default() }),
///     ..Default::default()
/// })?;
/// writer.write_event_bytes(0, 0, &event)?;
/// let file = ScapFile::from_bytes(writer.finish()?);
///
/// let events: Vec<_> = file
///     .blocks()
///     .filter_map(|b| match b { Ok(Block::Event(e)) => Some(e), _ => None })
///     .collect();
/// assert_eq!(events[0].event.tid(), 42);
/// assert_eq!(file.snapshot()?.machine.unwrap().hostname, "box");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Writer<W: Write> {
    sink: Sink<W>,
    options: WriterOptions,
    block: Vec<u8>,
    written: u64,
}

impl<W: Write> Writer<W> {
    /// Starts an uncompressed file with default options.
    pub fn new(out: W) -> io::Result<Self> {
        Self::with_options(out, WriterOptions::default())
    }

    /// Starts a gzip-compressed file with default options otherwise.
    pub fn gzip(out: W) -> io::Result<Self> {
        Self::with_options(
            out,
            WriterOptions {
                gzip: true,
                ..WriterOptions::default()
            },
        )
    }

    /// Starts a file with explicit options and writes its section header.
    pub fn with_options(out: W, options: WriterOptions) -> io::Result<Self> {
        let sink = if options.gzip {
            Sink::Gzip(GzEncoder::new(out, Compression::default()))
        } else {
            Sink::Plain(out)
        };
        let mut writer = Writer {
            sink,
            options,
            block: Vec::with_capacity(4096),
            written: 0,
        };
        writer.write_section_header()?;
        Ok(writer)
    }

    /// Bytes of block stream written so far (before compression).
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// Starts a new section (as `cat a.scap b.scap` would); metadata may follow.
    pub fn write_section_header(&mut self) -> io::Result<()> {
        self.begin(bt::SECTION_HEADER);
        self.put(&BYTE_ORDER_MAGIC.to_le_bytes());
        self.put(&1u16.to_le_bytes());
        self.put(&2u16.to_le_bytes());
        self.put(&(-1i64).to_le_bytes());
        self.end()
    }

    /// Writes every part of `snapshot` that is present: MI, IL, UL, PL and
    /// one FDL per thread that has fds.
    pub fn write_snapshot(&mut self, snapshot: &Snapshot) -> io::Result<()> {
        if let Some(machine) = &snapshot.machine {
            self.write_machine_info(machine)?;
        }
        if !snapshot.interfaces.is_empty() {
            self.write_interfaces(&snapshot.interfaces)?;
        }
        if !snapshot.users.is_empty() || !snapshot.groups.is_empty() {
            self.write_users(&snapshot.users, &snapshot.groups)?;
        }
        if !snapshot.threads.is_empty() {
            self.write_threads(&snapshot.threads)?;
        }
        Ok(())
    }

    /// Writes a machine-info block.
    pub fn write_machine_info(&mut self, machine: &MachineInfo) -> io::Result<()> {
        self.begin(bt::MACHINE_INFO);
        self.put(&machine.num_cpus.to_le_bytes());
        self.put(&machine.memory_size_bytes.to_le_bytes());
        self.put(&machine.max_pid.to_le_bytes());
        let mut hostname = [0u8; HOSTNAME_SIZE];
        let name = truncated(machine.hostname.as_bytes(), HOSTNAME_SIZE - 1);
        hostname[..name.len()].copy_from_slice(name);
        self.put(&hostname);
        self.put(&machine.boot_ts_epoch.to_le_bytes());
        self.put(&machine.flags.to_le_bytes());
        self.put(&[0u8; 16]);
        debug_assert_eq!(self.block.len(), 8 + MACHINE_INFO_SIZE);
        self.end()
    }

    /// Writes an IL_V2 block: IPv4 entries first, then IPv6, as libscap does.
    pub fn write_interfaces(&mut self, interfaces: &[Interface]) -> io::Result<()> {
        self.begin(bt::INTERFACE_LIST_V2);
        let v4 = interfaces
            .iter()
            .filter(|i| matches!(i.addr, InterfaceAddr::V4 { .. }));
        let v6 = interfaces
            .iter()
            .filter(|i| matches!(i.addr, InterfaceAddr::V6 { .. }));
        for iface in v4.chain(v6) {
            self.interface_entry(iface);
        }
        self.end()
    }

    fn interface_entry(&mut self, iface: &Interface) {
        let name = truncated(iface.name.as_bytes(), MAX_NAME);
        let at = self.block.len();
        // IL_V2's entry length excludes itself; patched below.
        self.put(&0u32.to_le_bytes());
        match iface.addr {
            InterfaceAddr::V4 {
                addr,
                netmask,
                broadcast,
            } => {
                self.put(&IF_IPV4.to_le_bytes());
                self.put(&len16(name).to_le_bytes());
                self.put(&addr.octets());
                self.put(&netmask.octets());
                self.put(&broadcast.octets());
            }
            InterfaceAddr::V6 {
                addr,
                netmask,
                broadcast,
            } => {
                self.put(&IF_IPV6.to_le_bytes());
                self.put(&len16(name).to_le_bytes());
                self.put(&addr.octets());
                self.put(&netmask.octets());
                self.put(&broadcast.octets());
            }
        }
        self.put(&iface.linkspeed.to_le_bytes());
        self.put(name);
        self.patch_len(at, at + 4);
    }

    /// Writes a UL_V2 block: users first, then groups.
    pub fn write_users(&mut self, users: &[UserInfo], groups: &[GroupInfo]) -> io::Result<()> {
        self.begin(bt::USER_LIST_V2);
        for user in users {
            let at = self.entry_start();
            self.put(&[0u8]);
            self.put(&user.uid.to_le_bytes());
            self.put(&user.gid.to_le_bytes());
            self.lstr16(user.name.as_bytes(), MAX_CRED);
            self.lstr16(user.homedir.as_bytes(), MAX_CRED);
            self.lstr16(user.shell.as_bytes(), MAX_CRED);
            self.patch_len(at, at);
        }
        for group in groups {
            let at = self.entry_start();
            self.put(&[1u8]);
            self.put(&group.gid.to_le_bytes());
            self.lstr16(group.name.as_bytes(), MAX_CRED);
            self.patch_len(at, at);
        }
        self.end()
    }

    /// Writes one PL_V9 block with every thread, then an FDL_V2 block for
    /// each thread that has fds.
    pub fn write_threads(&mut self, threads: &[ThreadInfo]) -> io::Result<()> {
        self.begin(bt::PROC_LIST_V9);
        for thread in threads {
            self.thread_entry(thread);
        }
        self.end()?;
        for thread in threads.iter().filter(|t| !t.fds.is_empty()) {
            self.write_fds(thread.tid, &thread.fds)?;
        }
        Ok(())
    }

    fn thread_entry(&mut self, t: &ThreadInfo) {
        let at = self.entry_start();
        for v in [t.tid, t.pid, t.ptid] {
            self.put(&v.to_le_bytes());
        }
        self.put(&t.sid.to_le_bytes());
        self.put(&t.vpgid.to_le_bytes());
        self.lstr16(t.comm.as_bytes(), MAX_PATH);
        self.lstr16(t.exe.as_bytes(), MAX_PATH);
        self.lstr16(t.exepath.as_bytes(), MAX_PATH);
        self.lstr16(&nul_list(t.args.iter().map(String::as_str)), MAX_ARGS);
        self.lstr16(t.cwd.as_bytes(), MAX_PATH);
        self.put(&t.fdlimit.to_le_bytes());
        for v in [t.flags, t.uid, t.gid, t.vmsize_kb, t.vmrss_kb, t.vmswap_kb] {
            self.put(&v.to_le_bytes());
        }
        self.put(&t.pfmajor.to_le_bytes());
        self.put(&t.pfminor.to_le_bytes());
        self.lstr16(&nul_list(t.env.iter().map(String::as_str)), MAX_ARGS);
        self.put(&t.vtid.to_le_bytes());
        self.put(&t.vpid.to_le_bytes());
        let cgroups: Vec<String> = t.cgroups.iter().map(|(s, p)| format!("{s}={p}")).collect();
        self.lstr16(&nul_list(cgroups.iter().map(String::as_str)), MAX_ARGS);
        self.lstr16(t.root.as_bytes(), MAX_PATH);
        if self.options.legacy_proc_tail {
            self.legacy_tail(t);
        } else {
            self.modern_tail(t);
        }
        self.patch_len(at, at);
    }

    fn legacy_tail(&mut self, t: &ThreadInfo) {
        self.put(&t.loginuid.to_le_bytes());
        self.put(&[u8::from(t.exe_writable)]);
        for cap in [t.cap_inheritable, t.cap_permitted, t.cap_effective] {
            self.put(&cap.to_le_bytes());
        }
    }

    fn modern_tail(&mut self, t: &ThreadInfo) {
        self.put(&t.pidns_init_start_ts.to_le_bytes());
        self.put(&t.tty.to_le_bytes());
        self.legacy_tail(t);
        self.put(&[u8::from(t.exe_upper_layer)]);
        for v in [t.exe_ino, t.exe_ino_ctime, t.exe_ino_mtime] {
            self.put(&v.to_le_bytes());
        }
        self.put(&[u8::from(t.exe_from_memfd), u8::from(t.exe_lower_layer)]);
        self.put(&t.pgid.to_le_bytes());
    }

    /// Writes an FDL_V2 block for thread `tid`.
    pub fn write_fds(&mut self, tid: u64, fds: &[FdInfo]) -> io::Result<()> {
        self.begin(bt::FD_LIST_V2);
        self.put(&tid.to_le_bytes());
        for fd in fds {
            self.fd_entry(fd);
        }
        self.end()
    }

    fn fd_entry(&mut self, fd: &FdInfo) {
        let at = self.entry_start();
        self.put(&fd.fd.to_le_bytes());
        self.put(&fd.ino.to_le_bytes());
        match &fd.kind {
            FdKind::File {
                path,
                open_flags,
                dev,
            } => {
                self.put(&[fd_type::FILE_V2]);
                self.put(&open_flags.to_le_bytes());
                self.lstr16(path.as_bytes(), MAX_NAME);
                self.put(&dev.to_le_bytes());
            }
            FdKind::Ipv4Socket {
                src_ip,
                dst_ip,
                src_port,
                dst_port,
                l4proto,
            } => {
                self.put(&[fd_type::IPV4_SOCK]);
                self.put(&src_ip.octets());
                self.put(&dst_ip.octets());
                self.put(&src_port.to_le_bytes());
                self.put(&dst_port.to_le_bytes());
                self.put(&[*l4proto]);
            }
            FdKind::Ipv6Socket {
                src_ip,
                dst_ip,
                src_port,
                dst_port,
                l4proto,
            } => {
                self.put(&[fd_type::IPV6_SOCK]);
                self.put(&src_ip.octets());
                self.put(&dst_ip.octets());
                self.put(&src_port.to_le_bytes());
                self.put(&dst_port.to_le_bytes());
                self.put(&[*l4proto]);
            }
            FdKind::Ipv4ServerSocket { ip, port, l4proto } => {
                self.put(&[fd_type::IPV4_SERVSOCK]);
                self.put(&ip.octets());
                self.put(&port.to_le_bytes());
                self.put(&[*l4proto]);
            }
            FdKind::Ipv6ServerSocket { ip, port, l4proto } => {
                self.put(&[fd_type::IPV6_SERVSOCK]);
                self.put(&ip.octets());
                self.put(&port.to_le_bytes());
                self.put(&[*l4proto]);
            }
            FdKind::UnixSocket { source, dest, path } => {
                self.put(&[fd_type::UNIX_SOCK]);
                self.put(&source.to_le_bytes());
                self.put(&dest.to_le_bytes());
                self.lstr16(path.as_bytes(), MAX_NAME);
            }
            other => {
                let name = other.name().unwrap_or_default();
                self.put(&[self.named_fd_type(other)]);
                self.lstr16(name.as_bytes(), MAX_NAME);
            }
        }
        self.patch_len(at, at);
    }

    fn named_fd_type(&self, kind: &FdKind) -> u8 {
        let t = match kind {
            FdKind::Directory { .. } => fd_type::DIRECTORY,
            FdKind::Fifo { .. } => fd_type::FIFO,
            FdKind::EventFd { .. } => fd_type::EVENT,
            FdKind::SignalFd { .. } => fd_type::SIGNALFD,
            FdKind::EventPoll { .. } => fd_type::EVENTPOLL,
            FdKind::Inotify { .. } => fd_type::INOTIFY,
            FdKind::TimerFd { .. } => fd_type::TIMERFD,
            FdKind::Netlink { .. } => fd_type::NETLINK,
            FdKind::Bpf { .. } => fd_type::BPF,
            FdKind::UserFaultFd { .. } => fd_type::USERFAULTFD,
            FdKind::IoUring { .. } => fd_type::IOURING,
            FdKind::Memfd { .. } => fd_type::MEMFD,
            FdKind::Pidfd { .. } => fd_type::PIDFD,
            _ => fd_type::UNSUPPORTED,
        };
        if self.options.legacy_fd_types && t > fd_type::FILE_V2 {
            fd_type::UNSUPPORTED
        } else {
            t
        }
    }

    /// Copies one event into an event block.
    ///
    /// `cpu` is the device index the event came from; non-zero `flags`
    /// (e.g. [`FLAG_STATE_ONLY`](super::FLAG_STATE_ONLY)) select an EVF block.
    pub fn write_event(&mut self, cpu: u16, flags: u32, event: &EventRef<'_>) -> io::Result<()> {
        let bytes = event.as_bytes();
        let body = 2 + if flags != 0 { 4 } else { 0 } + bytes.len();
        let large = event.info().is_some_and(|i| i.large_payload())
            || ((body + 3) & !3) + 4 > MAX_SMALL_BLOCK;
        let block_type = match (flags != 0, large) {
            (false, false) => bt::EVENT_V2,
            (true, false) => bt::EVENT_FLAGS_V2,
            (false, true) => bt::EVENT_V2_LARGE,
            (true, true) => bt::EVENT_FLAGS_V2_LARGE,
        };
        self.begin(block_type);
        self.put(&cpu.to_le_bytes());
        if flags != 0 {
            self.put(&flags.to_le_bytes());
        }
        self.put(bytes);
        self.end()
    }

    /// Validates `bytes` as one event (26-byte header layout) and copies it.
    pub fn write_event_bytes(&mut self, cpu: u16, flags: u32, bytes: &[u8]) -> io::Result<()> {
        let event = EventRef::parse(bytes)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        self.write_event(cpu, flags, &event)
    }

    /// Copies a block this crate does not know (readers skip unknown
    /// metadata blocks), so that such blocks survive a rewrite.
    pub fn write_unknown(&mut self, block: &UnknownBlock<'_>) -> io::Result<()> {
        self.begin(block.block_type);
        self.put(block.body);
        self.end()
    }

    /// Flushes compression and returns the underlying writer.
    pub fn finish(self) -> io::Result<W> {
        match self.sink {
            Sink::Plain(mut w) => {
                w.flush()?;
                Ok(w)
            }
            Sink::Gzip(w) => w.finish(),
        }
    }

    fn begin(&mut self, block_type: u32) {
        self.block.clear();
        self.put(&block_type.to_le_bytes());
        self.put(&0u32.to_le_bytes());
    }

    fn put(&mut self, bytes: &[u8]) {
        self.block.extend_from_slice(bytes);
    }

    /// Pads, sets both block lengths and writes the block.
    fn end(&mut self) -> io::Result<()> {
        while self.block.len() & 3 != 0 {
            self.block.push(0);
        }
        let total = self.block.len() + 4;
        let total32 = u32::try_from(total)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "block exceeds 4 GiB"))?;
        self.block[4..8].copy_from_slice(&total32.to_le_bytes());
        self.block.extend_from_slice(&total32.to_le_bytes());
        self.sink.write_all(&self.block)?;
        self.written += total as u64;
        Ok(())
    }

    fn entry_start(&mut self) -> usize {
        let at = self.block.len();
        self.put(&0u32.to_le_bytes());
        at
    }

    /// Stores at `at` the number of bytes from `from` to the end of the block.
    fn patch_len(&mut self, at: usize, from: usize) {
        let len = u32::try_from(self.block.len() - from).unwrap_or(u32::MAX);
        self.block[at..at + 4].copy_from_slice(&len.to_le_bytes());
    }

    fn lstr16(&mut self, bytes: &[u8], max: usize) {
        let bytes = truncated(bytes, max);
        self.put(&len16(bytes).to_le_bytes());
        self.put(bytes);
    }
}

fn truncated(bytes: &[u8], max: usize) -> &[u8] {
    &bytes[..bytes.len().min(max)]
}

fn len16(bytes: &[u8]) -> u16 {
    u16::try_from(bytes.len()).unwrap_or(u16::MAX)
}

/// `"a\0b\0"` from `["a", "b"]`.
fn nul_list<'s>(items: impl Iterator<Item = &'s str>) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        out.extend_from_slice(item.as_bytes());
        out.push(0);
    }
    out
}
