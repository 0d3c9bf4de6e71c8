//! `harrier rules`.

/// Subcommands of `harrier rules`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Load rules files and report Falco-compatible diagnostics.
    Validate {},
}

/// Runs `harrier rules ...`.
pub fn run(_command: Command) -> anyhow::Result<u8> {
    anyhow::bail!("`harrier rules` is not built yet")
}
