//! The shipped default ruleset: it loads without a diagnostic, and its rule
//! tests (`rules/tests/`) pass against the project's own captures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join(rel)
}

fn harrier(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn default_ruleset_loads_without_diagnostics() {
    let dir = repo("rules/default");
    let (code, text) = harrier(&["rules", "validate", "--json", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.trim().is_empty(),
        "diagnostics on the default ruleset:\n{text}"
    );
}

#[test]
fn default_rule_tests_pass() {
    let dir = repo("rules/tests");
    let junit = tempfile_path("default-rules-junit.xml");
    let (code, text) = harrier(&[
        "test",
        dir.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("4 passed, 0 failed"), "{text}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<testsuite"), "{xml}");
    assert!(!xml.contains("<failure"), "{xml}");
}

#[test]
fn quick_start_capture_raises_the_shadow_alert() {
    let capture = repo("captures/shell-reads-shadow.scap");
    let (code, text) = harrier(&["detect", "--json", "--replay", capture.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    let alerts: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(alerts.len(), 1, "{text}");
    assert_eq!(alerts[0]["rule"], "Sensitive File Read");
    assert_eq!(alerts[0]["output_fields"]["fd.name"], "/etc/shadow");
}

fn tempfile_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("harrier-{}-{name}", std::process::id()))
}
