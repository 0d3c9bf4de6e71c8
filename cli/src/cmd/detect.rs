//! `harrier detect`.

/// Arguments of `harrier detect`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `harrier detect`.
pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`harrier detect` is not built yet")
}
