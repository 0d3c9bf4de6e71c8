//! The `harrier detect` options that choose a Kubernetes audit source
//! (webhook, followed file), and opening the chosen one.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use engine::k8saudit::{open_replay, AuditItem, FollowOptions, FollowReader, StartAt};

use super::server::{ServerStop, WebhookConfig, WebhookServer, DEFAULT_MAX_BODY, DEFAULT_PORT};
use super::tls::TlsFiles;

/// Live Kubernetes audit sources, flattened into `harrier detect`'s options.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct K8sAuditArgs {
    /// Serve kube-apiserver's audit webhook on ADDR (`host:port`, or `host`
    /// for port 9765); batches are posted to `--k8s-audit-path`.
    #[arg(long, value_name = "ADDR")]
    pub k8s_audit_listen: Option<String>,
    /// Path of the audit webhook.
    #[arg(long, value_name = "PATH", default_value = "/k8s-audit")]
    pub k8s_audit_path: String,
    /// Largest webhook body accepted (bytes), also once a gzip body is
    /// decompressed; larger requests get 413.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY)]
    pub k8s_audit_max_body: usize,
    /// PEM certificate chain: serve the webhook over TLS.
    #[arg(long, value_name = "FILE", requires = "k8s_audit_listen")]
    pub k8s_audit_tls_cert: Option<PathBuf>,
    /// PEM private key (default: read from the certificate file).
    #[arg(long, value_name = "FILE", requires = "k8s_audit_tls_cert")]
    pub k8s_audit_tls_key: Option<PathBuf>,
    /// PEM CA bundle: require client certificates signed by it.
    #[arg(long, value_name = "FILE", requires = "k8s_audit_tls_cert")]
    pub k8s_audit_client_ca: Option<PathBuf>,
    /// File holding a bearer token webhook clients must send.
    #[arg(long, value_name = "FILE", requires = "k8s_audit_listen")]
    pub k8s_audit_token_file: Option<PathBuf>,
    /// Most audit events buffered between the webhook and the rules; a
    /// full buffer answers 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub k8s_audit_queue: usize,
    /// Read Kubernetes audit events from this log file (JSON Lines).
    #[arg(long, value_name = "PATH", conflicts_with = "k8s_audit_listen")]
    pub k8s_audit_file: Option<PathBuf>,
    /// With --k8s-audit-file: follow the file like `tail -F`, surviving
    /// rotation; starts at its end unless --from-start.
    #[arg(long, requires = "k8s_audit_file")]
    pub follow: bool,
    /// With --follow: read the lines already in the file first.
    #[arg(long, requires = "follow")]
    pub from_start: bool,
}

/// An open live audit source.
pub struct LiveSource {
    /// The events, and diagnostics about skipped input.
    pub items: Box<dyn Iterator<Item = AuditItem> + Send>,
    /// The webhook server, when the source is one (for its address).
    pub server: Option<WebhookServer>,
    /// Set to stop a followed file.
    pub stop: Arc<AtomicBool>,
}

/// Stops a [`LiveSource`] from any thread: its iterator ends after the
/// events already received.
#[derive(Clone)]
pub struct LiveStop {
    flag: Arc<AtomicBool>,
    server: Option<ServerStop>,
}

impl LiveStop {
    /// Requests the stop.
    pub fn stop(&self) {
        self.flag.store(true, Ordering::Relaxed);
        if let Some(server) = &self.server {
            server.stop();
        }
    }
}

impl LiveSource {
    /// A handle to stop this source, e.g. from a Ctrl-C handler.
    pub fn stop_handle(&self) -> LiveStop {
        LiveStop {
            flag: self.stop.clone(),
            server: self.server.as_ref().map(WebhookServer::stop_handle),
        }
    }
}

impl K8sAuditArgs {
    /// Whether any live audit source was asked for.
    pub fn is_set(&self) -> bool {
        self.k8s_audit_listen.is_some() || self.k8s_audit_file.is_some()
    }

    /// Opens the source the options name; `None` when none was asked for.
    /// A webhook announces its URL on stderr (`k8s audit webhook listening on URL`).
    pub fn open(&self) -> anyhow::Result<Option<LiveSource>> {
        let stop = Arc::new(AtomicBool::new(false));
        if let Some(listen) = &self.k8s_audit_listen {
            let server = WebhookServer::start(self.webhook_config(listen)?)?;
            eprintln!("k8s audit webhook listening on {}", server.url());
            return Ok(Some(LiveSource {
                items: Box::new(server.events()),
                server: Some(server),
                stop,
            }));
        }
        let Some(path) = &self.k8s_audit_file else {
            return Ok(None);
        };
        let items: Box<dyn Iterator<Item = AuditItem> + Send> = if self.follow {
            let options = FollowOptions {
                start_at: if self.from_start {
                    StartAt::Beginning
                } else {
                    StartAt::End
                },
                poll_interval: Duration::from_millis(100),
                stop: stop.clone(),
            };
            Box::new(FollowReader::new(path, options))
        } else {
            Box::new(open_replay(path)?)
        };
        Ok(Some(LiveSource {
            items,
            server: None,
            stop,
        }))
    }

    fn webhook_config(&self, listen: &str) -> anyhow::Result<WebhookConfig> {
        let mut config = WebhookConfig::new(parse_listen(listen)?);
        config.path = self.k8s_audit_path.clone();
        config.max_body = self.k8s_audit_max_body;
        config.queue.max_events = self.k8s_audit_queue.max(1);
        config.tls = self.k8s_audit_tls_cert.as_ref().map(|cert| TlsFiles {
            cert: cert.clone(),
            key: self.k8s_audit_tls_key.clone(),
            client_ca: self.k8s_audit_client_ca.clone(),
        });
        if let Some(file) = &self.k8s_audit_token_file {
            let token = std::fs::read_to_string(file)
                .with_context(|| format!("{}: cannot read the token", file.display()))?;
            let token = token.trim().to_owned();
            anyhow::ensure!(
                !token.is_empty(),
                "{}: the token file is empty",
                file.display()
            );
            config.bearer_token = Some(token);
        }
        Ok(config)
    }
}

/// `host:port`, `:port`, `host`, or `[v6]:port`; the port defaults to 9765.
pub fn parse_listen(listen: &str) -> anyhow::Result<SocketAddr> {
    let with_port = if listen
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_ipv6())
    {
        format!("[{listen}]:{DEFAULT_PORT}")
    } else if listen.starts_with(':') {
        format!("0.0.0.0{listen}")
    } else if !listen.contains(':') {
        format!("{listen}:{DEFAULT_PORT}")
    } else {
        listen.to_owned()
    };
    with_port
        .to_socket_addrs()
        .with_context(|| format!("bad listen address {listen:?}"))?
        .next()
        .with_context(|| format!("{listen:?} resolves to no address"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_default_the_port() {
        assert_eq!(parse_listen("127.0.0.1").unwrap().port(), 9765);
        assert_eq!(parse_listen(":8765").unwrap().to_string(), "0.0.0.0:8765");
        assert_eq!(parse_listen("127.0.0.1:0").unwrap().port(), 0);
        assert_eq!(parse_listen("::1").unwrap().to_string(), "[::1]:9765");
        assert!(parse_listen("300.1.1.1:1").is_err());
    }
}
