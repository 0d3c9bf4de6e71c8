//! Fuzzes the kube-apiserver audit `Policy` parser and its evaluation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| engine::fuzzing::audit_policy(data));
