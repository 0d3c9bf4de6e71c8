//! Kubernetes audit events: parsing, sources and `ka.*` fields.
//!
//! - [`AuditEvent`]: one `audit.k8s.io` `Event`, kept as parsed JSON, with
//!   its `stageTimestamp` as the event time.
//! - Sources yield [`AuditItem`]s (`Result<AuditEvent, Diagnostic>`): a
//!   [`Diagnostic`] names the file and line of input that was skipped and
//!   why; it never stops a source. [`open_replay`] reads a file (or a
//!   directory) once; [`FollowReader`] follows a log like `tail -F`;
//!   [`parse_document`] splits a webhook body (`EventList`) into events.
//! - [`K8sAuditSource`] is the [`FieldSource`](crate::field::FieldSource)
//!   rules with `source: k8s_audit` are compiled against.
//! - [`policy`]: kube-apiserver audit `Policy` files: schema checks and the
//!   level the API server would log an event at.
//!
//! ```
//! use engine::k8saudit::{parse_document, Location};
//! let body = br#"{"kind":"EventList","items":[{"kind":"Event","auditID":"1",
//!     "stage":"ResponseComplete","stageTimestamp":"2024-05-01T10:00:00Z"}]}"#;
//! let items = parse_document(body, &Location::new("webhook", 0));
//! assert_eq!(items.len(), 1);
//! assert_eq!(items[0].as_ref().unwrap().str_at(&["auditID"]), Some("1"));
//! ```

mod event;
mod fields;
mod follow;
pub mod policy;
mod reader;
mod time;

pub use event::{parse_document, split_document, AuditEvent, AuditItem, Diagnostic, Location};
pub use fields::{
    extract, image_repository, ContainerGroup, ContainerProp, Extractor, K8sAuditSource,
    SubjectKind, TimeFormat, FIELDS, KA_FIELD_COUNT,
};
pub use follow::{FollowOptions, FollowReader, StartAt};
pub use reader::{open_replay, AuditReader, ReplayReader, MAX_DOCUMENT_BYTES};
pub use time::{format_rfc3339_ns, parse_rfc3339_ns};
