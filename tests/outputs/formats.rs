//! What each sink puts on the wire, checked byte by byte against
//! independent renderings (the rule engine's Falco JSON and text lines).

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

use engine::alert::Priority;
use serde_json::{json, Value};

use crate::output::Outputs;
use crate::receiver::Receiver;
use crate::{alert, config, sink_yaml, temp_dir};

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn webhook_posts_falco_json_with_headers_and_gzip() {
    let rx = Receiver::start(|_| (200, Vec::new()));
    let mut cfg = config(&[]);
    cfg.outputs.push(sink_yaml(&format!(
        "kind: webhook\nurl: {}/falco\nheaders: {{Authorization: Bearer s3cret}}\n",
        rx.url()
    )));
    cfg.outputs.push(sink_yaml(&format!(
        "kind: webhook\nname: zipped\nurl: {}/gz\ngzip: true\n",
        rx.url()
    )));
    let outputs = Outputs::from_config(&cfg).unwrap();
    let a = alert(1, Priority::Warning);
    outputs.emit(&a);
    let report = outputs.shutdown(WAIT);
    assert_eq!(report.failed(), 0, "{report}");

    let reqs = rx.wait_for(2, WAIT);
    let plain = reqs.iter().find(|r| r.path == "/falco").unwrap();
    let zipped = reqs.iter().find(|r| r.path == "/gz").unwrap();
    for r in [plain, zipped] {
        assert_eq!(r.method, "POST");
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        assert_eq!(String::from_utf8(r.body.clone()).unwrap(), a.json_line());
    }
    assert_eq!(plain.header("Authorization"), Some("Bearer s3cret"));
    assert_eq!(plain.header("Content-Encoding"), None);
    assert_eq!(zipped.header("Content-Encoding"), Some("gzip"));
    assert_eq!(&zipped.raw_body[..2], &[0x1f, 0x8b], "gzip magic");
}

#[test]
fn loki_push_follows_the_documented_api_and_falcosidekick_labels() {
    let rx = Receiver::start(|_| (204, Vec::new()));
    let mut cfg = config(&[]);
    cfg.outputs.push(sink_yaml(&format!(
        "kind: loki\nurl: {}/\ntenant: team-a\nextra_labels: [proc.name]\n",
        rx.url()
    )));
    cfg.outputs.push(sink_yaml(&format!(
        "kind: loki\nname: loki-json\nurl: {}/json\nformat: json\nuser: harrier\napi_key: s3cret\n",
        rx.url()
    )));
    let outputs = Outputs::from_config(&cfg).unwrap();
    let a = alert(1, Priority::Warning);
    outputs.emit(&a);
    assert_eq!(outputs.shutdown(WAIT).failed(), 0);

    let reqs = rx.wait_for(2, WAIT);
    let text = reqs.iter().find(|r| r.path == "/loki/api/v1/push").unwrap();
    assert_eq!(text.method, "POST");
    assert_eq!(text.header("Content-Type"), Some("application/json"));
    assert_eq!(text.header("X-Scope-OrgID"), Some("team-a"));
    let body: Value = serde_json::from_slice(&text.body).unwrap();
    let streams = body["streams"].as_array().unwrap();
    assert_eq!(streams.len(), 1);
    assert_eq!(
        streams[0]["stream"],
        json!({
            "rule": "Terminal shell in container",
            "source": "syscall",
            "priority": "Warning",
            "hostname": "node-7",
            "tags": "container,mitre_execution,shell",
            "k8s_ns_name": "prod",
            "k8s_pod_name": "web-1",
            "proc_name": "bash",
        })
    );
    for (name, value) in streams[0]["stream"].as_object().unwrap() {
        let mut chars = name.chars();
        assert!(
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_'),
            "label {name}"
        );
        assert!(
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "label {name}"
        );
        assert!(value.is_string(), "label values are strings");
    }
    // [["<unix epoch in nanoseconds, as a string>", "<log line>"]]
    assert_eq!(
        streams[0]["values"],
        json!([["1700000000123457789", a.text()]])
    );

    let json_req = reqs
        .iter()
        .find(|r| r.path == "/json/loki/api/v1/push")
        .unwrap();
    assert_eq!(
        json_req.header("X-Scope-OrgID"),
        None,
        "no tenant, no header"
    );
    // Basic auth: base64("harrier:s3cret").
    assert_eq!(
        json_req.header("Authorization"),
        Some("Basic aGFycmllcjpzM2NyZXQ=")
    );
    assert_eq!(text.header("Authorization"), None);
    let body: Value = serde_json::from_slice(&json_req.body).unwrap();
    let line = body["streams"][0]["values"][0][1].as_str().unwrap();
    assert_eq!(line, a.json_line());
}

/// The RFC 5424 message harrier sends for `a` with facility `user`.
fn rfc5424(a: &engine::alert::Alert, severity: u8) -> String {
    format!(
        "<{}>1 2023-11-14T22:13:20.{:06}Z node-7 harrier {} alert - {}",
        8 + u32::from(severity),
        (a.time % 1_000_000_000) / 1_000,
        std::process::id(),
        a.text()
    )
}

#[test]
fn syslog_over_udp_is_one_rfc5424_datagram_per_alert() {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(WAIT)).unwrap();
    let outputs = Outputs::from_config(&config(&[&format!(
        "syslog=udp://{}",
        sock.local_addr().unwrap()
    )]))
    .unwrap();
    let a = alert(1, Priority::Critical);
    outputs.emit(&a);
    let mut buf = [0u8; 4096];
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), rfc5424(&a, 2));
    assert_eq!(outputs.shutdown(WAIT).failed(), 0);
}

#[test]
fn syslog_over_tcp_uses_octet_counting_frames() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("syslog=tcp://{}", listener.local_addr().unwrap());
    let outputs = Outputs::from_config(&config(&[&url])).unwrap();
    let (a, b) = (alert(1, Priority::Error), alert(2, Priority::Debug));
    outputs.emit(&a);
    outputs.emit(&b);
    // Shutdown ends the sink's thread, which closes its connection.
    assert_eq!(outputs.shutdown(WAIT).failed(), 0);
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut got = Vec::new();
    let _ = conn.read_to_end(&mut got);
    let (m1, m2) = (rfc5424(&a, 3), rfc5424(&b, 7));
    let expected = format!("{} {m1}{} {m2}", m1.len(), m2.len());
    assert_eq!(String::from_utf8(got).unwrap(), expected);
}

#[test]
fn syslog_over_a_unix_datagram_socket() {
    let dir = temp_dir("syslog-unix");
    let path = dir.join("log.sock");
    let sock = UnixDatagram::bind(&path).unwrap();
    sock.set_read_timeout(Some(WAIT)).unwrap();
    let outputs =
        Outputs::from_config(&config(&[&format!("syslog=unix://{}", path.display())])).unwrap();
    let a = alert(3, Priority::Notice);
    outputs.emit(&a);
    let mut buf = [0u8; 4096];
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), rfc5424(&a, 5));
    assert_eq!(outputs.shutdown(WAIT).failed(), 0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn file_sink_appends_falco_json_lines() {
    let dir = temp_dir("file");
    let path = dir.join("alerts.jsonl");
    std::fs::write(&path, "earlier line\n").unwrap();
    let mut cfg = config(&[]);
    cfg.outputs.push(sink_yaml(&format!(
        "kind: file\npath: {}\nfsync: always\n",
        path.display()
    )));
    let outputs = Outputs::from_config(&cfg).unwrap();
    let alerts: Vec<_> = (0..3).map(|n| alert(n, Priority::Warning)).collect();
    for a in &alerts {
        outputs.emit(a);
    }
    let report = outputs.shutdown(WAIT);
    assert_eq!(report.sink("file").unwrap().delivered, 3, "{report}");
    let mut expected = String::from("earlier line\n");
    for a in &alerts {
        expected.push_str(&a.json_line());
        expected.push('\n');
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn per_sink_minimum_priority_filters() {
    let dir = temp_dir("min-priority");
    let (all, severe) = (dir.join("all.jsonl"), dir.join("severe.jsonl"));
    let mut cfg = config(&[&format!("file={}", all.display())]);
    cfg.outputs.push(sink_yaml(&format!(
        "kind: file\npath: {}\nmin_priority: error\n",
        severe.display()
    )));
    let outputs = Outputs::from_config(&cfg).unwrap();
    for (n, p) in [
        Priority::Debug,
        Priority::Warning,
        Priority::Error,
        Priority::Emergency,
    ]
    .into_iter()
    .enumerate()
    {
        outputs.emit(&alert(n as u64, p));
    }
    outputs.shutdown(WAIT);
    let priorities = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["priority"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(priorities(&all), ["Debug", "Warning", "Error", "Emergency"]);
    assert_eq!(priorities(&severe), ["Error", "Emergency"]);
    std::fs::remove_dir_all(dir).unwrap();
}
