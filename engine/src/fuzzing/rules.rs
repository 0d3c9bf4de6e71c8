//! A rules file loaded alone and after other files (the shipped defaults),
//! its rules compiled for both sources and evaluated against the fixed
//! events, with every matching rule's output rendered.

use super::events::{audit_events, with_syscall_events};
use crate::engine::Ruleset;
use crate::k8saudit::K8sAuditSource;
use crate::rules::{self, Diagnostic, Loaded};
use crate::syscall::SyscallSource;

/// The name the fuzzed file is loaded under.
const NAME: &str = "fuzz.yaml";

/// Loads `data` as a rules file on its own, then after `before` (name,
/// content) files; bad input must end as diagnostics naming a file.
pub fn rules(data: &[u8], before: &[(&str, &str)]) {
    let text = super::text(data);
    let names: Vec<&str> = before.iter().map(|(n, _)| *n).chain([NAME]).collect();
    run(&rules::load([(NAME, &*text)]), &names);
    if !before.is_empty() {
        let files = before.iter().copied().chain([(NAME, &*text)]);
        run(&rules::load(files), &names);
    }
}

fn run(loaded: &Loaded, names: &[&str]) {
    check(&loaded.diagnostics, names);
    let syscall = SyscallSource;
    let (set, diags) = Ruleset::compile(loaded, &syscall);
    check(&diags, names);
    with_syscall_events(|evt| {
        for rule in set.rules().iter().filter(|r| r.matches(&syscall, evt)) {
            rule.alert(&syscall, evt, "fuzz");
        }
    });
    let audit = K8sAuditSource;
    let (set, diags) = Ruleset::compile(loaded, &audit);
    check(&diags, names);
    for evt in audit_events() {
        for rule in set.rules().iter().filter(|r| r.matches(&audit, &&evt)) {
            rule.alert(&audit, &&evt, "fuzz");
        }
    }
}

fn check(diags: &[Diagnostic], names: &[&str]) {
    for d in diags {
        assert!(
            names.contains(&d.file.as_str()),
            "{d:?} names no input file"
        );
        assert!(!d.message.is_empty(), "{d:?} says nothing");
    }
}
