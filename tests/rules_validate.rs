//! `harrier rules validate`: Falco's diagnostics on real rules files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

mod support;
use support::shared;

fn regression(rel: &str) -> PathBuf {
    shared().join("falco-regression").join(rel)
}

/// Runs `harrier rules validate --json FILES` and returns (exit code, diagnostics).
fn validate(files: &[PathBuf]) -> (i32, Vec<serde_json::Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(["rules", "validate", "--json"])
        .args(files)
        .output()
        .unwrap();
    let diags = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code().unwrap(), diags)
}

fn find<'a>(diags: &'a [serde_json::Value], code: &str) -> Vec<&'a serde_json::Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

#[test]
fn upstream_k8s_audit_rules_load_without_errors() {
    let (code, diags) = validate(&[regression("rules/default/k8s_audit_rules.yaml")]);
    let errors: Vec<_> = diags.iter().filter(|d| d["kind"] == "error").collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(code, 0);
}

#[test]
fn macro_loop_is_a_validate_error_on_the_macro() {
    let (code, diags) = validate(&[regression("rules/invalid_macro_loop.yaml")]);
    assert_eq!(code, 1);
    let errs = find(&diags, "LOAD_ERR_VALIDATE");
    assert!(
        errs.iter().any(|d| d["item"]["name"] == "macro_a"
            && d["message"]
                .as_str()
                .unwrap()
                .contains("reference loop in macro")),
        "{diags:?}"
    );
}

#[test]
fn appended_errors_are_attributed_to_the_appending_file() {
    let base = regression("rules/invalid_base_rule.yaml");
    let append = regression("rules/invalid_append_rule.yaml");
    let (code, diags) = validate(&[base, append]);
    assert_eq!(code, 1);
    let errs = find(&diags, "LOAD_ERR_COMPILE_CONDITION");
    assert_eq!(errs.len(), 1, "{diags:?}");
    assert!(errs[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("invalid_append_rule.yaml"));
    assert_eq!(
        errs[0]["message"],
        "unexpected token after 'open', expecting 'or', 'and'"
    );
}

#[test]
fn yaml_shape_errors_use_falco_wording() {
    let cases = [
        (
            "rules/invalid_not_array.yaml",
            "Rules content is not yaml array of objects",
        ),
        (
            "rules/invalid_list_without_items.yaml",
            "Item has no mapping for key 'items'",
        ),
        (
            "rules/invalid_rule_without_output.yaml",
            "Item has no mapping for key 'output'",
        ),
    ];
    for (file, message) in cases {
        let (code, diags) = validate(&[regression(file)]);
        assert_eq!(code, 1, "{file}");
        let errs = find(&diags, "LOAD_ERR_YAML_VALIDATE");
        assert!(
            errs.iter().any(|d| d["message"] == message),
            "{file}: {diags:?}"
        );
    }
}

#[test]
fn newer_engine_versions_are_refused() {
    let (code, diags) = validate(&[regression("rules/engine_version_mismatch.yaml")]);
    assert_eq!(code, 1);
    let errs = find(&diags, "LOAD_ERR_VALIDATE");
    assert!(errs[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Rules require engine version 9999999, but engine version is"));
}

#[test]
fn a_clean_file_validates_with_exit_zero() {
    let dir = std::env::temp_dir().join(format!("harrier-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ok.yaml");
    std::fs::write(
        &file,
        "- required_engine_version: 15\n\
         - list: verbs\n  items: [create]\n\
         - rule: creates\n  desc: d\n  condition: ka.verb in (verbs)\n  output: verb=%ka.verb\n  priority: INFO\n  source: k8s_audit\n",
    )
    .unwrap();
    let (code, diags) = validate(&[file]);
    assert_eq!(code, 0, "{diags:?}");
    assert!(diags.iter().all(|d| d["kind"] != "error"));
    std::fs::remove_dir_all(dir).unwrap();
}
