//! The syscall side of `harrier detect`: `.scap` replay through the
//! inspection state and the syscall field source.

use std::path::{Path, PathBuf};

use engine::engine::Selection;
use engine::rules::{Diagnostic, Loaded};

use super::OnAlert;

/// Compile diagnostics of the syscall rules of `loaded`.
pub fn diagnostics(_loaded: &Loaded) -> Vec<Diagnostic> {
    Vec::new()
}

/// Replays a `.scap` capture through the syscall rules.
pub fn replay(
    _files: &[PathBuf],
    path: &Path,
    _selection: &Selection,
    _on_alert: &mut OnAlert<'_>,
) -> anyhow::Result<u64> {
    anyhow::bail!(
        "{}: syscall detection needs the syscall field source, which is not built yet",
        path.display()
    )
}
