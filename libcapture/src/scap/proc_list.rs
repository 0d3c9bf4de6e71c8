//! Process list blocks (PL v1–v9): the threads alive at capture start.

use super::block_type;
use super::cursor::Cursor;
use super::error::{Error, ErrorKind};
use crate::meta::ThreadInfo;

/// A process-list block of any version.
#[derive(Debug, Clone)]
pub struct ProcList<'a> {
    version: u8,
    body: Cursor<'a>,
}

impl<'a> ProcList<'a> {
    /// Validates every entry once so that damage is reported where the block is met.
    pub(crate) fn parse(block_type: u32, body: Cursor<'a>) -> Result<Self, Error> {
        let version = block_type::proc_list_version(block_type).unwrap_or(9);
        let list = ProcList { version, body };
        for entry in list.entries() {
            entry?;
        }
        Ok(list)
    }

    /// The block version, 1–9.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The thread entries, in file order.
    pub fn entries(&self) -> ProcEntries<'a> {
        ProcEntries {
            version: self.version,
            cur: self.body.clone(),
            failed: false,
        }
    }
}

/// Iterator over the entries of a [`ProcList`].
#[derive(Debug, Clone)]
pub struct ProcEntries<'a> {
    version: u8,
    cur: Cursor<'a>,
    failed: bool,
}

impl<'a> Iterator for ProcEntries<'a> {
    type Item = Result<ProcEntry<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        // Fewer than 4 bytes left is block padding.
        if self.failed || self.cur.remaining() < 4 {
            return None;
        }
        let entry = ProcEntry::parse(self.version, &mut self.cur);
        self.failed = entry.is_err();
        Some(entry)
    }
}

/// Optional fields after `root` in a PL v9 entry (absent ones keep libscap's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcTail {
    /// Start of the pid namespace's init, ns relative to boot.
    pub pidns_init_start_ts: u64,
    /// Controlling terminal.
    pub tty: u32,
    /// Audit login uid, `u32::MAX` when unset.
    pub loginuid: u32,
    /// Executable writable by the thread's user.
    pub exe_writable: bool,
    /// Inheritable capabilities.
    pub cap_inheritable: u64,
    /// Permitted capabilities.
    pub cap_permitted: u64,
    /// Effective capabilities.
    pub cap_effective: u64,
    /// Executable in an overlayfs upper layer.
    pub exe_upper_layer: bool,
    /// Executable inode.
    pub exe_ino: u64,
    /// Executable inode ctime.
    pub exe_ino_ctime: u64,
    /// Executable inode mtime.
    pub exe_ino_mtime: u64,
    /// Executable loaded from a memfd.
    pub exe_from_memfd: bool,
    /// Executable in an overlayfs lower layer.
    pub exe_lower_layer: bool,
    /// Process group id, −1 when absent.
    pub pgid: i64,
}

impl Default for ProcTail {
    fn default() -> Self {
        ProcTail {
            pidns_init_start_ts: 0,
            tty: 0,
            loginuid: u32::MAX,
            exe_writable: false,
            cap_inheritable: 0,
            cap_permitted: 0,
            cap_effective: 0,
            exe_upper_layer: false,
            exe_ino: 0,
            exe_ino_ctime: 0,
            exe_ino_mtime: 0,
            exe_from_memfd: false,
            exe_lower_layer: false,
            pgid: -1,
        }
    }
}

/// Tails of at most this many bytes use the pre-2022 layout (loginuid first).
pub const LEGACY_TAIL_MAX: usize = 29;
/// Size of the complete modern tail.
pub const MODERN_TAIL_SIZE: usize = 76;

/// One thread of a process list, borrowing its strings from the block.
///
/// Strings are raw bytes without NUL; `args`, `env` and `cgroups` are
/// NUL-separated lists. Fields a version does not carry hold libscap's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcEntry<'a> {
    /// Thread id.
    pub tid: u64,
    /// Process id.
    pub pid: u64,
    /// Parent process id.
    pub ptid: u64,
    /// Session id (−1 before v6).
    pub sid: i64,
    /// Process group id in its pid namespace (−1 before v8).
    pub vpgid: i64,
    /// Command name.
    pub comm: &'a [u8],
    /// `argv[0]`.
    pub exe: &'a [u8],
    /// Executable path (empty before v7).
    pub exepath: &'a [u8],
    /// `argv[1..]`, NUL-separated.
    pub args: &'a [u8],
    /// Working directory.
    pub cwd: &'a [u8],
    /// Open-file limit.
    pub fdlimit: u64,
    /// `PPM_CL_*` flags.
    pub flags: u32,
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
    /// Virtual memory, KiB.
    pub vmsize_kb: u32,
    /// Resident memory, KiB.
    pub vmrss_kb: u32,
    /// Swapped memory, KiB.
    pub vmswap_kb: u32,
    /// Major page faults.
    pub pfmajor: u64,
    /// Minor page faults.
    pub pfminor: u64,
    /// Environment, NUL-separated.
    pub env: &'a [u8],
    /// Thread id in its pid namespace (−1 before v4).
    pub vtid: i64,
    /// Process id in its pid namespace (−1 before v4).
    pub vpid: i64,
    /// `subsys=path` entries, NUL-separated.
    pub cgroups: &'a [u8],
    /// Root directory.
    pub root: &'a [u8],
    /// The v9 optional fields.
    pub tail: ProcTail,
}

impl<'a> ProcEntry<'a> {
    fn parse(version: u8, outer: &mut Cursor<'a>) -> Result<Self, Error> {
        if version < 9 {
            return Self::parse_fields(version, outer);
        }
        let len_at = outer.clone();
        let entry_len = outer.u32("entry_len")?;
        let body_len = usize::try_from(entry_len)
            .ok()
            .and_then(|n| n.checked_sub(4))
            .filter(|&n| n <= outer.remaining())
            .ok_or_else(|| len_at.error(ErrorKind::BadEntryLength { length: entry_len }))?;
        let mut cur = outer.sub(body_len, "entry")?;
        let mut entry = Self::parse_fields(version, &mut cur)?;
        entry.tail = parse_tail(&mut cur);
        Ok(entry)
    }

    fn parse_fields(v: u8, cur: &mut Cursor<'a>) -> Result<Self, Error> {
        let tid = cur.u64("tid")?;
        let pid = cur.u64("pid")?;
        let ptid = cur.u64("ptid")?;
        let sid = if v >= 6 { cur.i64("sid")? } else { -1 };
        let vpgid = if v >= 8 { cur.i64("vpgid")? } else { -1 };
        let comm = cur.lstr16("comm")?;
        let exe = cur.lstr16("exe")?;
        let exepath = if v >= 7 { cur.lstr16("exepath")? } else { &[] };
        let args = cur.lstr16("args")?;
        let cwd = cur.lstr16("cwd")?;
        let fdlimit = cur.u64("fdlimit")?;
        let flags = cur.u32("flags")?;
        let uid = cur.u32("uid")?;
        let gid = cur.u32("gid")?;
        let mut e = ProcEntry {
            tid,
            pid,
            ptid,
            sid,
            vpgid,
            comm,
            exe,
            exepath,
            args,
            cwd,
            fdlimit,
            flags,
            uid,
            gid,
            vmsize_kb: 0,
            vmrss_kb: 0,
            vmswap_kb: 0,
            pfmajor: 0,
            pfminor: 0,
            env: &[],
            vtid: -1,
            vpid: -1,
            cgroups: &[],
            root: &[],
            tail: ProcTail::default(),
        };
        if v >= 2 {
            e.vmsize_kb = cur.u32("vmsize_kb")?;
            e.vmrss_kb = cur.u32("vmrss_kb")?;
            e.vmswap_kb = cur.u32("vmswap_kb")?;
            e.pfmajor = cur.u64("pfmajor")?;
            e.pfminor = cur.u64("pfminor")?;
        }
        if v >= 3 {
            e.env = cur.lstr16("env")?;
        }
        if v >= 4 {
            e.vtid = cur.i64("vtid")?;
            e.vpid = cur.i64("vpid")?;
            e.cgroups = cur.lstr16("cgroups")?;
        }
        if v >= 5 {
            e.root = cur.lstr16("root")?;
        }
        Ok(e)
    }

    /// The owned form (fds empty; they come from fd-list blocks).
    pub fn to_meta(&self) -> ThreadInfo {
        let t = &self.tail;
        ThreadInfo {
            tid: self.tid,
            pid: self.pid,
            ptid: self.ptid,
            sid: self.sid,
            vpgid: self.vpgid,
            pgid: t.pgid,
            comm: lossy(self.comm),
            exe: lossy(self.exe),
            exepath: lossy(self.exepath),
            args: split_nul(self.args),
            cwd: lossy(self.cwd),
            fdlimit: self.fdlimit,
            flags: self.flags,
            uid: self.uid,
            gid: self.gid,
            vmsize_kb: self.vmsize_kb,
            vmrss_kb: self.vmrss_kb,
            vmswap_kb: self.vmswap_kb,
            pfmajor: self.pfmajor,
            pfminor: self.pfminor,
            env: split_nul(self.env),
            vtid: self.vtid,
            vpid: self.vpid,
            cgroups: split_nul(self.cgroups)
                .into_iter()
                .map(|c| match c.split_once('=') {
                    Some((subsys, path)) => (subsys.to_owned(), path.to_owned()),
                    None => (c, String::new()),
                })
                .collect(),
            root: lossy(self.root),
            loginuid: t.loginuid,
            exe_writable: t.exe_writable,
            cap_inheritable: t.cap_inheritable,
            cap_permitted: t.cap_permitted,
            cap_effective: t.cap_effective,
            pidns_init_start_ts: t.pidns_init_start_ts,
            tty: t.tty,
            exe_upper_layer: t.exe_upper_layer,
            exe_lower_layer: t.exe_lower_layer,
            exe_from_memfd: t.exe_from_memfd,
            exe_ino: t.exe_ino,
            exe_ino_ctime: t.exe_ino_ctime,
            exe_ino_mtime: t.exe_ino_mtime,
            fds: Vec::new(),
        }
    }
}

/// Reads the optional v9 tail: each field only if it fits, the rest skipped.
/// A read that does not fit leaves the cursor alone and keeps the default.
fn parse_tail(cur: &mut Cursor<'_>) -> ProcTail {
    let d = ProcTail::default();
    let modern = cur.remaining() > LEGACY_TAIL_MAX;
    let mut t = d;
    if modern {
        t.pidns_init_start_ts = cur
            .u64("pidns_init_start_ts")
            .unwrap_or(d.pidns_init_start_ts);
        t.tty = cur.u32("tty").unwrap_or(d.tty);
    }
    t.loginuid = cur.u32("loginuid").unwrap_or(d.loginuid);
    t.exe_writable = cur.u8("exe_writable").is_ok_and(|b| b != 0);
    t.cap_inheritable = cur.u64("cap_inheritable").unwrap_or(0);
    t.cap_permitted = cur.u64("cap_permitted").unwrap_or(0);
    t.cap_effective = cur.u64("cap_effective").unwrap_or(0);
    if modern {
        t.exe_upper_layer = cur.u8("exe_upper_layer").is_ok_and(|b| b != 0);
        t.exe_ino = cur.u64("exe_ino").unwrap_or(0);
        t.exe_ino_ctime = cur.u64("exe_ino_ctime").unwrap_or(0);
        t.exe_ino_mtime = cur.u64("exe_ino_mtime").unwrap_or(0);
        t.exe_from_memfd = cur.u8("exe_from_memfd").is_ok_and(|b| b != 0);
        t.exe_lower_layer = cur.u8("exe_lower_layer").is_ok_and(|b| b != 0);
        t.pgid = cur.i64("pgid").unwrap_or(d.pgid);
    }
    // Fields appended by newer writers are skipped.
    cur.skip_up_to(cur.remaining());
    t
}

pub(crate) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Splits a NUL-separated list; a missing final NUL is tolerated.
pub(crate) fn split_nul(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    if bytes.is_empty() {
        return Vec::new();
    }
    bytes.split(|&b| b == 0).map(lossy).collect()
}
