//! Criterion benches of libcapture's hot paths.
//!
//! - `stream`: the lock-free event stream, one producer on the benching
//!   thread and two producer threads feeding one consumer.
//! - `count_only`: opening an uncompressed capture of real events (built from
//!   `$HARRIER_SHARED`'s captures into a temp dir) and counting its events
//!   through the `Capture` trait; target ≥ 1 GB/s.
//!
//! ```text
//! cargo bench -p libcapture --bench libcapture
//! ```

#![allow(
    clippy::expect_used,
    reason = "a bench that cannot read its input must stop"
)]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use libcapture::capture::{CaptureBuilder, Next};
use libcapture::scap::Writer;
use libcapture::stream::{self, Pop};

/// Events in the capture the count-only pass reads.
const COUNT_ONLY_EVENTS: u64 = 2_000_000;

fn event(ts: u64, len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    bytes[..8].copy_from_slice(&ts.to_le_bytes());
    bytes
}

fn stream_single_thread(c: &mut Criterion) {
    let mut group = c.benchmark_group("stream");
    for len in [64usize, 256] {
        const BATCH: u64 = 10_000;
        group.throughput(Throughput::Bytes(BATCH * len as u64));
        group.bench_with_input(BenchmarkId::new("push_pop", len), &len, |b, &len| {
            let (mut producers, mut consumer) = stream::channel(1, 1 << 22, 0);
            let ev = event(1, len);
            b.iter(|| {
                for _ in 0..BATCH {
                    assert!(producers[0].push(0, &ev));
                }
                let mut n = 0;
                while let Pop::Event(got) = consumer.pop_flush() {
                    n += got.bytes.len() as u64;
                }
                assert_eq!(n, BATCH * len as u64);
            });
        });
    }
    group.finish();
}

fn stream_two_producers(c: &mut Criterion) {
    const PER_PRODUCER: u64 = 100_000;
    const LEN: usize = 128;
    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::Bytes(2 * PER_PRODUCER * LEN as u64));
    group.bench_function("two_producer_threads", |b| {
        b.iter(|| {
            let (producers, mut consumer) = stream::channel(2, 1 << 20, 1_000);
            let threads: Vec<_> = producers
                .into_iter()
                .enumerate()
                .map(|(p, mut producer)| {
                    std::thread::spawn(move || {
                        for i in 0..PER_PRODUCER {
                            let ev = event(i * 2 + p as u64, LEN);
                            while !producer.push(p as u16, &ev) {
                                std::thread::yield_now();
                            }
                        }
                    })
                })
                .collect();
            let mut n = 0;
            loop {
                match consumer.pop() {
                    Pop::Event(_) => n += 1,
                    Pop::Empty => std::thread::yield_now(),
                    Pop::Closed => break,
                }
            }
            for thread in threads {
                thread.join().expect("producer thread");
            }
            assert_eq!(n, 2 * PER_PRODUCER);
        });
    });
    group.finish();
}

fn shared() -> PathBuf {
    std::env::var_os("HARRIER_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

/// Writes `count` real events (repeated from the V2 sample captures) to `out`.
fn build_capture(out: &Path, count: u64) -> libcapture::Result<()> {
    let mut events = Vec::new();
    let mut snapshot = None;
    for name in [
        "scap-samples/single_ipv6_conn.scap",
        "scap-samples/sample.scap",
        "scap-samples/curl_google.scap",
    ] {
        let mut capture = CaptureBuilder::savefile(shared().join(name)).open()?;
        snapshot.get_or_insert_with(|| capture.snapshot().clone());
        while let Next::Event(captured) = capture.next()? {
            events.push((captured.cpu, captured.raw().to_vec()));
        }
    }
    let io = |source| libcapture::Error::Io {
        path: out.display().to_string(),
        source,
    };
    let file = File::create(out).map_err(io)?;
    let mut writer = Writer::new(BufWriter::new(file)).map_err(io)?;
    writer
        .write_snapshot(&snapshot.unwrap_or_default())
        .map_err(io)?;
    for (cpu, bytes) in events.iter().cycle().take(count as usize) {
        writer.write_event_bytes(*cpu, 0, bytes).map_err(io)?;
    }
    writer.finish().map_err(io)?.flush().map_err(io)
}

fn count_only(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("harrier-bench-{}", std::process::id()));
    let path = dir.join("large.scap");
    let built = std::fs::create_dir_all(&dir)
        .map_err(|e| e.to_string())
        .and_then(|()| build_capture(&path, COUNT_ONLY_EVENTS).map_err(|e| e.to_string()));
    if let Err(err) = built {
        eprintln!(
            "SKIPPED count_only: cannot build the capture from {}: {err}",
            shared().display()
        );
        return;
    }
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let mut group = c.benchmark_group("count_only");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(size));
    group.bench_function("savefile_open_and_count", |b| {
        b.iter(|| {
            let mut capture = CaptureBuilder::savefile(&path).open().expect("open");
            let mut n = 0u64;
            while let Next::Event(_) = capture.next().expect("next") {
                n += 1;
            }
            assert_eq!(n, COUNT_ONLY_EVENTS);
        });
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(
    benches,
    stream_single_thread,
    stream_two_producers,
    count_only
);
criterion_main!(benches);
