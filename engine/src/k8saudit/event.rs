//! The audit event model: one `audit.k8s.io` `Event`, kept as parsed JSON,
//! and the payload shapes events arrive in (`Event`, `EventList`, arrays).

use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

use super::time::parse_rfc3339_ns;

/// Where an event or a diagnostic came from: a file and 1-based line, or a
/// webhook request (`file` = `webhook <peer>`, line 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File path, or a description of the network origin.
    pub file: Arc<str>,
    /// 1-based line where the JSON document starts; 0 when not line-based.
    pub line: u64,
}

impl Location {
    /// A location in `file` at `line`.
    pub fn new(file: impl Into<Arc<str>>, line: u64) -> Location {
        Location {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.file)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

/// Why input was skipped: malformed JSON, JSON that is not an audit event,
/// an event without a usable timestamp, an unreadable file.
///
/// Diagnostics never stop a source; they are reported and the input is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the skipped input was.
    pub location: Location,
    /// What is wrong with it.
    pub reason: String,
}

impl Diagnostic {
    /// A diagnostic at `location`.
    pub fn new(location: Location, reason: impl Into<String>) -> Diagnostic {
        Diagnostic {
            location,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}

/// What sources yield: an event, or the reason some input was skipped.
pub type AuditItem = Result<AuditEvent, Diagnostic>;

/// One Kubernetes audit event (`audit.k8s.io/v1` or `v1beta1` `Event`).
///
/// The whole JSON object is kept: `ka.*` fields read the parts they need,
/// and `json.value[<pointer>]` can reach anything.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    json: Json,
    time_ns: u64,
    location: Location,
}

impl AuditEvent {
    /// Checks that `json` is an audit event and builds it.
    ///
    /// An event is a JSON object with `kind: "Event"` (or no `kind` but an
    /// `auditID`), and a `stageTimestamp` (or `requestReceivedTimestamp`)
    /// in RFC 3339 form, which becomes the event time.
    pub fn from_json(json: Json, location: Location) -> Result<AuditEvent, Diagnostic> {
        let Some(obj) = json.as_object() else {
            return Err(Diagnostic::new(
                location,
                "data not recognized as a k8s audit event: not a JSON object",
            ));
        };
        match obj.get("kind") {
            Some(Json::String(k)) if k == "Event" => {}
            None if obj.get("auditID").is_some_and(Json::is_string) => {}
            other => {
                let kind = other.map_or_else(|| "missing".to_owned(), |k| k.to_string());
                return Err(Diagnostic::new(
                    location,
                    format!("data not recognized as a k8s audit event: kind is {kind}"),
                ));
            }
        }
        let stamp = ["stageTimestamp", "requestReceivedTimestamp"]
            .iter()
            .find_map(|key| obj.get(*key).and_then(Json::as_str));
        let Some(stamp) = stamp else {
            return Err(Diagnostic::new(
                location,
                "audit event has no stageTimestamp",
            ));
        };
        let Some(time_ns) = parse_rfc3339_ns(stamp) else {
            return Err(Diagnostic::new(
                location,
                format!("audit event has a malformed stageTimestamp {stamp:?}"),
            ));
        };
        Ok(AuditEvent {
            json,
            time_ns,
            location,
        })
    }

    /// The event as parsed JSON.
    pub fn json(&self) -> &Json {
        &self.json
    }

    /// The event time (`stageTimestamp`) in ns since the epoch.
    pub fn time_ns(&self) -> u64 {
        self.time_ns
    }

    /// Where the event was read.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// A string member at the top level (`auditID`, `stage`, `verb`, ...).
    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        get_path(&self.json, path).and_then(Json::as_str)
    }
}

/// Follows object keys from `root`.
pub(crate) fn get_path<'j>(root: &'j Json, path: &[&str]) -> Option<&'j Json> {
    path.iter()
        .try_fold(root, |v, key| v.as_object()?.get(*key))
}

/// Splits one parsed JSON document into events, the way the API server's
/// backends and Falco's k8saudit plugin shape them: an array yields each
/// element (recursively), an `EventList` each of its `items`, an `Event`
/// itself. Anything else becomes a diagnostic.
pub fn split_document(json: Json, location: &Location, out: &mut impl FnMut(AuditItem)) {
    match json {
        Json::Array(items) => {
            for item in items {
                split_document(item, location, out);
            }
        }
        Json::Object(mut obj) if obj.get("kind").and_then(Json::as_str) == Some("EventList") => {
            match obj.remove("items") {
                Some(Json::Array(items)) => {
                    for item in items {
                        out(AuditEvent::from_json(item, location.clone()));
                    }
                }
                Some(Json::Null) | None => {}
                Some(_) => out(Err(Diagnostic::new(
                    location.clone(),
                    "EventList items is not an array",
                ))),
            }
        }
        other => out(AuditEvent::from_json(other, location.clone())),
    }
}

/// Parses a request body or file chunk (one JSON document) into events.
///
/// Malformed JSON yields a single diagnostic naming the byte offset.
pub fn parse_document(bytes: &[u8], location: &Location) -> Vec<AuditItem> {
    let mut items = Vec::new();
    match serde_json::from_slice::<Json>(bytes) {
        Ok(json) => split_document(json, location, &mut |item| items.push(item)),
        Err(err) => items.push(Err(Diagnostic::new(
            location.clone(),
            format!("malformed JSON: {err}"),
        ))),
    }
    items
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn loc() -> Location {
        Location::new("test", 1)
    }

    const EVENT: &str = r#"{"kind":"Event","auditID":"a","stage":"ResponseComplete",
        "stageTimestamp":"2018-10-26T13:07:36.000001Z"}"#;

    #[test]
    fn accepts_event_eventlist_and_arrays() {
        let list = format!(r#"{{"kind":"EventList","items":[{EVENT},{EVENT}]}}"#);
        assert_eq!(parse_document(list.as_bytes(), &loc()).len(), 2);
        let arr = format!("[{EVENT},[{EVENT},{EVENT}]]");
        let items = parse_document(arr.as_bytes(), &loc());
        assert_eq!(items.len(), 3);
        assert!(items.iter().all(Result::is_ok));
        let one = &parse_document(EVENT.as_bytes(), &loc())[0];
        assert_eq!(one.as_ref().unwrap().time_ns(), 1_540_559_256_000_001_000);
    }

    #[test]
    fn rejects_non_events_with_a_reason() {
        let items = parse_document(br#"{"kind": 0}"#, &loc());
        let err = items[0].as_ref().unwrap_err();
        assert!(
            err.reason.contains("not recognized as a k8s audit event"),
            "{err}"
        );
        let items = parse_document(br#"{"kind":"Event","auditID":"x"}"#, &loc());
        assert!(items[0]
            .as_ref()
            .unwrap_err()
            .reason
            .contains("stageTimestamp"));
        let items = parse_document(b"{\"kind\":", &loc());
        assert!(items[0]
            .as_ref()
            .unwrap_err()
            .reason
            .starts_with("malformed JSON"));
        let items = parse_document(b"17", &loc());
        assert!(items[0].is_err());
    }
}
