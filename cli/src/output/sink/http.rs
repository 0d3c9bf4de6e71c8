//! The HTTP client the webhook, Loki and Alertmanager sinks share: ureq
//! with rustls, custom headers, optional gzip bodies and a custom CA.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use flate2::write::GzEncoder;
use flate2::Compression;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::DeliveryError;
use crate::output::config::HttpConfig;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Response bytes read (and dropped) so the connection can be reused.
const MAX_RESPONSE_BYTES: u64 = 64 * 1024;

/// POSTs bodies and sorts failures into retryable and permanent.
pub struct HttpClient {
    agent: ureq::Agent,
    headers: Vec<(String, String)>,
    gzip: bool,
}

impl HttpClient {
    /// A client for `config`; fails only on an unreadable `ca_file`.
    pub fn new(config: &HttpConfig) -> Result<HttpClient, DeliveryError> {
        let timeout = config.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let mut builder = ureq::AgentBuilder::new()
            .timeout_connect(timeout.min(Duration::from_secs(5)))
            .timeout(timeout)
            .user_agent(concat!("harrier/", env!("CARGO_PKG_VERSION")));
        if let Some(tls) = tls_config(config)? {
            builder = builder.tls_config(Arc::new(tls));
        }
        Ok(HttpClient {
            agent: builder.build(),
            headers: config
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            gzip: config.gzip,
        })
    }

    /// Adds a header sent with every request.
    pub fn add_header(&mut self, name: &str, value: &str) {
        self.headers.push((name.to_string(), value.to_string()));
    }

    /// POSTs `body`; 2xx is success, 408/429/5xx and transport errors are
    /// retryable, other statuses permanent.
    pub fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<(), DeliveryError> {
        let mut req = self.agent.post(url).set("Content-Type", content_type);
        for (k, v) in &self.headers {
            req = req.set(k, v);
        }
        let result = if self.gzip {
            let packed = gzip(body).map_err(|e| DeliveryError::permanent(format!("gzip: {e}")))?;
            req.set("Content-Encoding", "gzip").send_bytes(&packed)
        } else {
            req.send_bytes(body)
        };
        match result {
            Ok(resp) => {
                let mut sink = Vec::new();
                let _ = resp
                    .into_reader()
                    .take(MAX_RESPONSE_BYTES)
                    .read_to_end(&mut sink);
                Ok(())
            }
            Err(ureq::Error::Status(code, resp)) => {
                let mut text = String::new();
                let _ = resp.into_reader().take(512).read_to_string(&mut text);
                let message = format!("{url}: HTTP {code} {}", text.trim());
                if code == 408 || code == 429 || code >= 500 {
                    Err(DeliveryError::retry(message))
                } else {
                    Err(DeliveryError::permanent(message))
                }
            }
            Err(ureq::Error::Transport(t)) => Err(DeliveryError::retry(format!("{url}: {t}"))),
        }
    }
}

fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = GzEncoder::new(
        Vec::with_capacity(body.len() / 2 + 64),
        Compression::default(),
    );
    enc.write_all(body)?;
    enc.finish()
}

/// A rustls client configuration when `ca_file` or a client certificate is
/// set (otherwise ureq's default, the system store, applies): trusting
/// exactly the certificates in `ca_file`, presenting `client_cert`.
fn tls_config(config: &HttpConfig) -> Result<Option<rustls::ClientConfig>, DeliveryError> {
    let Some(ca) = &config.ca_file else {
        if config.client_cert.is_some() || config.client_key.is_some() {
            return Err(DeliveryError::permanent("client_cert needs ca_file"));
        }
        return Ok(None);
    };
    let bad =
        |path: &Path, why: String| DeliveryError::permanent(format!("{}: {why}", path.display()));
    let mut roots = rustls::RootCertStore::empty();
    for cert in certificates(ca)? {
        roots.add(cert).map_err(|e| bad(ca, e.to_string()))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(ca, e.to_string()))?
        .with_root_certificates(roots);
    let tls = match (&config.client_cert, &config.client_key) {
        (Some(cert), Some(key)) => {
            let chain = certificates(cert)?;
            let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| bad(key, e.to_string()))?;
            builder
                .with_client_auth_cert(chain, key_der)
                .map_err(|e| bad(cert, e.to_string()))?
        }
        (None, None) => builder.with_no_client_auth(),
        _ => {
            return Err(DeliveryError::permanent(
                "client_cert and client_key go together",
            ))
        }
    };
    Ok(Some(tls))
}

/// The certificates of a PEM file (at least one).
fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, DeliveryError> {
    let bad = |why: String| DeliveryError::permanent(format!("{}: {why}", path.display()));
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("no certificates".into()));
    }
    Ok(certs)
}

/// Standard base64 (for HTTP basic auth).
pub fn base64(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, enc) in cases {
            assert_eq!(base64(plain.as_bytes()), enc);
        }
    }
}
