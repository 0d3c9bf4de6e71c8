//! Fuzzes the `.scap` reader end to end: block framing, every metadata
//! parser, V1 upgrades, event validation, parameter decoding, old-layout
//! normalisation, and a write → read round trip of whatever was read.
#![no_main]

use driver::EventRef;
use libcapture::scap::{Block, Normalizer, OpenOptions, ScapFile, SnapshotBuilder, Writer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A gzip bomb must fail at the cap (well under libFuzzer's 2 GB RSS
    // limit), not exhaust memory.
    let options = OpenOptions {
        max_decompressed_bytes: Some(64 << 20),
    };
    let file = match ScapFile::from_bytes_with(data.to_vec(), &options) {
        Ok(file) => file,
        Err(e) => {
            assert!(e.to_string().contains("67108864"));
            return;
        }
    };
    let mut normalizer = Normalizer::new();
    let mut snapshot = SnapshotBuilder::new();
    let mut events: Vec<(u16, u32, &[u8])> = Vec::new();
    for block in file.blocks() {
        let block = match block {
            Ok(block) => block,
            Err(e) => {
                // The message always names the offset.
                assert!(e.to_string().contains(&e.offset.to_string()));
                break;
            }
        };
        match &block {
            Block::Event(ev) => {
                for i in 0..ev.event.nparams() {
                    let _ = ev.event.param(i);
                }
                if let Some(out) = normalizer.normalize(ev.event) {
                    let normalised = EventRef::parse(&out).expect("normaliser output parses");
                    for i in 0..normalised.nparams() {
                        let _ = normalised.param(i);
                    }
                }
                events.push((ev.cpu, ev.flags.unwrap_or(0), ev.event.as_bytes()));
            }
            Block::SectionHeader(_) => normalizer.reset(),
            other => snapshot.absorb(other).expect("validated blocks absorb"),
        }
    }
    // What was read can be written, and reads back as the same events.
    let mut writer = Writer::new(Vec::new()).expect("in-memory writer");
    writer
        .write_snapshot(&snapshot.finish())
        .expect("snapshot writes");
    for (cpu, flags, bytes) in &events {
        writer
            .write_event_bytes(*cpu, *flags, bytes)
            .expect("valid event writes");
    }
    let rewritten = ScapFile::from_bytes(writer.finish().expect("finish"));
    let mut again = Vec::new();
    for block in rewritten.blocks() {
        if let Block::Event(ev) = block.expect("our own output reads back") {
            again.push(ev.event.as_bytes().to_vec());
        }
    }
    assert_eq!(again.len(), events.len());
    for (a, (_, _, b)) in again.iter().zip(&events) {
        assert_eq!(a.as_slice(), *b);
    }
});
