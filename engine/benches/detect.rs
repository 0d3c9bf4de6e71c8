//! Detection throughput: every event of real captures through the
//! inspection state alone ("replay") and through the state plus the upstream
//! `falco_rules.yaml` ("detect"), in the same run, so the ratio shows what
//! rule evaluation costs. Also the cost of loading and compiling the ruleset.
//!
//! `cargo bench -p engine --bench detect` (reads `$HARRIER_SHARED`,
//! default `<workspace>/../shared`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use engine::engine::Ruleset;
use engine::rules;
use engine::syscall::{Inspector, Limits, SyscallSource};
use libcapture::capture::{CaptureBuilder, CapturedEvent, Next};
use libcapture::meta::Snapshot;

fn shared() -> PathBuf {
    std::env::var_os("HARRIER_SHARED").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")),
        PathBuf::from,
    )
}

/// A capture's snapshot and events, copied out once.
struct Recorded {
    name: String,
    snapshot: Snapshot,
    events: Vec<(u16, u32, Vec<u8>)>,
}

fn record(path: PathBuf) -> Recorded {
    let mut capture = CaptureBuilder::savefile(&path).open().unwrap();
    let snapshot = capture.snapshot().clone();
    let mut events = Vec::new();
    while let Next::Event(e) = capture.next().unwrap() {
        events.push((e.cpu, e.flags, e.event.as_bytes().to_vec()));
    }
    Recorded {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        snapshot,
        events,
    }
}

fn bench_detect(c: &mut Criterion) {
    let rules_file = shared().join("falco-regression/rules/default/falco_rules.yaml");
    let text = std::fs::read_to_string(&rules_file).unwrap();
    let source = SyscallSource;
    c.bench_function("load+compile falco_rules.yaml", |b| {
        b.iter(|| {
            let loaded = rules::load([("falco_rules.yaml", text.as_str())]);
            black_box(Ruleset::compile(&loaded, &source).0.rules().len())
        })
    });
    let mut loaded = rules::load([("falco_rules.yaml", text.as_str())]);
    // Outputs only matter once a rule matches; plain outputs keep rules whose
    // output names fields the syscall source lacks, so every condition runs.
    for r in &mut loaded.rules {
        r.info.output = "alert".into();
    }
    let (set, diags) = Ruleset::compile(&loaded, &source);
    let skipped = diags.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "falco_rules.yaml: {} rules compiled, {skipped} not compiled",
        set.rules().len()
    );
    let captures = [
        shared().join("scap-samples/sample.scap"),
        shared().join("falco-regression/trace_files/empty.scap"),
    ];
    for rec in captures.into_iter().filter(|p| p.exists()).map(record) {
        let mut group = c.benchmark_group(rec.name.clone());
        group.throughput(Throughput::Elements(rec.events.len() as u64));
        // The snapshot is loaded outside the timed part: only events count.
        let fresh = || Inspector::from_snapshot(&rec.snapshot, Limits::default());
        group.bench_function("replay", |b| {
            b.iter_batched(
                fresh,
                |mut inspector| {
                    for (cpu, flags, raw) in &rec.events {
                        let e = CapturedEvent::new(*cpu, *flags, raw).unwrap();
                        black_box(inspector.process(e.event, e.cpu, Some(e.flags)).tid());
                    }
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_function("detect", |b| {
            b.iter_batched(
                fresh,
                |mut inspector| {
                    let mut alerts = 0u32;
                    for (cpu, flags, raw) in &rec.events {
                        let e = CapturedEvent::new(*cpu, *flags, raw).unwrap();
                        let evt = inspector.process(e.event, e.cpu, Some(e.flags));
                        alerts += u32::from(set.first_match(&source, &evt).is_some());
                    }
                    black_box(alerts)
                },
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, bench_detect);
criterion_main!(benches);
