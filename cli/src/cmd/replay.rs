//! `harrier replay`.

/// Arguments of `harrier replay`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `harrier replay`.
pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`harrier replay` is not built yet")
}
