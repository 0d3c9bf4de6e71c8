//! Fuzzes rules files: arbitrary bytes loaded alone and after the shipped
//! default rules, compiled for both sources and evaluated.
#![no_main]

use libfuzzer_sys::fuzz_target;

const DEFAULTS: [(&str, &str); 2] = [
    (
        "harrier_rules.yaml",
        include_str!("../../../rules/default/harrier_rules.yaml"),
    ),
    (
        "harrier_k8s_audit_rules.yaml",
        include_str!("../../../rules/default/harrier_k8s_audit_rules.yaml"),
    ),
];

fuzz_target!(|data: &[u8]| engine::fuzzing::rules(data, &DEFAULTS));
