//! The decompressed-size cap on gzip captures: a gzip bomb fails with an
//! error naming the file and the cap instead of exhausting memory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use libcapture::scap::{Block, ErrorKind, OpenOptions, ScapFile, Writer};

const MIB: u64 = 1 << 20;

/// One gzip member of `len` zero bytes.
fn gzip_zeros(len: usize) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0u8; len]).unwrap();
    encoder.finish().unwrap()
}

/// A small bomb: a capture's section header, then 16 concatenated members
/// of 1 MiB of zeros each (readers decode concatenated members as one
/// stream), so the file is a few KiB and inflates to 16 MiB.
fn bomb() -> Vec<u8> {
    let mut out = Writer::gzip(Vec::new()).unwrap().finish().unwrap();
    let member = gzip_zeros(MIB as usize);
    for _ in 0..16 {
        out.extend_from_slice(&member);
    }
    out
}

fn limit(bytes: u64) -> OpenOptions {
    OpenOptions {
        max_decompressed_bytes: Some(bytes),
    }
}

#[test]
fn a_gzip_bomb_fails_naming_the_file_and_the_limit() {
    let bytes = bomb();
    assert!(bytes.len() < 64 << 10, "bomb is {} bytes", bytes.len());
    let path = std::env::temp_dir().join(format!("scap_bomb_{}.scap.gz", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();

    let err = ScapFile::open_with(&path, &limit(MIB)).unwrap_err();
    let libcapture::Error::Scap {
        path: named,
        damage,
    } = &err
    else {
        panic!("unexpected error {err}");
    };
    assert_eq!(named, &path.display().to_string());
    assert_eq!(damage.kind, ErrorKind::DecompressedTooLarge { limit: MIB });
    assert_eq!((damage.offset, damage.block_type), (MIB, None));
    let message = err.to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(message.contains("more than 1048576 bytes"), "{message}");

    // With room for all of it, the same file opens (and is no capture past its header).
    let file = ScapFile::open_with(&path, &limit(32 * MIB)).unwrap();
    assert_eq!(file.data().len() as u64, 28 + 16 * MIB);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_limit_is_inclusive() {
    let mut writer = Writer::gzip(Vec::new()).unwrap();
    let mut event = Vec::new();
    driver::EventBuilder::new(driver::EventCode(1), 5, 42)
        .syscall_id(3)
        .u16(0)
        .finish(&mut event)
        .unwrap();
    for cpu in 0..100 {
        writer.write_event_bytes(cpu, 0, &event).unwrap();
    }
    let bytes = writer.finish().unwrap();
    let size = ScapFile::from_bytes(bytes.clone()).data().len() as u64;

    let file = ScapFile::from_bytes_with(bytes.clone(), &limit(size)).unwrap();
    assert_eq!(file.events().filter(|e| e.is_ok()).count(), 100);

    let err = ScapFile::from_bytes_with(bytes, &limit(size - 1)).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::DecompressedTooLarge { limit: size - 1 }
    );
    assert!(err.compressed);
}

#[test]
fn plain_files_are_not_capped() {
    let bytes = Writer::new(Vec::new()).unwrap().finish().unwrap();
    let file = ScapFile::from_bytes_with(bytes, &limit(0)).unwrap();
    assert!(matches!(
        file.blocks().next(),
        Some(Ok(Block::SectionHeader(_)))
    ));
}

#[test]
fn the_default_limit_scales_with_the_compressed_size() {
    let default = OpenOptions::default();
    // A bomb's 1000:1 is refused once past the floor; 20:1 passes.
    let compressed = 64 * MIB;
    assert!(compressed * 1000 > default.limit_for(compressed));
    assert!(compressed * 20 <= default.limit_for(compressed));
    // Small files get the floor, huge ones the ceiling.
    assert_eq!(default.limit_for(0), 256 * MIB);
    assert_eq!(default.limit_for(u64::MAX), 16 << 30);
}
