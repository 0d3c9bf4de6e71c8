//! The sinks alerts are delivered to, one module each, behind [`Sink`].

mod alertmanager;
mod file;
mod http;
mod loki;
mod stdout;
mod syslog;
mod webhook;

use std::fmt;

use super::config::SinkKind;
use super::record::Record;

pub use alertmanager::AlertmanagerSink;
pub use file::FileSink;
pub use loki::LokiSink;
pub use stdout::StdoutSink;
pub use syslog::SyslogSink;
pub use webhook::WebhookSink;

/// Where alerts go. Called from the sink's own delivery thread only, so an
/// implementation may block; the delivery layer retries what fails.
pub trait Sink: Send {
    /// Delivers one alert; `Ok` means the receiver has accepted it.
    fn deliver(&mut self, record: &Record) -> Result<(), DeliveryError>;

    /// Whether [`Sink::deliver_batch`] sends several alerts in one request.
    /// The delivery layer hands other sinks one alert at a time.
    fn batches(&self) -> bool {
        false
    }

    /// Delivers `records`, in order, in one request: `Ok` means the receiver
    /// accepted all of them, an error that it took none (the batch is
    /// retried or given up on as a whole). The default, for sinks that do
    /// not batch, delivers each in turn.
    fn deliver_batch(&mut self, records: &[Record]) -> Result<(), DeliveryError> {
        records.iter().try_for_each(|r| self.deliver(r))
    }

    /// Pushes out anything buffered.
    fn flush(&mut self) -> Result<(), DeliveryError> {
        Ok(())
    }

    /// Called once before the sink is dropped at shutdown.
    fn finish(&mut self) -> Result<(), DeliveryError> {
        self.flush()
    }
}

/// Why a delivery failed, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryError {
    /// `false` when the receiver rejected the alert itself (HTTP 400 …):
    /// it is counted as failed instead of being retried forever.
    pub retryable: bool,
    /// What went wrong.
    pub message: String,
}

impl DeliveryError {
    /// A failure worth retrying (connection refused, timeout, 5xx, 429).
    pub fn retry(message: impl Into<String>) -> DeliveryError {
        DeliveryError {
            retryable: true,
            message: message.into(),
        }
    }

    /// A failure retrying cannot fix.
    pub fn permanent(message: impl Into<String>) -> DeliveryError {
        DeliveryError {
            retryable: false,
            message: message.into(),
        }
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeliveryError {}

impl From<std::io::Error> for DeliveryError {
    fn from(e: std::io::Error) -> Self {
        DeliveryError::retry(e.to_string())
    }
}

/// Builds the sink a configuration describes.
pub fn build(kind: &SinkKind) -> Result<Box<dyn Sink>, DeliveryError> {
    Ok(match kind {
        SinkKind::Stdout(c) => Box::new(StdoutSink::new(c.format)),
        SinkKind::File(c) => Box::new(FileSink::open(c.clone())?),
        SinkKind::Syslog(c) => Box::new(SyslogSink::new(c)?),
        SinkKind::Webhook(c) => Box::new(WebhookSink::new(c)?),
        SinkKind::Loki(c) => Box::new(LokiSink::new(c)?),
        SinkKind::Alertmanager(c) => Box::new(AlertmanagerSink::new(c)?),
    })
}
