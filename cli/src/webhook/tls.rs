//! TLS for the webhook (rustls with the ring provider): a certificate chain
//! and key from PEM files, and optional client-certificate authentication
//! against a CA bundle.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use rustls::crypto::ring::default_provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

/// Where the server's TLS material is.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// PEM certificate chain (leaf first). May also hold the key.
    pub cert: PathBuf,
    /// PEM private key; `None` = look in the certificate file (Falco's
    /// single-file `falco.pem` layout).
    pub key: Option<PathBuf>,
    /// PEM CA bundle: when set, clients must present a certificate it signed.
    pub client_ca: Option<PathBuf>,
}

fn certs(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .with_context(|| format!("{}: cannot read certificates", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{}: malformed PEM certificate", path.display()))?;
    anyhow::ensure!(
        !certs.is_empty(),
        "{}: no certificate found",
        path.display()
    );
    Ok(certs)
}

/// Builds the rustls server configuration.
pub fn server_config(files: &TlsFiles) -> anyhow::Result<Arc<ServerConfig>> {
    let provider = Arc::new(default_provider());
    let chain = certs(&files.cert)?;
    let key_path = files.key.as_deref().unwrap_or(&files.cert);
    let key = PrivateKeyDer::from_pem_file(key_path)
        .with_context(|| format!("{}: no usable private key", key_path.display()))?;
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?;
    let builder = match &files.client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            for cert in certs(ca)? {
                roots
                    .add(cert)
                    .with_context(|| format!("{}: unusable CA certificate", ca.display()))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .context("client certificate verifier")?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(chain, key)
        .context("certificate and key do not form a usable pair")?;
    Ok(Arc::new(config))
}
