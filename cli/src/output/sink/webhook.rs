//! Falco's JSON alert POSTed to a URL: what falcosidekick and other Falco
//! receivers accept on their `POST /`.

use super::http::HttpClient;
use super::{DeliveryError, Sink};
use crate::output::config::WebhookConfig;
use crate::output::record::Record;

/// One POST per alert, body = Falco JSON.
pub struct WebhookSink {
    url: String,
    client: HttpClient,
}

impl WebhookSink {
    /// A sink POSTing to `config.url`.
    pub fn new(config: &WebhookConfig) -> Result<WebhookSink, DeliveryError> {
        Ok(WebhookSink {
            url: config.url.clone(),
            client: HttpClient::new(&config.http)?,
        })
    }
}

impl Sink for WebhookSink {
    fn deliver(&mut self, record: &Record) -> Result<(), DeliveryError> {
        let body = record.falco_json_line();
        self.client
            .post(&self.url, "application/json", body.as_bytes())
    }
}
