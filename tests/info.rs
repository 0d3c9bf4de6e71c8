//! `harrier info` on the real captures: block and event counts match the
//! inventory of `shared/research/scap-spec.md` §6.1, and damage is reported.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails by panicking"
)]

use std::path::Path;
use std::process::{Command, Output};

mod support;
use support::shared;

fn info(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harrier"))
        .arg("info")
        .args(args)
        .output()
        .unwrap()
}

fn info_json(file: &Path) -> serde_json::Value {
    let out = info(&[file.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn block_and_event_counts_match_the_capture_inventory() {
    // (file, fd-list blocks, event blocks) from spec §6.1.
    for (file, fd_lists, events) in [
        ("falco-regression/trace_files/cat_write.scap", 73, 345),
        (
            "falco-regression/trace_files/connect_localhost.scap",
            184,
            374,
        ),
        ("falco-regression/trace_files/empty.scap", 218, 143),
        ("falco-regression/trace_files/ping_sendto.scap", 136, 1526),
        ("scap-samples/sample.scap", 94, 572),
        ("scap-samples/single_ipv6_conn.scap", 154, 1728),
    ] {
        let summary = info_json(&shared().join(file));
        let blocks = summary["blocks"].as_object().unwrap();
        let fdl: u64 = blocks
            .iter()
            .filter(|(k, _)| k.starts_with("fd list"))
            .map(|(_, v)| v.as_u64().unwrap())
            .sum();
        assert_eq!(fdl, fd_lists, "{file}: fd list blocks");
        assert_eq!(summary["events"], events, "{file}: events");
        let by_type: u64 = summary["events_by_type"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(by_type, events, "{file}: events by type add up");
        assert_eq!(summary["sections"], 1);
        assert!(summary["error"].is_null());
    }
}

#[test]
fn machine_processes_and_time_range_are_reported() {
    let summary = info_json(&shared().join("falco-regression/trace_files/ping_sendto.scap"));
    assert_eq!(summary["machine"]["hostname"], "ubuntu");
    assert!(summary["processes"].as_u64().unwrap() > 0);
    assert!(summary["threads"].as_u64() >= summary["processes"].as_u64());
    assert!(summary["first_ts"].as_u64() <= summary["last_ts"].as_u64());
    assert_eq!(summary["events_by_type"]["sendmsg"], 20);
    assert_eq!(summary["compressed"], true);
}

#[test]
fn text_report_names_every_section() {
    let out = info(&[shared()
        .join("scap-samples/curl_google.scap")
        .to_str()
        .unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for heading in [
        "sections:",
        "machine:",
        "processes:",
        "events:",
        "time range:",
        "drops:",
        "blocks:",
        "events by type:",
    ] {
        assert!(text.contains(heading), "missing {heading:?} in\n{text}");
    }
    assert!(text.contains(" execve\n"));
}

/// Event blocks (EV_V2, 0x216) that end at or before `cut`, by walking the
/// block framing.
fn complete_event_blocks(bytes: &[u8], cut: usize) -> u64 {
    let (mut offset, mut events) = (0, 0);
    while offset + 8 <= bytes.len() {
        let block_type = u32::from_le_bytes(bytes[offset..offset + 4].try_into().unwrap());
        let len = u32::from_le_bytes(bytes[offset + 4..offset + 8].try_into().unwrap()) as usize;
        if offset + len > cut {
            break;
        }
        events += u64::from(block_type == 0x216);
        offset += len;
    }
    events
}

#[test]
fn damage_is_reported_after_what_was_read() {
    let bytes = std::fs::read(shared().join("scap-samples/sample.scap")).unwrap();
    let dir = std::env::temp_dir().join(format!("harrier-info-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cut = dir.join("cut.scap");
    let cut_at = bytes.len() - 100;
    std::fs::write(&cut, &bytes[..cut_at]).unwrap();
    let out = info(&[cut.to_str().unwrap(), "--json"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = complete_event_blocks(&bytes, cut_at);
    assert!(expected > 500);
    assert_eq!(summary["events"], expected, "every event before the cut");
    assert!(summary["error"].as_str().unwrap().contains("at byte"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn help_and_missing_files() {
    let help = info(&["--help"]);
    assert!(help.status.success());
    assert!(String::from_utf8(help.stdout).unwrap().contains("--json"));
    let missing = info(&["/nonexistent.scap"]);
    assert_ne!(missing.status.code(), Some(0));
    let stderr = String::from_utf8(missing.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/nonexistent.scap"));
}
