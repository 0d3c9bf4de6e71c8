//! Falco-compatible rule engine: the filter language, rules files, and the
//! event sources rules are evaluated against (syscalls and Kubernetes audit).
//!
//! ```text
//! rules files ──rules::load──▶ Loaded (lists, macros, exceptions resolved; diagnostics)
//!                                  │
//!                 Ruleset::<S>::compile(&loaded, &source)   S: field::FieldSource
//!                                  │   (filters, outputs, event-type index)
//! events ──▶ Ruleset::process(&source, &event, host) ──▶ alert::Alert (Falco text / JSON)
//! ```
//!
//! - [`field`]: the contract every event source implements ([`field::FieldSource`]).
//! - [`filter`]: Falco's filter grammar, compiled evaluator, output formats.
//! - [`rules`]: rules files with Falco's load semantics and diagnostic codes.
//! - [`engine`]: per-source rulesets, selection (priority, tags, names).
//! - [`alert`]: alerts and priorities.

pub mod alert;
pub mod engine;
mod error;
pub mod field;
pub mod filter;
#[doc(hidden)]
pub mod fuzzing;
pub mod k8saudit;
pub mod rules;
pub mod syscall;

pub use error::{Error, Result};
