//! Flag and enumeration name tables, with names as sysdig prints them.
//!
//! Values are libs' own encodings (`PPM_*`), not kernel constants: the
//! drivers translate kernel values before writing them (spec §2.6).

/// A flag table: (name, value) pairs in upstream's order.
pub type FlagTable = &'static [(&'static str, u32)];

mod file;
mod net;
mod process;

pub use file::*;
pub use net::*;
pub use process::*;

/// Renders `value` with `table` the way sysdig prints flags.
///
/// An entry equal to the whole value wins alone (so `O_RDWR` is not shown as
/// `O_WRONLY|O_RDONLY`); otherwise the names of all contained bit groups are
/// joined with `|` in table order (e.g. `O_RDONLY|O_CLOEXEC`), each group
/// consuming its bits. Enumerations (`enumerated`) only match whole values.
/// Returns an empty string when nothing matches.
pub fn render(table: FlagTable, value: u32, enumerated: bool) -> String {
    if let Some((name, _)) = table.iter().find(|(_, v)| *v == value) {
        return (*name).to_string();
    }
    let mut out = String::new();
    if enumerated {
        return out;
    }
    let mut left = value;
    for &(name, bits) in table {
        if bits != 0 && left & bits == bits {
            if !out.is_empty() {
                out.push('|');
            }
            out.push_str(name);
            left &= !bits;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_sets_render_like_sysdig() {
        assert_eq!(render(FILE_FLAGS, 1 | 4096, false), "O_RDONLY|O_CLOEXEC");
        assert_eq!(render(FILE_FLAGS, 3, false), "O_RDWR");
        assert_eq!(render(FILE_FLAGS, 3 | 64, false), "O_NONBLOCK|O_RDWR");
        assert_eq!(render(FILE_FLAGS, 0, false), "O_NONE");
        assert_eq!(
            render(FILE_FLAGS, 2 | 4 | 256, false),
            "O_TRUNC|O_CREAT|O_WRONLY"
        );
        assert_eq!(
            render(CLONE_FLAGS, (1 << 13) | (1 << 15), false),
            "CLONE_THREAD|CLONE_VM"
        );
        assert_eq!(render(POLL_FLAGS, 0, false), "");
    }

    #[test]
    fn enumerations_render_one_name() {
        assert_eq!(render(SOCKET_FAMILIES, 2, true), "AF_INET");
        assert_eq!(render(SOCKET_FAMILIES, 10, true), "AF_INET6");
        // AF_UNIX and AF_LOCAL share 1; the table lists AF_LOCAL first.
        assert_eq!(render(SOCKET_FAMILIES, 1, true), "AF_LOCAL");
        assert_eq!(render(PTRACE_REQUESTS, 11, true), "PTRACE_ATTACH");
        assert_eq!(render(SOCKET_FAMILIES, 200, true), "");
    }

    #[test]
    fn tables_have_no_duplicate_names() {
        for table in [
            FILE_FLAGS,
            CLONE_FLAGS,
            MOUNT_FLAGS,
            MMAP_FLAGS,
            PROT_FLAGS,
            CHMOD_MODE,
            BPF_COMMANDS,
        ] {
            let mut names: Vec<_> = table.iter().map(|(n, _)| *n).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), table.len());
        }
    }
}
