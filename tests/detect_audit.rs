//! `harrier detect` and `harrier test` on Kubernetes audit logs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;
use support::shared;

fn regression(rel: &str) -> PathBuf {
    shared().join("falco-regression").join(rel)
}

fn harrier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(args)
        .output()
        .unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn alerts(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn privileged_pod_raises_one_falco_json_alert() {
    let rules = regression("rules/default/k8s_audit_rules.yaml");
    let trace = regression("trace_files/k8s_audit/create_nginx_pod_privileged.json");
    let out = harrier(&[
        "detect",
        "--rules",
        path(&rules),
        "--replay",
        path(&trace),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let alerts = alerts(&out);
    let privileged: Vec<_> = alerts
        .iter()
        .filter(|a| a["rule"] == "Create Privileged Pod")
        .collect();
    assert_eq!(privileged.len(), 1, "{alerts:?}");
    let a = privileged[0];
    assert_eq!(a["priority"], "Warning");
    assert_eq!(a["source"], "k8s_audit");
    assert!(a["output"]
        .as_str()
        .unwrap()
        .contains(": Warning Pod started with privileged container"));
    assert!(a["time"].as_str().unwrap().ends_with('Z'));
    assert!(a["output_fields"].is_object());
    assert!(a["tags"].as_array().unwrap().iter().any(|t| t == "k8s"));
}

#[test]
fn priority_and_rule_selection_apply() {
    let rules = regression("rules/default/k8s_audit_rules.yaml");
    let trace = regression("trace_files/k8s_audit/create_nginx_pod_privileged.json");
    let base = [
        "detect",
        "--rules",
        path(&rules),
        "--replay",
        path(&trace),
        "--json",
    ];
    let out = harrier(&[&base[..], &["--disable-rule", "Create Privileged*"]].concat());
    assert!(alerts(&out)
        .iter()
        .all(|a| a["rule"] != "Create Privileged Pod"));
    let out = harrier(&[&base[..], &["--min-priority", "critical"]].concat());
    assert!(out.status.success());
    assert!(alerts(&out).is_empty());
    let out = harrier(&[&base[..], &["--enable-tag", "k8s", "--disable-tag", "x"]].concat());
    assert!(
        !out.status.success(),
        "--enable-tag with --disable-tag must be refused"
    );
}

#[test]
fn a_line_that_is_not_an_audit_event_is_skipped_with_a_message() {
    let rules = regression("rules/default/k8s_audit_rules.yaml");
    let trace = regression("trace_files/k8s_audit/fal_01_003.json");
    let out = harrier(&[
        "detect",
        "--rules",
        path(&rules),
        "--replay",
        path(&trace),
        "--source",
        "k8s_audit",
    ]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(!out.stderr.is_empty());
}

#[test]
fn harrier_test_reports_pass_fail_and_junit() {
    let dir = std::env::temp_dir().join(format!("harrier-test-cmd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = regression("rules/default/k8s_audit_rules.yaml");
    let trace = regression("trace_files/k8s_audit/create_nginx_pod_privileged.json");
    let cases = format!(
        "tests:\n\
         \x20 - name: privileged pod\n    rules: [{r}]\n    audit: {t}\n    expect:\n      Create Privileged Pod: 1\n\
         \x20 - name: wrong count\n    rules: [{r}]\n    audit: {t}\n    expect:\n      Create Privileged Pod: 2\n",
        r = path(&rules),
        t = path(&trace)
    );
    let file = dir.join("cases.yaml");
    std::fs::write(&file, cases).unwrap();
    let junit = dir.join("junit.xml");
    let out = harrier(&["test", path(&file), "--junit", path(&junit)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("PASS    privileged pod"), "{stdout}");
    assert!(
        stdout.contains("'Create Privileged Pod': expected 2 alert(s), got 1"),
        "{stdout}"
    );
    assert!(stdout
        .lines()
        .last()
        .unwrap()
        .contains("1 passed, 1 failed"));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    assert!(xml.contains("<failure message="));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn alerts_can_go_to_a_file_sink_instead_of_stdout() {
    let dir = std::env::temp_dir().join(format!("harrier-sink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("alerts.jsonl");
    let rules = regression("rules/default/k8s_audit_rules.yaml");
    let trace = regression("trace_files/k8s_audit/create_nginx_pod_privileged.json");
    let sink = format!("file={}", path(&file));
    let out = harrier(&[
        "detect",
        "--rules",
        path(&rules),
        "--replay",
        path(&trace),
        "--output",
        &sink,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    let alert: serde_json::Value = serde_json::from_str(written.lines().next().unwrap()).unwrap();
    assert_eq!(alert["rule"], "Create Privileged Pod");
    std::fs::remove_dir_all(dir).unwrap();
}
