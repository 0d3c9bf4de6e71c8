//! Process facts the clone and execve events carry, read from `/proc`
//! (the kernel probes read them from `task_struct`).

use std::fs;
use std::os::unix::fs::MetadataExt;

/// What `/proc/<tid>` says about a thread, for the clone/execve parameters.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProcInfo {
    pub(crate) exe: Vec<u8>,
    pub(crate) args: Vec<u8>,
    pub(crate) tid: i64,
    pub(crate) pid: i64,
    pub(crate) ptid: i64,
    pub(crate) cwd: Vec<u8>,
    pub(crate) fdlimit: u64,
    pub(crate) pgft_maj: u64,
    pub(crate) pgft_min: u64,
    pub(crate) vm_size: u32,
    pub(crate) vm_rss: u32,
    pub(crate) vm_swap: u32,
    pub(crate) comm: Vec<u8>,
    pub(crate) cgroups: Vec<u8>,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    pub(crate) vtid: i64,
    pub(crate) vpid: i64,
    pub(crate) pgid: i64,
    pub(crate) loginuid: u32,
    pub(crate) caps: [u64; 3],
    pub(crate) tty: u32,
    pub(crate) fsuid: u32,
    pub(crate) fsgid: u32,
}

/// Bytes of argv/env kept, as the probes' `MAX_ARGS_BYTES`.
pub(crate) const MAX_ARGS_BYTES: usize = 4096;

/// Controllers named in the cgroups parameter, each with the unified path.
const CGROUP_CONTROLLERS: &[&str] = &[
    "cpuset", "cpu", "cpuacct", "io", "memory", "devices", "freezer", "pids",
];

impl ProcInfo {
    /// Reads thread `tid`; missing files leave defaults (the thread may be gone).
    pub(crate) fn read(tid: i32) -> ProcInfo {
        let dir = format!("/proc/{tid}");
        let mut info = ProcInfo {
            tid: i64::from(tid),
            pid: i64::from(tid),
            vtid: i64::from(tid),
            vpid: i64::from(tid),
            ..ProcInfo::default()
        };
        if let Ok(cmdline) = fs::read(format!("{dir}/cmdline")) {
            let cut = &cmdline[..cmdline.len().min(MAX_ARGS_BYTES)];
            let split = cut.iter().position(|&b| b == 0).unwrap_or(cut.len());
            info.exe = cut[..split].to_vec();
            info.args = cut.get(split + 1..).unwrap_or_default().to_vec();
        }
        info.comm = fs::read(format!("{dir}/comm")).unwrap_or_default();
        if info.comm.last() == Some(&b'\n') {
            info.comm.pop();
        }
        if info.exe.is_empty() {
            info.exe = info.comm.clone();
        }
        info.cwd = fs::read_link(format!("{dir}/cwd"))
            .map(|p| p.into_os_string().into_encoded_bytes())
            .unwrap_or_default();
        if let Ok(status) = fs::read_to_string(format!("{dir}/status")) {
            info.read_status(&status);
        }
        if let Ok(stat) = fs::read_to_string(format!("{dir}/stat")) {
            info.read_stat(&stat);
        }
        info.fdlimit = fs::read_to_string(format!("{dir}/limits"))
            .ok()
            .and_then(|l| open_files_limit(&l))
            .unwrap_or(0);
        info.loginuid = fs::read_to_string(format!("{dir}/loginuid"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(u32::MAX);
        if let Ok(cg) = fs::read_to_string(format!("{dir}/cgroup")) {
            info.cgroups = cgroups_param(&cg);
        }
        info
    }

    fn read_status(&mut self, status: &str) {
        for line in status.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            let first = || {
                value
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<i64>().ok())
            };
            let last = || {
                value
                    .split_whitespace()
                    .last()
                    .and_then(|v| v.parse::<i64>().ok())
            };
            let kb = || {
                value
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(0)
            };
            let hex = || u64::from_str_radix(value, 16).unwrap_or(0);
            match key {
                "Tgid" => self.pid = first().unwrap_or(self.pid),
                "PPid" => self.ptid = first().unwrap_or(0),
                // Real, effective, saved and filesystem ids.
                "Uid" => (self.uid, self.fsuid) = (nth(value, 1), nth(value, 3)),
                "Gid" => (self.gid, self.fsgid) = (nth(value, 1), nth(value, 3)),
                "NSpid" => self.vtid = last().unwrap_or(self.vtid),
                "NStgid" => self.vpid = last().unwrap_or(self.vpid),
                "VmSize" => self.vm_size = kb(),
                "VmRSS" => self.vm_rss = kb(),
                "VmSwap" => self.vm_swap = kb(),
                "CapInh" => self.caps[0] = hex(),
                "CapPrm" => self.caps[1] = hex(),
                "CapEff" => self.caps[2] = hex(),
                _ => {}
            }
        }
    }

    /// `/proc/<tid>/stat`: fields after the `)` of comm.
    fn read_stat(&mut self, stat: &str) {
        let Some(close) = stat.rfind(')') else { return };
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        // fields[0] is field 3 (state): pgrp = 5, tty_nr = 7, minflt = 10, majflt = 12.
        let at = |n: usize| {
            fields
                .get(n - 3)
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        };
        self.pgid = at(5);
        self.tty = at(7) as u32;
        self.pgft_min = at(10) as u64;
        self.pgft_maj = at(12) as u64;
    }
}

fn open_files_limit(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line["Max open files".len()..].split_whitespace().next()?;
    Some(if soft == "unlimited" {
        u64::MAX
    } else {
        soft.parse().ok()?
    })
}

/// `"cpuset=/path\0cpu=/path\0…"`: the unified-hierarchy path (`0::/path`)
/// for each controller the probes name; without a unified line (cgroup v1
/// only), one entry per controller of each `id:controllers:path` line.
fn cgroups_param(cgroup: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut push = |name: &str, path: &str| {
        out.extend_from_slice(format!("{name}={path}").as_bytes());
        out.push(0);
    };
    if let Some(path) = cgroup.lines().find_map(|l| l.strip_prefix("0::")) {
        for name in CGROUP_CONTROLLERS {
            push(name, path);
        }
        return out;
    }
    for line in cgroup.lines() {
        let mut parts = line.splitn(3, ':');
        if let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        {
            for name in controllers.split(',').filter(|c| !c.is_empty()) {
                push(name, path);
            }
        }
    }
    out
}

/// `(vm_size, vm_rss, vm_swap)` in KiB of process `pid`.
pub(crate) fn vm_sizes(pid: i32) -> (u32, u32, u32) {
    let mut info = ProcInfo::default();
    if let Ok(status) = fs::read_to_string(format!("/proc/{pid}/status")) {
        info.read_status(&status);
    }
    (info.vm_size, info.vm_rss, info.vm_swap)
}

/// The capability sets of thread `tid` (inheritable, permitted, effective)
/// in the kernel's bit layout, as `/proc/<tid>/status` shows them.
pub(crate) fn caps(tid: i32) -> [u64; 3] {
    let mut info = ProcInfo::default();
    if let Ok(status) = fs::read_to_string(format!("/proc/{tid}/status")) {
        info.read_status(&status);
    }
    info.caps
}

/// `(dev, ino)` of the file behind fd `fd` of process `pid`, with `dev` in
/// the kernel's internal encoding (`major << 20 | minor`) as the probes
/// report it.
pub(crate) fn fd_dev_ino(pid: i32, fd: i64) -> (u32, u64) {
    match fs::metadata(format!("/proc/{pid}/fd/{fd}")) {
        Ok(meta) => {
            let dev = meta.dev();
            let (major, minor) = (libc::major(dev), libc::minor(dev));
            ((major << 20) | (minor & 0xF_FFFF), meta.ino())
        }
        Err(_) => (0, 0),
    }
}

/// Field `n` of a whitespace-separated `/proc` status value.
fn nth(value: &str, n: usize) -> u32 {
    value
        .split_whitespace()
        .nth(n)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The executable of a process, as execve's parameters describe it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExeFacts {
    pub(crate) ino: u64,
    pub(crate) ctime: u64,
    pub(crate) mtime: u64,
    pub(crate) path: Vec<u8>,
    /// `PPM_EXE_*`.
    pub(crate) flags: u32,
}

/// `PPM_EXE_WRITABLE`: the process's credentials could write its executable.
const PPM_EXE_WRITABLE: u32 = 1;
/// `PPM_EXE_FROM_MEMFD`: the executable is a memfd.
const PPM_EXE_FROM_MEMFD: u32 = 4;
/// `CAP_DAC_OVERRIDE`.
const CAP_DAC_OVERRIDE: u64 = 1 << 1;

/// Reads `/proc/<pid>/exe` for process `info`.
pub(crate) fn exe_facts(pid: i32, info: &ProcInfo) -> ExeFacts {
    let path = fs::read_link(format!("/proc/{pid}/exe"))
        .map(|p| p.into_os_string().into_encoded_bytes())
        .unwrap_or_default();
    let Ok(m) = fs::metadata(format!("/proc/{pid}/exe")) else {
        return ExeFacts {
            path,
            ..ExeFacts::default()
        };
    };
    let ns = |s: i64, n: i64| (s.max(0) as u64) * 1_000_000_000 + n.max(0) as u64;
    let mode = m.mode();
    let writable = (info.fsuid == m.uid() && mode & 0o200 != 0)
        || (info.fsgid == m.gid() && mode & 0o020 != 0)
        || mode & 0o002 != 0
        || info.caps[2] & CAP_DAC_OVERRIDE != 0;
    let mut flags = if writable { PPM_EXE_WRITABLE } else { 0 };
    if path.starts_with(b"/memfd:") {
        flags |= PPM_EXE_FROM_MEMFD;
    }
    ExeFacts {
        ino: m.ino(),
        ctime: ns(m.ctime(), m.ctime_nsec()),
        mtime: ns(m.mtime(), m.mtime_nsec()),
        path,
        flags,
    }
}

/// The environment of `pid`, cut at [`MAX_ARGS_BYTES`].
pub(crate) fn environ(pid: i32) -> Vec<u8> {
    let mut env = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
    env.truncate(MAX_ARGS_BYTES);
    env
}

/// The thread-group id of `tid`.
pub(crate) fn tgid_of(tid: i32) -> i32 {
    fs::read_to_string(format!("/proc/{tid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Tgid:").and_then(|v| v.trim().parse().ok()))
        })
        .unwrap_or(tid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_reads_back() {
        let me = std::process::id() as i32;
        let info = ProcInfo::read(me);
        assert_eq!(info.pid, i64::from(me));
        assert!(!info.comm.is_empty());
        assert!(info.fdlimit > 0);
        assert!(info.vm_size > 0);
        assert_eq!(tgid_of(me), me);
        assert_eq!(caps(me), info.caps);
    }

    #[test]
    fn cgroup_lines_become_controller_entries() {
        let v2 = cgroups_param("0::/user.slice/x.scope\n");
        assert!(v2.starts_with(b"cpuset=/user.slice/x.scope\0cpu=/user.slice/x.scope\0"));
        let hybrid = cgroups_param("3:memory:/a\n0::/u\n");
        assert_eq!(hybrid, cgroups_param("0::/u\n"), "the unified line wins");
        let v1 = cgroups_param("3:memory:/a\n2:cpu,cpuacct:/b\n");
        assert_eq!(v1, b"memory=/a\0cpu=/b\0cpuacct=/b\0");
    }
}
