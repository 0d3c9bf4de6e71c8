//! `/metrics` and `/healthz` over a tiny HTTP/1.1 server on a std
//! `TcpListener`.
//!
//! It answers scrapers, not the internet, but must not fall over when a
//! client misbehaves: each connection gets short read/write timeouts, the
//! request head is capped, at most [`MAX_CONNECTIONS`] are served at once
//! (extra ones are closed at once), and only `GET`/`HEAD` of two paths exist.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::Registry;

/// Connections served at the same time.
pub const MAX_CONNECTIONS: usize = 16;
/// Largest request head accepted.
pub const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// Time a client gets to send its request head.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(5);

/// A running metrics endpoint; stops when dropped or on [`MetricsServer::stop`].
#[derive(Debug)]
pub struct MetricsServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MetricsServer {
    /// Binds `addr` (e.g. `127.0.0.1:8765`, port 0 for any) and serves `registry`.
    pub fn start(addr: &str, registry: Arc<Registry>) -> io::Result<MetricsServer> {
        let sock = addr.to_socket_addrs()?.next().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("no address for `{addr}`"),
            )
        })?;
        let listener = TcpListener::bind(sock)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("metrics-http".into())
            .spawn(move || accept_loop(listener, registry, flag))?;
        Ok(MetricsServer {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and waits for the accept thread.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(listener: TcpListener, registry: Arc<Registry>, stop: Arc<AtomicBool>) {
    let active = Arc::new(AtomicUsize::new(0));
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = conn else { continue };
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.shutdown(Shutdown::Both);
            continue;
        }
        let registry = Arc::clone(&registry);
        let done = Arc::clone(&active);
        let spawned = thread::Builder::new()
            .name("metrics-conn".into())
            .spawn(move || {
                let _ = serve(stream, &registry);
                done.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn serve(mut stream: TcpStream, registry: &Registry) -> io::Result<()> {
    stream.set_write_timeout(Some(REQUEST_DEADLINE))?;
    let head = match read_head(&mut stream)? {
        Head::Complete(h) => h,
        Head::TooLarge => {
            return respond(
                &mut stream,
                431,
                "text/plain",
                b"request head too large\n",
                false,
            )
        }
        Head::Closed => return Ok(()),
    };
    let line = head.lines().next().unwrap_or("");
    let mut parts = line.split(' ');
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(
            &mut stream,
            405,
            "text/plain",
            b"method not allowed\n",
            head_only,
        );
    }
    match path.split('?').next().unwrap_or("") {
        "/metrics" => {
            let body = registry.render();
            respond(
                &mut stream,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                body.as_bytes(),
                head_only,
            )
        }
        "/healthz" => {
            let body = health(registry);
            respond(
                &mut stream,
                200,
                "application/json",
                body.as_bytes(),
                head_only,
            )
        }
        _ => respond(&mut stream, 404, "text/plain", b"not found\n", head_only),
    }
}

/// `{"status":"ok","sinks":{"loki":{"up":true,"backlog":0}}}`: the process
/// answers, so it is healthy; the sinks' state is there to look at.
fn health(registry: &Registry) -> String {
    let mut sinks = serde_json::Map::new();
    for (metric, key) in [
        ("harrier_output_up", "up"),
        ("harrier_output_backlog", "backlog"),
    ] {
        for (labels, value) in registry.series_of(metric) {
            let Some((_, sink)) = labels.iter().find(|(k, _)| k == "sink") else {
                continue;
            };
            let entry = sinks
                .entry(sink.clone())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            let v = if key == "up" {
                serde_json::Value::from(value == 1)
            } else {
                value.into()
            };
            if let Some(obj) = entry.as_object_mut() {
                obj.insert(key.into(), v);
            }
        }
    }
    let body = serde_json::json!({ "status": "ok", "sinks": sinks });
    format!("{body}\n")
}

enum Head {
    Complete(String),
    TooLarge,
    Closed,
}

/// Reads up to the blank line ending the head, within [`REQUEST_DEADLINE`]
/// overall (a client trickling one byte at a time does not get longer).
fn read_head(stream: &mut TcpStream) -> io::Result<Head> {
    let deadline = Instant::now() + REQUEST_DEADLINE;
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Head::Closed);
        }
        stream.set_read_timeout(Some(left))?;
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Ok(Head::Closed),
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(Head::Closed)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&buf, b"\r\n\r\n").or_else(|| find(&buf, b"\n\n")) {
            buf.truncate(end);
            return Ok(Head::Complete(String::from_utf8_lossy(&buf).into_owned()));
        }
        if buf.len() > MAX_REQUEST_BYTES {
            return Ok(Head::TooLarge);
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    drain(stream);
    Ok(())
}

/// Reads and discards what the client still sends (briefly, boundedly), so
/// closing with unread bytes does not reset the connection before the
/// client has read the response.
fn drain(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 4096];
    let mut left: usize = 64 * 1024;
    while left > 0 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn get(addr: SocketAddr, request: &[u8]) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(request).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn serves_metrics_and_health_and_refuses_the_rest() {
        let registry = Arc::new(Registry::new());
        registry.events_read().add(42);
        let server = MetricsServer::start("127.0.0.1:0", registry).unwrap();
        let addr = server.local_addr();
        let metrics = get(addr, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(metrics.starts_with("HTTP/1.1 200 OK\r\n"), "{metrics}");
        assert!(
            metrics.contains("harrier_events_read_total 42\n"),
            "{metrics}"
        );
        let health = get(addr, b"GET /healthz HTTP/1.0\r\n\r\n");
        assert!(
            health.ends_with("{\"sinks\":{},\"status\":\"ok\"}\n"),
            "{health}"
        );
        assert!(get(addr, b"POST /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
        assert!(get(addr, b"GET /etc/passwd HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        let huge = vec![b'A'; MAX_REQUEST_BYTES * 2];
        assert!(get(addr, &huge).starts_with("HTTP/1.1 431"));
        // A client that says nothing and hangs up does not stop the server.
        drop(TcpStream::connect(addr).unwrap());
        assert!(get(addr, b"GET /healthz HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200"));
    }

    #[test]
    fn slow_and_idle_clients_do_not_take_the_server_down() {
        let server = MetricsServer::start("127.0.0.1:0", Arc::new(Registry::new())).unwrap();
        let addr = server.local_addr();
        // A client trickling its request does not hold up another one.
        let mut slow = TcpStream::connect(addr).unwrap();
        slow.write_all(b"GET /met").unwrap();
        assert!(get(addr, b"GET /healthz HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200"));
        drop(slow);
        // Past the connection cap, extra connections are closed unanswered ...
        // (the slow client's handler may still hold a slot for a moment on a
        // loaded machine, so a round where a slot was free is tried again).
        let idle = (0..5)
            .find_map(|_| {
                let idle: Vec<_> = (0..MAX_CONNECTIONS)
                    .map(|_| TcpStream::connect(addr).unwrap())
                    .collect();
                std::thread::sleep(Duration::from_millis(200));
                let mut extra = TcpStream::connect(addr).unwrap();
                let _ = extra.write_all(b"GET /healthz HTTP/1.1\r\n\r\n");
                let mut answer = String::new();
                let _ = extra.read_to_string(&mut answer);
                answer.is_empty().then_some(idle)
            })
            .expect("a connection past the cap was answered in every round");
        // ... and service resumes as soon as the idle ones go away.
        drop(idle);
        let start = Instant::now();
        loop {
            let mut s = TcpStream::connect(addr).unwrap();
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\n\r\n");
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            if out.starts_with("HTTP/1.1 200") {
                break;
            }
            assert!(start.elapsed() < REQUEST_DEADLINE, "server did not recover");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
