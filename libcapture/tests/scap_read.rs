//! Reads every real capture of spec §6 and checks block and event counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod scap_common;

use std::collections::BTreeMap;

use libcapture::scap::{block_type, Block, ScapFile};

/// Block counts by block-type name, plus events by code.
#[derive(Debug, Default)]
struct Census {
    blocks: BTreeMap<&'static str, usize>,
    codes: BTreeMap<u16, usize>,
    pl_version: u8,
    pl_entries: usize,
    v1_events: usize,
    compressed: bool,
    shb_options: usize,
}

fn census(name: &str) -> Option<Census> {
    let file = ScapFile::from_bytes(scap_common::read(name)?);
    let mut c = Census {
        compressed: file.is_compressed(),
        ..Census::default()
    };
    let mut blocks = file.blocks();
    while let Some(block) = blocks.next_with_offset() {
        let block = block.unwrap_or_else(|e| panic!("{name}: {e}"));
        *c.blocks
            .entry(block_type::name(block.block_type))
            .or_default() += 1;
        match block.block {
            Block::SectionHeader(shb) => c.shb_options += shb.options().len(),
            Block::ProcList(pl) => {
                c.pl_version = pl.version();
                c.pl_entries += pl.entries().count();
            }
            Block::Event(ev) => {
                *c.codes.entry(ev.event.code().0).or_default() += 1;
                c.v1_events += usize::from(ev.upgraded_from_v1);
            }
            _ => {}
        }
    }
    Some(c)
}

/// (file, PL version, FDL blocks, event blocks, V1 events?) from spec §6.1.
const INVENTORY: [(&str, u8, usize, usize, bool); 11] = [
    ("cat_write.scap", 6, 73, 345, true),
    ("connect_localhost.scap", 7, 184, 374, true),
    ("empty.scap", 9, 218, 143, false),
    ("open-multiple-files.scap", 6, 128, 1272, true),
    ("ping_sendto.scap", 9, 136, 1526, false),
    ("syscall.scap", 8, 229, 368, true),
    ("curl_google.scap", 5, 54, 1536, true),
    ("curl_google_comments.scap", 5, 54, 1536, true),
    ("single_ipv6_conn.scap", 9, 154, 1728, false),
    ("test_ipv6_client.scap", 5, 58, 326, true),
    ("sample.scap", 9, 94, 572, false),
];

#[test]
fn every_real_capture_reads_with_the_spec_block_counts() {
    for (name, pl_version, fdl, events, v1) in INVENTORY {
        let Some(c) = census(name) else { continue };
        let fdl_name = if pl_version == 9 {
            "fd list v2"
        } else {
            "fd list v1"
        };
        let ev_name = if v1 { "event v1" } else { "event v2" };
        assert_eq!(c.blocks.get("section header"), Some(&1), "{name}");
        assert_eq!(c.blocks.get("machine info"), Some(&1), "{name}");
        assert_eq!(c.pl_version, pl_version, "{name}");
        assert_eq!(c.blocks.get(fdl_name), Some(&fdl), "{name}: {:?}", c.blocks);
        assert_eq!(
            c.blocks.get(ev_name),
            Some(&events),
            "{name}: {:?}",
            c.blocks
        );
        assert_eq!(c.codes.values().sum::<usize>(), events, "{name}");
        assert_eq!(c.v1_events, if v1 { events } else { 0 }, "{name}");
        // One PL entry per thread, and each thread got an fd list.
        assert_eq!(c.pl_entries, fdl, "{name}");
        assert_eq!(c.compressed, name != "sample.scap", "{name}");
    }
}

#[test]
fn event_codes_match_the_spec_tables() {
    // Spec §6.2, a selection per capture (code, count).
    let expected: [(&str, &[(u16, usize)]); 6] = [
        (
            "cat_write.scap",
            &[(0, 7), (1, 6), (2, 4), (3, 4), (231, 1), (234, 260)],
        ),
        (
            "connect_localhost.scap",
            &[(18, 3), (19, 3), (22, 1), (23, 1), (234, 366)],
        ),
        ("empty.scap", &[(234, 143)]),
        (
            "open-multiple-files.scap",
            &[(83, 1), (152, 1), (234, 1183), (272, 3)],
        ),
        ("ping_sendto.scap", &[(48, 10), (49, 10), (234, 1506)]),
        ("sample.scap", &[(152, 228), (196, 1), (354, 34), (358, 61)]),
    ];
    for (name, codes) in expected {
        let Some(c) = census(name) else { continue };
        for &(code, count) in codes {
            assert_eq!(c.codes.get(&code), Some(&count), "{name} code {code}");
        }
    }
}

#[test]
fn pcapng_options_in_headers_and_event_blocks_are_tolerated() {
    let Some(plain) = census("curl_google.scap") else {
        return;
    };
    let Some(edited) = census("curl_google_comments.scap") else {
        return;
    };
    assert_eq!(plain.shb_options, 0);
    // SHB of 116 bytes: 88 bytes of options after the 28-byte canonical header.
    assert_eq!(edited.shb_options, 116 - 28);
    assert_eq!(plain.codes, edited.codes);
}

#[test]
fn v1_events_are_upgraded_with_inferred_nparams() {
    let Some(bytes) = scap_common::read("cat_write.scap") else {
        return;
    };
    let file = ScapFile::from_bytes(bytes);
    let mut seen = BTreeMap::new();
    for block in file.blocks() {
        if let Block::Event(ev) = block.unwrap() {
            seen.entry(ev.event.code().0)
                .or_insert_with(Vec::new)
                .push(ev.event.nparams());
        }
    }
    // Spec §6.4: OPEN_E 0 params, OPEN_X 4, CLOSE_X 1, GENERIC_X 1, PROCINFO_E 2.
    assert!(seen[&2].iter().all(|&n| n == 0), "{:?}", seen[&2]);
    assert!(seen[&3].iter().all(|&n| n == 4), "{:?}", seen[&3]);
    assert!(seen[&5].iter().all(|&n| n == 1), "{:?}", seen[&5]);
    assert!(seen[&1].iter().all(|&n| n == 1), "{:?}", seen[&1]);
    assert!(seen[&234].iter().all(|&n| n == 2));
}

#[test]
fn metadata_is_collected_into_owned_types() {
    let Some(bytes) = scap_common::read("sample.scap") else {
        return;
    };
    let file = ScapFile::from_bytes(bytes);
    let snap = file.snapshot().unwrap();
    let machine = snap.machine.as_ref().unwrap();
    assert!(machine.num_cpus > 0);
    assert!(machine.boot_ts_epoch > 0, "sample.scap carries a boot time");
    assert_eq!(snap.threads.len(), 94);
    assert_eq!(snap.interfaces.len(), 6);
    assert_eq!(snap.users.len() + snap.groups.len(), 95);
    // The 66-byte modern tail: exe_ino is present, pgid (beyond it) is not.
    assert!(snap.threads.iter().any(|t| t.exe_ino != 0));
    assert!(snap.threads.iter().all(|t| t.pgid == -1));
    assert!(snap.threads.iter().any(|t| t.loginuid != u32::MAX));
    assert!(snap.threads.iter().any(|t| !t.fds.is_empty()));
}

#[test]
fn old_process_lists_get_libscap_defaults() {
    let Some(bytes) = scap_common::read("curl_google.scap") else {
        return;
    };
    let snap = ScapFile::from_bytes(bytes).snapshot().unwrap();
    // PL_V5 has no sid, vpgid, exepath or tail.
    let t = &snap.threads[0];
    assert_eq!((t.sid, t.vpgid, t.loginuid), (-1, -1, u32::MAX));
    assert!(t.exepath.is_empty());
    assert!(snap
        .threads
        .iter()
        .any(|t| !t.args.is_empty() || !t.env.is_empty()));
}

#[test]
fn fuzz_seeds_read_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/scap_reader");
    let mut seeds = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        // Damaged on purpose; `tests/scap_seeds.rs` checks where they fail.
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("damaged_")
        {
            continue;
        }
        let file = ScapFile::open(&path).unwrap();
        let mut events = 0;
        for block in file.blocks() {
            let block = block.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            events += usize::from(matches!(block, Block::Event(_)));
        }
        assert!(events > 0, "{}", path.display());
        seeds += 1;
    }
    // Three cuts of our captures, one gzip-wrapped, three synthetic.
    assert!(seeds >= 7);
}

#[test]
fn summary_counts_blocks_events_and_time_range() {
    let Some(bytes) = scap_common::read("open-multiple-files.scap") else {
        return;
    };
    let s = ScapFile::from_bytes(bytes).summary();
    assert!(s.error.is_none());
    assert_eq!((s.sections, s.events, s.v1_events), (1, 1272, 1272));
    assert_eq!(s.threads, 128);
    assert_eq!(s.blocks[&block_type::FD_LIST], 128);
    assert_eq!(s.event_codes[&234], 1183);
    // Three container events at ts 0 do not drag the range down (spec §6.5).
    let (lo, hi) = s.time_range.unwrap();
    assert!(lo > 1_000_000_000_000_000_000 && hi > lo);
    let truncated = ScapFile::from_bytes(
        ScapFile::from_bytes(scap_common::read("sample.scap").unwrap()).data()[..50_000].to_vec(),
    )
    .summary();
    assert!(truncated.error.is_some());
    assert!(truncated.events < 572);
}

#[test]
fn events_iterator_skips_metadata_and_ends_with_the_damage() {
    let Some(bytes) = scap_common::read("ping_sendto.scap") else {
        return;
    };
    let file = ScapFile::from_bytes(bytes);
    assert_eq!(file.events().count(), 1526);
    let cut = ScapFile::from_bytes(file.data()[..file.data().len() - 10].to_vec());
    let results: Vec<_> = cut.events().collect();
    assert_eq!(results.len(), 1526, "1525 events, then the error");
    assert!(results[..1525].iter().all(Result::is_ok));
    let e = results[1525].as_ref().unwrap_err();
    assert_eq!(e.block_type, Some(block_type::EVENT_V2));
}
