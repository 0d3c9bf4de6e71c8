//! One process and its threads: `/proc/PID/{stat,status,cmdline,environ,…}`.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use super::{fd, net::SocketTable, numeric_entries, read_link, read_text, ScanStats};
use crate::meta::ThreadInfo;

/// `PPM_CL_CLONE_FILES`: the thread shares its fd table.
pub const PPM_CL_CLONE_FILES: u32 = 1;
/// `PPM_CL_CLONE_THREAD`: the entry is a thread, not a thread-group leader.
pub const PPM_CL_CLONE_THREAD: u32 = 1 << 13;

/// Kernel clock ticks per second as exported to user space (`USER_HZ`).
const USER_HZ: u64 = 100;

/// Reads every thread of process `pid`; `None` when the process is gone.
/// The leader carries the fds (threads share the table, as in libscap).
pub(super) fn read_process(
    dir: &Path,
    pid: u64,
    sockets: &SocketTable,
    stats: &mut ScanStats,
) -> Option<Vec<ThreadInfo>> {
    let process = ProcessWide::read(dir)?;
    let tids = numeric_entries(&dir.join("task")).ok()?;
    let mut threads = Vec::with_capacity(tids.len());
    for tid in tids {
        match read_thread(&dir.join("task").join(tid.to_string()), tid, pid, &process) {
            Some(thread) => threads.push(thread),
            None => stats.vanished += 1,
        }
    }
    let leader = threads.iter_mut().find(|t| t.tid == pid)?;
    leader.fds = fd::read_fds(dir, sockets, stats);
    Some(threads)
}

/// What all threads of a process share.
struct ProcessWide {
    exe: String,
    args: Vec<String>,
    env: Vec<String>,
    exepath: String,
    cwd: String,
    root: String,
    fdlimit: u64,
    loginuid: u32,
    cgroups: Vec<(String, String)>,
    pidns_init_start_ts: u64,
    exe_meta: Option<fs::Metadata>,
}

impl ProcessWide {
    fn read(dir: &Path) -> Option<Self> {
        // cmdline is empty for kernel threads but readable; a read error means gone.
        let cmdline = fs::read(dir.join("cmdline")).ok()?;
        let mut argv = split_nul(&cmdline).into_iter();
        let exepath = read_link(&dir.join("exe")).unwrap_or_default();
        Some(ProcessWide {
            exe: argv.next().unwrap_or_default(),
            args: argv.collect(),
            env: fs::read(dir.join("environ"))
                .map(|b| split_nul(&b))
                .unwrap_or_default(),
            exe_meta: fs::metadata(dir.join("exe")).ok(),
            exepath,
            cwd: read_link(&dir.join("cwd")).unwrap_or_default(),
            root: read_link(&dir.join("root")).unwrap_or_default(),
            fdlimit: read_text(&dir.join("limits"))
                .and_then(|l| open_files_limit(&l))
                .unwrap_or(0),
            loginuid: read_text(&dir.join("loginuid"))
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(u32::MAX),
            cgroups: read_text(&dir.join("cgroup"))
                .map(|c| parse_cgroups(&c))
                .unwrap_or_default(),
            pidns_init_start_ts: read_text(&dir.join("root/proc/1/stat"))
                .and_then(|s| Stat::parse(&s))
                .map_or(0, |s| s.starttime * (1_000_000_000 / USER_HZ)),
        })
    }
}

fn read_thread(dir: &Path, tid: u64, pid: u64, process: &ProcessWide) -> Option<ThreadInfo> {
    let stat = Stat::parse(&read_text(&dir.join("stat"))?)?;
    let status = Status::parse(&read_text(&dir.join("status"))?);
    let mut flags = 0;
    if tid != pid {
        flags |= PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES;
    }
    let comm = read_text(&dir.join("comm")).map(|c| c.trim_end_matches('\n').to_string());
    let exepath = &process.exepath;
    Some(ThreadInfo {
        tid,
        pid: status.tgid.unwrap_or(pid),
        ptid: status.ppid.unwrap_or(stat.ppid),
        sid: stat.session,
        vpgid: status.nspgid.unwrap_or(-1),
        pgid: stat.pgrp,
        comm: comm.unwrap_or_else(|| stat.comm.clone()),
        exe: process.exe.clone(),
        exepath: exepath.trim_end_matches(" (deleted)").to_string(),
        args: process.args.clone(),
        cwd: process.cwd.clone(),
        fdlimit: process.fdlimit,
        flags,
        uid: status.euid,
        gid: status.egid,
        vmsize_kb: status.vmsize_kb,
        vmrss_kb: status.vmrss_kb,
        vmswap_kb: status.vmswap_kb,
        pfmajor: stat.majflt,
        pfminor: stat.minflt,
        env: process.env.clone(),
        vtid: status.nspid.unwrap_or(-1),
        vpid: status.nstgid.unwrap_or(-1),
        cgroups: process.cgroups.clone(),
        root: process.root.clone(),
        loginuid: process.loginuid,
        exe_writable: process
            .exe_meta
            .as_ref()
            .is_some_and(|m| writable_by(m, status.euid, status.egid)),
        cap_inheritable: status.cap_inh,
        cap_permitted: status.cap_prm,
        cap_effective: status.cap_eff,
        pidns_init_start_ts: process.pidns_init_start_ts,
        tty: stat.tty_nr,
        exe_upper_layer: false,
        exe_lower_layer: false,
        exe_from_memfd: exepath.starts_with("/memfd:"),
        exe_ino: process.exe_meta.as_ref().map_or(0, |m| m.ino()),
        exe_ino_ctime: process
            .exe_meta
            .as_ref()
            .map_or(0, |m| nanos(m.ctime(), m.ctime_nsec())),
        exe_ino_mtime: process
            .exe_meta
            .as_ref()
            .map_or(0, |m| nanos(m.mtime(), m.mtime_nsec())),
        fds: Vec::new(),
    })
}

fn nanos(secs: i64, nsecs: i64) -> u64 {
    u64::try_from(secs.saturating_mul(1_000_000_000).saturating_add(nsecs)).unwrap_or(0)
}

/// Whether a file's mode bits let `uid`/`gid` write it (root always can).
fn writable_by(meta: &fs::Metadata, uid: u32, gid: u32) -> bool {
    let mode = meta.permissions().mode();
    uid == 0
        || (meta.uid() == uid && mode & 0o200 != 0)
        || (meta.gid() == gid && mode & 0o020 != 0)
        || mode & 0o002 != 0
}

/// Splits a NUL-separated list, dropping the empty tail.
fn split_nul(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// The soft "Max open files" limit from `/proc/PID/limits`.
fn open_files_limit(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `/proc/PID/cgroup` as (subsystem, path) pairs. A cgroup v2 line
/// (`0::/path`) has no controller list; libscap names it after the unified
/// hierarchy's controllers, and so do we when they are known.
fn parse_cgroups(text: &str) -> Vec<(String, String)> {
    let v2_controllers =
        read_text(Path::new("/sys/fs/cgroup/cgroup.controllers")).unwrap_or_default();
    let mut pairs = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if controllers.is_empty() {
            for controller in v2_controllers.split_whitespace() {
                pairs.push((controller.to_string(), path.to_string()));
            }
        } else {
            for controller in controllers.split(',') {
                let name = controller.strip_prefix("name=").unwrap_or(controller);
                pairs.push((name.to_string(), path.to_string()));
            }
        }
    }
    pairs
}

/// The fields of `/proc/PID/stat` the scanner uses.
#[derive(Debug, Default)]
struct Stat {
    comm: String,
    ppid: u64,
    pgrp: i64,
    session: i64,
    tty_nr: u32,
    minflt: u64,
    majflt: u64,
    starttime: u64,
}

impl Stat {
    /// Parses `pid (comm) state ppid pgrp session tty_nr …`; comm may hold spaces
    /// and parentheses, so the fields after it are found from the last `)`.
    fn parse(text: &str) -> Option<Stat> {
        let open = text.find('(')?;
        let close = text.rfind(')')?;
        let comm = text.get(open + 1..close)?.to_string();
        let fields: Vec<&str> = text.get(close + 1..)?.split_whitespace().collect();
        // fields[0] is field 3 (state) of proc(5).
        let field = |n: usize| fields.get(n - 3).copied().unwrap_or("0");
        Some(Stat {
            comm,
            ppid: field(4).parse().unwrap_or(0),
            pgrp: field(5).parse().unwrap_or(-1),
            session: field(6).parse().unwrap_or(-1),
            tty_nr: field(7).parse().unwrap_or(0),
            minflt: field(10).parse().unwrap_or(0),
            majflt: field(12).parse().unwrap_or(0),
            starttime: field(22).parse().unwrap_or(0),
        })
    }
}

/// The fields of `/proc/PID/task/TID/status` the scanner uses.
#[derive(Debug, Default)]
struct Status {
    tgid: Option<u64>,
    ppid: Option<u64>,
    euid: u32,
    egid: u32,
    nstgid: Option<i64>,
    nspid: Option<i64>,
    nspgid: Option<i64>,
    vmsize_kb: u32,
    vmrss_kb: u32,
    vmswap_kb: u32,
    cap_inh: u64,
    cap_prm: u64,
    cap_eff: u64,
}

impl Status {
    fn parse(text: &str) -> Status {
        let mut status = Status::default();
        for line in text.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let mut words = value.split_whitespace();
            // The innermost namespace's id is the last one listed.
            let last = || value.split_whitespace().last()?.parse().ok();
            match key {
                "Tgid" => status.tgid = words.next().and_then(|w| w.parse().ok()),
                "PPid" => status.ppid = words.next().and_then(|w| w.parse().ok()),
                "Uid" => status.euid = words.nth(1).and_then(|w| w.parse().ok()).unwrap_or(0),
                "Gid" => status.egid = words.nth(1).and_then(|w| w.parse().ok()).unwrap_or(0),
                "NStgid" => status.nstgid = last(),
                "NSpid" => status.nspid = last(),
                "NSpgid" => status.nspgid = last(),
                "VmSize" => {
                    status.vmsize_kb = words.next().and_then(|w| w.parse().ok()).unwrap_or(0)
                }
                "VmRSS" => status.vmrss_kb = words.next().and_then(|w| w.parse().ok()).unwrap_or(0),
                "VmSwap" => {
                    status.vmswap_kb = words.next().and_then(|w| w.parse().ok()).unwrap_or(0)
                }
                "CapInh" => status.cap_inh = hex(words.next()),
                "CapPrm" => status.cap_prm = hex(words.next()),
                "CapEff" => status.cap_eff = hex(words.next()),
                _ => {}
            }
        }
        status
    }
}

fn hex(word: Option<&str>) -> u64 {
    word.and_then(|w| u64::from_str_radix(w, 16).ok())
        .unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test data is fixed")]
mod tests {
    use super::*;

    #[test]
    fn stat_handles_parentheses_in_comm() {
        let stat = Stat::parse(
            "42 (a) b) c) S 1 42 40 34816 42 4194560 120 0 7 0 3 4 0 0 20 0 1 0 5151 0 0",
        )
        .unwrap();
        assert_eq!(stat.comm, "a) b) c");
        assert_eq!(
            (stat.ppid, stat.pgrp, stat.session, stat.tty_nr),
            (1, 42, 40, 34816)
        );
        assert_eq!((stat.minflt, stat.majflt, stat.starttime), (120, 7, 5151));
    }

    #[test]
    fn status_takes_effective_ids_and_innermost_namespace() {
        let status = Status::parse(
            "Tgid:\t7\nPPid:\t1\nUid:\t1000\t1001\t1002\t1003\nGid:\t5\t6\t7\t8\nNStgid:\t7\t1\nNSpid:\t9\t3\nNSpgid:\t7\t1\nCapEff:\t0000003fffffffff\nVmRSS:\t  12 kB\n",
        );
        assert_eq!((status.euid, status.egid), (1001, 6));
        assert_eq!(
            (status.nstgid, status.nspid, status.nspgid),
            (Some(1), Some(3), Some(1))
        );
        assert_eq!(status.cap_eff, 0x3f_ffff_ffff);
        assert_eq!(status.vmrss_kb, 12);
    }

    #[test]
    fn cgroup_v1_lines_give_one_pair_per_controller() {
        let pairs = parse_cgroups("4:memory:/a/b\n3:cpu,cpuacct:/c\n9:name=systemd:/\n");
        assert_eq!(pairs[0], ("memory".to_string(), "/a/b".to_string()));
        assert_eq!(pairs[1].0, "cpu");
        assert_eq!(pairs[2].0, "cpuacct");
        assert_eq!(pairs[3], ("systemd".to_string(), "/".to_string()));
    }

    #[test]
    fn open_files_limit_is_the_soft_limit() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n";
        assert_eq!(open_files_limit(limits), Some(1024));
    }
}
