//! A real Alertmanager: alerts arrive with falcosidekick's labels, and
//! killing and restarting it mid-run loses none and duplicates none.
//!
//! harrier talks to Alertmanager through a counting pass-through proxy in
//! the test, which records the `evt_num` label of every alert Alertmanager
//! acknowledged; Alertmanager itself merges identical alerts and forgets
//! them on restart, so its API alone cannot show "exactly once".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use engine::alert::Priority;
use serde_json::Value;

use crate::output::Outputs;
use crate::receiver::Receiver;
use crate::{alert, config, eventually, free_port, temp_dir};

const WAIT: Duration = Duration::from_secs(30);

fn binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HARRIER_ALERTMANAGER") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/prometheus-alertmanager",
        "/usr/local/bin/alertmanager",
        "/usr/bin/alertmanager",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/alertmanager/alertmanager.yml")
}

/// A running Alertmanager on loopback; killed when dropped.
struct Alertmanager {
    child: Child,
    port: u16,
}

impl Alertmanager {
    fn start(bin: &Path, port: u16, storage: &Path) -> Alertmanager {
        let child = Command::new(bin)
            .arg(format!("--config.file={}", fixture().display()))
            .arg(format!("--storage.path={}", storage.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let am = Alertmanager { child, port };
        let ready = format!("http://127.0.0.1:{port}/-/ready");
        eventually(WAIT, "alertmanager ready", || {
            ureq::get(&ready).call().is_ok()
        });
        am
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `labels` of every alert Alertmanager holds, by `evt_num`.
    fn alerts(&self) -> BTreeMap<u64, Value> {
        let url = format!("http://127.0.0.1:{}/api/v2/alerts", self.port);
        let text = ureq::get(&url).call().unwrap().into_string().unwrap();
        let list: Value = serde_json::from_str(&text).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .filter_map(|a| Some((a["labels"]["evt_num"].as_str()?.parse().ok()?, a.clone())))
            .collect()
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Forwards to Alertmanager; records the alerts it acknowledged.
fn counting_proxy(am_port: u16) -> (Receiver, Arc<Mutex<Vec<u64>>>) {
    let acked = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&acked);
    let rx = Receiver::start(move |req| {
        let url = format!("http://127.0.0.1:{am_port}{}", req.path);
        match ureq::post(&url)
            .set("Content-Type", "application/json")
            .send_bytes(&req.body)
        {
            Ok(resp) => {
                let status = resp.status();
                let body: Value = serde_json::from_slice(&req.body).unwrap();
                for a in body.as_array().unwrap() {
                    let n = a["labels"]["evt_num"].as_str().unwrap().parse().unwrap();
                    seen.lock().unwrap().push(n);
                }
                (status, resp.into_string().unwrap_or_default().into_bytes())
            }
            Err(ureq::Error::Status(code, resp)) => {
                (code, resp.into_string().unwrap_or_default().into_bytes())
            }
            Err(_) => (503, b"alertmanager unreachable".to_vec()),
        }
    });
    (rx, acked)
}

fn check_labels(am_alert: &Value, n: u64) {
    let a = alert(n, Priority::Warning);
    let labels = &am_alert["labels"];
    let expect = [
        ("alertname", "Terminal shell in container"),
        ("rule", "Terminal shell in container"),
        ("priority", "Warning"),
        ("severity", "warning"),
        ("source", "falco"),
        ("eventsource", "syscall"),
        ("hostname", "node-7"),
        ("tags", "container,mitre_execution,shell"),
        ("k8s_ns_name", "prod"),
        ("k8s_pod_name", "web-1"),
        ("proc_name", "bash"),
        ("user_name", "root"),
    ];
    for (k, v) in expect {
        assert_eq!(labels[k], v, "label {k} of {am_alert}");
    }
    assert!(
        labels.get("container_id").is_none(),
        "null fields are not labels"
    );
    assert_eq!(
        am_alert["annotations"]["summary"],
        "Terminal shell in container"
    );
    assert_eq!(am_alert["annotations"]["description"], a.text());
    assert_eq!(am_alert["annotations"]["info"], a.text());
}

#[test]
fn alertmanager_receives_every_alert_exactly_once_across_a_kill_and_restart() {
    let Some(bin) = binary() else {
        println!("SKIPPED: alertmanager_receives_every_alert_exactly_once_across_a_kill_and_restart: no Alertmanager binary (install Debian's prometheus-alertmanager or set HARRIER_ALERTMANAGER)");
        eprintln!("SKIPPED: no Alertmanager binary; the real-server test did not run");
        return;
    };
    let storage = temp_dir("am-storage");
    let spool = temp_dir("am-spool");
    let port = free_port();
    let mut am = Alertmanager::start(&bin, port, &storage);
    let (proxy, acked) = counting_proxy(port);

    let mut cfg = config(&[&format!("alertmanager={}", proxy.url())]);
    cfg.delivery.spool_dir = Some(spool.clone());
    cfg.metrics.listen = Some("127.0.0.1:0".into());
    let outputs = Outputs::from_config(&cfg).unwrap();

    for n in 0..10 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    eventually(WAIT, "first 10 acknowledged", || {
        acked.lock().unwrap().len() == 10
    });
    let held = am.alerts();
    for n in 0..10 {
        check_labels(
            held.get(&n)
                .unwrap_or_else(|| panic!("alert {n} missing in {held:?}")),
            n,
        );
    }

    am.kill();
    for n in 10..25 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    let registry = Arc::clone(outputs.registry());
    let value = |name: &str| {
        registry
            .value(name, &[("sink", "alertmanager")])
            .unwrap_or(0)
    };
    eventually(WAIT, "retries while down", || {
        value("harrier_output_retries_total") >= 2
    });
    assert!(
        value("harrier_output_spooled_total") >= 15,
        "spooled {}",
        value("harrier_output_spooled_total")
    );

    let am = Alertmanager::start(&bin, port, &storage);
    eventually(WAIT, "all 25 acknowledged", || {
        acked.lock().unwrap().len() >= 25
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        *acked.lock().unwrap(),
        (0..25).collect::<Vec<u64>>(),
        "every alert once, in order"
    );
    let held = am.alerts();
    for n in 10..25 {
        check_labels(
            held.get(&n)
                .unwrap_or_else(|| panic!("alert {n} missing after restart")),
            n,
        );
    }

    let metrics_url = format!("http://{}/metrics", outputs.metrics_addr().unwrap());
    let text = ureq::get(&metrics_url)
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let retries: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("harrier_output_retries_total{sink=\"alertmanager\"} "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(retries >= 2, "{text}");
    assert!(
        text.contains("harrier_output_deliveries_total{sink=\"alertmanager\"} 25\n"),
        "{text}"
    );
    // The alerts spooled while Alertmanager was down go out as one array.
    let batches: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("harrier_output_batches_total{sink=\"alertmanager\"} "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..25).contains(&batches),
        "{batches} requests for 25 alerts"
    );

    let report = outputs.shutdown(WAIT);
    let sink = report.sink("alertmanager").unwrap();
    assert_eq!(
        (sink.delivered, sink.failed, sink.persisted),
        (25, 0, 0),
        "{report}"
    );
    drop(am);
    let _ = std::fs::remove_dir_all(storage);
    let _ = std::fs::remove_dir_all(spool);
}
