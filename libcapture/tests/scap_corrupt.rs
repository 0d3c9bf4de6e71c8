//! Truncated and corrupted captures: every event before the damage, then an
//! error naming the offset; never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod scap_common;

use std::io::Write;

use libcapture::scap::{Block, ErrorKind, ScapFile};

/// Start and end offsets of every block, and the event bytes of event blocks.
struct Layout {
    blocks: Vec<(usize, usize, Option<Vec<u8>>)>,
}

fn layout(data: &[u8]) -> Layout {
    let file = ScapFile::from_bytes(data.to_vec());
    let mut blocks = Vec::new();
    let mut iter = file.blocks();
    while let Some(b) = iter.next_with_offset() {
        let b = b.unwrap();
        let start = b.offset as usize;
        let event = match b.block {
            Block::Event(ev) => Some(ev.event.as_bytes().to_vec()),
            _ => None,
        };
        blocks.push((start, iter.offset() as usize, event));
    }
    Layout { blocks }
}

/// Events and the error (if any) a reader gets from `data`.
fn read_all(data: Vec<u8>) -> (Vec<Vec<u8>>, Option<libcapture::scap::Error>) {
    let file = ScapFile::from_bytes(data);
    let mut events = Vec::new();
    for block in file.blocks() {
        match block {
            Ok(Block::Event(ev)) => events.push(ev.event.as_bytes().to_vec()),
            Ok(_) => {}
            Err(e) => {
                // The message names the offset.
                assert!(e.to_string().contains(&format!("byte {}", e.offset)), "{e}");
                return (events, Some(e));
            }
        }
    }
    (events, None)
}

fn events_before(layout: &Layout, end: usize) -> Vec<Vec<u8>> {
    layout
        .blocks
        .iter()
        .filter(|(_, block_end, _)| *block_end <= end)
        .filter_map(|(_, _, ev)| ev.clone())
        .collect()
}

fn raw(name: &str) -> Option<Vec<u8>> {
    Some(
        ScapFile::from_bytes(scap_common::read(name)?)
            .data()
            .to_vec(),
    )
}

#[test]
fn truncation_anywhere_yields_the_complete_blocks_then_an_offset() {
    for name in ["sample.scap", "cat_write.scap"] {
        let Some(data) = raw(name) else { continue };
        let layout = layout(&data);
        let mut cuts: Vec<usize> = (0..data.len()).step_by(211).collect();
        // Around the first blocks (every kind of metadata) and every 7th after.
        let near: Vec<_> = layout
            .blocks
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 8 || i % 7 == 0)
            .collect();
        for (_, (start, end, _)) in near {
            cuts.extend([*start, start + 1, start + 7, start + 9, end - 1, *end]);
        }
        for cut in cuts.into_iter().filter(|&c| c <= data.len()) {
            let (events, error) = read_all(data[..cut].to_vec());
            assert_eq!(events, events_before(&layout, cut), "{name} cut at {cut}");
            let at_boundary = cut > 0 && layout.blocks.iter().any(|b| b.1 == cut);
            match error {
                None => assert!(at_boundary, "{name}: cut at {cut} went unnoticed"),
                Some(e) => {
                    assert!(!at_boundary, "{name}: clean cut at {cut} reported {e}");
                    let damaged = layout.blocks.iter().find(|b| b.1 > cut).map_or(0, |b| b.0);
                    assert_eq!(e.offset as usize, damaged, "{name} cut at {cut}: {e}");
                    assert!(!e.compressed);
                }
            }
        }
    }
}

#[test]
fn truncated_gzip_yields_the_events_decompressed_before_the_damage() {
    let Some(data) = raw("ping_sendto.scap") else {
        return;
    };
    let layout = layout(&data);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&data).unwrap();
    let gz = enc.finish().unwrap();
    for cut in (10..gz.len()).step_by(gz.len() / 40) {
        let (events, error) = read_all(gz[..cut].to_vec());
        let e = error.unwrap_or_else(|| panic!("gzip cut at {cut} went unnoticed"));
        assert!(e.compressed);
        assert!(matches!(e.kind, ErrorKind::Gzip), "{e}");
        assert!(e.to_string().contains("decompressed"), "{e}");
        // A prefix of the real events, and all of those before the error offset.
        assert_eq!(events, events_before(&layout, e.offset as usize));
    }
}

/// Deterministic xorshift, so failures reproduce.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn corrupted_bytes_never_panic_and_keep_the_events_before_them() {
    for name in ["sample.scap", "curl_google.scap", "single_ipv6_conn.scap"] {
        let Some(data) = raw(name) else { continue };
        let layout = layout(&data);
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200 {
            let mut damaged = data.clone();
            let at = (xorshift(&mut seed) % data.len() as u64) as usize;
            let flips = 1 + xorshift(&mut seed) % 4;
            for k in 0..flips as usize {
                if let Some(b) = damaged.get_mut(at + k) {
                    *b ^= (xorshift(&mut seed) as u8) | 1;
                }
            }
            let block_start = layout.blocks.iter().find(|b| b.1 > at).map_or(0, |b| b.0);
            let (events, error) = read_all(damaged);
            let intact = events_before(&layout, block_start);
            assert!(events.len() >= intact.len(), "{name} damage at {at}");
            assert_eq!(events[..intact.len()], intact[..], "{name} damage at {at}");
            if let Some(e) = error {
                assert!(
                    e.offset as usize >= block_start,
                    "{name} damage at {at}: {e}"
                );
            }
        }
    }
}

#[test]
fn framing_errors_name_offset_and_block_type() {
    let Some(data) = raw("sample.scap") else {
        return;
    };
    let layout = layout(&data);
    let (start, end, _) = layout.blocks[2];
    // Break the trailer of the third block.
    let mut bad = data.clone();
    bad[end - 1] ^= 0xff;
    let (_, error) = read_all(bad);
    let e = error.unwrap();
    assert!(matches!(e.kind, ErrorKind::TrailerMismatch { .. }), "{e}");
    assert_eq!(e.offset as usize, end - 4);
    assert!(e.block_type.is_some());
    // A block length below the minimum.
    let mut bad = data.clone();
    bad[start + 4..start + 8].copy_from_slice(&8u32.to_le_bytes());
    let e = read_all(bad).1.unwrap();
    assert_eq!(e.kind, ErrorKind::BadBlockLength { length: 8 });
    assert_eq!(e.offset as usize, start);
    // A wrong byte-order magic.
    let mut bad = data.clone();
    bad[8] ^= 1;
    let e = read_all(bad).1.unwrap();
    assert!(matches!(e.kind, ErrorKind::BadMagic { .. }), "{e}");
    assert_eq!(e.offset, 8);
    // Not a capture at all.
    let e = read_all(b"hello world, not a capture".to_vec()).1.unwrap();
    assert!(
        matches!(
            e.kind,
            ErrorKind::MissingSectionHeader
                | ErrorKind::Truncated { .. }
                | ErrorKind::BadBlockLength { .. }
        ),
        "{e}"
    );
    let e = read_all(Vec::new()).1.unwrap();
    assert_eq!(e.kind, ErrorKind::MissingSectionHeader);
}

#[test]
fn huge_length_fields_do_not_allocate() {
    // A V1 event block claiming a 4 GiB event inside a 40-byte block.
    let Some(data) = raw("cat_write.scap") else {
        return;
    };
    let layout = layout(&data);
    let (start, _, _) = layout
        .blocks
        .iter()
        .find(|b| b.2.is_some())
        .map(|b| (b.0, b.1, ()))
        .unwrap();
    let mut bad = data[..].to_vec();
    // Block header 8, cpuid 2, then the V1 event header: len at +16.
    bad[start + 10 + 16..start + 10 + 20].copy_from_slice(&u32::MAX.to_le_bytes());
    let (events, error) = read_all(bad);
    assert!(events.is_empty());
    let e = error.unwrap();
    assert_eq!(e.kind, ErrorKind::BadEventLength { len: u32::MAX });
}

/// The fuzz target's oracle, run on mutated seeds in every test run: what
/// a damaged file yields can be written, and reads back as the same events.
#[test]
fn mutated_seeds_round_trip_what_they_yield() {
    use libcapture::scap::{Normalizer, SnapshotBuilder, Writer};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/scap_reader");
    let mut seed_state = 0x2545_F491_4F6C_DD1Du64;
    for entry in std::fs::read_dir(dir).unwrap() {
        let seed = std::fs::read(entry.unwrap().path()).unwrap();
        for _ in 0..150 {
            let mut data = seed.clone();
            for _ in 0..1 + xorshift(&mut seed_state) % 8 {
                let at = (xorshift(&mut seed_state) % data.len() as u64) as usize;
                data[at] = xorshift(&mut seed_state) as u8;
            }
            let file = ScapFile::from_bytes(data);
            let mut snapshot = SnapshotBuilder::new();
            let mut normalizer = Normalizer::new();
            let mut events = Vec::new();
            for block in file.blocks() {
                match block {
                    Ok(Block::Event(ev)) => {
                        if let Some(out) = normalizer.normalize(ev.event) {
                            driver::EventRef::parse(&out).unwrap();
                        }
                        events.push((ev.cpu, ev.flags.unwrap_or(0), ev.event.as_bytes().to_vec()));
                    }
                    Ok(other) => snapshot.absorb(&other).unwrap(),
                    Err(_) => break,
                }
            }
            let mut writer = Writer::new(Vec::new()).unwrap();
            writer.write_snapshot(&snapshot.finish()).unwrap();
            for (cpu, flags, bytes) in &events {
                writer.write_event_bytes(*cpu, *flags, bytes).unwrap();
            }
            let again: Vec<Vec<u8>> = ScapFile::from_bytes(writer.finish().unwrap())
                .events()
                .map(|e| e.unwrap().event.as_bytes().to_vec())
                .collect();
            let before: Vec<Vec<u8>> = events.into_iter().map(|e| e.2).collect();
            assert_eq!(again, before);
        }
    }
}
