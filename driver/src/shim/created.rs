//! Whether an open created its file (`PPM_O_F_CREATED`). The probe reads
//! `FMODE_CREATED` from the opened file; user space cannot see that flag, so
//! the tracer looks at the target at the syscall's entry stop: an `O_CREAT`
//! open of a path that does not exist yet, and that then succeeds, created
//! it.
//!
//! This is racy where the probe is not: another process may create the file
//! between the entry stop and the open (the flag is then set although this
//! open only opened it), or remove it in between (the flag is then missing).
//! The path is resolved the way the tracee resolves it (`/proc/<tid>/cwd`,
//! `/proc/<tid>/fd/<dirfd>`, `/proc/<tid>/root`), except that absolute
//! symlinks met on the way resolve in the tracer's root.

use super::encode::{read_bytes, read_string};

const NR_OPEN: u64 = 2;
const NR_OPENAT: u64 = 257;
const NR_OPENAT2: u64 = 437;
const O_CREAT: u64 = 0o100;
const AT_FDCWD: i32 = -100;
/// openat2's `RESOLVE_IN_ROOT`: absolute paths start at the dirfd.
const RESOLVE_IN_ROOT: u64 = 0x10;
const PATH_MAX: usize = 4096;

/// Whether syscall `nr` of thread `tid`, at its entry with `args`, is an
/// `O_CREAT` open whose target does not exist.
pub(crate) fn creates(tid: i32, nr: u64, args: &[u64; 6]) -> bool {
    let (dirfd, path, flags, in_root) = match nr {
        NR_OPEN => (AT_FDCWD, args[0], args[1], false),
        NR_OPENAT => (args[0] as i32, args[1], args[2], false),
        NR_OPENAT2 => {
            // struct open_how: flags, mode, resolve (u64 each).
            let how = read_bytes(tid, args[2], 24);
            let word = |i: usize| {
                how.get(i * 8..i * 8 + 8)
                    .and_then(|w| w.try_into().ok())
                    .map_or(0, u64::from_le_bytes)
            };
            let in_root = word(2) & RESOLVE_IN_ROOT != 0;
            (args[0] as i32, args[1], word(0), in_root)
        }
        _ => return false,
    };
    if flags & O_CREAT == 0 {
        return false;
    }
    match read_string(tid, path, PATH_MAX) {
        Some(path) if !path.is_empty() => is_absent(&resolved(tid, dirfd, &path, in_root)),
        _ => false,
    }
}

/// The path the tracee means, as seen from the tracer through `/proc`
/// (`in_root`: an absolute path starts at `dirfd`, openat2's
/// `RESOLVE_IN_ROOT`).
fn resolved(tid: i32, dirfd: i32, path: &[u8], in_root: bool) -> Vec<u8> {
    let base = if path.first() == Some(&b'/') && !in_root {
        format!("/proc/{tid}/root")
    } else if dirfd == AT_FDCWD {
        format!("/proc/{tid}/cwd/")
    } else {
        format!("/proc/{tid}/fd/{dirfd}/")
    };
    let mut full = base.into_bytes();
    full.extend_from_slice(path);
    full
}

/// Whether nothing is at `path` (following symlinks, as `O_CREAT` without
/// `O_NOFOLLOW` does: a dangling link's target is created).
fn is_absent(path: &[u8]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let path = std::path::Path::new(std::ffi::OsStr::from_bytes(path));
    matches!(std::fs::metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_through_the_tracees_proc_links() {
        assert_eq!(resolved(7, AT_FDCWD, b"a/b", false), b"/proc/7/cwd/a/b");
        assert_eq!(resolved(7, 3, b"a", false), b"/proc/7/fd/3/a");
        assert_eq!(resolved(7, 3, b"/etc/x", false), b"/proc/7/root/etc/x");
        assert_eq!(resolved(7, 3, b"/etc/x", true), b"/proc/7/fd/3//etc/x");
    }

    #[test]
    fn only_a_missing_target_counts_as_absent() {
        let me = std::process::id() as i32;
        let dir = std::env::temp_dir().join(format!("harrier-created-{me}"));
        std::fs::create_dir_all(&dir).unwrap();
        let there = dir.join("there");
        std::fs::write(&there, b"").unwrap();
        let abs =
            |p: &std::path::Path| resolved(me, AT_FDCWD, p.as_os_str().as_encoded_bytes(), false);
        assert!(!is_absent(&abs(&there)));
        assert!(is_absent(&abs(&dir.join("missing"))));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
