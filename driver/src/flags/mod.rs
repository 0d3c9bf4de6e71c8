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
