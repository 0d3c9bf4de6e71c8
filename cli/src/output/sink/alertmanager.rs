//! Prometheus Alertmanager v2 API (`POST /api/v2/alerts`), with the labels,
//! annotations and severity falcosidekick gives Falco alerts.

use std::collections::BTreeMap;

use engine::alert::Priority;
use serde_json::{Map, Value};

use super::http::HttpClient;
use super::{DeliveryError, Sink};
use crate::output::config::AlertmanagerConfig;
use crate::output::record::Record;
use engine::alert::rfc3339;

/// One POST per batch of alerts, body = the alert array.
pub struct AlertmanagerSink {
    url: String,
    client: HttpClient,
    config: AlertmanagerConfig,
    severity: BTreeMap<Priority, String>,
}

impl AlertmanagerSink {
    /// A sink posting to `config.url` + `/api/v2/alerts`.
    pub fn new(config: &AlertmanagerConfig) -> Result<AlertmanagerSink, DeliveryError> {
        let mut severity: BTreeMap<Priority, String> = Priority::ALL
            .into_iter()
            .map(|p| (p, default_severity(p).to_string()))
            .collect();
        for (name, value) in &config.severity {
            let p: Priority = name
                .parse()
                .map_err(|e| DeliveryError::permanent(format!("alertmanager severity map: {e}")))?;
            severity.insert(p, value.clone());
        }
        Ok(AlertmanagerSink {
            url: format!("{}/api/v2/alerts", config.url.trim_end_matches('/')),
            client: HttpClient::new(&config.http)?,
            config: config.clone(),
            severity,
        })
    }

    /// The labels of an alert.
    pub fn labels(&self, record: &Record) -> Map<String, Value> {
        let mut labels = Map::new();
        for (field, value) in &record.output_fields {
            if field.starts_with("n_evts") || field.starts_with("n_drop") {
                continue;
            }
            let text = match value {
                Value::String(s) if !s.is_empty() => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => continue,
            };
            labels.insert(safe_label(field), text.into());
        }
        labels.insert("source".into(), "falco".into());
        labels.insert("rule".into(), record.rule.clone().into());
        labels.insert("alertname".into(), record.rule.clone().into());
        labels.insert("eventsource".into(), record.source.clone().into());
        if !record.hostname.is_empty() {
            labels.insert("hostname".into(), record.hostname.clone().into());
        }
        if !record.tags.is_empty() {
            let mut tags = record.tags.clone();
            tags.sort();
            labels.insert("tags".into(), tags.join(",").into());
        }
        labels.insert("priority".into(), record.priority.name().into());
        let severity = self
            .severity
            .get(&record.priority)
            .cloned()
            .unwrap_or_default();
        labels.insert("severity".into(), severity.into());
        for (k, v) in &self.config.extra_labels {
            labels.insert(safe_label(k), v.clone().into());
        }
        labels
    }

    /// The request body for one alert.
    pub fn body(&self, record: &Record) -> Value {
        self.batch_body(std::slice::from_ref(record))
    }

    /// The request body for several alerts, in order.
    pub fn batch_body(&self, records: &[Record]) -> Value {
        Value::Array(records.iter().map(|r| self.alert(r)).collect())
    }

    /// One element of the alert array.
    fn alert(&self, record: &Record) -> Value {
        let mut annotations = Map::new();
        annotations.insert("info".into(), record.output.clone().into());
        annotations.insert("description".into(), record.output.clone().into());
        annotations.insert("summary".into(), record.rule.clone().into());
        for (k, v) in &self.config.extra_annotations {
            annotations.insert(k.clone(), v.clone().into());
        }
        let mut alert = Map::new();
        alert.insert("labels".into(), Value::Object(self.labels(record)));
        alert.insert("annotations".into(), Value::Object(annotations));
        if let Some(after) = self.config.expires_after {
            let ends = record
                .time_ns
                .saturating_add(u64::try_from(after.as_nanos()).unwrap_or(u64::MAX));
            alert.insert("endsAt".into(), rfc3339(ends).into());
        }
        Value::Object(alert)
    }
}

/// falcosidekick's default priority → `severity` map.
fn default_severity(p: Priority) -> &'static str {
    match p {
        Priority::Debug | Priority::Informational | Priority::Notice => "information",
        Priority::Warning | Priority::Error => "warning",
        Priority::Critical | Priority::Alert | Priority::Emergency => "critical",
    }
}

/// A Prometheus label name: `[A-Za-z0-9_]` only, no `__` runs, no leading
/// or trailing `_` (`proc.aname[2]` → `proc_aname_2`).
pub fn safe_label(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut out = String::with_capacity(mapped.len());
    for c in mapped.chars() {
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out.trim_matches('_').to_string()
}

impl Sink for AlertmanagerSink {
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::output::config::HttpConfig;
    use crate::output::record::tests::sample;
    use std::time::Duration;

    fn sink(severity: &[(&str, &str)]) -> AlertmanagerSink {
        AlertmanagerSink::new(&AlertmanagerConfig {
            url: "http://127.0.0.1:9093/".into(),
            expires_after: Some(Duration::from_secs(60)),
            extra_labels: BTreeMap::from([("cluster".into(), "prod".into())]),
            extra_annotations: BTreeMap::new(),
            severity: severity
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            http: HttpConfig::default(),
        })
        .unwrap()
    }

    #[test]
    fn maps_labels_annotations_and_severity_like_falcosidekick() {
        let s = sink(&[]);
        assert_eq!(s.url, "http://127.0.0.1:9093/api/v2/alerts");
        let body = s.body(&sample(3, Priority::Error));
        let a = &body[0];
        assert_eq!(a["labels"]["alertname"], "Read sensitive file untrusted");
        assert_eq!(a["labels"]["severity"], "warning");
        assert_eq!(a["labels"]["priority"], "Error");
        assert_eq!(a["labels"]["source"], "falco");
        assert_eq!(a["labels"]["eventsource"], "syscall");
        assert_eq!(a["labels"]["tags"], "T1555,filesystem");
        assert_eq!(a["labels"]["fd_name"], "/etc/shadow");
        assert_eq!(a["labels"]["evt_num"], "3");
        assert_eq!(a["labels"]["cluster"], "prod");
        assert!(
            a["labels"].get("k8s_ns_name").is_none(),
            "null fields are not labels"
        );
        assert_eq!(a["annotations"]["summary"], "Read sensitive file untrusted");
        assert_eq!(a["endsAt"], "2016-08-04T16:18:57.881781400Z");
        let custom = sink(&[("error", "high")]).body(&sample(3, Priority::Error));
        assert_eq!(custom[0]["labels"]["severity"], "high");
        assert_eq!(safe_label("proc.aname[2]"), "proc_aname_2");
        assert_eq!(safe_label("__a..b__"), "a_b");
    }
}
