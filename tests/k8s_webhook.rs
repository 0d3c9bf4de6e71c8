//! `harrier detect` on live Kubernetes audit sources: the webhook gives the
//! same alerts as replaying the same events from a file; a followed log
//! raises alerts as lines are appended; and (ignored by default, see
//! `benches/k8s_audit_load.sh`) a 30 s load test from a second process.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;

mod support;
use support::{send_signal, shared};

fn falco_rules() -> PathBuf {
    shared().join("falco-regression/rules/default/k8s_audit_rules.yaml")
}

/// Every regression audit event (one JSON object per line), file by file.
fn regression_events() -> Vec<String> {
    let dir = shared().join("falco-regression/trace_files/k8s_audit");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn event_list(events: &[String]) -> String {
    format!(
        r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{{}},"items":[{}]}}"#,
        events.join(",")
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("harrier-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running `harrier detect` with its stdout lines sent to a channel.
struct Detect {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Detect {
    /// `detect` with upstream's audit rules serving the webhook on a free
    /// loopback port, plus `extra` flags.
    fn webhook(extra: &[&str]) -> Detect {
        let rules = falco_rules();
        let mut args = vec![
            "--rules",
            rules.to_str().unwrap(),
            "--json",
            "--k8s-audit-listen",
            "127.0.0.1:0",
        ];
        args.extend_from_slice(extra);
        Detect::start(&args)
    }

    fn start(args: &[&str]) -> Detect {
        let mut child = Command::new(env!("CARGO_BIN_EXE_harrier"))
            .arg("detect")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap()).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let (err_pipe, err_text) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || collect(err_pipe, &err_text));
        Detect {
            child,
            lines,
            stderr,
        }
    }

    /// Waits for stderr to contain `needle`.
    fn wait_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.stderr.lock().unwrap().clone();
            if text.contains(needle) {
                return text;
            }
            assert!(Instant::now() < deadline, "no {needle:?} in stderr: {text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The webhook address announced on stderr.
    fn webhook_addr(&self) -> SocketAddr {
        let text = self.wait_stderr("listening on http://");
        let url = text.split("listening on http://").nth(1).unwrap();
        url.split('/').next().unwrap().parse().unwrap()
    }

    fn next_line(&self) -> String {
        self.lines.recv_timeout(Duration::from_secs(20)).unwrap()
    }

    /// Sends SIGINT, waits, returns (stdout lines not yet read, stderr).
    fn interrupt(mut self) -> (Vec<String>, String) {
        assert!(send_signal(self.child.id(), "INT"));
        let status = self.child.wait().unwrap();
        assert!(status.success(), "harrier exited with {status}");
        let rest: Vec<String> =
            std::iter::from_fn(|| self.lines.recv_timeout(Duration::from_secs(5)).ok()).collect();
        let stderr = self.wait_stderr("Events detected");
        (rest, stderr)
    }
}

fn collect(mut pipe: ChildStderr, into: &Mutex<String>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = pipe.read(&mut buf) {
        if n == 0 {
            return;
        }
        into.lock()
            .unwrap()
            .push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

/// POSTs `body` on a keep-alive connection; returns the status.
fn post(conn: &mut TcpStream, body: &str) -> u16 {
    let head = format!(
        "POST /k8s-audit HTTP/1.1\r\nHost: harrier\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).unwrap();
    conn.write_all(body.as_bytes()).unwrap();
    read_status(conn)
}

fn read_status(conn: &mut TcpStream) -> u16 {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        assert_eq!(conn.read(&mut byte).unwrap(), 1, "connection closed");
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf);
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    conn.read_exact(&mut body).unwrap();
    head[9..12].parse().unwrap()
}

/// (rule, priority, time, output) of each JSON alert line, sorted.
fn alert_keys(lines: &[String]) -> Vec<(String, String, String, String)> {
    let mut keys: Vec<_> = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let a: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| a[k].as_str().unwrap().to_owned();
            (s("rule"), s("priority"), s("time"), s("output"))
        })
        .collect();
    keys.sort();
    keys
}

/// (rule, priority, time, output) of the alerts `harrier detect --replay`
/// raises on `events` written to a file.
fn replay_alerts(events: &[String], name: &str) -> Vec<(String, String, String, String)> {
    let dir = temp_dir(name);
    let file = dir.join("all.jsonl");
    std::fs::write(&file, events.join("\n") + "\n").unwrap();
    let replay = Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(["detect", "--rules"])
        .arg(falco_rules())
        .args(["--json", "--source", "k8s_audit", "--replay"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(replay.status.success());
    std::fs::remove_dir_all(&dir).unwrap();
    let lines: Vec<String> = String::from_utf8_lossy(&replay.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    alert_keys(&lines)
}

/// Posts `events` to a live webhook in two batches with `send`, and
/// returns the alerts and stderr.
fn webhook_alerts(
    events: &[String],
    expected: usize,
    send: impl Fn(&mut TcpStream, &str) -> u16,
) -> (Vec<(String, String, String, String)>, String) {
    let detect = Detect::webhook(&[]);
    let mut conn = TcpStream::connect(detect.webhook_addr()).unwrap();
    // Two batches, as the API server's batching would split them.
    let (a, b) = events.split_at(events.len() / 2);
    assert_eq!(send(&mut conn, &event_list(a)), 200);
    assert_eq!(send(&mut conn, &event_list(b)), 200);
    let mut live: Vec<String> = (0..expected).map(|_| detect.next_line()).collect();
    let (rest, stderr) = detect.interrupt();
    live.extend(rest);
    (alert_keys(&live), stderr)
}

#[test]
fn webhook_alerts_equal_file_replay_alerts() {
    let events = regression_events();
    let expected = replay_alerts(&events, "webhook-vs-replay");
    assert!(expected.len() > 40, "{expected:?}");
    let (live, stderr) = webhook_alerts(&events, expected.len(), post);
    assert_eq!(live, expected);
    // fal_01_003 ({"kind": 0}) is reported, not evaluated.
    assert!(
        stderr.contains("not recognized as a k8s audit event"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("of {} events", events.len() - 1)),
        "{stderr}"
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// POSTs `body` with `Content-Encoding: gzip`; returns the status.
fn post_gzip(conn: &mut TcpStream, gzipped: &[u8]) -> u16 {
    let head = format!(
        "POST /k8s-audit HTTP/1.1\r\nHost: harrier\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        gzipped.len()
    );
    conn.write_all(head.as_bytes()).unwrap();
    conn.write_all(gzipped).unwrap();
    read_status(conn)
}

#[test]
fn gzip_batches_raise_the_same_alerts_as_plain_ones() {
    let events = regression_events();
    let expected = replay_alerts(&events, "webhook-gzip-vs-replay");
    let (live, stderr) = webhook_alerts(&events, expected.len(), |conn, body| {
        post_gzip(conn, &gzip(body.as_bytes()))
    });
    assert_eq!(live, expected);
    assert!(
        stderr.contains(&format!("of {} events", events.len() - 1)),
        "{stderr}"
    );
}

/// (VmRSS, VmHWM) of `pid` in KiB.
fn rss_and_peak_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().trim_end_matches(" kB").trim().parse().unwrap())
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[test]
fn a_gzip_bomb_gets_413_and_memory_stays_bounded() {
    // 100 MiB of zeros in one gzip member of about 100 KiB.
    let bomb = {
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..100 {
            enc.write_all(&zeros).unwrap();
        }
        enc.finish().unwrap()
    };
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let detect = Detect::webhook(&["--k8s-audit-max-body", "4194304"]);
    let mut conn = TcpStream::connect(detect.webhook_addr()).unwrap();
    let (rss_before, _) = rss_and_peak_kib(detect.child.id());
    for _ in 0..3 {
        assert_eq!(post_gzip(&mut conn, &bomb), 413);
    }
    let (_, peak) = rss_and_peak_kib(detect.child.id());
    // Decompression stops at the 4 MiB cap: the peak grows by a few MiB,
    // never by the bomb's 100 MiB.
    assert!(
        peak < rss_before + (32 << 10),
        "peak RSS {peak} KiB, {rss_before} KiB before the bombs"
    );
    // The connection and the server still work.
    let privileged = std::fs::read_to_string(
        shared().join("falco-regression/trace_files/k8s_audit/create_nginx_pod_privileged.json"),
    )
    .unwrap();
    let batch = event_list(&[privileged.trim().to_owned()]);
    assert_eq!(post_gzip(&mut conn, &gzip(batch.as_bytes())), 200);
    assert!(detect.next_line().contains("Create Privileged Pod"));
    detect.interrupt();
}

#[test]
fn followed_log_raises_alerts_for_new_lines_across_rotation() {
    let dir = temp_dir("follow-cli");
    let log = dir.join("audit.log");
    let privileged = std::fs::read_to_string(
        shared().join("falco-regression/trace_files/k8s_audit/create_nginx_pod_privileged.json"),
    )
    .unwrap();
    // Already in the file before harrier starts: not reported (starts at the end).
    std::fs::write(&log, &privileged).unwrap();
    let rules = falco_rules();
    let detect = Detect::start(&[
        "--rules",
        rules.to_str().unwrap(),
        "--json",
        "--k8s-audit-file",
        log.to_str().unwrap(),
        "--follow",
    ]);
    std::thread::sleep(Duration::from_millis(500));
    let append = |path: &Path| {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        f.write_all(privileged.as_bytes()).unwrap();
    };
    append(&log);
    assert!(detect.next_line().contains("Create Privileged Pod"));
    std::fs::rename(&log, dir.join("audit.log.1")).unwrap();
    append(&log);
    assert!(detect.next_line().contains("Create Privileged Pod"));
    let (rest, stderr) = detect.interrupt();
    assert!(rest.is_empty(), "{rest:?}");
    assert!(stderr.contains("of 2 events"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Load: ≥ 10,000 events/s for 30 s over loopback from this process, every
/// event evaluated (one catch-all alert each), none lost, RSS bounded.
/// Run with `benches/k8s_audit_load.sh` (release build).
#[test]
#[ignore = "30 s load test; run benches/k8s_audit_load.sh"]
fn webhook_load_10k_events_per_second() {
    let rate: u64 = env_u64("HARRIER_LOAD_RATE", 12_000);
    let seconds: u64 = env_u64("HARRIER_LOAD_SECONDS", 30);
    let batch: u64 = env_u64("HARRIER_LOAD_BATCH", 100);
    let connections: u64 = 4;
    let dir = temp_dir("load");
    let rules = dir.join("catch_all.yaml");
    std::fs::write(
        &rules,
        "- rule: every audit event\n  desc: one alert per event\n  condition: ka.auditid exists\n  output: \"%ka.auditid %ka.verb %ka.target.resource %ka.req.pod.containers.image\"\n  priority: INFO\n  source: k8s_audit\n",
    )
    .unwrap();
    let template = std::fs::read_to_string(
        shared().join("falco-regression/trace_files/k8s_audit/create_nginx_pod_privileged.json"),
    )
    .unwrap();
    let template: serde_json::Value = serde_json::from_str(template.trim()).unwrap();

    let detect = Detect::start(&[
        "--rules",
        rules.to_str().unwrap(),
        "--json",
        "--k8s-audit-listen",
        "127.0.0.1:0",
    ]);
    let addr = detect.webhook_addr();
    let pid = detect.child.id();
    let alerts = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    // Count alert lines as they stream.
    let counter = {
        let (alerts, lines) = (alerts.clone(), detect.lines);
        let done = done.clone();
        std::thread::spawn(move || {
            let mut seen = std::collections::HashSet::new();
            while let Ok(line) = lines.recv_timeout(Duration::from_secs(30)) {
                let alert: serde_json::Value = serde_json::from_str(&line).unwrap();
                let id = alert["output_fields"]["ka.auditid"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                assert!(seen.insert(id), "duplicate alert: {line}");
                alerts.fetch_add(1, Ordering::Relaxed);
            }
            assert!(done.load(Ordering::Relaxed), "alert stream stalled");
            seen.len() as u64
        })
    };
    let max_rss = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (max_rss, done) = (max_rss.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                max_rss.fetch_max(rss_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    let per_conn_rate = rate / connections;
    let batches_per_conn = per_conn_rate * seconds / batch;
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let retries = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let clients: Vec<_> = (0..connections)
        .map(|c| {
            let (template, latencies, retries) =
                (template.clone(), latencies.clone(), retries.clone());
            std::thread::spawn(move || {
                let mut conn = TcpStream::connect(addr).unwrap();
                conn.set_nodelay(true).unwrap();
                let interval = Duration::from_secs_f64(batch as f64 / per_conn_rate as f64);
                let begin = Instant::now();
                let mut mine = Vec::new();
                for b in 0..batches_per_conn {
                    let items: Vec<String> = (0..batch)
                        .map(|i| {
                            let mut e = template.clone();
                            e["auditID"] = format!("load-{c}-{b}-{i}").into();
                            e.to_string()
                        })
                        .collect();
                    let body = event_list(&items);
                    let due = begin + interval * b as u32;
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let sent = Instant::now();
                    loop {
                        match post(&mut conn, &body) {
                            200 => break,
                            503 => {
                                retries.fetch_add(1, Ordering::Relaxed);
                                std::thread::sleep(Duration::from_millis(50));
                            }
                            other => panic!("status {other}"),
                        }
                    }
                    mine.push(sent.elapsed());
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let send_time = start.elapsed();
    let sent = connections * batches_per_conn * batch;
    // Wait for the last alerts, then stop harrier.
    let deadline = Instant::now() + Duration::from_secs(60);
    while alerts.load(Ordering::Relaxed) < sent && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let drain_time = start.elapsed();
    done.store(true, Ordering::Relaxed);
    assert!(send_signal(pid, "INT"));
    let mut child = detect.child;
    assert!(child.wait().unwrap().success());
    let unique = counter.join().unwrap();
    sampler.join().unwrap();
    let stderr = detect.stderr.lock().unwrap().clone();

    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    let rss_mib = max_rss.load(Ordering::Relaxed) as f64 / 1024.0;
    println!(
        "k8s audit webhook load: {sent} events in {:.1} s sent ({:.0} events/s offered), all alerts after {:.1} s ({:.0} events/s evaluated); \
         POST of {batch} events: p50 {:?} p99 {:?} max {:?}; 503 retries {}; max RSS {rss_mib:.1} MiB",
        send_time.as_secs_f64(),
        sent as f64 / send_time.as_secs_f64(),
        drain_time.as_secs_f64(),
        sent as f64 / drain_time.as_secs_f64(),
        p(0.5),
        p(0.99),
        lat[lat.len() - 1],
        retries.load(Ordering::Relaxed),
    );
    assert_eq!(unique, sent, "every event raised exactly one alert");
    assert!(
        stderr.contains(&format!("Events detected: {sent} (of {sent} events)")),
        "{stderr}"
    );
    assert!(
        sent as f64 / send_time.as_secs_f64() >= 10_000.0,
        "offered rate below 10k/s"
    );
    assert!(rss_mib < 512.0, "RSS {rss_mib} MiB");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmRSS:")
                    .map(|v| v.trim().trim_end_matches(" kB").trim().parse().unwrap_or(0))
            })
        })
        .unwrap_or(0)
}
