//! Audit input in every accepted shape (one JSON document: `Event`,
//! `EventList`, arrays; a log of JSON lines and multi-line documents), then
//! every field of the `k8s_audit` table extracted from each event.

use crate::field::{ArgKind, FieldSource, Values};
use crate::k8saudit::policy::RequestAttributes;
use crate::k8saudit::{
    parse_document, AuditEvent, AuditItem, AuditReader, K8sAuditSource, Location, FIELDS,
};

/// Arguments tried for fields that take a key (`ka.uri.param[key]`,
/// `json.value[/pointer]`, `ka.req.volume.hostpath[/path]`).
const KEYS: [&str; 9] = [
    "/",
    "/user/username",
    "/requestObject/spec/containers/0/image",
    "/a~1b/~0c/-",
    "command",
    "/host",
    "~",
    "/objectRef/resource/",
    "0",
];

/// Arguments tried for fields that take an optional index.
const INDEXES: [&str; 4] = ["0", "1", " 2 ", "18446744073709551615"];

/// Parses `data` as audit input and extracts every field from every event.
/// Bytes after the last NUL, if any, are one more field argument (so keys
/// and JSON pointers are fuzzed too); the rest is the audit input.
pub fn k8s_audit(data: &[u8]) {
    let (input, extra) = match data.iter().rposition(|&b| b == 0) {
        Some(i) => (&data[..i], Some(super::text(&data[i + 1..]))),
        None => (data, None),
    };
    let mut events = Vec::new();
    let mut keep = |item: AuditItem| match item {
        Ok(evt) => events.push(evt),
        Err(d) => assert!(!d.reason.is_empty() && !d.location.file.is_empty(), "{d}"),
    };
    parse_document(input, &Location::new("body", 0))
        .into_iter()
        .for_each(&mut keep);
    AuditReader::new(input, "log").for_each(&mut keep);
    for evt in &events {
        extract_all(evt, extra.as_deref());
        RequestAttributes::from_event(evt);
    }
}

fn extract_all(evt: &AuditEvent, extra: Option<&str>) {
    let source = K8sAuditSource;
    for field in FIELDS {
        let args: Vec<Option<&str>> = match field.arg {
            ArgKind::None => vec![None],
            ArgKind::OptionalIndex => [None]
                .into_iter()
                .chain(INDEXES.iter().copied().map(Some))
                .chain(extra.map(Some))
                .collect(),
            _ => KEYS.iter().copied().chain(extra).map(Some).collect(),
        };
        for arg in args {
            let Ok(compiled) = source.compile(field.name, arg) else {
                continue;
            };
            let mut values = Values::new();
            source.extract(&compiled.extractor, &evt, &mut values);
            let mut rendered = String::new();
            source.render(&compiled.extractor, &evt, &mut rendered);
        }
    }
}
