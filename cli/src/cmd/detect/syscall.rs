//! The syscall side of `harrier detect`: `.scap` replay through the
//! inspection state and the syscall field source.

use std::io::Write;
use std::path::{Path, PathBuf};

use engine::engine::Selection;
use engine::rules::{Diagnostic, Loaded};

use super::AlertWriter;

/// Compile diagnostics of the syscall rules of `loaded`.
pub fn diagnostics(_loaded: &Loaded) -> Vec<Diagnostic> {
    Vec::new()
}

/// Replays a `.scap` capture through the syscall rules.
pub fn replay<W: Write>(
    _files: &[PathBuf],
    path: &Path,
    _selection: &Selection,
    _out: AlertWriter<W>,
) -> anyhow::Result<u8> {
    anyhow::bail!(
        "{}: syscall detection needs the syscall field source, which is not built yet",
        path.display()
    )
}
