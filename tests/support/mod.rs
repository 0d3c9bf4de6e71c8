//! Helpers shared by the end-to-end tests (each test file includes this
//! module with `mod support;` and uses what it needs).

#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The read-only reference data: `$HARRIER_SHARED`, else `../shared` next to
/// the repository.
pub fn shared() -> PathBuf {
    std::env::var_os("HARRIER_SHARED").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")),
        PathBuf::from,
    )
}

/// A fresh, empty directory under the system temp dir, unique to this
/// process and call.
pub fn temp_dir(what: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "harrier-test-{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A loopback TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sends `signal` (a name such as `INT` or `TERM`) to `pid`, as `kill` does.
pub fn send_signal(pid: u32, signal: &str) -> bool {
    std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether this process runs with effective uid 0.
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .is_some_and(|l| l.split_whitespace().nth(2) == Some("0"))
}

/// The value of `series` (name and labels exactly as rendered) on a
/// Prometheus `/metrics` page, if present.
pub fn metric(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Event parameters whose values differ from run to run, whichever backend
/// records them.
pub const RUN_SPECIFIC_PARAMS: &[&str] = &[
    "tid",
    "pid",
    "ptid",
    "vtid",
    "vpid",
    "pgid",
    "vpgid",
    "vm_size",
    "vm_rss",
    "vm_swap",
    "pgft_maj",
    "pgft_min",
    "pidns_init_start_ts",
];

/// A parameter value as text to compare across runs and backends: strings
/// and bytes as text, socket tuples without the ephemeral source port, unix
/// tuples without the kernel socket addresses only the probe can see.
pub fn comparable_param(v: Option<driver::ParamValue<'_>>) -> String {
    use driver::param::SockTuple;
    use driver::ParamValue;
    match v {
        Some(ParamValue::Str(b) | ParamValue::Bytes(b)) => {
            String::from_utf8_lossy(b).replace('\0', "\\0")
        }
        Some(ParamValue::SockTuple(SockTuple::Inet {
            src, dst, dport, ..
        })) => {
            format!("{src}:* -> {dst}:{dport}")
        }
        Some(ParamValue::SockTuple(SockTuple::Inet6 {
            src, dst, dport, ..
        })) => {
            format!("[{src}]:* -> [{dst}]:{dport}")
        }
        Some(ParamValue::SockTuple(SockTuple::Unix { path, .. })) => {
            format!("unix {}", String::from_utf8_lossy(path))
        }
        Some(v) => format!("{v:?}"),
        None => "<absent>".into(),
    }
}

/// Captures `workload` (run in `dir`) with `harrier capture --backend
/// BACKEND --exit-only --snaplen 64 --syscalls SYSCALLS` into
/// `dir/BACKEND.scap`. `None`, after saying SKIPPED, when the eBPF backend
/// cannot load here; any other failure panics with harrier's stderr.
pub fn capture_exit_events(
    dir: &std::path::Path,
    backend: &str,
    syscalls: &str,
    workload: &[&str],
) -> Option<PathBuf> {
    let out = dir.join(format!("{backend}.scap"));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(["capture", "--backend", backend, "--exit-only"])
        .args(["--snaplen", "64", "--syscalls", syscalls, "-w"])
        .arg(&out)
        .arg("--")
        .args(workload)
        .current_dir(dir)
        .output()
        .unwrap();
    if !out.exists() {
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(backend, "bpf", "{stderr}");
        println!(
            "SKIPPED: the eBPF backend is not available: {}",
            stderr.trim()
        );
        return None;
    }
    Some(out)
}
