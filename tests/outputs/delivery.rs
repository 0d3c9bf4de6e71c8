//! Delivery guarantees: spill to the spool while a sink is down, deliver in
//! order when it is back, persist across restarts, never block `emit`, and
//! account for every alert.

use std::time::{Duration, Instant};

use engine::alert::Priority;
use serde_json::Value;

use crate::output::config::{DedupConfig, OutputConfig};
use crate::output::Outputs;
use crate::receiver::{Receiver, Request};
use crate::{alert, config, eventually, free_port, sink_yaml, temp_dir};

const WAIT: Duration = Duration::from_secs(15);

fn evt_nums(reqs: &[Request]) -> Vec<u64> {
    reqs.iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["output_fields"]["evt.num"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

fn metric(outputs: &Outputs, name: &str, sink: &str) -> i64 {
    outputs
        .registry()
        .value(name, &[("sink", sink)])
        .unwrap_or(0)
}

fn spooled_webhook(port: u16, spool: &std::path::Path) -> OutputConfig {
    let mut cfg = config(&[&format!("webhook=http://127.0.0.1:{port}/")]);
    cfg.delivery.spool_dir = Some(spool.to_path_buf());
    cfg
}

#[test]
fn down_sink_spills_to_spool_and_delivers_in_order_when_back() {
    let port = free_port();
    let spool = temp_dir("spool-down");
    let mut cfg = spooled_webhook(port, &spool);
    cfg.metrics.listen = Some("127.0.0.1:0".into());
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..20 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    eventually(WAIT, "alerts spooled", || {
        metric(&outputs, "harrier_output_spooled_total", "webhook") == 20
    });
    eventually(WAIT, "a retry", || {
        metric(&outputs, "harrier_output_retries_total", "webhook") > 0
    });
    assert_eq!(metric(&outputs, "harrier_output_up", "webhook"), 0);
    let health_url = format!("http://{}/healthz", outputs.metrics_addr().unwrap());
    let health = || -> Value {
        serde_json::from_str(
            &ureq::get(&health_url)
                .call()
                .unwrap()
                .into_string()
                .unwrap(),
        )
        .unwrap()
    };
    let down = health();
    assert_eq!(down["status"], "ok");
    assert_eq!(down["sinks"]["webhook"]["up"], false);
    assert_eq!(down["sinks"]["webhook"]["backlog"], 20);
    assert_eq!(
        metric(&outputs, "harrier_output_deliveries_total", "webhook"),
        0
    );

    let rx = Receiver::start_on(&format!("127.0.0.1:{port}"), |_| (200, Vec::new()));
    let got = rx.wait_for(20, WAIT);
    assert_eq!(
        evt_nums(&got),
        (0..20).collect::<Vec<_>>(),
        "in order, each once"
    );
    eventually(WAIT, "backlog empty", || {
        metric(&outputs, "harrier_output_backlog", "webhook") == 0
    });
    assert_eq!(metric(&outputs, "harrier_output_up", "webhook"), 1);
    assert_eq!(
        health()["sinks"]["webhook"],
        serde_json::json!({"up": true, "backlog": 0})
    );

    let url = format!("http://{}/metrics", outputs.metrics_addr().unwrap());
    let text = ureq::get(&url).call().unwrap().into_string().unwrap();
    let retries = text
        .lines()
        .find_map(|l| l.strip_prefix("harrier_output_retries_total{sink=\"webhook\"} "))
        .unwrap();
    assert!(retries.parse::<u64>().unwrap() > 0, "{text}");
    assert!(
        text.contains("harrier_output_deliveries_total{sink=\"webhook\"} 20\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "harrier_alerts_total{rule=\"Terminal shell in container\",priority=\"Warning\"} 20\n"
        ),
        "{text}"
    );

    let report = outputs.shutdown(WAIT);
    let sink = report.sink("webhook").unwrap();
    assert_eq!(
        (sink.delivered, sink.failed, sink.persisted),
        (20, 0, 0),
        "{report}"
    );
    std::fs::remove_dir_all(spool).unwrap();
}

#[test]
fn spool_survives_a_restart_and_is_delivered_first() {
    let port = free_port();
    let spool = temp_dir("spool-restart");
    let cfg = spooled_webhook(port, &spool);
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..10 {
        outputs.emit(&alert(n, Priority::Error));
    }
    let report = outputs.shutdown(Duration::from_millis(300));
    let sink = report.sink("webhook").unwrap();
    assert_eq!(
        (sink.delivered, sink.failed, sink.persisted),
        (0, 0, 10),
        "{report}"
    );

    let rx = Receiver::start_on(&format!("127.0.0.1:{port}"), |_| (200, Vec::new()));
    let outputs = Outputs::from_config(&cfg).unwrap();
    assert_eq!(outputs.reloaded(), [("webhook".to_string(), 10)]);
    for n in 10..12 {
        outputs.emit(&alert(n, Priority::Error));
    }
    let got = rx.wait_for(12, WAIT);
    assert_eq!(evt_nums(&got), (0..12).collect::<Vec<_>>());
    let report = outputs.shutdown(WAIT);
    let sink = report.sink("webhook").unwrap();
    assert_eq!(
        (sink.delivered, sink.failed, sink.persisted),
        (12, 0, 0),
        "{report}"
    );
    std::fs::remove_dir_all(spool).unwrap();
}

#[test]
fn every_alert_is_delivered_or_counted_and_emit_never_blocks() {
    // A slow, failing sink with small queues and no spool.
    let rx = Receiver::start(|_| {
        std::thread::sleep(Duration::from_millis(300));
        (503, Vec::new())
    });
    let mut cfg = config(&[&format!("webhook={}/", rx.url())]);
    cfg.delivery.queue_capacity = 5;
    let outputs = Outputs::from_config(&cfg).unwrap();
    let start = Instant::now();
    for n in 0..50 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    let emitting = start.elapsed();
    assert!(
        emitting < Duration::from_millis(250),
        "emit blocked for {emitting:?}"
    );
    let report = outputs.shutdown(Duration::from_millis(500));
    let sink = report.sink("webhook").unwrap();
    assert_eq!(sink.delivered, 0);
    assert_eq!(
        sink.delivered + sink.failed + sink.persisted,
        50,
        "{report}"
    );
}

#[test]
fn rejected_alerts_are_counted_not_retried() {
    let rx = Receiver::start(|_| (400, b"{\"error\":\"bad alert\"}".to_vec()));
    let outputs = Outputs::from_config(&config(&[&format!("webhook={}/", rx.url())])).unwrap();
    for n in 0..3 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    let report = outputs.shutdown(WAIT);
    assert_eq!(report.failed(), 3, "{report}");
    assert_eq!(report.sink("webhook").unwrap().retries, 0);
    assert_eq!(rx.requests.lock().unwrap().len(), 3);
}

#[test]
fn dedup_folds_repeats_and_rate_limit_counts_what_it_holds_back() {
    let dir = temp_dir("noise");
    let path = dir.join("alerts.jsonl");
    let mut cfg = config(&[]);
    cfg.outputs.push(sink_yaml(&format!(
        "kind: file\npath: {}\n",
        path.display()
    )));
    cfg.noise.dedup = Some(DedupConfig {
        window: Duration::from_secs(60),
        fields: vec!["proc.name".into()],
    });
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..5 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    let suppressed = outputs
        .registry()
        .value(
            "harrier_alerts_suppressed_total",
            &[("rule", "Terminal shell in container"), ("reason", "dedup")],
        )
        .unwrap();
    assert_eq!(suppressed, 4);
    outputs.shutdown(WAIT);
    let lines: Vec<Value> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "the first alert, then one summary");
    assert_eq!(lines[0]["output_fields"]["evt.num"], 0);
    assert_eq!(lines[1]["output_fields"]["evt.num"], 4);
    assert_eq!(lines[1]["output_fields"]["harrier.repeats"], 4);

    let mut cfg = config(&[]);
    cfg.outputs.push(sink_yaml(&format!(
        "kind: file\npath: {}\n",
        dir.join("rl.jsonl").display()
    )));
    cfg.noise = serde_yaml::from_str("rate_limit: {per_second: 0.001, burst: 2}").unwrap();
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..5 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    let held = outputs
        .registry()
        .value(
            "harrier_alerts_suppressed_total",
            &[
                ("rule", "Terminal shell in container"),
                ("reason", "rate_limit"),
            ],
        )
        .unwrap();
    assert_eq!(held, 3);
    assert_eq!(outputs.shutdown(WAIT).sink("file").unwrap().delivered, 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dropping_outputs_without_shutdown_still_spools_what_is_queued() {
    let port = free_port();
    let spool = temp_dir("spool-drop");
    let mut cfg = spooled_webhook(port, &spool);
    cfg.delivery.shutdown_timeout = Duration::from_millis(200);
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..5 {
        outputs.emit(&alert(n, Priority::Error));
    }
    drop(outputs);
    let rx = Receiver::start_on(&format!("127.0.0.1:{port}"), |_| (200, Vec::new()));
    let outputs = Outputs::from_config(&cfg).unwrap();
    assert_eq!(outputs.reloaded(), [("webhook".to_string(), 5)]);
    assert_eq!(evt_nums(&rx.wait_for(5, WAIT)), [0, 1, 2, 3, 4]);
    assert_eq!(outputs.shutdown(WAIT).sink("webhook").unwrap().delivered, 5);
    std::fs::remove_dir_all(spool).unwrap();
}

#[test]
fn dedup_summary_goes_out_when_the_window_ends_not_only_at_shutdown() {
    let dir = temp_dir("dedup-timer");
    let path = dir.join("alerts.jsonl");
    let mut cfg = config(&[]);
    cfg.outputs.push(sink_yaml(&format!(
        "kind: file\npath: {}\n",
        path.display()
    )));
    cfg.noise.dedup = Some(DedupConfig {
        window: Duration::from_millis(300),
        fields: vec![],
    });
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..3 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    let lines = || -> Vec<Value> {
        std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    eventually(WAIT, "the summary", || lines().len() == 2);
    assert_eq!(lines()[1]["output_fields"]["harrier.repeats"], 2);
    outputs.emit(&alert(9, Priority::Warning));
    let report = outputs.shutdown(WAIT);
    assert_eq!(
        report.sink("file").unwrap().delivered,
        3,
        "a new window starts with a fresh alert"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_unreadable_spool_line_is_counted_as_failed() {
    let spool = temp_dir("spool-corrupt");
    let rx = Receiver::start(|_| (200, Vec::new()));
    let cfg = spooled_webhook(rx.addr.port(), &spool);
    let good = serde_json::to_string(&crate::output::Record::from_alert(&alert(
        1,
        Priority::Error,
    )))
    .unwrap();
    std::fs::create_dir_all(spool.join("webhook")).unwrap();
    std::fs::write(
        spool.join("webhook/seg-0000000000000000.jsonl"),
        format!("{{\"garbage\n{good}\nnot json either\n"),
    )
    .unwrap();
    let outputs = Outputs::from_config(&cfg).unwrap();
    assert_eq!(outputs.reloaded(), [("webhook".to_string(), 3)]);
    assert_eq!(evt_nums(&rx.wait_for(1, WAIT)), [1]);
    let report = outputs.shutdown(WAIT);
    let sink = report.sink("webhook").unwrap();
    assert_eq!(
        (sink.delivered, sink.failed, sink.persisted),
        (1, 2, 0),
        "{report}"
    );
    std::fs::remove_dir_all(spool).unwrap();
}
