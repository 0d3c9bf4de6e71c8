//! Falco-compatible rule engine: the filter language, rules files, and the
//! event sources rules are evaluated against (syscalls and Kubernetes audit).

pub mod alert;
pub mod engine;
mod error;
pub mod field;
pub mod filter;
pub mod k8saudit;
pub mod rules;
pub mod syscall;

pub use error::{Error, Result};
