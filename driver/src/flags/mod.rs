//! Flag and enumeration name tables, with names as sysdig prints them.
//!
//! Values are libs' own encodings (`PPM_*`), not kernel constants: the
//! drivers translate kernel values before writing them (spec §2.6).

/// A flag table: (name, value) pairs in upstream's order.
pub type FlagTable = &'static [(&'static str, u32)];

/// Open flags (`PPM_O_*`) of open/openat/openat2/creat.
pub const FILE_FLAGS: FlagTable = &[
    ("O_LARGEFILE", 1 << 11),
    ("O_DIRECTORY", 1 << 10),
    ("O_DIRECT", 1 << 9),
    ("O_TRUNC", 1 << 8),
    ("O_SYNC", 1 << 7),
    ("O_NONBLOCK", 1 << 6),
    ("O_EXCL", 1 << 5),
    ("O_DSYNC", 1 << 4),
    ("O_APPEND", 1 << 3),
    ("O_CREAT", 1 << 2),
    ("O_RDWR", 3),
    ("O_WRONLY", 2),
    ("O_RDONLY", 1),
    ("O_CLOEXEC", 1 << 12),
    ("O_NONE", 0),
    ("O_TMPFILE", 1 << 13),
    ("O_F_CREATED", 1 << 14),
    ("FD_UPPER_LAYER", 1 << 15),
    ("FD_LOWER_LAYER", 1 << 16),
];

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
