//! `harrier fields`.

/// Arguments of `harrier fields`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `harrier fields`.
pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`harrier fields` is not built yet")
}
