//! Shared helpers for the `.scap` tests: locating the real captures.
#![allow(dead_code)]

use std::path::PathBuf;

/// `$HARRIER_SHARED`, defaulting to `<workspace>/../shared`.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("HARRIER_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

/// Path of a real capture by file name, from either directory that holds them.
pub fn capture(name: &str) -> PathBuf {
    let shared = shared_dir();
    let falco = shared.join("falco-regression/trace_files").join(name);
    if falco.exists() {
        falco
    } else {
        shared.join("scap-samples").join(name)
    }
}

/// The eleven real captures of spec §6.1.
pub const CAPTURES: [&str; 11] = [
    "cat_write.scap",
    "connect_localhost.scap",
    "empty.scap",
    "open-multiple-files.scap",
    "ping_sendto.scap",
    "syscall.scap",
    "curl_google.scap",
    "curl_google_comments.scap",
    "single_ipv6_conn.scap",
    "test_ipv6_client.scap",
    "sample.scap",
];

/// Reads a capture, or explains loudly why the test cannot run.
pub fn read(name: &str) -> Option<Vec<u8>> {
    let path = capture(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "capture {} missing in CI: {e}",
                path.display()
            );
            eprintln!("SKIPPED: capture {} not readable: {e}", path.display());
            None
        }
    }
}
