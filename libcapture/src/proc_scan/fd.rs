//! Open file descriptors of one process: `/proc/PID/fd/N` and `/proc/PID/fdinfo/N`.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::{net::SocketTable, numeric_entries, read_link, read_text, ScanStats};
use crate::meta::{FdInfo, FdKind};

/// Reads every fd of the process in `dir`; fds that close mid-scan are counted.
pub(super) fn read_fds(dir: &Path, sockets: &SocketTable, stats: &mut ScanStats) -> Vec<FdInfo> {
    let Ok(numbers) = numeric_entries(&dir.join("fd")) else {
        return Vec::new();
    };
    let mut fds = Vec::with_capacity(numbers.len());
    for fd in numbers {
        match read_fd(dir, fd, sockets) {
            Some(info) => {
                stats.fds += 1;
                fds.push(info);
            }
            None => stats.fds_skipped += 1,
        }
    }
    fds
}

fn read_fd(dir: &Path, fd: u64, sockets: &SocketTable) -> Option<FdInfo> {
    let link = dir.join("fd").join(fd.to_string());
    let target = read_link(&link)?;
    let fdinfo = read_text(&dir.join("fdinfo").join(fd.to_string())).unwrap_or_default();
    let field = |name: &str| {
        fdinfo
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':').map(str::trim))
    };
    let flags = field("flags")
        .and_then(|f| u32::from_str_radix(f, 8).ok())
        .unwrap_or(0);
    let fdinfo_ino = field("ino").and_then(|i| i.parse().ok());
    let (kind, ino) = classify(&link, target, flags, sockets)?;
    Some(FdInfo {
        fd: i64::try_from(fd).ok()?,
        ino: ino.or(fdinfo_ino).unwrap_or(0),
        kind,
    })
}

/// Turns a `/proc/PID/fd/N` link target into an fd kind and inode.
fn classify(
    link: &Path,
    target: String,
    flags: u32,
    sockets: &SocketTable,
) -> Option<(FdKind, Option<u64>)> {
    if let Some(inode) = bracketed(&target, "socket:") {
        let kind = sockets
            .get(inode)
            .cloned()
            .unwrap_or(FdKind::Unsupported { name: target });
        return Some((kind, Some(inode)));
    }
    if let Some(inode) = bracketed(&target, "pipe:") {
        return Some((FdKind::Fifo { name: target }, Some(inode)));
    }
    if let Some(anon) = target.strip_prefix("anon_inode:") {
        return Some((
            anon_kind(anon.trim_matches(|c| c == '[' || c == ']'), target.clone()),
            None,
        ));
    }
    if target.starts_with("/memfd:") {
        return Some((FdKind::Memfd { name: target }, None));
    }
    let meta = fs::metadata(link).ok();
    if meta.as_ref().is_some_and(fs::Metadata::is_dir) {
        return Some((FdKind::Directory { path: target }, meta.map(|m| m.ino())));
    }
    if !target.starts_with('/') {
        return Some((FdKind::Unsupported { name: target }, None));
    }
    let kind = FdKind::File {
        path: target,
        open_flags: open_flags_to_ppm(flags),
        dev: meta.as_ref().map_or(0, |m| encode_dev(m.dev())),
    };
    Some((kind, meta.map(|m| m.ino())))
}

fn anon_kind(name: &str, target: String) -> FdKind {
    match name {
        "eventfd" => FdKind::EventFd { name: target },
        "signalfd" => FdKind::SignalFd { name: target },
        "eventpoll" => FdKind::EventPoll { name: target },
        "inotify" => FdKind::Inotify { name: target },
        "timerfd" => FdKind::TimerFd { name: target },
        "userfaultfd" => FdKind::UserFaultFd { name: target },
        "io_uring" => FdKind::IoUring { name: target },
        "pidfd" => FdKind::Pidfd { name: target },
        bpf if bpf.starts_with("bpf") => FdKind::Bpf { name: target },
        _ => FdKind::Unsupported { name: target },
    }
}

/// The inode in `prefix[1234]`.
fn bracketed(target: &str, prefix: &str) -> Option<u64> {
    target
        .strip_prefix(prefix)?
        .strip_prefix('[')?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// The kernel's `new_encode_dev` of a user-space `st_dev`, as libscap stores it.
fn encode_dev(dev: u64) -> u32 {
    let major = ((dev >> 8) & 0xfff) as u32 | (((dev >> 32) & !0xfff) as u32);
    let minor = (dev & 0xff) as u32 | (((dev >> 12) & 0xffff_ff00) as u32);
    (minor & 0xff) | (major << 8) | ((minor & !0xff) << 12)
}

/// Translates Linux `O_*` open flags (x86_64 values) into libs' `PPM_O_*` bits.
pub fn open_flags_to_ppm(flags: u32) -> u32 {
    const TABLE: [(u32, u32); 12] = [
        (0o100, 1 << 2),       // O_CREAT
        (0o2000, 1 << 3),      // O_APPEND
        (0o10000, 1 << 4),     // O_DSYNC
        (0o200, 1 << 5),       // O_EXCL
        (0o4000, 1 << 6),      // O_NONBLOCK
        (0o4010000, 1 << 7),   // O_SYNC (includes O_DSYNC's bit)
        (0o1000, 1 << 8),      // O_TRUNC
        (0o40000, 1 << 9),     // O_DIRECT
        (0o200000, 1 << 10),   // O_DIRECTORY
        (0o100000, 1 << 11),   // O_LARGEFILE
        (0o2000000, 1 << 12),  // O_CLOEXEC
        (0o20200000, 1 << 13), // O_TMPFILE (includes O_DIRECTORY's bit)
    ];
    let mut ppm = match flags & 0o3 {
        0 => 1, // PPM_O_RDONLY
        1 => 2, // PPM_O_WRONLY
        _ => 3, // PPM_O_RDWR
    };
    for (linux, bit) in TABLE {
        if flags & linux == linux {
            ppm |= bit;
        }
    }
    ppm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_flags_map_to_ppm_bits() {
        assert_eq!(open_flags_to_ppm(0), 1);
        assert_eq!(open_flags_to_ppm(0o2001), 2 | 8);
        assert_eq!(open_flags_to_ppm(0o2000102), 3 | 4 | 4096);
        assert_eq!(open_flags_to_ppm(0o4010000) & (16 | 128), 16 | 128);
    }

    #[test]
    fn anonymous_inodes_are_classified() {
        assert!(matches!(
            anon_kind("eventfd", String::new()),
            FdKind::EventFd { .. }
        ));
        assert!(matches!(
            anon_kind("bpf-map", String::new()),
            FdKind::Bpf { .. }
        ));
        assert!(matches!(
            anon_kind("inotify", String::new()),
            FdKind::Inotify { .. }
        ));
        assert!(matches!(
            anon_kind("dmabuf", String::new()),
            FdKind::Unsupported { .. }
        ));
    }

    #[test]
    fn device_numbers_use_the_kernel_encoding() {
        // Small major/minor numbers encode the same in both.
        assert_eq!(encode_dev(0x801), 0x801);
        assert_eq!(encode_dev((259 << 8) | 3), (259 << 8) | 3);
    }
}
