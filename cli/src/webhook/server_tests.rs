//! The webhook against real TCP clients: routing, content types, sizes,
//! slow clients, authentication, backpressure and TLS.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;

use super::queue::QueueLimits;
use super::server::{WebhookConfig, WebhookServer};
use super::tls::TlsFiles;

fn event(id: u32) -> String {
    format!(
        r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"id-{id}","stage":"ResponseComplete","verb":"get","stageTimestamp":"2024-01-01T00:00:00Z"}}"#
    )
}

fn event_list(ids: std::ops::Range<u32>) -> String {
    let items: Vec<String> = ids.map(event).collect();
    format!(
        r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{}]}}"#,
        items.join(",")
    )
}

fn config() -> WebhookConfig {
    let mut config = WebhookConfig::new("127.0.0.1:0".parse().unwrap());
    config.request_timeout = Duration::from_millis(500);
    config.enqueue_timeout = Duration::from_millis(200);
    config.max_body = 64 << 10;
    config
}

/// Sends raw bytes and reads the whole response (the server closes or
/// the response is complete by Content-Length).
fn exchange(stream: &mut impl ReadWrite, request: &[u8]) -> (u16, String) {
    stream.write_all(request).unwrap();
    read_response(stream)
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

fn read_response(stream: &mut impl Read) -> (u16, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                let status = head[9..12].parse().unwrap();
                return (status, head);
            }
        }
        let n = stream.read(&mut chunk).unwrap();
        assert!(
            n > 0,
            "connection closed before a full response: {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn post(path: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn connect(server: &WebhookServer) -> TcpStream {
    let s = TcpStream::connect(server.local_addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

#[test]
fn routes_statuses_and_delivery_in_order() {
    let server = WebhookServer::start(config()).unwrap();
    let mut c = connect(&server);
    let get = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_eq!(exchange(&mut c, get).0, 200);
    // Keep-alive: the same connection carries the next requests.
    assert_eq!(
        exchange(
            &mut c,
            &post("/k8s-audit", "application/json", &event_list(0..3))
        )
        .0,
        200
    );
    assert_eq!(
        exchange(
            &mut c,
            &post("/k8s-audit", "application/json; charset=utf-8", &event(3))
        )
        .0,
        200
    );
    let mut events = server.events();
    for id in 0..4 {
        let evt = events.next().unwrap().unwrap();
        assert_eq!(evt.str_at(&["auditID"]), Some(format!("id-{id}").as_str()));
    }
    let get_path = b"GET /k8s-audit HTTP/1.1\r\nHost: x\r\n\r\n";
    let (status, head) = exchange(&mut connect(&server), get_path);
    assert_eq!(status, 405);
    assert!(head.contains("Allow: POST"));
    assert_eq!(
        exchange(
            &mut connect(&server),
            &post("/other", "application/json", "{}")
        )
        .0,
        404
    );
    assert_eq!(
        exchange(
            &mut connect(&server),
            &post("/k8s-audit", "text/plain", &event(9))
        )
        .0,
        415
    );
    assert_eq!(
        exchange(
            &mut connect(&server),
            &post("/k8s-audit", "application/x-www-form-urlencoded", "a=b")
        )
        .0,
        415
    );
    assert_eq!(
        exchange(
            &mut connect(&server),
            b"POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
        )
        .0,
        411
    );
    assert_eq!(exchange(&mut connect(&server), b"NOT HTTP\r\n\r\n").0, 400);
}

#[test]
fn expect_100_continue_gets_an_interim_response() {
    let server = WebhookServer::start(config()).unwrap();
    let mut c = connect(&server);
    let body = event(1);
    let head = format!(
        "POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    c.write_all(head.as_bytes()).unwrap();
    let mut interim = [0u8; 25];
    c.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    assert_eq!(exchange(&mut c, body.as_bytes()).0, 200);
}

#[test]
fn malformed_and_non_event_bodies_are_400_and_reported() {
    let server = WebhookServer::start(config()).unwrap();
    let mut c = connect(&server);
    let (status, _) = exchange(
        &mut c,
        &post(
            "/k8s-audit",
            "application/json",
            "{\"kind\":\"EventList\",\"items\":[",
        ),
    );
    assert_eq!(status, 400);
    // The connection stays usable after a bad body.
    assert_eq!(
        exchange(
            &mut c,
            &post("/k8s-audit", "application/json", "{\"kind\": 0}")
        )
        .0,
        400
    );
    let mixed = format!("[{},{{\"kind\":\"Pod\"}}]", event(1));
    assert_eq!(
        exchange(&mut c, &post("/k8s-audit", "application/json", &mixed)).0,
        200
    );
    let mut events = server.events();
    let first = events.next().unwrap().unwrap_err();
    assert!(first.reason.starts_with("malformed JSON"), "{first}");
    assert!(first.location.file.starts_with("webhook 127.0.0.1:"));
    assert!(events
        .next()
        .unwrap()
        .unwrap_err()
        .reason
        .contains("not recognized"));
    assert_eq!(
        events.next().unwrap().unwrap().str_at(&["auditID"]),
        Some("id-1")
    );
    assert!(events.next().unwrap().is_err());
}

#[test]
fn oversized_bodies_are_413_without_being_read() {
    let server = WebhookServer::start(config()).unwrap();
    let mut c = connect(&server);
    // Only the head is sent: the answer must not wait for 1 MiB of body.
    let head = b"POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n";
    let (status, head) = exchange(&mut c, head);
    assert_eq!(status, 413);
    assert!(head.contains("Connection: close"));
    // Chunked bodies are capped the same way.
    let mut c = connect(&server);
    let chunk = "x".repeat(40 << 10);
    let req = format!(
        "POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len(),
        chunk.len()
    );
    assert_eq!(exchange(&mut c, req.as_bytes()).0, 413);
    // A chunked body within the limit is accepted.
    let body = event_list(0..2);
    let req = format!(
        "POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    assert_eq!(exchange(&mut connect(&server), req.as_bytes()).0, 200);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// A JSON POST to `/k8s-audit` with `Content-Encoding: encoding`.
fn post_encoded(encoding: &str, body: &[u8]) -> Vec<u8> {
    let head = format!(
        "POST /k8s-audit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: {encoding}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body].concat()
}

#[test]
fn gzip_bodies_are_decoded_under_the_body_cap() {
    let server = WebhookServer::start(config()).unwrap();
    let mut c = connect(&server);
    let batch = gzip(event_list(0..3).as_bytes());
    assert_eq!(exchange(&mut c, &post_encoded("gzip", &batch)).0, 200);
    let plain = event(3);
    assert_eq!(
        exchange(&mut c, &post_encoded("identity", plain.as_bytes())).0,
        200
    );
    let mut events = server.events();
    for id in 0..4 {
        let evt = events.next().unwrap().unwrap();
        assert_eq!(evt.str_at(&["auditID"]), Some(format!("id-{id}").as_str()));
    }
    // A damaged stream is a bad request; the connection stays usable.
    let (status, _) = exchange(&mut c, &post_encoded("gzip", &batch[..batch.len() / 2]));
    assert_eq!(status, 400);
    let report = events.next().unwrap().unwrap_err();
    assert!(report.reason.starts_with("malformed gzip body"), "{report}");
    // 16 MiB of zeros, compressed to a few KiB, against a 64 KiB cap.
    let bomb = gzip(&vec![0u8; 16 << 20]);
    assert!(bomb.len() < 64 << 10);
    let (status, _) = exchange(&mut c, &post_encoded("gzip", &bomb));
    assert_eq!(status, 413);
    assert_eq!(exchange(&mut c, &post_encoded("x-gzip", &batch)).0, 200);
    // Other encodings are refused before the body is read.
    let (status, head) = exchange(&mut connect(&server), &post_encoded("br", b"{}"));
    assert_eq!(status, 415);
    assert!(head.contains("Connection: close"));
    let (status, _) = exchange(&mut connect(&server), &post_encoded("gzip, br", b"{}"));
    assert_eq!(status, 415);
}

#[test]
fn slow_clients_time_out_without_holding_up_others() {
    let server = WebhookServer::start(config()).unwrap();
    // One client stalls inside its head, another inside its body.
    let mut slow_head = connect(&server);
    slow_head
        .write_all(b"POST /k8s-audit HTTP/1.1\r\nContent-Ty")
        .unwrap();
    let mut slow_body = connect(&server);
    slow_body
        .write_all(b"POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"kind\"")
        .unwrap();
    // Meanwhile a normal client is served at once.
    let start = Instant::now();
    assert_eq!(
        exchange(
            &mut connect(&server),
            &post("/k8s-audit", "application/json", &event(1))
        )
        .0,
        200
    );
    assert!(
        start.elapsed() < Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(read_response(&mut slow_head).0, 408);
    assert_eq!(read_response(&mut slow_body).0, 408);
    let mut events = server.events();
    assert_eq!(
        events.next().unwrap().unwrap().str_at(&["auditID"]),
        Some("id-1")
    );
}

#[test]
fn bearer_token_is_required_when_configured() {
    let mut config = config();
    config.bearer_token = Some("s3cret".into());
    let server = WebhookServer::start(config).unwrap();
    let body = event(1);
    let (status, head) = exchange(
        &mut connect(&server),
        &post("/k8s-audit", "application/json", &body),
    );
    assert_eq!(status, 401);
    assert!(head.contains("WWW-Authenticate: Bearer"));
    let wrong = format!(
        "POST /k8s-audit HTTP/1.1\r\nAuthorization: Bearer s3cre\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(exchange(&mut connect(&server), wrong.as_bytes()).0, 401);
    let right = wrong.replace("Bearer s3cre\r", "Bearer s3cret\r");
    assert_eq!(exchange(&mut connect(&server), right.as_bytes()).0, 200);
    // Health checks need no token.
    assert_eq!(
        exchange(&mut connect(&server), b"GET /healthz HTTP/1.1\r\n\r\n").0,
        200
    );
}

#[test]
fn a_full_queue_answers_503_and_recovers() {
    let mut config = config();
    config.queue = QueueLimits {
        max_events: 4,
        max_bytes: 1 << 20,
    };
    let server = WebhookServer::start(config).unwrap();
    let mut c = connect(&server);
    assert_eq!(
        exchange(
            &mut c,
            &post("/k8s-audit", "application/json", &event_list(0..3))
        )
        .0,
        200
    );
    let (status, head) = exchange(
        &mut c,
        &post("/k8s-audit", "application/json", &event_list(3..6)),
    );
    assert_eq!(status, 503);
    assert!(head.contains("Retry-After: 1"), "{head}");
    // The consumer catches up; the retried batch is accepted, nothing lost.
    let mut events = server.events();
    for _ in 0..3 {
        events.next().unwrap().unwrap();
    }
    assert_eq!(
        exchange(
            &mut c,
            &post("/k8s-audit", "application/json", &event_list(3..6))
        )
        .0,
        200
    );
    let ids: Vec<String> = (0..3)
        .map(|_| {
            events
                .next()
                .unwrap()
                .unwrap()
                .str_at(&["auditID"])
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids, ["id-3", "id-4", "id-5"]);
    assert_eq!(server.counts(), (6, 6));
}

#[test]
fn a_waiting_request_is_accepted_once_the_consumer_makes_room() {
    let mut config = config();
    config.enqueue_timeout = Duration::from_secs(5);
    config.queue = QueueLimits {
        max_events: 2,
        max_bytes: 1 << 20,
    };
    let server = WebhookServer::start(config).unwrap();
    let mut c = connect(&server);
    assert_eq!(
        exchange(
            &mut c,
            &post("/k8s-audit", "application/json", &event_list(0..2))
        )
        .0,
        200
    );
    let mut events = server.events();
    let consumer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        (0..4)
            .map(|_| events.next().unwrap().is_ok())
            .filter(|ok| *ok)
            .count()
    });
    // Blocks until the consumer takes the first batch: backpressure.
    let start = Instant::now();
    assert_eq!(
        exchange(
            &mut c,
            &post("/k8s-audit", "application/json", &event_list(2..4))
        )
        .0,
        200
    );
    assert!(start.elapsed() >= Duration::from_millis(150));
    assert_eq!(consumer.join().unwrap(), 4);
}

fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl is needed to make test certificates");
    assert!(status.success(), "openssl {args:?}");
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate.
fn make_pki(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec![
        "req",
        "-x509",
        "-days",
        "2",
        "-subj",
        "/CN=test-ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ];
    ca.extend(ec);
    openssl(dir, &ca);
    for (name, ext) in [
        (
            "server",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        ),
        ("client", "extendedKeyUsage=clientAuth\n"),
    ] {
        let (key, csr, pem, extfile) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
            format!("{name}.ext"),
        );
        std::fs::write(dir.join(&extfile), ext).unwrap();
        let subj = format!("/CN={name}");
        let mut req = vec!["req", "-new", "-subj", &subj, "-keyout", &key, "-out", &csr];
        req.extend(ec);
        openssl(dir, &req);
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                &extfile,
                "-out",
                &pem,
            ],
        );
    }
}

fn tls_client(dir: &Path, with_client_cert: bool) -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(dir.join("ca.pem")).unwrap())
        .unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = if with_client_cert {
        let cert = CertificateDer::from_pem_file(dir.join("client.pem")).unwrap();
        let key = PrivateKeyDer::from_pem_file(dir.join("client.key")).unwrap();
        builder.with_client_auth_cert(vec![cert], key).unwrap()
    } else {
        builder.with_no_client_auth()
    };
    Arc::new(config)
}

#[test]
fn tls_with_client_certificates() {
    let dir = std::env::temp_dir().join(format!("harrier-webhook-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    make_pki(&dir);
    let mut config = config();
    config.tls = Some(TlsFiles {
        cert: dir.join("server.pem"),
        key: Some(dir.join("server.key")),
        client_ca: Some(dir.join("ca.pem")),
    });
    let server = WebhookServer::start(config).unwrap();
    assert!(server.url().starts_with("https://127.0.0.1:"));
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();

    let session = rustls::ClientConnection::new(tls_client(&dir, true), name.clone()).unwrap();
    let mut tls = rustls::StreamOwned::new(session, connect(&server));
    assert_eq!(
        exchange(&mut tls, &post("/k8s-audit", "application/json", &event(1))).0,
        200
    );
    assert_eq!(
        server
            .events()
            .next()
            .unwrap()
            .unwrap()
            .str_at(&["auditID"]),
        Some("id-1")
    );

    // Without a client certificate the handshake is refused.
    let session = rustls::ClientConnection::new(tls_client(&dir, false), name).unwrap();
    let mut tls = rustls::StreamOwned::new(session, connect(&server));
    let sent = tls
        .write_all(&post("/k8s-audit", "application/json", &event(2)))
        .and_then(|()| tls.read(&mut [0u8; 64]));
    assert!(!matches!(sent, Ok(n) if n > 0), "{sent:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn connections_over_the_limit_get_503_until_one_closes() {
    let mut config = config();
    config.max_connections = 2;
    let server = WebhookServer::start(config).unwrap();
    let idle_a = connect(&server);
    let mut idle_b = connect(&server);
    // Make sure both are being served before the third arrives.
    assert_eq!(
        exchange(&mut idle_b, b"GET /healthz HTTP/1.1\r\n\r\n").0,
        200
    );
    let (status, head) = exchange(&mut connect(&server), b"GET /healthz HTTP/1.1\r\n\r\n");
    assert_eq!(status, 503);
    assert!(head.contains("Retry-After: 1"));
    drop(idle_a);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = exchange(&mut connect(&server), b"GET /healthz HTTP/1.1\r\n\r\n").0;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the freed slot was never reused");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn bodies_in_flight_are_bounded() {
    let mut config = config();
    config.max_in_flight_bytes = 1000;
    let server = WebhookServer::start(config).unwrap();
    // A client announces 800 bytes and stalls: 800 of 1000 are reserved.
    let mut stalled = connect(&server);
    stalled
        .write_all(b"POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 800\r\n\r\n[")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let big = format!("[{}]", vec![event(1); 3].join(","));
    assert!(big.len() > 200);
    let (status, head) = exchange(
        &mut connect(&server),
        &post("/k8s-audit", "application/json", &big),
    );
    assert_eq!(status, 503);
    assert!(head.contains("Retry-After: 1"));
    // A small body still fits, and the budget frees when the stalled one times out.
    assert_eq!(
        exchange(
            &mut connect(&server),
            &post("/k8s-audit", "application/json", &event(2))
        )
        .0,
        200
    );
    assert_eq!(read_response(&mut stalled).0, 408);
    assert_eq!(
        exchange(
            &mut connect(&server),
            &post("/k8s-audit", "application/json", &big)
        )
        .0,
        200
    );
}
