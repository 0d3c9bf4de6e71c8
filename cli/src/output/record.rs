//! An alert as the outputs carry it: everything a sink needs, serializable so
//! that the on-disk spool can hold it across restarts.

use engine::alert::{rfc3339, Alert, Priority};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One alert on its way to the sinks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Event time, ns since the epoch.
    pub time_ns: u64,
    /// Rule name.
    pub rule: String,
    /// Rule priority.
    #[serde(with = "priority_name")]
    pub priority: Priority,
    /// Falco's text line: `<time>: <Priority> <message>`.
    pub output: String,
    /// Output fields, typed as in Falco's JSON.
    pub output_fields: Map<String, Value>,
    /// Event source (`syscall`, `k8s_audit`).
    pub source: String,
    /// Rule tags.
    pub tags: Vec<String>,
    /// Host the event was seen on.
    pub hostname: String,
}

impl Record {
    /// Takes what the sinks need from a rule engine alert.
    pub fn from_alert(alert: &Alert) -> Record {
        Record {
            time_ns: alert.time,
            rule: alert.rule.clone(),
            priority: alert.priority,
            output: alert.text(),
            output_fields: alert
                .output_fields
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            source: alert.source.clone(),
            tags: alert.tags.clone(),
            hostname: alert.hostname.clone(),
        }
    }

    /// The alert time as Falco writes it: RFC 3339 with nanoseconds, UTC.
    pub fn time_rfc3339(&self) -> String {
        rfc3339(self.time_ns)
    }

    /// Falco's JSON alert object (what falcosidekick accepts on `POST /`).
    pub fn falco_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("hostname".into(), self.hostname.clone().into());
        obj.insert("output".into(), self.output.clone().into());
        obj.insert(
            "output_fields".into(),
            Value::Object(self.output_fields.clone()),
        );
        obj.insert("priority".into(), self.priority.name().into());
        obj.insert("rule".into(), self.rule.clone().into());
        obj.insert("source".into(), self.source.clone().into());
        obj.insert("tags".into(), self.tags.clone().into());
        obj.insert("time".into(), self.time_rfc3339().into());
        Value::Object(obj)
    }

    /// Falco's JSON alert as one line, without a trailing newline.
    pub fn falco_json_line(&self) -> String {
        self.falco_json().to_string()
    }

    /// An output field as a label value: strings as they are, numbers and
    /// booleans printed, `null`/objects/arrays absent.
    pub fn field_text(&self, name: &str) -> Option<String> {
        match self.output_fields.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// (De)serializes a [`Priority`] by its Falco name.
mod priority_name {
    use engine::alert::Priority;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(p: &Priority, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Priority, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A sample alert with a distinguishing `evt.num`.
    pub(crate) fn sample(n: u64, priority: Priority) -> Record {
        let alert = Alert {
            time: 1_470_327_477_881_781_397 + n,
            rule: "Read sensitive file untrusted".into(),
            priority,
            message: format!("Sensitive file opened (file=/etc/shadow n={n})"),
            output_fields: BTreeMap::from([
                ("evt.num".into(), n.into()),
                ("fd.name".into(), "/etc/shadow".into()),
                ("proc.name".into(), "cat".into()),
                ("k8s.ns.name".into(), Value::Null),
            ]),
            source: "syscall".into(),
            tags: vec!["filesystem".into(), "T1555".into()],
            hostname: "node-1".into(),
        };
        Record::from_alert(&alert)
    }

    #[test]
    fn falco_json_round_trips_through_the_spool_form() {
        let record = sample(7, Priority::Warning);
        let line = serde_json::to_string(&record).unwrap();
        let back: Record = serde_json::from_str(&line).unwrap();
        assert_eq!(back, record);
        let json = record.falco_json();
        assert_eq!(json["time"], "2016-08-04T16:17:57.881781404Z");
        assert_eq!(json["priority"], "Warning");
        assert_eq!(json["output_fields"]["evt.num"], 7);
        assert_eq!(record.field_text("evt.num").as_deref(), Some("7"));
        assert_eq!(record.field_text("k8s.ns.name"), None);
    }
}
