//! Scanner that reads process, fd, user and interface state from `/proc`.
//!
//! A live capture starts with a snapshot of the system, so consumers know the
//! threads and open files that existed before the first event. [`scan`] builds
//! that [`Snapshot`] the way libscap does: every thread under `/proc/PID/task`
//! with all PL v9 fields, the open fds of each process (sockets resolved
//! through `/proc/net/{tcp,tcp6,udp,udp6,raw,raw6,unix,netlink}`), users and
//! groups from `/etc/passwd` and `/etc/group`, interfaces and machine info.
//!
//! Processes exit while a scan runs. A process or fd that vanishes half-way is
//! skipped and counted in [`ScanStats`], never an error; only an unreadable
//! `/proc` itself fails the scan.
//!
//! ```
//! let scan = libcapture::proc_scan::scan()?;
//! let me = std::process::id() as u64;
//! assert!(scan.snapshot.threads.iter().any(|t| t.tid == me));
//! # Ok::<(), libcapture::Error>(())
//! ```

mod accounts;
mod fd;
mod machine;
mod net;
mod thread;

use std::fs;
use std::path::{Path, PathBuf};

use crate::meta::Snapshot;
use crate::{Error, Result};

pub use fd::open_flags_to_ppm;

/// The result of a scan: the snapshot and what had to be skipped.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Machine, interfaces, users, groups and threads with their fds.
    pub snapshot: Snapshot,
    /// Counters of what was read and skipped.
    pub stats: ScanStats,
}

/// Counters of one scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Processes (thread groups) read.
    pub processes: u64,
    /// Threads read.
    pub threads: u64,
    /// File descriptors read.
    pub fds: u64,
    /// Processes or threads that disappeared (or became unreadable) mid-scan.
    pub vanished: u64,
    /// File descriptors that closed (or became unreadable) mid-scan.
    pub fds_skipped: u64,
}

/// Scans the running system through `/proc` and `/etc`.
pub fn scan() -> Result<Scan> {
    ProcScanner::default().scan()
}

/// A scanner with configurable roots. The defaults are `/proc` and `/etc`
/// under `$HOST_ROOT` (empty when unset): a container that mounts the host's
/// `/proc` and `/etc` at `/host/proc` and `/host/etc` sets `HOST_ROOT=/host`,
/// the variable Falco and libscap read for the same purpose.
#[derive(Debug, Clone)]
pub struct ProcScanner {
    proc_root: PathBuf,
    etc_root: PathBuf,
}

impl Default for ProcScanner {
    fn default() -> Self {
        ProcScanner::host_root(std::env::var_os("HOST_ROOT").unwrap_or_else(|| "/".into()))
    }
}

impl ProcScanner {
    /// Reads `proc` and `etc` under `root` (`/` for this system's own).
    pub fn host_root(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        ProcScanner {
            proc_root: root.join("proc"),
            etc_root: root.join("etc"),
        }
    }

    /// Reads processes from `proc_root` instead of `/proc` (e.g. a host's
    /// `/proc` mounted into a container at `/host/proc`).
    pub fn proc_root(mut self, proc_root: impl Into<PathBuf>) -> Self {
        self.proc_root = proc_root.into();
        self
    }

    /// Reads `passwd` and `group` from `etc_root` instead of `/etc`.
    pub fn etc_root(mut self, etc_root: impl Into<PathBuf>) -> Self {
        self.etc_root = etc_root.into();
        self
    }

    /// Runs the scan.
    pub fn scan(&self) -> Result<Scan> {
        let mut stats = ScanStats::default();
        let sockets = net::SocketTable::read(&self.proc_root);
        let mut threads = Vec::new();
        for pid in numeric_entries(&self.proc_root)? {
            let process_dir = self.proc_root.join(pid.to_string());
            match thread::read_process(&process_dir, pid, &sockets, &mut stats) {
                Some(mut process_threads) => {
                    stats.processes += 1;
                    stats.threads += process_threads.len() as u64;
                    threads.append(&mut process_threads);
                }
                None => stats.vanished += 1,
            }
        }
        let (users, groups) = accounts::read(&self.etc_root);
        let snapshot = Snapshot {
            machine: Some(machine::read(&self.proc_root)),
            interfaces: machine::interfaces(),
            users,
            groups,
            threads,
        };
        Ok(Scan { snapshot, stats })
    }
}

/// The numeric entries of a directory (pids, tids, fds), in ascending order.
fn numeric_entries(dir: &Path) -> Result<Vec<u64>> {
    let entries = fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut numbers: Vec<u64> = entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    numbers.sort_unstable();
    Ok(numbers)
}

/// Reads a small text file, `None` when it is gone or unreadable.
fn read_text(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok()
}

/// Reads a symlink's target as text, `None` when it is gone or unreadable.
fn read_link(path: &Path) -> Option<String> {
    Some(fs::read_link(path).ok()?.to_string_lossy().into_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on a broken /proc")]
mod tests {
    use super::*;
    use crate::meta::FdKind;
    use std::io::Write;
    use std::net::TcpListener;

    fn my_process(scan: &Scan) -> &crate::meta::ThreadInfo {
        let me = u64::from(std::process::id());
        scan.snapshot.threads.iter().find(|t| t.tid == me).unwrap()
    }

    #[test]
    fn finds_this_process_with_its_identity() {
        let scan = scan().unwrap();
        let me = my_process(&scan);
        assert_eq!(me.pid, me.tid);
        assert_eq!(
            me.exepath,
            std::env::current_exe().unwrap().to_string_lossy()
        );
        assert_eq!(me.cwd, std::env::current_dir().unwrap().to_string_lossy());
        assert_eq!(me.ptid, u64::from(std::os::unix::process::parent_id()));
        let argv: Vec<String> = std::env::args().skip(1).collect();
        assert_eq!(me.args, argv);
        assert!(me.env.iter().any(|kv| kv.starts_with("PATH=")));
        assert!(me.vmsize_kb > 0 && me.vmrss_kb > 0);
        assert!(me.fdlimit > 0);
        assert!(me.pfminor > 0);
        assert_eq!(me.root, "/");
        assert!(scan.stats.processes > 1 && scan.stats.threads >= scan.stats.processes);
    }

    #[test]
    fn a_host_root_prefixes_proc_and_etc() {
        let host = ProcScanner::host_root("/").scan().unwrap();
        assert!(host.stats.processes > 1);
        let dir = std::env::temp_dir().join(format!("harrier-host-root-{}", std::process::id()));
        fs::create_dir_all(dir.join("proc")).unwrap();
        let empty = ProcScanner::host_root(&dir).scan().unwrap();
        assert_eq!(empty.stats.processes, 0, "an empty proc under the root");
        fs::remove_dir_all(&dir).unwrap();
        let err = ProcScanner::host_root("/nonexistent-root")
            .scan()
            .unwrap_err();
        assert!(err.to_string().contains("/nonexistent-root/proc"), "{err}");
    }

    #[test]
    fn threads_of_a_process_share_its_pid() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let helper = std::thread::spawn(move || rx.recv());
        let scan = scan().unwrap();
        tx.send(()).unwrap();
        helper.join().unwrap().unwrap();
        let me = u64::from(std::process::id());
        let mine: Vec<_> = scan
            .snapshot
            .threads
            .iter()
            .filter(|t| t.pid == me)
            .collect();
        assert!(mine.len() >= 2, "test harness plus helper thread");
        assert!(mine
            .iter()
            .any(|t| t.tid != me && t.flags & thread::PPM_CL_CLONE_THREAD != 0));
    }

    #[test]
    fn resolves_files_and_sockets_of_this_process() {
        let dir = std::env::temp_dir().join(format!("harrier-scan-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("held-open");
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"x").unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();

        let scan = scan().unwrap();
        let fds = &my_process(&scan).fds;
        let file_fd = fds.iter().find(
            |f| matches!(&f.kind, FdKind::File { path: p, .. } if *p == path.to_string_lossy()),
        );
        let Some(FdKind::File { open_flags, .. }) = file_fd.map(|f| &f.kind) else {
            panic!("open file not found in {fds:?}");
        };
        assert_eq!(open_flags & 3, 2, "write-only");
        assert_ne!(open_flags & 8, 0, "append");
        assert!(fds.iter().any(|f| matches!(f.kind,
            FdKind::Ipv4ServerSocket { port: p, l4proto, .. } if p == port && l4proto == crate::meta::l4proto::TCP)));
        drop(file);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reads_users_groups_and_machine() {
        let scan = scan().unwrap();
        assert!(scan
            .snapshot
            .users
            .iter()
            .any(|u| u.uid == 0 && u.name == "root"));
        assert!(scan.snapshot.groups.iter().any(|g| g.gid == 0));
        let machine = scan.snapshot.machine.as_ref().unwrap();
        assert_eq!(
            machine.num_cpus as usize,
            std::thread::available_parallelism().unwrap().get()
        );
        assert!(machine.memory_size_bytes > 1 << 20);
        assert!(!machine.hostname.is_empty());
        assert!(scan.snapshot.interfaces.iter().any(|i| i.name == "lo"));
    }

    #[test]
    fn a_scan_written_as_a_capture_reads_back_and_sysdig_names_its_files() {
        use crate::capture::{Capture, Next};
        use driver::{EventBuilder, EventCode};
        use std::os::fd::AsRawFd;

        let dir = std::env::temp_dir().join(format!("harrier-scan-cap-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let held_path = dir.join("held-for-sysdig");
        let held = fs::File::create(&held_path).unwrap();
        let scan = scan().unwrap();
        let tid = u64::from(std::process::id());
        let mut event = Vec::new();
        EventBuilder::new(EventCode::READ_E, 1_700_000_000_000_000_000, tid)
            .fd(i64::from(held.as_raw_fd()))
            .u32(1)
            .finish(&mut event)
            .unwrap();
        let capture_path = dir.join("scan.scap");
        let mut writer =
            crate::scap::Writer::new(fs::File::create(&capture_path).unwrap()).unwrap();
        writer.write_snapshot(&scan.snapshot).unwrap();
        writer.write_event_bytes(0, 0, &event).unwrap();
        writer.finish().unwrap();

        let mut capture = crate::backend::savefile::open_savefile(&capture_path).unwrap();
        assert_eq!(
            capture.snapshot().threads.len(),
            scan.snapshot.threads.len()
        );
        assert_eq!(capture.snapshot().users, scan.snapshot.users);
        assert!(matches!(capture.next().unwrap(), Next::Event(e) if e.tid() == tid));

        match std::process::Command::new("sysdig")
            .arg("-r")
            .arg(&capture_path)
            .args(["-p", "%proc.name|%fd.name"])
            .output()
        {
            Ok(out) => {
                let line = String::from_utf8(out.stdout).unwrap();
                let comm = &my_process(&scan).comm;
                assert_eq!(
                    line.trim_end(),
                    format!("{comm}|{}", held_path.display()),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Err(_) => eprintln!("SKIPPED sysdig part: sysdig is not installed; CI installs it"),
        }
        drop(held);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_proc_root_is_an_error_naming_it() {
        let err = ProcScanner::default()
            .proc_root("/nonexistent/proc")
            .scan()
            .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/proc"), "{err}");
    }

    #[test]
    fn a_vanished_process_is_counted_not_fatal() {
        let dir = std::env::temp_dir().join(format!("harrier-fakeproc-{}", std::process::id()));
        fs::create_dir_all(dir.join("4242")).unwrap();
        let scan = ProcScanner::default().proc_root(&dir).scan().unwrap();
        assert_eq!(scan.stats.vanished, 1);
        assert!(scan.snapshot.threads.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
