//! Normalising the real captures to the current event table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod scap_common;

use std::collections::BTreeMap;

use driver::{event_info, EventFlags, EventRef};
use libcapture::scap::{Block, NormalizeStats, Normalizer, ScapFile};

/// Normalised events of a capture (owned) and the normaliser's counters.
fn normalise(name: &str) -> Option<(Vec<Vec<u8>>, NormalizeStats)> {
    let file = ScapFile::from_bytes(scap_common::read(name)?);
    let mut normalizer = Normalizer::new();
    let mut out = Vec::new();
    for block in file.blocks() {
        if let Block::Event(ev) = block.unwrap() {
            if let Some(bytes) = normalizer.normalize(ev.event) {
                out.push(bytes.into_owned());
            }
        }
    }
    Some((out, *normalizer.stats()))
}

/// (capture, events passed by libs HEAD, events it dropped) — spec §6.1.
const HEAD_COUNTS: [(&str, u64, u64); 11] = [
    ("cat_write.scap", 307, 38),
    ("connect_localhost.scap", 371, 3),
    ("empty.scap", 143, 0),
    ("open-multiple-files.scap", 1243, 29),
    ("ping_sendto.scap", 1516, 10),
    ("syscall.scap", 366, 2),
    ("curl_google.scap", 991, 545),
    ("curl_google_comments.scap", 991, 545),
    ("single_ipv6_conn.scap", 1717, 11),
    ("test_ipv6_client.scap", 297, 29),
    ("sample.scap", 485, 87),
];

#[test]
fn passed_and_dropped_counts_match_libs_head() {
    for (name, passed, dropped) in HEAD_COUNTS {
        let Some((events, stats)) = normalise(name) else {
            continue;
        };
        let dropped_here = stats.enters_consumed + stats.unknown_codes + stats.unused_codes;
        eprintln!(
            "{name}: {} passed, {dropped_here} dropped; {stats:?}",
            events.len()
        );
        assert_eq!(
            (events.len() as u64, dropped_here),
            (passed, dropped),
            "{name}: {stats:?}"
        );
    }
}

#[test]
fn normalised_events_have_current_codes_and_full_parameter_lists() {
    for name in scap_common::CAPTURES {
        let Some((events, stats)) = normalise(name) else {
            continue;
        };
        assert_eq!(
            stats.enter_mismatches + stats.extra_params + stats.unconverted_old,
            0
        );
        for bytes in &events {
            let ev = EventRef::parse(bytes).unwrap();
            let info = ev.info().unwrap();
            let managed = info.flags.contains(EventFlags::CONVERTER_MANAGED);
            if !ev.is_enter() {
                assert!(!info.is_old_version(), "{name}: {} left old", info.ident);
                if managed {
                    assert_eq!(ev.nparams(), info.params.len(), "{name}: {}", info.ident);
                }
            }
        }
    }
}

#[test]
fn old_execve_and_close_take_their_values_from_old_and_enter_events() {
    let Some(bytes) = scap_common::read("cat_write.scap") else {
        return;
    };
    let file = ScapFile::from_bytes(bytes);
    let mut normalizer = Normalizer::new();
    let mut last_close_fd = BTreeMap::new();
    let (mut execs, mut closes) = (0, 0);
    for block in file.blocks() {
        let Block::Event(ev) = block.unwrap() else {
            continue;
        };
        let raw = ev.event;
        if raw.code().0 == 4 {
            // CLOSE_E(fd): remember what the exit must carry.
            last_close_fd.insert(raw.tid(), raw.param_bytes(0).unwrap().to_vec());
        }
        let Some(out) = normalizer.normalize(raw) else {
            continue;
        };
        let ev = EventRef::parse(&out).unwrap();
        match ev.info().unwrap().ident {
            "EXECVE_19_X" => {
                execs += 1;
                assert_eq!(raw.code().0, 231, "EXECVE_16_X upgraded");
                assert_eq!(ev.nparams(), 31);
                // res, exe, args … by name: same bytes as the old event.
                for i in 0..raw.nparams() {
                    let name = raw.param_info(i).unwrap().name;
                    let j = ev.info().unwrap().param_index(name).unwrap();
                    assert_eq!(ev.param_bytes(j), raw.param_bytes(i), "{name}");
                }
                // Fields the old layout did not have are empty.
                assert_eq!(ev.param_bytes(30), Some(&[][..]));
            }
            "CLOSE_X" => {
                closes += 1;
                let fd = last_close_fd.get(&ev.tid()).unwrap();
                assert_eq!(ev.param_bytes(1).unwrap(), &fd[..]);
            }
            _ => {}
        }
    }
    assert_eq!((execs, closes), (1, 6));
}

/// Encodes an event by hand (u16 lengths), also layouts the table forbids.
fn event(code: u16, tid: u64, params: &[&[u8]]) -> Vec<u8> {
    let data: usize = params.iter().map(|p| p.len()).sum();
    let len = 26 + 2 * params.len() + data;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&10u64.to_le_bytes());
    out.extend_from_slice(&tid.to_le_bytes());
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&(params.len() as u32).to_le_bytes());
    for p in params {
        out.extend_from_slice(&(p.len() as u16).to_le_bytes());
    }
    for p in params {
        out.extend_from_slice(p);
    }
    out
}

#[test]
fn libscap_fatal_conditions_are_counted_not_fatal() {
    let mut n = Normalizer::new();
    // A read enter followed by a write exit of the same thread.
    let read_e = event(6, 1, &[&3i64.to_le_bytes(), &10u32.to_le_bytes()]);
    let write_x = event(9, 1, &[&5i64.to_le_bytes(), b"hello"]);
    assert!(n.normalize(EventRef::parse(&read_e).unwrap()).is_none());
    let out = n.normalize(EventRef::parse(&write_x).unwrap()).unwrap();
    let ev = EventRef::parse(&out).unwrap();
    assert_eq!(ev.nparams(), 4);
    assert_eq!(ev.param_bytes(2), Some(&[][..]), "no fd from a read enter");
    assert_eq!(n.stats().enter_mismatches, 1);
    // An exit with more params than the table knows.
    let close_x = event(5, 2, &[&0i64.to_le_bytes(), &3i64.to_le_bytes(), b"extra"]);
    let out = n.normalize(EventRef::parse(&close_x).unwrap()).unwrap();
    assert_eq!(EventRef::parse(&out).unwrap().nparams(), 2);
    assert_eq!(n.stats().extra_params, 1);
    // Codes beyond the table and placeholder codes.
    let future = event(500, 3, &[]);
    assert!(n.normalize(EventRef::parse(&future).unwrap()).is_none());
    let unused = event(229, 3, &[]);
    assert!(n.normalize(EventRef::parse(&unused).unwrap()).is_none());
    assert_eq!((n.stats().unknown_codes, n.stats().unused_codes), (1, 1));
    // A pending enter is forgotten when its thread exits.
    n.normalize(EventRef::parse(&read_e).unwrap());
    assert_eq!(n.pending_enters(), 1);
    let procexit = event(186, 1, &[&0i64.to_le_bytes()]);
    assert!(n.normalize(EventRef::parse(&procexit).unwrap()).is_some());
    assert_eq!(n.pending_enters(), 0);
}

#[test]
fn old_container_events_become_json() {
    let container = event(
        228,
        0,
        &[
            b"abc123\0",
            &1u32.to_le_bytes(),
            b"web \"1\"\0",
            b"nginx:latest\0",
        ],
    );
    let mut n = Normalizer::new();
    let out = n.normalize(EventRef::parse(&container).unwrap()).unwrap();
    let ev = EventRef::parse(&out).unwrap();
    assert_eq!(ev.info().unwrap().ident, "CONTAINER_JSON_2_E");
    assert_eq!(
        ev.param_bytes(0).unwrap(),
        &b"{\"id\":\"abc123\",\"type\":1,\"name\":\"web \\\"1\\\"\",\"image\":\"nginx:latest\"}\0"
            [..]
    );
}

#[test]
fn keeping_enter_events_passes_every_known_event() {
    let Some(bytes) = scap_common::read("curl_google.scap") else {
        return;
    };
    let file = ScapFile::from_bytes(bytes);
    let mut n = Normalizer::with_options(libcapture::scap::NormalizeOptions {
        keep_enter_events: true,
    });
    let mut count = 0;
    for block in file.blocks() {
        if let Block::Event(ev) = block.unwrap() {
            let out = n.normalize(ev.event).unwrap();
            let parsed = EventRef::parse(&out).unwrap();
            // OPEN_E with 0 params gains the 3 current ones.
            if parsed.code().0 == 2 {
                assert_eq!(parsed.nparams(), event_info(2).unwrap().params.len());
            }
            count += 1;
        }
    }
    assert_eq!(count, 1536);
}
