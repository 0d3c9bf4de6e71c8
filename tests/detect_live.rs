//! `harrier detect --live` on this machine: a real workload raises the
//! expected alerts (needs root and eBPF, which CI has).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const RULES: &str = r#"
- rule: Shadow read
  desc: reading /etc/shadow
  condition: evt.type in (open, openat, openat2) and evt.dir = < and fd.name = /etc/shadow
  output: "shadow opened by %proc.name (cmd=%proc.cmdline parent=%proc.pname)"
  priority: WARNING
  tags: [files]
- rule: Shell from a non-shell parent
  desc: a shell started by something that is not a shell
  condition: evt.type = execve and evt.dir = < and proc.name in (sh, bash, dash) and not proc.pname in (sh, bash, dash)
  output: "shell %proc.name started by %proc.pname (cmd=%proc.cmdline)"
  priority: NOTICE
"#;

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .is_some_and(|l| l.split_whitespace().nth(1) == Some("0"))
}

#[test]
fn shell_reading_shadow_raises_both_alerts() {
    if !is_root() {
        eprintln!("skipped: live capture needs root");
        return;
    }
    let dir = std::env::temp_dir().join(format!("harrier-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("live.yaml");
    std::fs::write(&rules, RULES).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(["detect", "--live", "--json", "--rules"])
        .arg(&rules)
        .args(["--", "sh", "-c", "cat /etc/shadow > /dev/null"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let alerts: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let shadow: Vec<_> = alerts
        .iter()
        .filter(|a| a["rule"] == "Shadow read")
        .collect();
    assert_eq!(shadow.len(), 1, "{alerts:?}");
    assert!(shadow[0]["output"]
        .as_str()
        .unwrap()
        .contains("shadow opened by cat (cmd=cat /etc/shadow parent=sh)"));
    assert_eq!(shadow[0]["output_fields"]["proc.name"], "cat");
    let shells: Vec<_> = alerts
        .iter()
        .filter(|a| a["rule"] == "Shell from a non-shell parent")
        .collect();
    assert_eq!(shells.len(), 1, "{alerts:?}");
    assert_eq!(shells[0]["priority"], "Notice");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The alerts as (rule, priority, output, output_fields), in order.
fn alerts_of(stdout: &[u8]) -> Vec<(String, String, String, String)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|a| {
            (
                a["rule"].to_string(),
                a["priority"].to_string(),
                a["output"].to_string(),
                a["output_fields"].to_string(),
            )
        })
        .collect()
}

#[test]
fn a_recorded_live_run_replays_to_the_same_alerts() {
    if !is_root() {
        eprintln!("skipped: live capture needs root");
        return;
    }
    let dir = std::env::temp_dir().join(format!("harrier-live-rec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("live.yaml");
    std::fs::write(&rules, RULES).unwrap();
    let recording = dir.join("live.scap");
    let live = Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(["detect", "--live", "--json", "--rules"])
        .arg(&rules)
        .arg("-w")
        .arg(&recording)
        .args([
            "--",
            "sh",
            "-c",
            "cat /etc/shadow > /dev/null; ls / > /dev/null",
        ])
        .output()
        .unwrap();
    assert!(
        live.status.success(),
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    let replayed = Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(["detect", "--json", "--rules"])
        .arg(&rules)
        .arg("--replay")
        .arg(&recording)
        .output()
        .unwrap();
    assert!(
        replayed.status.success(),
        "{}",
        String::from_utf8_lossy(&replayed.stderr)
    );
    let (live, replayed) = (alerts_of(&live.stdout), alerts_of(&replayed.stdout));
    assert_eq!(live.len(), 2, "{live:?}");
    assert_eq!(live, replayed);
    std::fs::remove_dir_all(dir).unwrap();
}
