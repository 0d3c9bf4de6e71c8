//! Batching: alerts waiting for a Loki or Alertmanager sink go out several
//! per request, and a batch that fails is retried or spooled whole, so each
//! alert still arrives exactly once and in order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use engine::alert::Priority;
use serde_json::Value;

use crate::output::Outputs;
use crate::receiver::{Receiver, Request};
use crate::{alert, config, sink_yaml, temp_dir};

const WAIT: Duration = Duration::from_secs(15);

/// Every Loki entry of `reqs`, in request and stream order, as the
/// `evt.num` of the alert in its JSON line; also checks each entry's
/// timestamp against the alert's.
fn loki_entries(reqs: &[Request]) -> Vec<u64> {
    let mut out = Vec::new();
    for req in reqs {
        assert_eq!(req.path, "/loki/api/v1/push");
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        for stream in body["streams"].as_array().unwrap() {
            for entry in stream["values"].as_array().unwrap() {
                let line: Value = serde_json::from_str(entry[1].as_str().unwrap()).unwrap();
                let n = line["output_fields"]["evt.num"].as_u64().unwrap();
                let a = alert(n, Priority::Warning);
                assert_eq!(entry[0], a.time.to_string());
                assert_eq!(stream["stream"]["priority"], line["priority"]);
                out.push(n);
            }
        }
    }
    out
}

fn loki_json(url: &str) -> crate::output::config::SinkConfig {
    sink_yaml(&format!("kind: loki\nurl: {url}\nformat: json\n"))
}

#[test]
fn a_burst_reaches_loki_in_fewer_pushes_each_alert_once_in_order() {
    // A receiver slow enough that alerts pile up behind the first push.
    let rx = Receiver::start(|_| {
        std::thread::sleep(Duration::from_millis(100));
        (204, Vec::new())
    });
    let mut cfg = config(&[]);
    cfg.outputs.push(loki_json(&rx.url()));
    cfg.delivery.max_batch = 16;
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..100 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    let report = outputs.shutdown(WAIT);
    let sink = report.sink("loki").unwrap();
    assert_eq!((sink.delivered, sink.failed), (100, 0), "{report}");

    let reqs = rx.requests.lock().unwrap().clone();
    assert!(
        reqs.len() < 100 && reqs.len() >= 100 / 16,
        "{} pushes for 100 alerts, at most 16 each",
        reqs.len()
    );
    for req in &reqs {
        let n = loki_entries(std::slice::from_ref(req)).len();
        assert!((1..=16).contains(&n), "a push of {n} entries");
    }
    assert_eq!(loki_entries(&reqs), (0..100).collect::<Vec<u64>>());
}

#[test]
fn alerts_with_different_labels_share_a_push_in_separate_streams() {
    let rx = Receiver::start(|_| {
        std::thread::sleep(Duration::from_millis(100));
        (204, Vec::new())
    });
    let mut cfg = config(&[]);
    cfg.outputs.push(loki_json(&rx.url()));
    let outputs = Outputs::from_config(&cfg).unwrap();
    let priorities = [Priority::Warning, Priority::Error];
    for n in 0..20 {
        outputs.emit(&alert(n, priorities[n as usize % 2]));
    }
    assert_eq!(outputs.shutdown(WAIT).failed(), 0);
    let reqs = rx.requests.lock().unwrap().clone();
    let mut by_priority: [Vec<u64>; 2] = Default::default();
    let mut mixed = 0;
    for req in &reqs {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let streams = body["streams"].as_array().unwrap();
        let labels: Vec<&Value> = streams.iter().map(|s| &s["stream"]).collect();
        for (i, l) in labels.iter().enumerate() {
            assert!(!labels[..i].contains(l), "one stream per label set: {body}");
        }
        mixed += usize::from(streams.len() == 2);
        for stream in streams {
            let slot = usize::from(stream["stream"]["priority"] == "Error");
            by_priority[slot].extend(loki_entries(&[Request {
                body: serde_json::to_vec(&serde_json::json!({ "streams": [stream] })).unwrap(),
                ..req.clone()
            }]));
        }
    }
    assert!(mixed > 0, "some push carries both priorities");
    let evens: Vec<u64> = (0..20).step_by(2).collect();
    let odds: Vec<u64> = (1..20).step_by(2).collect();
    assert_eq!(
        by_priority,
        [evens, odds],
        "each once, in order within its stream"
    );
}

#[test]
fn a_failed_batch_is_spooled_and_retried_whole() {
    // The first three pushes fail; every alert of them must come again.
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let rx = Receiver::start(move |_| {
        std::thread::sleep(Duration::from_millis(30));
        if seen.fetch_add(1, Ordering::SeqCst) < 3 {
            (503, b"ingester busy".to_vec())
        } else {
            (204, Vec::new())
        }
    });
    let spool = temp_dir("batch-spool");
    let mut cfg = config(&[]);
    cfg.outputs.push(loki_json(&rx.url()));
    cfg.delivery.spool_dir = Some(spool.clone());
    cfg.delivery.max_batch = 8;
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..40 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    let report = outputs.shutdown(WAIT);
    let sink = report.sink("loki").unwrap();
    assert_eq!(
        (sink.delivered, sink.failed, sink.persisted),
        (40, 0, 0),
        "{report}"
    );
    assert!(sink.retries >= 2, "{report}");
    let reqs = rx.requests.lock().unwrap().clone();
    assert_eq!(
        loki_entries(&reqs[3..]),
        (0..40).collect::<Vec<u64>>(),
        "after the failures, each alert once, in order"
    );
    for req in &reqs[..3] {
        let failed = loki_entries(std::slice::from_ref(req));
        let k = failed.len() as u64;
        assert_eq!(
            failed,
            (0..k).collect::<Vec<u64>>(),
            "a failed push carries the oldest pending alerts"
        );
    }
    std::fs::remove_dir_all(spool).unwrap();
}

#[test]
fn max_batch_one_sends_a_request_per_alert() {
    let rx = Receiver::start(|_| (204, Vec::new()));
    let mut cfg = config(&[]);
    cfg.outputs.push(loki_json(&rx.url()));
    cfg.delivery.max_batch = 1;
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..10 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    assert_eq!(outputs.shutdown(WAIT).failed(), 0);
    let reqs = rx.requests.lock().unwrap().clone();
    assert_eq!(reqs.len(), 10);
    assert_eq!(loki_entries(&reqs), (0..10).collect::<Vec<u64>>());
}

#[test]
fn a_rejected_batch_is_retried_alert_by_alert_so_only_the_bad_one_fails() {
    // Loki refuses any push carrying alert 3 (as it does an entry too old).
    let rx = Receiver::start(|req| {
        std::thread::sleep(Duration::from_millis(50));
        if loki_entries(std::slice::from_ref(req)).contains(&3) {
            (400, b"entry too far behind".to_vec())
        } else {
            (204, Vec::new())
        }
    });
    let spool = temp_dir("batch-reject");
    let mut cfg = config(&[]);
    cfg.outputs.push(loki_json(&rx.url()));
    cfg.delivery.spool_dir = Some(spool.clone());
    let outputs = Outputs::from_config(&cfg).unwrap();
    for n in 0..12 {
        outputs.emit(&alert(n, Priority::Warning));
    }
    let report = outputs.shutdown(WAIT);
    let sink = report.sink("loki").unwrap();
    assert_eq!(
        (sink.delivered, sink.failed, sink.persisted),
        (11, 1, 0),
        "{report}"
    );
    let reqs = rx.requests.lock().unwrap().clone();
    assert!(
        reqs.iter().any(|r| {
            let entries = loki_entries(std::slice::from_ref(r));
            entries.contains(&3) && entries.len() > 1
        }),
        "alert 3 went out in a batch first"
    );
    let accepted: Vec<Request> = reqs
        .into_iter()
        .filter(|r| !loki_entries(std::slice::from_ref(r)).contains(&3))
        .collect();
    let expected: Vec<u64> = (0..12).filter(|n| *n != 3).collect();
    assert_eq!(
        loki_entries(&accepted),
        expected,
        "each other alert once, in order"
    );
    std::fs::remove_dir_all(spool).unwrap();
}
