//! Kubernetes audit sources for `harrier detect` beyond file replay: the
//! audit webhook server (kube-apiserver's webhook backend) and a followed
//! audit log file.

mod encoding;
mod http;
mod queue;
mod server;
mod source;
mod tls;

pub use queue::QueueLimits;
pub use server::{
    ServerStop, WebhookConfig, WebhookEvents, WebhookServer, DEFAULT_MAX_BODY, DEFAULT_PORT,
};
pub use source::{parse_listen, K8sAuditArgs, LiveSource, LiveStop};
pub use tls::TlsFiles;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod server_tests;
