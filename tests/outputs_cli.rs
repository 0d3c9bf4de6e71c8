//! `harrier detect --output …` end to end: the binary replays Kubernetes
//! audit events from the Falco regression data through Falco's audit rules
//! and delivers every alert to a real Alertmanager, a Loki push-API
//! receiver, a syslog UDP socket and a file, each checked against the
//! alerts `--json` prints without outputs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;
use support::{free_port, metric, send_signal, shared};

fn temp_dir(what: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("harrier-outputs-cli-{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn harrier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(args)
        .output()
        .unwrap()
}

/// Every one-event audit trace of the regression data, as one JSON-lines file.
fn audit_trace(dir: &Path) -> Option<PathBuf> {
    let traces = shared().join("falco-regression/trace_files/k8s_audit");
    let mut files: Vec<_> = std::fs::read_dir(&traces)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut out = String::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|x| x == "json"))
    {
        let text = std::fs::read_to_string(f).unwrap();
        let text = text.trim();
        if !text.contains('\n') && text.starts_with('{') {
            out.push_str(text);
            out.push('\n');
        }
    }
    let path = dir.join("audit.jsonl");
    std::fs::write(&path, out).unwrap();
    Some(path)
}

fn alertmanager_binary() -> Option<PathBuf> {
    std::env::var_os("HARRIER_ALERTMANAGER")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/bin/prometheus-alertmanager")).filter(|p| p.exists()))
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_alertmanager(bin: &Path, port: u16, storage: &Path) -> Killed {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/alertmanager/alertmanager.yml");
    let child = Command::new(bin)
        .arg(format!("--config.file={}", fixture.display()))
        .arg(format!("--storage.path={}", storage.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let am = Killed(child);
    let start = Instant::now();
    while ureq::get(&format!("http://127.0.0.1:{port}/-/ready"))
        .call()
        .is_err()
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "alertmanager did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    am
}

/// A Loki push-API receiver answering 204; returns its URL and the bodies.
fn loki_receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&bodies);
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                let mut writer = conn.try_clone().unwrap();
                let mut reader = BufReader::new(conn);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    assert!(line.starts_with("POST /loki/api/v1/push "), "{line}");
                    let mut len = 0;
                    loop {
                        let mut h = String::new();
                        reader.read_line(&mut h).unwrap();
                        if h.trim().is_empty() {
                            break;
                        }
                        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; len];
                    reader.read_exact(&mut body).unwrap();
                    seen.lock()
                        .unwrap()
                        .push(serde_json::from_slice(&body).unwrap());
                    writer
                        .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                        .unwrap();
                }
            });
        }
    });
    (url, bodies)
}

#[test]
fn detect_delivers_every_alert_to_alertmanager_loki_syslog_and_file() {
    let Some(am_bin) = alertmanager_binary() else {
        println!("SKIPPED: detect_delivers_every_alert_to_alertmanager_loki_syslog_and_file: no Alertmanager binary (Debian prometheus-alertmanager)");
        return;
    };
    let dir = temp_dir("e2e");
    let Some(trace) = audit_trace(&dir) else {
        println!("SKIPPED: detect_delivers_every_alert_to_alertmanager_loki_syslog_and_file: no Falco regression data under {}", shared().display());
        return;
    };
    let rules = shared().join("falco-regression/rules/default/k8s_audit_rules.yaml");
    let base = [
        "detect",
        "--rules",
        rules.to_str().unwrap(),
        "--replay",
        trace.to_str().unwrap(),
    ];

    let plain = harrier(&[&base[..], &["--json"]].concat());
    assert!(
        plain.status.success(),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    let expected: Vec<String> = String::from_utf8(plain.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert!(
        expected.len() >= 10,
        "the trace should raise many alerts, got {}",
        expected.len()
    );
    let expected_json: Vec<Value> = expected
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    let am_port = free_port();
    let _am = start_alertmanager(&am_bin, am_port, &dir.join("am"));
    let (loki_url, loki) = loki_receiver();
    let syslog = UdpSocket::bind("127.0.0.1:0").unwrap();
    syslog
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let file = dir.join("alerts.jsonl");

    let outputs = [
        format!("loki={loki_url}"),
        format!("alertmanager=http://127.0.0.1:{am_port}"),
        format!("syslog=udp://{}", syslog.local_addr().unwrap()),
        format!("file={}", file.display()),
    ];
    let mut args: Vec<&str> = base.to_vec();
    for o in &outputs {
        args.extend(["--output", o]);
    }
    let spool = dir.join("spool");
    args.extend(["--spool-dir", spool.to_str().unwrap()]);
    let run = harrier(&args);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        run.stdout.is_empty(),
        "with --output, alerts go only to the sinks"
    );
    let n = expected.len();
    for sink in ["loki", "alertmanager", "syslog", "file"] {
        let line = format!("output {sink}: {n} delivered, 0 failed, 0 kept in spool");
        assert!(stderr.contains(&line), "missing `{line}` in:\n{stderr}");
    }

    // File: the same Falco JSON lines, byte for byte.
    let written: Vec<String> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(written, expected);

    // Syslog: one datagram per alert, in order, ending in the text line.
    for a in &expected_json {
        let mut buf = [0u8; 65536];
        let len = syslog.recv(&mut buf).unwrap();
        let msg = std::str::from_utf8(&buf[..len]).unwrap();
        assert!(msg.starts_with('<') && msg.contains(">1 "), "{msg}");
        assert!(
            msg.ends_with(&format!(" alert - {}", a["output"].as_str().unwrap())),
            "{msg}"
        );
    }

    // Loki: every alert once, as [ns timestamp string, output line], in
    // order within its stream; alerts waiting together share a push.
    let pushes = loki.lock().unwrap().clone();
    assert!(!pushes.is_empty() && pushes.len() <= n);
    let mut received: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    for push in &pushes {
        for stream in push["streams"].as_array().unwrap() {
            assert_eq!(stream["stream"]["source"], "k8s_audit");
            let key = (
                stream["stream"]["rule"].as_str().unwrap().to_string(),
                stream["stream"]["priority"].as_str().unwrap().to_string(),
            );
            for entry in stream["values"].as_array().unwrap() {
                assert!(entry[0]
                    .as_str()
                    .unwrap()
                    .bytes()
                    .all(|b| b.is_ascii_digit()));
                received
                    .entry(key.clone())
                    .or_default()
                    .push(entry[1].clone());
            }
        }
    }
    let mut wanted: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    for a in &expected_json {
        let key = (
            a["rule"].as_str().unwrap().to_string(),
            a["priority"].as_str().unwrap().to_string(),
        );
        wanted.entry(key).or_default().push(a["output"].clone());
    }
    assert_eq!(received, wanted);

    // Alertmanager: every rule that fired is there with its severity.
    let text = ureq::get(&format!("http://127.0.0.1:{am_port}/api/v2/alerts"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let held: Vec<Value> = serde_json::from_str(&text).unwrap();
    for a in &expected_json {
        let rule = a["rule"].as_str().unwrap();
        let found = held.iter().find(|h| h["labels"]["alertname"] == rule);
        let found = found.unwrap_or_else(|| panic!("{rule} not in Alertmanager: {text}"));
        assert_eq!(found["labels"]["priority"], a["priority"]);
        assert_eq!(found["labels"]["eventsource"], "k8s_audit");
        assert_eq!(found["annotations"]["summary"], rule);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn detect_reads_sinks_from_a_config_file() {
    let dir = temp_dir("config");
    let Some(trace) = audit_trace(&dir) else {
        println!(
            "SKIPPED: detect_reads_sinks_from_a_config_file: no Falco regression data under {}",
            shared().display()
        );
        return;
    };
    let rules = shared().join("falco-regression/rules/default/k8s_audit_rules.yaml");
    let base = [
        "detect",
        "--rules",
        rules.to_str().unwrap(),
        "--replay",
        trace.to_str().unwrap(),
    ];
    let plain = harrier(&[&base[..], &["--json"]].concat());
    let all: Vec<Value> = String::from_utf8(plain.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let severe: Vec<&Value> = all
        .iter()
        .filter(|a| {
            matches!(
                a["priority"].as_str(),
                Some("Emergency" | "Alert" | "Critical" | "Error" | "Warning")
            )
        })
        .collect();
    assert!(
        !severe.is_empty() && severe.len() < all.len(),
        "the trace should mix priorities"
    );

    let (everything, warnings) = (dir.join("all.jsonl"), dir.join("warnings.txt"));
    let config = dir.join("harrier.yaml");
    std::fs::write(
        &config,
        format!(
            "outputs:\n  - kind: file\n    path: {}\n  - kind: file\n    name: warnings\n    path: {}\n    format: text\n    min_priority: warning\n",
            everything.display(),
            warnings.display()
        ),
    )
    .unwrap();
    let run = harrier(&[&base[..], &["--config", config.to_str().unwrap()]].concat());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("output file: {} delivered, 0 failed", all.len())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "output warnings: {} delivered, 0 failed",
            severe.len()
        )),
        "{stderr}"
    );
    let lines: Vec<Value> = std::fs::read_to_string(&everything)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, all);
    let text: Vec<String> = std::fs::read_to_string(&warnings)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = severe
        .iter()
        .map(|a| a["output"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(text, expected);

    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "outputs:\n  - kind: loki\n    url: http://127.0.0.1:1\n    tenat: x\n",
    )
    .unwrap();
    let run = harrier(&[&base[..], &["--config", bad.to_str().unwrap()]].concat());
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("bad.yaml") && stderr.contains("tenat"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Scrapes `/metrics` at `addr` until `done` holds for the page (or panics
/// after 20 s); returns that page.
fn scrape_until(addr: &str, mut done: impl FnMut(&str) -> bool) -> String {
    let url = format!("http://{addr}/metrics");
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < Duration::from_secs(20) {
        if let Some(page) = ureq::get(&url)
            .call()
            .ok()
            .and_then(|r| r.into_string().ok())
        {
            if done(&page) {
                return page;
            }
            last = page;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("metrics never got there; last page:\n{last}");
}

/// Stops a running `harrier detect` with SIGINT (as Ctrl-C) and checks it
/// exits cleanly.
fn interrupt(mut child: Child) {
    assert!(send_signal(child.id(), "INT"));
    let status = child.wait().unwrap();
    assert!(status.success(), "harrier exited with {status}");
}

/// Alerts by rule and priority the plain replay of `trace` prints, and
/// how many of its items it skipped as not audit events.
fn alert_counts(rules: &Path, trace: &Path) -> (BTreeMap<(String, String), u64>, u64) {
    let plain = harrier(&[
        "detect",
        "--json",
        "--rules",
        rules.to_str().unwrap(),
        "--replay",
        trace.to_str().unwrap(),
    ]);
    assert!(plain.status.success());
    let mut counts = BTreeMap::new();
    for line in String::from_utf8(plain.stdout).unwrap().lines() {
        let a: Value = serde_json::from_str(line).unwrap();
        let key = (
            a["rule"].as_str().unwrap().to_string(),
            a["priority"].as_str().unwrap().to_string(),
        );
        *counts.entry(key).or_default() += 1;
    }
    let skipped = String::from_utf8_lossy(&plain.stderr)
        .lines()
        .filter(|l| l.starts_with("skipped: "))
        .count();
    (counts, skipped as u64)
}

/// The page shows `events` events read, `invalid` audit items dropped, the
/// alerts of `counts` and timed rule evaluations.
fn shows_the_run(
    page: &str,
    events: usize,
    invalid: u64,
    counts: &BTreeMap<(String, String), u64>,
) -> bool {
    let alerts_match = counts.iter().all(|((rule, priority), n)| {
        let series = format!(
            "harrier_alerts_total{{rule=\"{}\",priority=\"{priority}\"}}",
            rule.replace('\\', "\\\\").replace('"', "\\\"")
        );
        metric(page, &series) == Some(*n as f64)
    });
    metric(page, "harrier_events_read_total") == Some(events as f64)
        && metric(page, "harrier_events_dropped_total{category=\"invalid\"}")
            == Some(invalid as f64)
        && metric(page, "harrier_rule_evaluation_seconds_count").is_some_and(|n| n > 0.0)
        && metric(page, "harrier_rule_evaluation_seconds_sum").is_some_and(|s| s > 0.0)
        && alerts_match
}

#[test]
fn a_followed_audit_log_and_the_audit_webhook_feed_metrics_while_running() {
    let dir = temp_dir("audit-metrics");
    let Some(trace) = audit_trace(&dir) else {
        println!("SKIPPED: a_followed_audit_log_and_the_audit_webhook_feed_metrics_while_running: no Falco regression data under {}", shared().display());
        return;
    };
    let rules = shared().join("falco-regression/rules/default/k8s_audit_rules.yaml");
    let (counts, skipped) = alert_counts(&rules, &trace);
    assert!(!counts.is_empty());
    let lines: Vec<String> = std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let alerts = dir.join("alerts.jsonl");
    let start = |source: &[&str], metrics: &str| {
        Command::new(env!("CARGO_BIN_EXE_harrier"))
            .args(["detect", "--rules", rules.to_str().unwrap()])
            .args(source)
            .args(["--metrics-listen", metrics, "--output"])
            .arg(format!("file={}", alerts.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };

    // A followed log with one line that is not JSON.
    let log = dir.join("followed.jsonl");
    std::fs::write(&log, format!("{}\nnot json\n", lines.join("\n"))).unwrap();
    let metrics = format!("127.0.0.1:{}", free_port());
    let child = start(
        &[
            "--k8s-audit-file",
            log.to_str().unwrap(),
            "--follow",
            "--from-start",
        ],
        &metrics,
    );
    scrape_until(&metrics, |page| {
        shows_the_run(page, lines.len() - skipped as usize, skipped + 1, &counts)
    });
    interrupt(child);

    // The webhook, sent the same events as one EventList.
    let (hook, metrics) = (free_port(), format!("127.0.0.1:{}", free_port()));
    let child = start(
        &["--k8s-audit-listen", &format!("127.0.0.1:{hook}")],
        &metrics,
    );
    let body = format!(
        r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{{}},"items":[{}]}}"#,
        lines.join(",")
    );
    let url = format!("http://127.0.0.1:{hook}/k8s-audit");
    let begun = Instant::now();
    let status = loop {
        match ureq::post(&url)
            .set("Content-Type", "application/json")
            .send_string(&body)
        {
            Ok(r) => break r.status(),
            Err(ureq::Error::Status(code, _)) => break code,
            // Not listening yet: the rules load first.
            Err(ureq::Error::Transport(t)) => {
                assert!(begun.elapsed() < Duration::from_secs(20), "{t}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    assert_eq!(status, 200);
    scrape_until(&metrics, |page| {
        shows_the_run(page, lines.len() - skipped as usize, skipped, &counts)
    });
    interrupt(child);
    let _ = std::fs::remove_dir_all(dir);
}
