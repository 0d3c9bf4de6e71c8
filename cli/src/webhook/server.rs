//! The audit webhook server: kube-apiserver's webhook backend posts
//! batches (`EventList`) to `POST /k8s-audit`; each connection has its own
//! thread, each accepted batch goes to a bounded queue, and the reply is
//! sent only once the batch is queued (503 with `Retry-After` when the
//! queue stays full), so events are never dropped silently.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context;
use engine::k8saudit::{split_document, AuditItem, Diagnostic, Location};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use super::encoding::{gunzip, BodyEncoding, DecodeError};
use super::http::{ChunkError, Conn, Head, ReadError, Response};
use super::queue::{Batch, BatchQueue, QueueLimits};
use super::tls::{server_config, TlsFiles};

/// Default port of Falco's k8saudit webhook, kept for drop-in use.
pub const DEFAULT_PORT: u16 = 9765;
/// Default body cap: the API server's default batch size (10 MiB) plus room.
pub const DEFAULT_MAX_BODY: usize = 12 << 20;

/// Slowest body upload accepted, in bytes per second, beyond the timeout.
const MIN_UPLOAD_RATE: u64 = 1 << 20;

/// How the webhook server runs.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Path audit batches are posted to.
    pub path: String,
    /// Largest body accepted, also once a gzip body is decompressed;
    /// larger requests get 413.
    pub max_body: usize,
    /// TLS material; plain HTTP when `None`.
    pub tls: Option<TlsFiles>,
    /// Required `Authorization: Bearer` token, if any.
    pub bearer_token: Option<String>,
    /// Time allowed for a request head, and for a body on top of its size
    /// at 1 MiB/s; slower requests get 408.
    pub request_timeout: Duration,
    /// How long an idle keep-alive connection is kept.
    pub idle_timeout: Duration,
    /// How long a request waits for room in a full queue before 503.
    pub enqueue_timeout: Duration,
    /// Most connections served at once; more get 503.
    pub max_connections: usize,
    /// Most request-body bytes being received at once over all
    /// connections (a gzip body counts with its decompression cap); a
    /// request that would exceed it gets 503 before its body is read (a
    /// lone request larger than this is still served).
    pub max_in_flight_bytes: usize,
    /// Bounds of the event queue.
    pub queue: QueueLimits,
}

impl WebhookConfig {
    /// Defaults for listening on `listen`.
    pub fn new(listen: SocketAddr) -> WebhookConfig {
        WebhookConfig {
            listen,
            path: "/k8s-audit".to_owned(),
            max_body: DEFAULT_MAX_BODY,
            tls: None,
            bearer_token: None,
            request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(90),
            enqueue_timeout: Duration::from_secs(2),
            max_connections: 256,
            max_in_flight_bytes: 48 << 20,
            queue: QueueLimits {
                max_events: 20_000,
                max_bytes: 16 << 20,
            },
        }
    }
}

struct Shared {
    config: WebhookConfig,
    tls: Option<Arc<ServerConfig>>,
    queue: Arc<BatchQueue>,
    stopping: AtomicBool,
    connections: AtomicUsize,
    in_flight: AtomicUsize,
}

/// A running webhook server. Dropping it stops accepting connections.
pub struct WebhookServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
}

impl WebhookServer {
    /// Binds and starts serving.
    pub fn start(config: WebhookConfig) -> anyhow::Result<WebhookServer> {
        let tls = config.tls.as_ref().map(server_config).transpose()?;
        let listener = TcpListener::bind(config.listen)
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let addr = listener.local_addr().context("listener address")?;
        let shared = Arc::new(Shared {
            queue: BatchQueue::new(config.queue),
            config,
            tls,
            stopping: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
        });
        let acceptor = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("k8s-audit-accept".into())
                .spawn(move || accept_loop(&listener, &shared))
                .context("spawning the webhook acceptor")?
        };
        Ok(WebhookServer {
            shared,
            addr,
            acceptor: Some(acceptor),
        })
    }

    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL clients post to.
    pub fn url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}{}", self.addr, self.shared.config.path)
    }

    /// The received events, in arrival order; blocks for new ones and ends
    /// after [`WebhookServer::stop`] once the queue is drained.
    pub fn events(&self) -> WebhookEvents {
        WebhookEvents {
            queue: self.shared.queue.clone(),
            current: Vec::new().into_iter(),
        }
    }

    /// Counters: items queued so far and items handed out.
    pub fn counts(&self) -> (u64, u64) {
        let c = &self.shared.queue.counters;
        (
            c.enqueued.load(Ordering::Relaxed),
            c.dequeued.load(Ordering::Relaxed),
        )
    }

    /// A handle that stops the server from any thread.
    pub fn stop_handle(&self) -> ServerStop {
        ServerStop {
            shared: self.shared.clone(),
        }
    }

    /// Stops accepting; queued events are still delivered.
    pub fn stop(&mut self) {
        if self.shared.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake the blocking accept() with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() {
                std::net::Ipv4Addr::LOCALHOST.into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(handle) = self.acceptor.take() {
            let _ = handle.join();
        }
        self.shared.queue.close();
    }
}

impl Drop for WebhookServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Stops a [`WebhookServer`] from another thread (a signal handler): new
/// batches are refused with 503 and the event iterator ends once drained.
#[derive(Clone)]
pub struct ServerStop {
    shared: Arc<Shared>,
}

impl ServerStop {
    /// Stops taking batches and ends the event stream after the queued ones.
    pub fn stop(&self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared.queue.close();
    }
}

/// Iterator over the events the webhook received (see [`WebhookServer::events`]).
pub struct WebhookEvents {
    queue: Arc<BatchQueue>,
    current: std::vec::IntoIter<AuditItem>,
}

impl Iterator for WebhookEvents {
    type Item = AuditItem;

    fn next(&mut self) -> Option<AuditItem> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(item);
            }
            self.current = self.queue.pop()?.items.into_iter();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors and the like: back off briefly.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= shared.config.max_connections {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            refuse_busy(stream, shared.tls.is_some());
            continue;
        }
        let conn_shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("k8s-audit-conn".into())
            .spawn(move || {
                serve_connection(stream, &conn_shared);
                conn_shared.connections.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Over the connection limit: a plain-HTTP client gets 503, a TLS client
/// just a closed connection (answering would need a handshake).
fn refuse_busy(mut stream: TcpStream, tls: bool) {
    if !tls {
        let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
        let _ = Response::text(503, "too many connections\n")
            .header("Retry-After", "1")
            .closing()
            .write_to(&mut stream);
    }
    let _ = stream.shutdown(Shutdown::Both);
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let peer = stream
        .peer_addr()
        .map_or_else(|_| "unknown".to_owned(), |a| a.to_string());
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(shared.config.request_timeout));
    match &shared.tls {
        None => serve(
            Conn::new(stream, TcpStream::set_read_timeout),
            shared,
            &peer,
        ),
        Some(config) => {
            let Ok(session) = ServerConnection::new(config.clone()) else {
                return;
            };
            let tls = StreamOwned::new(session, stream);
            serve(
                Conn::new(tls, |s, t| s.sock.set_read_timeout(t)),
                shared,
                &peer,
            );
        }
    }
}

fn serve<S: Read + Write>(mut conn: Conn<S>, shared: &Shared, peer: &str) {
    let config = &shared.config;
    while !shared.stopping.load(Ordering::Relaxed) {
        let head = match conn.read_head(config.idle_timeout, config.request_timeout) {
            Ok(head) => head,
            Err(ReadError::Closed | ReadError::Io(_)) => return,
            Err(ReadError::Timeout) => {
                let _ = Response::text(408, "request head timed out\n")
                    .closing()
                    .write_to(conn.stream_mut());
                return;
            }
            Err(ReadError::Malformed(reason)) => {
                let status = if reason.contains("too large") {
                    431
                } else {
                    400
                };
                let body = format!("{reason}\n");
                let _ = Response::text(status, &body)
                    .closing()
                    .write_to(conn.stream_mut());
                return;
            }
        };
        let (status, body, extra, close) = handle(&mut conn, &head, shared, peer);
        let mut response = Response::text(status, &body);
        response.headers = extra;
        response.close = close || !head.keep_alive();
        if response.write_to(conn.stream_mut()).is_err() || response.close {
            return;
        }
    }
}

type Reply = (u16, String, Vec<(&'static str, String)>, bool);

fn reply(status: u16, body: impl Into<String>, close: bool) -> Reply {
    (status, body.into(), Vec::new(), close)
}

fn handle<S: Read + Write>(conn: &mut Conn<S>, head: &Head, shared: &Shared, peer: &str) -> Reply {
    let config = &shared.config;
    let has_body = head.header("content-length").is_some_and(|l| l != "0")
        || head.header("transfer-encoding").is_some();
    if head.path == "/healthz" && matches!(head.method.as_str(), "GET" | "HEAD") {
        let body = if head.method == "HEAD" { "" } else { "ok\n" };
        return reply(200, body, has_body);
    }
    if head.path != config.path {
        return reply(404, "not found\n", has_body);
    }
    if head.method != "POST" {
        let mut r = reply(405, "only POST is accepted\n", has_body);
        r.2.push(("Allow", "POST".into()));
        return r;
    }
    if let Some(token) = &config.bearer_token {
        let given = head
            .header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !constant_time_eq(given.trim().as_bytes(), token.as_bytes()) {
            let mut r = reply(401, "missing or wrong bearer token\n", true);
            r.2.push(("WWW-Authenticate", "Bearer".into()));
            return r;
        }
    }
    let media_type = head
        .header("content-type")
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some("application/json") {
        return reply(415, "Content-Type must be application/json\n", true);
    }
    let Some(encoding) = BodyEncoding::from_header(head.header("content-encoding")) else {
        return reply(415, "Content-Encoding must be gzip or identity\n", true);
    };
    let Some(_reservation) = reserve_body(head, encoding, shared) else {
        let mut r = reply(503, "too many bodies in flight, retry later\n", true);
        r.2.push(("Retry-After", "1".into()));
        return r;
    };
    if head
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        // curl and some other clients wait for this before sending a body.
        if conn
            .stream_mut()
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .is_err()
        {
            return reply(400, "", true);
        }
    }
    let body = match read_body(conn, head, config) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    match decode_body(body, encoding, config.max_body) {
        Ok(body) => accept_batch(&body, shared, peer),
        Err(DecodeError::TooLarge) => reply(
            413,
            format!("decompressed body larger than {} bytes\n", config.max_body),
            false,
        ),
        Err(DecodeError::Malformed(err)) => {
            bad_body(format!("malformed gzip body: {err}"), shared, peer)
        }
    }
}

/// The body as JSON bytes: a gzip body decompressed, under the same cap as
/// a plain one. The whole body has been read either way, so a body that
/// does not decode leaves the connection usable.
fn decode_body(body: Vec<u8>, encoding: BodyEncoding, max: usize) -> Result<Vec<u8>, DecodeError> {
    match encoding {
        BodyEncoding::Identity => Ok(body),
        BodyEncoding::Gzip => gunzip(&body, max),
    }
}

/// Bytes of request bodies being received, released on drop.
struct BodyReservation<'a> {
    counter: &'a AtomicUsize,
    bytes: usize,
}

impl Drop for BodyReservation<'_> {
    fn drop(&mut self) {
        self.counter.fetch_sub(self.bytes, Ordering::SeqCst);
    }
}

/// Reserves room for the body `head` announces (the cap for chunked
/// bodies), and for a gzip body also the cap for what it decompresses to;
/// `None` when other requests' bodies already use the budget.
fn reserve_body<'a>(
    head: &Head,
    encoding: BodyEncoding,
    shared: &'a Shared,
) -> Option<BodyReservation<'a>> {
    let config = &shared.config;
    let announced = head
        .header("content-length")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(config.max_body);
    let mut bytes = announced.min(config.max_body);
    if encoding == BodyEncoding::Gzip {
        bytes += config.max_body;
    }
    let counter = &shared.in_flight;
    let mut current = counter.load(Ordering::SeqCst);
    loop {
        if current > 0 && current + bytes > config.max_in_flight_bytes {
            return None;
        }
        match counter.compare_exchange(current, current + bytes, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => return Some(BodyReservation { counter, bytes }),
            Err(now) => current = now,
        }
    }
}

fn read_body<S: Read + Write>(
    conn: &mut Conn<S>,
    head: &Head,
    config: &WebhookConfig,
) -> Result<Vec<u8>, Reply> {
    let too_large = || {
        reply(
            413,
            format!("body larger than {} bytes\n", config.max_body),
            true,
        )
    };
    let chunked = head
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let timed_out = || reply(408, "request body timed out\n", true);
    if chunked {
        let max = config.max_body as u64;
        let deadline =
            Instant::now() + config.request_timeout + Duration::from_secs(max / MIN_UPLOAD_RATE);
        return match conn.read_chunked(config.max_body, deadline) {
            Ok(body) => Ok(body),
            Err(ChunkError::TooLarge) => Err(too_large()),
            Err(ChunkError::Read(ReadError::Timeout)) => Err(timed_out()),
            Err(ChunkError::Read(_)) => Err(reply(400, "malformed chunked body\n", true)),
        };
    }
    let Some(length) = head.header("content-length") else {
        return Err(reply(411, "Content-Length required\n", true));
    };
    let Ok(length) = length.parse::<u64>() else {
        return Err(reply(400, "bad Content-Length\n", true));
    };
    if length > config.max_body as u64 {
        return Err(too_large());
    }
    let deadline =
        Instant::now() + config.request_timeout + Duration::from_secs(length / MIN_UPLOAD_RATE);
    match conn.read_body(length as usize, deadline) {
        Ok(body) => Ok(body),
        Err(ReadError::Timeout) => Err(timed_out()),
        Err(_) => Err(reply(400, "incomplete body\n", true)),
    }
}

/// 400 for a body that is not a batch; the consumer reports it too.
fn bad_body(reason: String, shared: &Shared, peer: &str) -> Reply {
    let location = Location::new(format!("webhook {peer}"), 0);
    // Never wait for room for a report.
    let diag = Batch {
        items: vec![Err(Diagnostic::new(location, reason.clone()))],
        bytes: 0,
    };
    let _ = shared.queue.push(diag, Duration::ZERO);
    reply(400, format!("{reason}\n"), false)
}

fn accept_batch(body: &[u8], shared: &Shared, peer: &str) -> Reply {
    let location = Location::new(format!("webhook {peer}"), 0);
    let json = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => json,
        Err(err) => return bad_body(format!("malformed JSON: {err}"), shared, peer),
    };
    let mut items = Vec::new();
    split_document(json, &location, &mut |item| items.push(item));
    let accepted = items.iter().filter(|i| i.is_ok()).count();
    let rejected = items.len() - accepted;
    let batch = Batch {
        items,
        bytes: body.len(),
    };
    match shared.queue.push(batch, shared.config.enqueue_timeout) {
        Ok(()) if accepted == 0 && rejected > 0 => reply(
            400,
            "no audit events in the body (see the server log)\n",
            false,
        ),
        Ok(()) => reply(
            200,
            format!("{{\"accepted\":{accepted},\"rejected\":{rejected}}}\n"),
            false,
        ),
        Err(_) => {
            let mut r = reply(503, "event queue full, retry later\n", false);
            r.2.push(("Retry-After", "1".into()));
            r
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
