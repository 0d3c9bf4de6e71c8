//! Threads and processes: the libsinsp `sinsp_threadinfo` equivalent.

use libcapture::meta::ThreadInfo;

use super::container::container_id_from_cgroups;
use super::fd::{Fd, FdTable};

/// Thread flags (`PPM_CL_*`) the state machine reads.
pub mod clone_flags {
    /// Threads share the fd table.
    pub const CLONE_FILES: u32 = 1;
    /// Threads share cwd and root.
    pub const CLONE_FS: u32 = 2;
    /// The child is a thread of the caller's process.
    pub const CLONE_THREAD: u32 = 8192;
    /// The child shares the memory of the caller.
    pub const CLONE_VM: u32 = 1 << 15;
    /// New pid namespace.
    pub const CLONE_NEWPID: u32 = 64;
    /// The child runs in a pid namespace other than the initial one.
    pub const CHILD_IN_PIDNS: u32 = 1 << 29;
    /// vfork.
    pub const CLONE_VFORK: u32 = 1 << 27;
}

/// `PPM_EXE_*` bits of execve's `flags`.
pub mod exe_flags {
    /// The executable is writable by the caller.
    pub const WRITABLE: u32 = 1;
    /// The executable is in an overlayfs upper layer.
    pub const UPPER_LAYER: u32 = 2;
    /// The executable is a memfd.
    pub const FROM_MEMFD: u32 = 4;
    /// The executable is in an overlayfs lower layer.
    pub const LOWER_LAYER: u32 = 8;
}

/// One thread, with the process-wide facts copied in (as libsinsp does).
#[derive(Debug, Clone, Default)]
pub struct Thread {
    /// Thread id.
    pub tid: i64,
    /// Process id (thread-group leader's tid).
    pub pid: i64,
    /// Parent process id.
    pub ptid: i64,
    /// Session id.
    pub sid: i64,
    /// Process group id in the process's pid namespace.
    pub vpgid: i64,
    /// Process group id.
    pub pgid: i64,
    /// Thread id inside its pid namespace.
    pub vtid: i64,
    /// Process id inside its pid namespace.
    pub vpid: i64,
    /// Command name (`comm`).
    pub comm: String,
    /// `argv[0]`.
    pub exe: String,
    /// Full executable path.
    pub exepath: String,
    /// `argv[1..]`.
    pub args: Vec<String>,
    /// Environment entries.
    pub env: Vec<String>,
    /// Working directory, always ending in `/`.
    pub cwd: String,
    /// Root directory.
    pub root: String,
    /// `PPM_CL_*` flags.
    pub flags: u32,
    /// Effective uid.
    pub uid: u32,
    /// Effective gid.
    pub gid: u32,
    /// Audit login uid (`u32::MAX` when unset).
    pub loginuid: u32,
    /// Controlling terminal.
    pub tty: u32,
    /// Open-file limit.
    pub fdlimit: i64,
    /// Capability sets.
    pub cap_permitted: u64,
    /// Effective capabilities.
    pub cap_effective: u64,
    /// Inheritable capabilities.
    pub cap_inheritable: u64,
    /// `PPM_EXE_*` facts about the executable.
    pub exe_flags: u32,
    /// Executable inode.
    pub exe_ino: u64,
    /// Status-change time (ctime) of the executable's inode, ns since the
    /// epoch; 0 when unknown.
    pub exe_ino_ctime: u64,
    /// Modification time (mtime) of the executable's inode, ns since the
    /// epoch; 0 when unknown.
    pub exe_ino_mtime: u64,
    /// Start of the thread's pid namespace (its init's start), ns since the
    /// epoch; 0 when unknown.
    pub pidns_init_start_ts: u64,
    /// Cgroups as (subsystem, path).
    pub cgroups: Vec<(String, String)>,
    /// Container id (12 hex chars), empty on the host.
    pub container_id: String,
    /// Clone time in ns since the epoch, 0 when unknown.
    pub clone_ts: u64,
    /// Page faults and memory, as last reported.
    pub vm_size_kb: u32,
    /// Resident set size.
    pub vm_rss_kb: u32,
    /// Swap.
    pub vm_swap_kb: u32,
    /// The fd table (only meaningful on the thread that owns it).
    pub fds: FdTable,
    /// The thread has exited; it is removed once nothing refers to it.
    pub dead: bool,
    /// The entry was invented from an event of an unknown thread.
    pub incomplete: bool,
    /// The last enter event of this thread (raw bytes), kept until its exit.
    pub(crate) enter: EnterStore,
}

/// The last enter event of a thread, kept so its exit can use its params
/// (old captures put fds and paths only in the enter event).
#[derive(Debug, Clone, Default)]
pub(crate) struct EnterStore {
    /// Event code of the stored enter event; `u16::MAX` when none.
    pub code: u16,
    /// Raw event bytes; the buffer is reused between events.
    pub bytes: Vec<u8>,
    /// Whether `code` and `bytes` hold an event.
    pub valid: bool,
}

impl Thread {
    /// A thread known only by its ids (seen in an event, not in a snapshot).
    pub fn unknown(tid: i64) -> Thread {
        Thread {
            tid,
            pid: tid,
            ptid: -1,
            sid: -1,
            vpgid: -1,
            pgid: -1,
            vtid: -1,
            vpid: -1,
            uid: u32::MAX,
            gid: u32::MAX,
            loginuid: u32::MAX,
            incomplete: true,
            ..Thread::default()
        }
    }

    /// Builds a thread from a capture's process-list entry, with its fds.
    pub fn from_meta(info: &ThreadInfo) -> Thread {
        let mut exe_flags = 0;
        if info.exe_writable {
            exe_flags |= exe_flags::WRITABLE;
        }
        if info.exe_upper_layer {
            exe_flags |= exe_flags::UPPER_LAYER;
        }
        if info.exe_lower_layer {
            exe_flags |= exe_flags::LOWER_LAYER;
        }
        if info.exe_from_memfd {
            exe_flags |= exe_flags::FROM_MEMFD;
        }
        let mut fds = FdTable::default();
        for fd in &info.fds {
            fds.insert(fd.fd, Fd::from_meta(fd));
        }
        let container_id =
            container_id_from_cgroups(info.cgroups.iter().map(|(s, p)| (s.as_str(), p.as_str())))
                .unwrap_or_default();
        Thread {
            tid: info.tid as i64,
            pid: info.pid as i64,
            ptid: info.ptid as i64,
            sid: info.sid,
            vpgid: info.vpgid,
            pgid: info.pgid,
            vtid: info.vtid,
            vpid: info.vpid,
            comm: info.comm.clone(),
            exe: info.exe.clone(),
            exepath: info.exepath.clone(),
            args: info.args.clone(),
            env: info.env.clone(),
            cwd: with_trailing_slash(&info.cwd),
            root: info.root.clone(),
            flags: info.flags,
            uid: info.uid,
            gid: info.gid,
            loginuid: info.loginuid,
            tty: info.tty,
            fdlimit: info.fdlimit as i64,
            cap_permitted: info.cap_permitted,
            cap_effective: info.cap_effective,
            cap_inheritable: info.cap_inheritable,
            exe_flags,
            exe_ino: info.exe_ino,
            exe_ino_ctime: info.exe_ino_ctime,
            exe_ino_mtime: info.exe_ino_mtime,
            pidns_init_start_ts: info.pidns_init_start_ts,
            cgroups: info.cgroups.clone(),
            container_id,
            clone_ts: 0,
            vm_size_kb: info.vmsize_kb,
            vm_rss_kb: info.vmrss_kb,
            vm_swap_kb: info.vmswap_kb,
            fds,
            dead: false,
            incomplete: false,
            enter: EnterStore::default(),
        }
    }

    /// A copy of the thread's process facts, without its fds or stored
    /// enter event (the start of a clone's child).
    pub fn clone_process(&self) -> Thread {
        Thread {
            tid: self.tid,
            pid: self.pid,
            ptid: self.ptid,
            sid: self.sid,
            vpgid: self.vpgid,
            pgid: self.pgid,
            vtid: self.vtid,
            vpid: self.vpid,
            comm: self.comm.clone(),
            exe: self.exe.clone(),
            exepath: self.exepath.clone(),
            args: self.args.clone(),
            env: self.env.clone(),
            cwd: self.cwd.clone(),
            root: self.root.clone(),
            flags: self.flags,
            uid: self.uid,
            gid: self.gid,
            loginuid: self.loginuid,
            tty: self.tty,
            fdlimit: self.fdlimit,
            cap_permitted: self.cap_permitted,
            cap_effective: self.cap_effective,
            cap_inheritable: self.cap_inheritable,
            exe_flags: self.exe_flags,
            exe_ino: self.exe_ino,
            exe_ino_ctime: self.exe_ino_ctime,
            exe_ino_mtime: self.exe_ino_mtime,
            pidns_init_start_ts: self.pidns_init_start_ts,
            cgroups: self.cgroups.clone(),
            container_id: self.container_id.clone(),
            clone_ts: self.clone_ts,
            vm_size_kb: self.vm_size_kb,
            vm_rss_kb: self.vm_rss_kb,
            vm_swap_kb: self.vm_swap_kb,
            fds: FdTable::default(),
            dead: self.dead,
            incomplete: self.incomplete,
            enter: EnterStore::default(),
        }
    }

    /// Whether this thread is its process's main thread.
    pub fn is_main_thread(&self) -> bool {
        self.tid == self.pid
    }

    /// Whether this thread uses its process leader's fd table.
    pub fn shares_fds(&self) -> bool {
        self.tid != self.pid && self.flags & clone_flags::CLONE_FILES != 0
    }

    /// The command line: `exe` then the arguments, space separated.
    pub fn cmdline(&self, out: &mut String) {
        out.push_str(&self.comm);
        for a in &self.args {
            out.push(' ');
            out.push_str(a);
        }
    }

    /// Whether the executable was writable by the thread's user at exec time.
    pub fn exe_writable(&self) -> bool {
        self.exe_flags & exe_flags::WRITABLE != 0
    }
}

/// Returns `path` with exactly one trailing `/` (libsinsp keeps cwd so).
pub fn with_trailing_slash(path: &str) -> String {
    let mut s = String::with_capacity(path.len() + 1);
    s.push_str(path);
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}
