//! One module per subcommand: each has `Args` and `run`, returning the exit code.

pub mod capture;
pub mod detect;
pub mod fields;
pub mod info;
pub mod k8s_audit;
pub mod replay;
pub mod rules;
pub mod test;
pub mod units;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::Context as _;

/// A flag set by Ctrl-C, SIGTERM (a kubelet or systemd stopping harrier) or
/// SIGHUP; the command finishes its work cleanly once it is set.
pub fn stop_flag() -> anyhow::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, std::sync::atomic::Ordering::Release))
        .context("installing the Ctrl-C and SIGTERM handler")?;
    Ok(stop)
}
