//! `harrier detect --live` on this machine: a real workload raises the
//! expected alerts (needs root and eBPF, which CI has).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

mod support;
use support::{free_port, is_root, metric};

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

#[test]
fn metrics_show_events_drops_alerts_and_rule_time_while_a_live_run_goes_on() {
    if !is_root() || !std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
        eprintln!("skipped: live capture needs root and BTF");
        return;
    }
    let dir = std::env::temp_dir().join(format!("harrier-live-metrics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("live.yaml");
    std::fs::write(&rules, RULES).unwrap();
    let alerts = dir.join("alerts.jsonl");
    let addr = format!("127.0.0.1:{}", free_port());
    // Reads /etc/shadow once, after the start-up burst has drained, then
    // opens /dev/null as fast as it can for a few seconds: far more than a
    // 4 KiB ring holds.
    let workload = "import os, time\n\
                    time.sleep(0.5)\n\
                    open('/etc/shadow').close()\n\
                    time.sleep(0.2)\n\
                    end = time.time() + 4\n\
                    while time.time() < end:\n\
                    \x20   for _ in range(2000): os.close(os.open('/dev/null', 0))\n";
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(["detect", "--live", "--ring-size", "4K", "--rules"])
        .arg(&rules)
        .args(["--metrics-listen", &addr, "--output"])
        .arg(format!("file={}", alerts.display()))
        .args(["--", "/usr/bin/python3", "-c", workload])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let url = format!("http://{addr}/metrics");
    let scrape = || ureq::get(&url).call().ok()?.into_string().ok();
    let started = std::time::Instant::now();
    let mut pages = Vec::new();
    // Scrape while the run goes on; keep pages taken before it ended.
    while started.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(500));
        let page = scrape();
        if child.try_wait().unwrap().is_some() {
            break;
        }
        pages.extend(page);
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        pages.len() >= 3,
        "{} scrapes during the run: {stderr}",
        pages.len()
    );

    let events: Vec<f64> = pages
        .iter()
        .map(|p| metric(p, "harrier_events_read_total").unwrap_or(0.0))
        .collect();
    assert!(
        events.windows(2).all(|w| w[0] <= w[1]) && events.last() > events.first(),
        "events read grow during the run: {events:?}"
    );
    let last = pages.last().unwrap();
    let drops = metric(
        last,
        "harrier_events_dropped_total{category=\"buffer_full\"}",
    )
    .unwrap_or_else(|| panic!("no drop series in {last}"));
    assert!(drops > 0.0, "a 4 KiB ring must overflow, mid-run: {last}");
    assert_eq!(
        metric(
            last,
            "harrier_alerts_total{rule=\"Shadow read\",priority=\"Warning\"}"
        ),
        Some(1.0),
        "{last}"
    );
    let timed = metric(last, "harrier_rule_evaluation_seconds_count").unwrap();
    let seconds = metric(last, "harrier_rule_evaluation_seconds_sum").unwrap();
    assert!(timed > 0.0 && seconds > 0.0, "{last}");
    assert!(
        timed < events.last().unwrap() / 10.0,
        "evaluations are sampled, not all timed: {timed} of {events:?}"
    );
    assert!(
        last.contains("harrier_output_deliveries_total{sink=\"file\"} 1\n"),
        "{last}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
