//! Fuzzes Kubernetes audit input (documents and JSON-lines logs) and the
//! extraction of every `ka.*`/`json.*` field from what it yields.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| engine::fuzzing::k8s_audit(data));
