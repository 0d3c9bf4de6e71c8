//! Grafana Loki push API (`POST /loki/api/v1/push`, JSON), labelled the way
//! falcosidekick labels Falco alerts.

use serde_json::{json, Map, Value};

use super::http::{base64, HttpClient};
use super::stdout::line;
use super::{DeliveryError, Sink};
use crate::output::config::LokiConfig;
use crate::output::record::Record;

/// One push request per batch of alerts: one stream per label set, its
/// entries in the order the alerts were raised.
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
        self.batch_body(std::slice::from_ref(record))
    }

    /// The push request body for several alerts: alerts with the same
    /// labels share a stream, streams in order of first appearance.
    pub fn batch_body(&self, records: &[Record]) -> Value {
        let mut streams: Vec<(Map<String, Value>, Vec<Value>)> = Vec::new();
        for record in records {
            let labels = self.labels(record);
            let entry = json!([record.time_ns.to_string(), line(self.config.format, record)]);
            match streams.iter_mut().find(|(l, _)| *l == labels) {
                Some((_, values)) => values.push(entry),
                None => streams.push((labels, vec![entry])),
            }
        }
        let streams: Vec<Value> = streams
            .into_iter()
            .map(|(stream, values)| json!({"stream": stream, "values": values}))
            .collect();
        json!({ "streams": streams })
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
        self.deliver_batch(std::slice::from_ref(record))
    }

    fn batches(&self) -> bool {
        true
    }

    fn deliver_batch(&mut self, records: &[Record]) -> Result<(), DeliveryError> {
        let body = self.batch_body(records).to_string();
        self.client
            .post(&self.url, "application/json", body.as_bytes())
    }
}
