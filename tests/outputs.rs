//! End-to-end tests of harrier's alert outputs against real receivers: a
//! real Alertmanager, and local HTTP, Loki-API and syslog receivers that
//! check what arrives byte by byte.
//!
//! The output layer lives in the `harrier` binary crate, so it is mounted
//! here from its source.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../cli/src/output/mod.rs"]
#[allow(dead_code, unused_imports)]
mod output;

#[path = "outputs/receiver.rs"]
#[allow(dead_code)]
mod receiver;

#[path = "outputs/formats.rs"]
mod formats;

#[path = "outputs/delivery.rs"]
mod delivery;

#[path = "outputs/alertmanager.rs"]
mod alertmanager;

#[path = "outputs/tls.rs"]
mod tls;

#[path = "outputs/batching.rs"]
mod batching;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use engine::alert::{Alert, Priority};

use output::config::{OutputConfig, SinkConfig};

mod support;
pub use support::free_port;

/// Alert number `n`: `evt.num` and the message tell alerts apart.
pub fn alert(n: u64, priority: Priority) -> Alert {
    Alert {
        time: 1_700_000_000_123_456_789 + n * 1_000,
        rule: "Terminal shell in container".into(),
        priority,
        message: format!("A shell was spawned in a container (user=root shell=bash n={n})"),
        output_fields: BTreeMap::from([
            ("evt.num".into(), n.into()),
            ("proc.name".into(), "bash".into()),
            ("user.name".into(), "root".into()),
            ("k8s.ns.name".into(), "prod".into()),
            ("k8s.pod.name".into(), "web-1".into()),
            ("container.id".into(), serde_json::Value::Null),
        ]),
        source: "syscall".into(),
        tags: vec!["shell".into(), "container".into(), "mitre_execution".into()],
        hostname: "node-7".into(),
    }
}

/// A fresh directory under the system temp dir.
pub fn temp_dir(what: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "harrier-outputs-{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A configuration from `--output` flags with test-sized backoff.
pub fn config(flags: &[&str]) -> OutputConfig {
    let mut cfg = OutputConfig::default();
    cfg.add_flags(flags).unwrap();
    cfg.delivery.initial_backoff = Duration::from_millis(50);
    cfg.delivery.max_backoff = Duration::from_millis(400);
    cfg
}

/// A sink configuration parsed from YAML.
pub fn sink_yaml(yaml: &str) -> SinkConfig {
    serde_yaml::from_str(yaml).unwrap()
}

/// Polls `cond` until it holds or `within` passes.
pub fn eventually(within: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < within, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}
