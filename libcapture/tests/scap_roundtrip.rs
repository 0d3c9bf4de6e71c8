//! Write → read round trips of the real captures, and sysdig 0.29.3 reading
//! what our writer produced.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod scap_common;

use std::path::Path;
use std::process::Command;

use libcapture::meta::Snapshot;
use libcapture::scap::{Block, ScapFile, Writer, WriterOptions};

/// One section: its metadata and its events as (cpu, flags, bytes).
#[derive(Debug, PartialEq)]
struct Section {
    snapshot: Snapshot,
    events: Vec<(u16, u32, Vec<u8>)>,
}

fn sections(file: &ScapFile) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut builder = libcapture::scap::SnapshotBuilder::new();
    for block in file.blocks() {
        match block.unwrap() {
            Block::SectionHeader(_) => {
                if let Some(last) = out.last_mut() {
                    last.snapshot = std::mem::take(&mut builder).finish();
                }
                out.push(Section {
                    snapshot: Snapshot::default(),
                    events: Vec::new(),
                });
            }
            Block::Event(ev) => {
                let section = out.last_mut().unwrap();
                section
                    .events
                    .push((ev.cpu, ev.flags.unwrap_or(0), ev.event.as_bytes().to_vec()));
            }
            other => builder.absorb(&other).unwrap(),
        }
    }
    if let Some(last) = out.last_mut() {
        last.snapshot = builder.finish();
    }
    out
}

fn rewrite(sections: &[Section], options: WriterOptions) -> Vec<u8> {
    let mut writer = Writer::with_options(Vec::new(), options).unwrap();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            writer.write_section_header().unwrap();
        }
        writer.write_snapshot(&section.snapshot).unwrap();
        for (cpu, flags, bytes) in &section.events {
            writer.write_event_bytes(*cpu, *flags, bytes).unwrap();
        }
    }
    writer.finish().unwrap()
}

#[test]
fn every_capture_round_trips_through_the_writer() {
    for name in scap_common::CAPTURES {
        let Some(bytes) = scap_common::read(name) else {
            continue;
        };
        let original = sections(&ScapFile::from_bytes(bytes));
        for gzip in [false, true] {
            let options = WriterOptions {
                gzip,
                ..WriterOptions::default()
            };
            let written = rewrite(&original, options);
            let reread = ScapFile::from_bytes(written.clone());
            assert_eq!(reread.is_compressed(), gzip);
            let again = sections(&reread);
            assert_eq!(again, original, "{name} gzip={gzip}");
            // Writing what we read back gives the same bytes again.
            assert_eq!(rewrite(&again, options), written, "{name} gzip={gzip}");
        }
    }
}

#[test]
fn concatenated_sections_round_trip() {
    let Some(a) = scap_common::read("empty.scap") else {
        return;
    };
    let Some(b) = scap_common::read("sample.scap") else {
        return;
    };
    let mut both = ScapFile::from_bytes(a).data().to_vec();
    both.extend_from_slice(ScapFile::from_bytes(b).data());
    let original = sections(&ScapFile::from_bytes(both));
    assert_eq!(original.len(), 2);
    assert_eq!(original[0].events.len(), 143);
    assert_eq!(original[1].events.len(), 572);
    let again = sections(&ScapFile::from_bytes(rewrite(
        &original,
        WriterOptions::default(),
    )));
    assert_eq!(again, original);
}

#[test]
fn legacy_tail_keeps_loginuid_and_capabilities() {
    let Some(bytes) = scap_common::read("sample.scap") else {
        return;
    };
    let original = sections(&ScapFile::from_bytes(bytes));
    let options = WriterOptions {
        legacy_proc_tail: true,
        ..WriterOptions::default()
    };
    let again = sections(&ScapFile::from_bytes(rewrite(&original, options)));
    for (a, b) in original[0]
        .snapshot
        .threads
        .iter()
        .zip(&again[0].snapshot.threads)
    {
        assert_eq!(
            (a.loginuid, a.cap_effective, a.cap_permitted, a.exe_writable),
            (b.loginuid, b.cap_effective, b.cap_permitted, b.exe_writable)
        );
        // Fields only the modern tail carries are back to their defaults.
        assert_eq!((b.exe_ino, b.tty, b.pidns_init_start_ts), (0, 0, 0));
    }
    assert!(original[0].snapshot.threads.iter().any(|t| t.exe_ino != 0));
}

fn sysdig_available() -> bool {
    match Command::new("sysdig").arg("--version").output() {
        Ok(out) if out.status.success() => true,
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "sysdig is required in CI (.ci/run installs it)"
            );
            eprintln!("SKIPPED: sysdig not installed; cannot compare with the reference reader");
            false
        }
    }
}

fn sysdig_print(path: &Path) -> String {
    let out = Command::new("sysdig")
        .arg("-r")
        .arg(path)
        .args(["-p", "%evt.num %evt.type %evt.dir %evt.args"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sysdig -r {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sysdig_reads_our_rewrite_with_the_same_events() {
    if !sysdig_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("harrier-scap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in scap_common::CAPTURES {
        let Some(bytes) = scap_common::read(name) else {
            continue;
        };
        let original = sections(&ScapFile::from_bytes(bytes));
        let rewritten = dir.join(name);
        std::fs::write(&rewritten, rewrite(&original, WriterOptions::default())).unwrap();
        // sysdig 0.29.3 cannot read SHB options: compare with the unedited file.
        let reference = match name {
            "curl_google_comments.scap" => scap_common::capture("curl_google.scap"),
            _ => scap_common::capture(name),
        };
        let expected = sysdig_print(&reference);
        let actual = sysdig_print(&rewritten);
        assert!(!expected.is_empty() || name == "empty.scap", "{name}");
        if expected != actual {
            let diff = expected.lines().zip(actual.lines()).find(|(a, b)| a != b);
            panic!("{name}: sysdig output differs, first difference: {diff:?}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A WRITE_X event carrying `data` (hand-encoded, u16 lengths).
fn write_x(ts: u64, tid: u64, data: &[u8]) -> Vec<u8> {
    let params: [&[u8]; 4] = [
        &(data.len() as i64).to_le_bytes(),
        data,
        &1i64.to_le_bytes(),
        &(data.len() as u32).to_le_bytes(),
    ];
    let body: usize = params.iter().map(|p| p.len()).sum();
    let len = 26 + 2 * params.len() + body;
    let mut out = Vec::new();
    out.extend_from_slice(&ts.to_le_bytes());
    out.extend_from_slice(&tid.to_le_bytes());
    out.extend_from_slice(&(len as u32).to_le_bytes());
    out.extend_from_slice(&9u16.to_le_bytes());
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
fn flags_and_large_events_choose_their_block_types() {
    use libcapture::scap::{block_type, FLAG_STATE_ONLY};
    let small = write_x(1, 7, b"hi");
    let big = write_x(2, 7, &vec![b'x'; 65_500]);
    let mut writer = Writer::new(Vec::new()).unwrap();
    writer.write_event_bytes(3, 0, &small).unwrap();
    writer
        .write_event_bytes(0, FLAG_STATE_ONLY, &small)
        .unwrap();
    writer.write_event_bytes(1, 0, &big).unwrap();
    writer.write_event_bytes(1, FLAG_STATE_ONLY, &big).unwrap();
    assert!(writer.write_event_bytes(0, 0, &small[..30]).is_err());
    let file = ScapFile::from_bytes(writer.finish().unwrap());
    let mut seen = Vec::new();
    let mut blocks = file.blocks();
    while let Some(b) = blocks.next_with_offset() {
        let b = b.unwrap();
        if let Block::Event(ev) = b.block {
            seen.push((b.block_type, ev.cpu, ev.flags, ev.event.len()));
        }
    }
    assert_eq!(
        seen,
        vec![
            (block_type::EVENT_V2, 3, None, small.len()),
            (
                block_type::EVENT_FLAGS_V2,
                0,
                Some(FLAG_STATE_ONLY),
                small.len()
            ),
            (block_type::EVENT_V2_LARGE, 1, None, big.len()),
            (
                block_type::EVENT_FLAGS_V2_LARGE,
                1,
                Some(FLAG_STATE_ONLY),
                big.len()
            ),
        ]
    );
    // Every block length is a multiple of 4.
    assert_eq!(file.data().len() % 4, 0);
}

#[test]
fn sysdig_hides_state_only_events_and_reads_large_blocks() {
    if !sysdig_available() {
        return;
    }
    let Some(bytes) = scap_common::read("sample.scap") else {
        return;
    };
    let original = sections(&ScapFile::from_bytes(bytes));
    let mut writer = Writer::new(Vec::new()).unwrap();
    writer.write_snapshot(&original[0].snapshot).unwrap();
    let tid = original[0].snapshot.threads[0].tid;
    writer
        .write_event_bytes(0, 0, &write_x(10, tid, b"shown"))
        .unwrap();
    writer
        .write_event_bytes(
            0,
            libcapture::scap::FLAG_STATE_ONLY,
            &write_x(11, tid, b"hidden"),
        )
        .unwrap();
    writer
        .write_event_bytes(0, 0, &write_x(12, tid, &vec![b'y'; 65_500]))
        .unwrap();
    let path = std::env::temp_dir().join(format!("harrier-flags-{}.scap", std::process::id()));
    std::fs::write(&path, writer.finish().unwrap()).unwrap();
    let out = sysdig_print(&path);
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].contains("data=shown"), "{out}");
    assert!(lines[1].contains("res=65500"), "{out}");
    // The hidden event still consumed an event number, as in sysdig.
    assert!(lines[1].starts_with("3 "), "{out}");
}

#[test]
fn unknown_blocks_are_skipped_and_can_be_copied() {
    use libcapture::scap::UnknownBlock;
    let future = UnknownBlock {
        block_type: 0x300,
        body: b"from a newer writer\0",
    };
    let mut writer = Writer::new(Vec::new()).unwrap();
    writer.write_unknown(&future).unwrap();
    writer
        .write_event_bytes(0, 0, &write_x(1, 2, b"x"))
        .unwrap();
    let file = ScapFile::from_bytes(writer.finish().unwrap());
    let blocks: Vec<Block<'_>> = file.blocks().map(Result::unwrap).collect();
    assert_eq!(blocks.len(), 3);
    let Block::Unknown(copy) = &blocks[1] else {
        panic!("{:?}", blocks[1])
    };
    // The body keeps its zero padding to 4 bytes.
    assert_eq!(copy.block_type, 0x300);
    assert_eq!(&copy.body[..future.body.len()], future.body);
    assert!(matches!(blocks[2], Block::Event(_)));
}

#[test]
fn event_blocks_switch_to_large_exactly_past_64_kib() {
    use libcapture::scap::block_type;
    // write_x(n) is n + 54 bytes; its block body is 2 + that, padded to 4,
    // and non-large blocks may hold at most 65 536 bytes after the header.
    let mut writer = Writer::new(Vec::new()).unwrap();
    writer
        .write_event_bytes(0, 0, &write_x(1, 1, &vec![0; 65_476]))
        .unwrap();
    writer
        .write_event_bytes(0, 0, &write_x(2, 1, &vec![0; 65_477]))
        .unwrap();
    let file = ScapFile::from_bytes(writer.finish().unwrap());
    let mut blocks = file.blocks();
    let mut kinds = Vec::new();
    while let Some(b) = blocks.next_with_offset() {
        let b = b.unwrap();
        kinds.push((b.block_type, blocks.offset() - b.offset));
    }
    assert_eq!(kinds[1], (block_type::EVENT_V2, 8 + 65_536));
    assert_eq!(kinds[2].0, block_type::EVENT_V2_LARGE);
}
