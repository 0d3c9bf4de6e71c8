use std::os::fd::AsFd;
use std::sync::atomic::Ordering;

use super::control::{shim_offsets, ShimControl, SHIM_CONTROL_OFFSET};
use super::info::offsets;
use super::*;
use crate::{EventBuilder, EventCode, EventRef};

/// Spec §5.4: every field of the HEAD layout at its documented offset.
#[test]
fn ring_info_matches_the_module_layout() {
    let expected = [
        (offsets::HEAD, 0),
        (offsets::TAIL, 4),
        (offsets::N_EVTS, 8),
        (offsets::N_DROPS_BUFFER, 16),
        (offsets::N_DROPS_CLONE_FORK_EXIT, 24),
        (offsets::N_DROPS_EXECVE_EXIT, 32),
        (offsets::N_DROPS_CONNECT_ENTER, 40),
        (offsets::N_DROPS_CONNECT_EXIT, 48),
        (offsets::N_DROPS_OPEN_ENTER, 56),
        (offsets::N_DROPS_OPEN_EXIT, 64),
        (offsets::N_DROPS_DIR_FILE_EXIT, 72),
        (offsets::N_DROPS_OTHER_INTEREST_EXIT, 80),
        (offsets::N_DROPS_CLOSE_EXIT, 88),
        (offsets::N_DROPS_PROC_EXIT, 96),
        (offsets::N_DROPS_PF, 104),
        (offsets::N_PREEMPTIONS, 112),
        (offsets::N_CONTEXT_SWITCHES, 120),
    ];
    for (i, (got, want)) in expected.iter().enumerate() {
        assert_eq!(got, want, "field {i}");
    }
    assert_eq!(std::mem::size_of::<RingBufferInfo>(), 128);
    assert_eq!(std::mem::align_of::<RingBufferInfo>(), 8);
}

#[test]
fn shim_control_block_layout_is_pinned() {
    assert_eq!(SHIM_CONTROL_OFFSET, 128);
    assert_eq!(std::mem::size_of::<ShimControl>(), 128);
    let expected = [
        (shim_offsets::MAGIC, 128),
        (shim_offsets::API_VERSION, 136),
        (shim_offsets::SCHEMA_VERSION, 144),
        (shim_offsets::DIM, 152),
        (shim_offsets::FLAGS, 156),
        (shim_offsets::SNAPLEN, 160),
        (shim_offsets::SAMPLING_RATIO, 164),
        (shim_offsets::PRODUCER_PID, 168),
        (shim_offsets::CONSUMER_PID, 172),
        (shim_offsets::SYSCALL_MASK, 176),
        (shim_offsets::PRODUCER_WAITS, 240),
    ];
    for (got, want) in expected {
        assert_eq!(got, want);
    }
}

#[test]
fn ioctl_numbers_match_the_module() {
    assert_eq!(control::IOCTL_SET_SNAPLEN, 0x7304);
    assert_eq!(control::IOCTL_GET_API_VERSION, 0x7318);
    assert_eq!(control::IOCTL_GET_SCHEMA_VERSION, 0x7319);
    assert_eq!(control::IOCTL_ENABLE_SYSCALL, 0x731D);
    assert_eq!(control::IOCTL_DISABLE_SYSCALL, 0x731E);
    assert_eq!(control::IOCTL_ENABLE_TP, 0x731F);
}

fn pair(dim: u32) -> (RingProducer, Device) {
    let producer = RingProducer::create_memfd("ring-test", dim).unwrap();
    let fd = producer.fd().as_fd().try_clone_to_owned().unwrap();
    let device = Device::from_shim_fd("ring-test".into(), fd).unwrap();
    (producer, device)
}

fn event(seq: u64, payload: usize) -> Vec<u8> {
    let mut out = Vec::new();
    EventBuilder::new(EventCode::WRITE_X, seq, 7)
        .errno(payload as i64)
        .bytes(vec![(seq % 251) as u8; payload])
        .fd(1)
        .u32(payload as u32)
        .finish(&mut out)
        .unwrap();
    out
}

fn drain(device: &Device, mut each: impl FnMut(&[u8])) -> usize {
    let block = device.ring().block();
    let mut n = 0;
    for ev in block.events() {
        each(ev.unwrap().1);
        n += 1;
    }
    device.ring().advance(block.len());
    n
}

#[test]
fn one_byte_stays_free() {
    let dim = 3 * 4096 + 4096; // 16 KiB
    let (mut producer, device) = pair(dim);
    // Fill with events of 1024 bytes: 15 fit (15360), the 16th would leave no free byte.
    let body = 1024 - event(0, 0).len();
    let ev = event(1, body);
    assert_eq!(ev.len(), 1024);
    device.control(ControlOp::EnableDroppingMode(1)).unwrap();
    let mut written = 0;
    while producer.write(&ev) == WriteOutcome::Written {
        written += 1;
    }
    assert_eq!(written, 15, "dim - 1 bytes usable");
    assert_eq!(device.ring().readable(), 15 * 1024);
    assert_eq!(device.ring().counters().drops_buffer, 1);
    assert_eq!(drain(&device, |_| {}), 15);
    assert_eq!(producer.write(&ev), WriteOutcome::Written);
}

#[test]
fn events_that_wrap_are_read_whole() {
    let (mut producer, device) = pair(16 * 1024);
    let mut seq = 0u64;
    let mut seen = 0u64;
    // Odd sizes walk head across the end of the ring many times.
    for round in 0..200 {
        for _ in 0..5 {
            let ev = event(seq, 100 + (round * 37 + seq as usize) % 900);
            assert_eq!(producer.write(&ev), WriteOutcome::Written);
            seq += 1;
        }
        drain(&device, |bytes| {
            let ev = EventRef::parse(bytes).unwrap();
            assert_eq!(ev.ts(), seen);
            let data = match ev.param(1).unwrap().unwrap() {
                crate::ParamValue::Bytes(b) => b.to_vec(),
                other => panic!("{other:?}"),
            };
            assert!(
                data.iter().all(|&b| b == (seen % 251) as u8),
                "event {seen} intact"
            );
            seen += 1;
        });
    }
    assert_eq!(seen, seq);
}

#[test]
fn corrupt_lengths_are_reported_with_the_offset() {
    let (mut producer, device) = pair(16 * 1024);
    let mut ev = event(1, 10);
    let len = ev.len() as u32;
    ev[16..20].copy_from_slice(&(len + 5000).to_le_bytes());
    producer.write(&ev);
    let block = device.ring().block();
    let err = block.events().next().unwrap().unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("offset 0") && text.contains("event length"),
        "{text}"
    );
}

#[test]
fn versions_are_checked_on_open_and_named() {
    let (producer, device) = pair(16 * 1024);
    let (api, schema) = own_versions();
    assert_eq!(device.control(ControlOp::GetApiVersion).unwrap(), api);
    assert_eq!(device.control(ControlOp::GetSchemaVersion).unwrap(), schema);
    drop(device);
    // A producer from another API major.
    let page = crate::sys::Mapping::map(producer.fd().as_fd(), 0, data_offset(), true).unwrap();
    page.u64_at(shim_offsets::API_VERSION)
        .store(crate::version::pack_version(9, 0, 0), Ordering::Relaxed);
    let fd = producer.fd().as_fd().try_clone_to_owned().unwrap();
    let err = Device::from_shim_fd("old".into(), fd)
        .unwrap_err()
        .to_string();
    assert!(err.contains("API version mismatch"), "{err}");
    assert!(
        err.contains("9.0.0") && err.contains(crate::API_VERSION),
        "{err}"
    );
}

#[test]
fn control_ops_reach_the_producer() {
    let (producer, device) = pair(16 * 1024);
    device.control(ControlOp::SetSnaplen(512)).unwrap();
    device.control(ControlOp::EnableDroppingMode(1)).unwrap();
    let mut mask = SyscallMask::empty();
    mask.insert(257);
    mask.insert(3);
    device.set_syscalls(&mask).unwrap();
    let settings = producer.settings();
    assert_eq!(
        (settings.snaplen, settings.dropping, settings.capturing),
        (512, true, true)
    );
    assert_eq!(producer.syscall_mask(), mask);
    assert!(producer.syscall_enabled(257) && !producer.syscall_enabled(0));
    device.control(ControlOp::DisableCapture).unwrap();
    assert!(!producer.settings().capturing);
    assert!(device.control(ControlOp::SetSnaplen(70_000)).is_err());
    assert!(device.control(ControlOp::EnableDroppingMode(3)).is_err());
}

#[test]
fn named_devices_open_by_path_and_bad_sizes_are_refused() {
    let path = std::env::temp_dir().join(format!("harrier-ring-test-{}", std::process::id()));
    let mut producer = RingProducer::create(&path, 16 * 1024).unwrap();
    let mut device = Device::open(&path, 0).unwrap();
    device.unlink_on_close(&path);
    assert_eq!(device.kind(), DeviceKind::Shim);
    producer.write(&event(5, 3));
    assert_eq!(drain(&device, |_| {}), 1);
    assert!(!device.producer_done());
    drop(producer);
    assert!(device.producer_done());
    drop(device);
    assert!(!path.exists());
    assert!(
        RingProducer::create_memfd("x", 12_288).is_err(),
        "not a power of two"
    );
    assert!(RingProducer::create_memfd("x", 8192).is_err(), "two pages");
}

/// Millions of events through a small ring, producer and consumer on two
/// threads: nothing is lost in blocking mode.
#[test]
fn stress_blocking_mode_loses_nothing() {
    const N: u64 = 2_000_000;
    let (mut producer, device) = pair(64 * 1024);
    let writer = std::thread::spawn(move || {
        for seq in 0..N {
            assert_eq!(
                producer.write(&event(seq, (seq % 61) as usize)),
                WriteOutcome::Written
            );
        }
        producer
    });
    let mut next = 0u64;
    while next < N {
        drain(&device, |bytes| {
            let ev = EventRef::parse(bytes).unwrap();
            assert_eq!(ev.ts(), next, "in order, none missing");
            next += 1;
        });
    }
    let producer = writer.join().unwrap();
    let counters = producer.counters();
    assert_eq!((counters.events, counters.drops_buffer), (N, 0));
}

/// Dropping mode with a slow consumer: every event is either delivered or
/// counted as a drop.
#[test]
fn stress_dropping_mode_counts_every_drop() {
    const N: u64 = 1_000_000;
    let (mut producer, device) = pair(16 * 1024);
    device.control(ControlOp::EnableDroppingMode(1)).unwrap();
    let writer = std::thread::spawn(move || {
        let mut dropped = 0u64;
        for seq in 0..N {
            if producer.write(&event(seq, 40)) == WriteOutcome::Dropped {
                dropped += 1;
            }
        }
        producer.finish();
        (producer, dropped)
    });
    let mut delivered = 0u64;
    let mut last = None;
    loop {
        let done = device.producer_done();
        delivered += drain(&device, |bytes| {
            let ts = EventRef::parse(bytes).unwrap().ts();
            assert!(last.is_none_or(|l| ts > l), "order kept across drops");
            last = Some(ts);
        }) as u64;
        if done && device.ring().readable() == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    let (producer, dropped) = writer.join().unwrap();
    let counters = producer.counters();
    assert!(dropped > 0, "a slow consumer must cause drops");
    assert_eq!(counters.drops_buffer, dropped);
    assert_eq!(delivered + dropped, N);
    assert_eq!(counters.events, N);
}

/// Several producers, one ring each, one consumer thread reading all.
#[test]
fn concurrent_producers_each_deliver_everything() {
    const N: u64 = 300_000;
    let pairs: Vec<_> = (0..3).map(|_| pair(32 * 1024)).collect();
    let mut devices = Vec::new();
    let mut writers = Vec::new();
    for (p, (mut producer, device)) in pairs.into_iter().enumerate() {
        devices.push(device);
        writers.push(std::thread::spawn(move || {
            for seq in 0..N {
                producer.write(&event(seq * 3 + p as u64, 17));
            }
        }));
    }
    let mut next = [0u64; 3];
    while next.iter().any(|&n| n < N) {
        for (p, device) in devices.iter().enumerate() {
            drain(device, |bytes| {
                let ts = EventRef::parse(bytes).unwrap().ts();
                assert_eq!(ts, next[p] * 3 + p as u64);
                next[p] += 1;
            });
        }
    }
    for w in writers {
        w.join().unwrap();
    }
}

#[test]
fn syscall_masks_parse_names() {
    let mask = SyscallMask::parse("openat, close").unwrap();
    assert_eq!(mask.iter().collect::<Vec<_>>(), vec![3, 257]);
    assert!(SyscallMask::parse("default").unwrap().contains(59));
    assert_eq!(SyscallMask::parse("all").unwrap().len(), 512);
    assert!(SyscallMask::parse("nope").unwrap_err().contains("nope"));
}

/// A blocking producer waits for a slow consumer, and stops waiting (and
/// counts drops) once the consumer has gone.
#[test]
fn blocking_producer_waits_then_drops_when_the_consumer_goes() {
    let (mut producer, device) = pair(16 * 1024);
    let ev = event(1, 1000);
    let mut written = 0;
    while producer.ring_has_room(ev.len()) {
        assert_eq!(producer.write(&ev), WriteOutcome::Written);
        written += 1;
    }
    let writer = std::thread::spawn(move || {
        let outcome = producer.write(&ev);
        (producer, outcome)
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!writer.is_finished(), "blocking mode waits for room");
    drop(device);
    let (producer, outcome) = writer.join().unwrap();
    assert_eq!(outcome, WriteOutcome::Dropped);
    assert_eq!(producer.counters().drops_buffer, 1);
    assert_eq!(producer.counters().events, written + 1);
}
