//! `harrier k8s-audit policy check` end to end: problems with line numbers
//! and exit 1 for a broken policy; the level and rule of each event of
//! Falco's regression audit logs for a valid one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

mod support;
use support::shared;

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("harrier-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(["k8s-audit", "policy", "check"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn broken_policy_lists_problems_with_lines_and_exits_1() {
    let policy = write(
        "broken.yaml",
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages:\n  - RequestRecieved\nrule:\n  - level: Metadata\n",
    );
    let out = check(&["--policy", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let file = policy.display().to_string();
    assert!(
        stdout.contains(&format!(
            "{file}:4: error: omitStages[0]: unsupported stage \"RequestRecieved\""
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{file}:5: error: rule: unknown field \"rule\" in Policy"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{file}:1: error: rules: missing rules")),
        "{stdout}"
    );
}

#[test]
fn levels_of_the_regression_events() {
    let policy = write(
        "policy.yaml",
        r#"apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: None
    users: ["system:kube-proxy"]
  - level: RequestResponse
    resources:
    - group: ""
      resources: ["pods/exec", "pods/attach"]
  - level: Metadata
    resources:
    - group: ""
      resources: ["secrets", "configmaps"]
  - level: Request
    verbs: ["create", "update", "patch", "delete"]
  - level: None
"#,
    );
    let events = shared().join("falco-regression/trace_files/k8s_audit");
    let file = |name: &str| events.join(name).to_str().unwrap().to_owned();
    let out = check(&[
        "--policy",
        policy.to_str().unwrap(),
        "--json",
        &file("exec_pod.json"),
        &file("create_secret.json"),
        &file("create_deployment.json"),
        &file("fal_01_003.json"),
        &file("create_nginx_pod_privileged.json"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<(String, Option<u64>, bool)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["level"].as_str().unwrap().to_owned(),
                v["rule"].as_u64(),
                v["stage_logged"].as_bool().unwrap(),
            )
        })
        .collect();
    // exec: pods/exec; a secret: Metadata; a deployment create: Request;
    // {"kind": 0} is skipped; a pod create: Request (pods is not pods/exec).
    assert_eq!(
        got,
        [
            ("RequestResponse".to_owned(), Some(2), true),
            ("Metadata".to_owned(), Some(3), true),
            ("Request".to_owned(), Some(4), true),
            ("Request".to_owned(), Some(4), true),
        ]
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not recognized as a k8s audit event"));
}
