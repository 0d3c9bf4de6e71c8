//! The small part of HTTP/1.1 the audit webhook needs: reading a request
//! head and body under deadlines and size limits, and writing responses.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// Largest request head (request line plus headers) accepted.
pub const MAX_HEAD_BYTES: usize = 16 << 10;

/// A parsed request head.
#[derive(Debug, Default)]
pub struct Head {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target's path (query removed).
    pub path: String,
    /// Headers with lower-cased names, in order.
    pub headers: Vec<(String, String)>,
    /// Whether the client speaks HTTP/1.0 (no keep-alive by default).
    pub http10: bool,
}

impl Head {
    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the connection should stay open after the response.
    pub fn keep_alive(&self) -> bool {
        match self.header("connection").map(str::to_ascii_lowercase) {
            Some(v) if v.contains("close") => false,
            Some(v) if v.contains("keep-alive") => true,
            _ => !self.http10,
        }
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed the connection before sending anything.
    Closed,
    /// The deadline passed.
    Timeout,
    /// The head is not HTTP or too large; carries the reason.
    Malformed(&'static str),
    /// Any other I/O failure.
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(err: io::Error) -> ReadError {
        match err.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => ReadError::Timeout,
            _ => ReadError::Io(err),
        }
    }
}

/// A reader with a buffer that keeps bytes read past the head (pipelining,
/// or the start of the body), and a socket-timeout setter for deadlines.
pub struct Conn<S> {
    stream: S,
    buf: Vec<u8>,
    set_timeout: fn(&S, Option<Duration>) -> io::Result<()>,
}

impl<S: Read + Write> Conn<S> {
    /// Wraps `stream`; `set_timeout` sets its read timeout.
    pub fn new(stream: S, set_timeout: fn(&S, Option<Duration>) -> io::Result<()>) -> Conn<S> {
        Conn {
            stream,
            buf: Vec::new(),
            set_timeout,
        }
    }

    /// The underlying stream.
    pub fn stream_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    fn fill(&mut self, deadline: Instant) -> Result<usize, ReadError> {
        let now = Instant::now();
        if now >= deadline {
            return Err(ReadError::Timeout);
        }
        (self.set_timeout)(&self.stream, Some(deadline - now))?;
        let mut chunk = [0u8; 16 << 10];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Reads a request head: waits up to `idle` for it to begin (a quiet
    /// keep-alive connection then reads as [`ReadError::Closed`]), then
    /// allows `timeout` for the whole head.
    pub fn read_head(&mut self, idle: Duration, timeout: Duration) -> Result<Head, ReadError> {
        let mut deadline = Instant::now() + if self.buf.is_empty() { idle } else { timeout };
        let mut started = !self.buf.is_empty();
        loop {
            if let Some(end) = find_head_end(&self.buf) {
                let head = parse_head(&self.buf[..end])?;
                self.buf.drain(..end + 4);
                return Ok(head);
            }
            if self.buf.len() > MAX_HEAD_BYTES {
                return Err(ReadError::Malformed("request head too large"));
            }
            match self.fill(deadline) {
                Ok(0) if self.buf.is_empty() => return Err(ReadError::Closed),
                Ok(0) => {
                    return Err(ReadError::Malformed(
                        "connection closed inside the request head",
                    ))
                }
                Ok(_) => {
                    if !started {
                        started = true;
                        deadline = Instant::now() + timeout;
                    }
                }
                Err(ReadError::Timeout) if self.buf.is_empty() => return Err(ReadError::Closed),
                Err(err) => return Err(err),
            }
        }
    }

    /// Reads exactly `len` body bytes before `deadline`.
    pub fn read_body(&mut self, len: usize, deadline: Instant) -> Result<Vec<u8>, ReadError> {
        while self.buf.len() < len {
            if self.fill(deadline)? == 0 {
                return Err(ReadError::Malformed("connection closed inside the body"));
            }
        }
        let rest = self.buf.split_off(len);
        Ok(std::mem::replace(&mut self.buf, rest))
    }

    /// Reads a `Transfer-Encoding: chunked` body of at most `max` bytes.
    pub fn read_chunked(&mut self, max: usize, deadline: Instant) -> Result<Vec<u8>, ChunkError> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line(deadline)?;
            let size_text = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| ReadError::Malformed("bad chunk size"))?;
            if size == 0 {
                // Trailers, then the empty line.
                while !self.read_line(deadline)?.is_empty() {}
                return Ok(body);
            }
            if body.len() + size > max {
                return Err(ChunkError::TooLarge);
            }
            let chunk = self.read_body(size + 2, deadline)?;
            body.extend_from_slice(&chunk[..size]);
        }
    }

    fn read_line(&mut self, deadline: Instant) -> Result<String, ReadError> {
        loop {
            if let Some(pos) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..pos]).into_owned();
                self.buf.drain(..pos + 2);
                return Ok(line);
            }
            if self.buf.len() > MAX_HEAD_BYTES {
                return Err(ReadError::Malformed("chunk header too long"));
            }
            if self.fill(deadline)? == 0 {
                return Err(ReadError::Malformed("connection closed inside a chunk"));
            }
        }
    }
}

/// Why a chunked body could not be read.
#[derive(Debug)]
pub enum ChunkError {
    /// Reading failed.
    Read(ReadError),
    /// The body grew past the limit.
    TooLarge,
}

impl From<ReadError> for ChunkError {
    fn from(err: ReadError) -> ChunkError {
        ChunkError::Read(err)
    }
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

fn parse_head(bytes: &[u8]) -> Result<Head, ReadError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ReadError::Malformed("head is not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed("bad request line"));
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(ReadError::Malformed("unsupported HTTP version")),
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ReadError::Malformed("bad method"));
    }
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Malformed("bad header line"));
        };
        if name.is_empty() || name.contains(' ') {
            return Err(ReadError::Malformed("bad header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok(Head {
        method: method.to_owned(),
        path: target.split('?').next().unwrap_or("").to_owned(),
        headers,
        http10,
    })
}

/// An HTTP response to write.
pub struct Response<'a> {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body, sent as `text/plain` unless a content type header is given.
    pub body: &'a [u8],
    /// Whether to close the connection afterwards.
    pub close: bool,
}

impl<'a> Response<'a> {
    /// A plain-text response.
    pub fn text(status: u16, body: &'a str) -> Response<'a> {
        Response {
            status,
            headers: Vec::new(),
            body: body.as_bytes(),
            close: false,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Response<'a> {
        self.headers.push((name, value.into()));
        self
    }

    /// Marks the connection to be closed.
    pub fn closing(mut self) -> Response<'a> {
        self.close = true;
        self
    }

    /// Writes the response.
    pub fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
            self.status,
            reason(self.status),
            self.body.len()
        );
        if !self.headers.iter().any(|(n, _)| *n == "Content-Type") {
            head.push_str("Content-Type: text/plain; charset=utf-8\r\n");
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if self.close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        out.write_all(self.body)?;
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn parses_heads_and_rejects_garbage() {
        let head = parse_head(
            b"POST /k8s-audit?x=1 HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2",
        )
        .unwrap();
        assert_eq!(
            (head.method.as_str(), head.path.as_str()),
            ("POST", "/k8s-audit")
        );
        assert_eq!(head.header("content-length"), Some("2"));
        assert!(head.keep_alive());
        assert!(parse_head(b"GARBAGE").is_err());
        assert!(parse_head(b"GET / HTTP/2.0").is_err());
        assert!(parse_head(b"GET / HTTP/1.1\r\nno-colon").is_err());
    }
}
