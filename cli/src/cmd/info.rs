//! `harrier info`.

/// Arguments of `harrier info`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `harrier info`.
pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`harrier info` is not built yet")
}
