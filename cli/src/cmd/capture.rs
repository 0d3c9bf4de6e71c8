//! `harrier capture`.

/// Arguments of `harrier capture`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `harrier capture`.
pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`harrier capture` is not built yet")
}
