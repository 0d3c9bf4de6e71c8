//! RFC 5424 syslog over UDP, TCP (RFC 6587 octet counting) or a local unix
//! datagram socket such as `/dev/log`.

use std::io::Write;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::time::Duration;

use super::stdout::line;
use super::{DeliveryError, Sink};
use crate::output::config::{LineFormat, SyslogConfig};
use crate::output::record::Record;
use engine::alert::Priority;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest datagram sent over UDP or a unix socket (IPv4 UDP payload limit, rounded down).
pub const MAX_DATAGRAM: usize = 65_000;

/// `s` cut to at most `max` bytes at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

enum Transport {
    Udp {
        addr: SocketAddr,
        socket: UdpSocket,
    },
    Tcp {
        addr: SocketAddr,
        stream: Option<TcpStream>,
    },
    Unix {
        path: PathBuf,
        socket: UnixDatagram,
    },
}

/// Sends each alert as one RFC 5424 message.
pub struct SyslogSink {
    transport: Transport,
    facility: u8,
    app_name: String,
    format: LineFormat,
    procid: u32,
}

impl SyslogSink {
    /// Parses the URL and facility; connections are made on first delivery.
    pub fn new(config: &SyslogConfig) -> Result<SyslogSink, DeliveryError> {
        let facility = facility_code(&config.facility).ok_or_else(|| {
            DeliveryError::permanent(format!("unknown syslog facility `{}`", config.facility))
        })?;
        Ok(SyslogSink {
            transport: transport(&config.url)?,
            facility,
            app_name: header_field(&config.app_name, 48),
            format: config.format,
            procid: std::process::id(),
        })
    }
}

fn transport(url: &str) -> Result<Transport, DeliveryError> {
    let bad = |why: &str| DeliveryError::permanent(format!("syslog url `{url}`: {why}"));
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("expected udp://, tcp:// or unix://"))?;
    let resolve = || -> Result<SocketAddr, DeliveryError> {
        rest.to_socket_addrs()
            .map_err(|e| bad(&e.to_string()))?
            .next()
            .ok_or_else(|| bad("no address"))
    };
    match scheme {
        "udp" => {
            let addr = resolve()?;
            let local = if addr.is_ipv4() {
                "0.0.0.0:0"
            } else {
                "[::]:0"
            };
            let socket = UdpSocket::bind(local).map_err(|e| bad(&e.to_string()))?;
            Ok(Transport::Udp { addr, socket })
        }
        "tcp" => Ok(Transport::Tcp {
            addr: resolve()?,
            stream: None,
        }),
        "unix" => {
            let socket = UnixDatagram::unbound().map_err(|e| bad(&e.to_string()))?;
            Ok(Transport::Unix {
                path: PathBuf::from(rest),
                socket,
            })
        }
        _ => Err(bad("expected udp://, tcp:// or unix://")),
    }
}

/// Facility number of a facility name.
pub fn facility_code(name: &str) -> Option<u8> {
    const NAMES: [&str; 12] = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
        "authpriv", "ftp",
    ];
    if let Some(i) = NAMES.iter().position(|n| *n == name) {
        return u8::try_from(i).ok();
    }
    let n: u8 = name.strip_prefix("local")?.parse().ok()?;
    (n <= 7).then_some(16 + n)
}

/// Syslog severity of a Falco priority (they are the same eight levels).
pub fn severity(p: Priority) -> u8 {
    Priority::ALL
        .iter()
        .position(|q| *q == p)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(7)
}

/// A header field: printable ASCII without spaces, at most `max` bytes, `-` if empty.
fn header_field(s: &str, max: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '_' })
        .take(max)
        .collect();
    if clean.is_empty() {
        "-".into()
    } else {
        clean
    }
}

/// RFC 5424 timestamp: microseconds (the most the RFC allows), UTC.
fn timestamp(record: &Record) -> String {
    let full = record.time_rfc3339(); // 2016-08-04T16:17:57.881781397Z
    match full.find('.') {
        Some(dot) if full.len() >= dot + 7 => format!("{}Z", &full[..dot + 7]),
        _ => full,
    }
}

impl SyslogSink {
    /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG`.
    pub fn message(&self, record: &Record) -> String {
        let pri = u32::from(self.facility) * 8 + u32::from(severity(record.priority));
        format!(
            "<{pri}>1 {} {} {} {} {} - {}",
            timestamp(record),
            header_field(&record.hostname, 255),
            self.app_name,
            self.procid,
            "alert",
            line(self.format, record)
        )
    }
}

impl Sink for SyslogSink {
    fn deliver(&mut self, record: &Record) -> Result<(), DeliveryError> {
        let msg = self.message(record);
        match &mut self.transport {
            Transport::Udp { addr, socket } => {
                // A datagram cannot be larger; a longer alert would fail forever.
                socket.send_to(truncate(&msg, MAX_DATAGRAM).as_bytes(), *addr)?;
            }
            Transport::Unix { path, socket } => {
                socket
                    .send_to(truncate(&msg, MAX_DATAGRAM).as_bytes(), &*path)
                    .map_err(|e| DeliveryError::retry(format!("{}: {e}", path.display())))?;
            }
            Transport::Tcp { addr, stream } => {
                if stream.is_none() {
                    let s = TcpStream::connect_timeout(addr, CONNECT_TIMEOUT)
                        .map_err(|e| DeliveryError::retry(format!("syslog tcp {addr}: {e}")))?;
                    s.set_write_timeout(Some(WRITE_TIMEOUT))?;
                    s.set_nodelay(true)?;
                    *stream = Some(s);
                }
                let framed = format!("{} {msg}", msg.len());
                let written = match stream.as_mut() {
                    Some(s) => s.write_all(framed.as_bytes()).and_then(|()| s.flush()),
                    None => Ok(()),
                };
                if let Err(e) = written {
                    // Reconnect on the next attempt.
                    *stream = None;
                    return Err(DeliveryError::retry(format!("syslog tcp {addr}: {e}")));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::output::record::tests::sample;

    #[test]
    fn formats_rfc5424_headers() {
        let sink = SyslogSink::new(&SyslogConfig {
            url: "udp://127.0.0.1:9".into(),
            facility: "local3".into(),
            app_name: "harrier".into(),
            format: LineFormat::Text,
        })
        .unwrap();
        let msg = sink.message(&sample(2, Priority::Critical));
        let pid = std::process::id();
        assert_eq!(
            msg,
            format!(
                "<154>1 2016-08-04T16:17:57.881781Z node-1 harrier {pid} alert - \
                 16:17:57.881781399: Critical Sensitive file opened (file=/etc/shadow n=2)"
            )
        );
        assert_eq!(facility_code("user"), Some(1));
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(facility_code("local8"), None);
        assert!(SyslogSink::new(&SyslogConfig {
            url: "http://x".into(),
            facility: "user".into(),
            app_name: "h".into(),
            format: LineFormat::Text
        })
        .is_err());
    }
}
