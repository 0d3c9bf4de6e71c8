//! Fuzzes the filter language: arbitrary bytes as a condition, compiled for
//! the syscall and `k8s_audit` sources and evaluated against fixed events.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| engine::fuzzing::filter(data));
