//! `harrier k8s-audit`.

/// Arguments of `harrier k8s-audit`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `harrier k8s-audit`.
pub fn run(_args: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`harrier k8s-audit` is not built yet")
}
