//! Grafana Loki push API (`POST /loki/api/v1/push`, JSON), labelled the way
//! falcosidekick labels Falco alerts.

use serde_json::{json, Map, Value};

use super::http::{base64, HttpClient};
use super::stdout::line;
use super::{DeliveryError, Sink};
use crate::output::config::LokiConfig;
use crate::output::record::Record;

/// One push request per alert, one stream with one entry.
pub struct LokiSink {
    url: String,
    client: HttpClient,
    config: LokiConfig,
}

impl LokiSink {
    /// A sink pushing to `config.url` + `/loki/api/v1/push`.
    pub fn new(config: &LokiConfig) -> Result<LokiSink, DeliveryError> {
        let mut client = HttpClient::new(&config.http)?;
        if let Some(tenant) = &config.tenant {
            client.add_header("X-Scope-OrgID", tenant);
        }
        if let Some(user) = &config.user {
            let secret = config.api_key.as_deref().unwrap_or("");
            client.add_header(
                "Authorization",
                &format!("Basic {}", base64(format!("{user}:{secret}").as_bytes())),
            );
        }
        let url = format!("{}/loki/api/v1/push", config.url.trim_end_matches('/'));
        Ok(LokiSink {
            url,
            client,
            config: config.clone(),
        })
    }

    /// The stream labels of an alert.
    pub fn labels(&self, record: &Record) -> Map<String, Value> {
        let mut labels = Map::new();
        labels.insert("rule".into(), record.rule.clone().into());
        labels.insert("source".into(), record.source.clone().into());
        labels.insert("priority".into(), record.priority.name().into());
        if !record.hostname.is_empty() {
            labels.insert("hostname".into(), record.hostname.clone().into());
        }
        if !record.tags.is_empty() {
            let mut tags = record.tags.clone();
            tags.sort();
            labels.insert("tags".into(), tags.join(",").into());
        }
        let fields = ["k8s.ns.name", "k8s.pod.name"]
            .into_iter()
            .chain(self.config.extra_labels.iter().map(String::as_str));
        for field in fields {
            if let Some(value) = record.field_text(field).filter(|v| !v.is_empty()) {
                labels.insert(label_name(field), value.replace('"', "").into());
            }
        }
        labels
    }

    /// The push request body for one alert.
    pub fn body(&self, record: &Record) -> Value {
        json!({
            "streams": [{
                "stream": self.labels(record),
                "values": [[record.time_ns.to_string(), line(self.config.format, record)]],
            }]
        })
    }
}

/// `k8s.ns.name` → `k8s_ns_name`, `proc.aname[2]` → `proc_aname2`.
fn label_name(field: &str) -> String {
    field
        .chars()
        .filter(|c| !matches!(c, '[' | ']'))
        .map(|c| if c == '.' { '_' } else { c })
        .collect()
}

impl Sink for LokiSink {
    fn deliver(&mut self, record: &Record) -> Result<(), DeliveryError> {
        let body = self.body(record).to_string();
        self.client
            .post(&self.url, "application/json", body.as_bytes())
    }
}
