//! The fuzz targets' checks (`engine::fuzzing`, shared with `engine/fuzz/`)
//! on every committed seed and on deterministic mutations of it: byte
//! flips, truncations and duplicated slices. A panic or failed check is a
//! finding, reproducible with the seed name and mutation printed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use engine::fuzzing;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .map(|path: PathBuf| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out
}

/// Deterministic xorshift, so failures reproduce.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// `rounds` mutations of `data`, each with a description.
fn mutations(data: &[u8], rounds: usize, state: &mut u64) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![("as is".to_string(), data.to_vec())];
    if data.is_empty() {
        return out;
    }
    let len = data.len() as u64;
    for _ in 0..rounds {
        let at = (xorshift(state) % len) as usize;
        let mut flipped = data.to_vec();
        let flips = 1 + xorshift(state) % 3;
        for k in 0..flips as usize {
            if let Some(b) = flipped.get_mut(at + k) {
                *b ^= (xorshift(state) as u8) | 1;
            }
        }
        out.push((format!("{flips} bytes flipped at {at}"), flipped));
        out.push((format!("cut at {at}"), data[..at].to_vec()));
        let end = (at + 1 + (xorshift(state) % 64) as usize).min(data.len());
        let copies = 1 + xorshift(state) % 8;
        let mut doubled = data[..end].to_vec();
        for _ in 0..copies {
            doubled.extend_from_slice(&data[at..end]);
        }
        doubled.extend_from_slice(&data[end..]);
        out.push((format!("{at}..{end} repeated {copies} times"), doubled));
    }
    out
}

/// Runs `check` on every seed of `target` and `rounds` rounds of mutations.
fn run(target: &str, rounds: usize, check: impl Fn(&[u8]) + std::panic::RefUnwindSafe) {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for (name, data) in seeds(target) {
        for (what, input) in mutations(&data, rounds, &mut state) {
            if std::panic::catch_unwind(|| check(&input)).is_err() {
                panic!("{target}: seed {name}, {what}");
            }
        }
    }
}

#[test]
fn filter_seeds_and_mutations() {
    run("filter", 150, fuzzing::filter);
}

#[test]
fn rules_seeds_and_mutations() {
    const DEFAULTS: [(&str, &str); 2] = [
        (
            "harrier_rules.yaml",
            include_str!("../../rules/default/harrier_rules.yaml"),
        ),
        (
            "harrier_k8s_audit_rules.yaml",
            include_str!("../../rules/default/harrier_k8s_audit_rules.yaml"),
        ),
    ];
    // Loading the defaults dominates; mutations of the fuzzed file alone
    // cost little, so only the first rounds load both.
    run("rules", 10, |data| fuzzing::rules(data, &DEFAULTS));
    run("rules", 80, |data| fuzzing::rules(data, &[]));
}

#[test]
fn k8s_audit_seeds_and_mutations() {
    run("k8s_audit", 80, fuzzing::k8s_audit);
}

#[test]
fn audit_policy_seeds_and_mutations() {
    run("audit_policy", 150, fuzzing::audit_policy);
}
