//! harrier's own Kubernetes audit rules (`rules/default/harrier_k8s_audit_rules.yaml`)
//! against Falco's regression audit events: which rule fires on which event,
//! checked by hand against the events' JSON.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

mod support;
use support::shared;

fn rules_file() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rules/default/harrier_k8s_audit_rules.yaml"
    ))
}

/// Rule names alerted per regression event file (JSON output).
fn alerts_by_file(rules: &[PathBuf]) -> BTreeMap<String, Vec<String>> {
    let dir = shared().join("falco-regression/trace_files/k8s_audit");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_harrier"));
        cmd.arg("detect");
        for r in rules {
            cmd.arg("--rules").arg(r);
        }
        let run = cmd
            .args(["--source", "k8s_audit", "--json", "--replay"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let rules: Vec<String> = String::from_utf8_lossy(&run.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let alert: serde_json::Value = serde_json::from_str(l).unwrap();
                assert_eq!(alert["source"], "k8s_audit");
                alert["rule"].as_str().unwrap().to_owned()
            })
            .collect();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.insert(name, rules);
    }
    out
}

#[test]
fn project_rules_fire_on_the_expected_regression_events() {
    let expected: &[(&str, &[&str])] = &[
        (
            "anonymous_creates_namespace_foo.json",
            &["Anonymous Request Authorized"],
        ),
        (
            "attach_cluster_admin_role.json",
            &["Binding To Cluster Admin"],
        ),
        ("attach_pod.json", &["Exec Or Attach Into Pod"]),
        ("exec_pod.json", &["Exec Or Attach Into Pod"]),
        (
            "create_cluster_role_wildcard_resources.json",
            &["Role Granting Wildcard Access"],
        ),
        (
            "create_cluster_role_wildcard_verbs.json",
            &["Role Granting Wildcard Access"],
        ),
        (
            "create_configmap_sensitive_values.json",
            &["Credentials In ConfigMap"; 6],
        ),
        (
            "create_nginx_pod_hostnetwork.json",
            &["Pod Sharing Host Namespaces"],
        ),
        (
            "create_nginx_pod_privileged.json",
            &["Pod With Privileged Container"],
        ),
        (
            "create_nginx_pod_privileged_2nd_container.json",
            &["Pod With Privileged Container"],
        ),
        (
            "create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json",
            &["Pod With Privileged Container"],
        ),
        (
            "create_nginx_pod_sensitive_mount.json",
            &["Pod Mounting Sensitive Host Path"],
        ),
        (
            "create_nginx_pod_sensitive_mount_2nd_container.json",
            &["Pod Mounting Sensitive Host Path"],
        ),
        (
            "create_nginx_service_nodeport.json",
            &["Service Exposed On Node Ports"],
        ),
    ];
    let got = alerts_by_file(&[rules_file()]);
    assert_eq!(got.len(), 47, "all regression files were replayed");
    for (file, rules) in &got {
        let want: Vec<String> = expected
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, r)| r.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        assert_eq!(rules, &want, "{file}");
    }
}

#[test]
fn project_rules_load_beside_falcos_audit_rules_without_changing_them() {
    let falco = shared().join("falco-regression/rules/default/k8s_audit_rules.yaml");
    let falco_only = alerts_by_file(std::slice::from_ref(&falco));
    let both = alerts_by_file(&[falco, rules_file()]);
    let ours = alerts_by_file(&[rules_file()]);
    // Falco's alerts are unchanged; anything more comes from our rules
    // (an event raises one alert per rule, or only the first match when the
    // engine stops at the first matching rule, as Falco does by default).
    for (file, falco_rules) in &falco_only {
        let got = &both[file];
        let falco_count = |r: &String| falco_rules.iter().filter(|x| *x == r).count();
        for rule in falco_rules {
            assert!(got.contains(rule), "{file}: {rule} missing from {got:?}");
        }
        for rule in got {
            assert!(
                falco_count(rule) > 0 || ours[file].contains(rule),
                "{file}: unexpected {rule}"
            );
        }
    }
}
