//! `harrier test`.

/// Arguments of `harrier test`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `harrier test`.
pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`harrier test` is not built yet")
}
