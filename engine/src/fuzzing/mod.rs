//! The checks behind the fuzz targets in `engine/fuzz/` and the seed
//! mutations in `tests/fuzz_seeds.rs`, kept here so both run the same code.
//!
//! Each function takes untrusted bytes and drives one parser end to end:
//! whatever the input, it must return without panicking, every error must
//! name a place, and whatever parsed must evaluate against the fixed events
//! of [`events`]. A failed `assert!` here is a finding.

mod audit_policy;
pub mod events;
mod filter;
mod k8s_audit;
mod rules;

pub use audit_policy::audit_policy;
pub use filter::filter;
pub use k8s_audit::k8s_audit;
pub use rules::rules;

/// The input as text: fuzzers produce arbitrary bytes, the parsers take
/// `&str` (invalid UTF-8 becomes U+FFFD, as a file read lossily would).
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}
