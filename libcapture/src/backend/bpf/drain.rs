//! The drain thread: empties the kernel ring buffers into the event stream.
//!
//! The probe submits with `BPF_RB_NO_WAKEUP`, so nothing wakes this thread per
//! event (a wakeup per record made the probe 3-4x slower in the spike); it
//! instead consumes every ring on a short timer. Each kernel ring feeds its own
//! stream producer; the stream merges producers by timestamp.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use libbpf_rs::{MapHandle, RingBufferBuilder};

use super::libbpf_error;
use crate::stream::Producer;
use crate::Error;

/// A running drain thread.
#[derive(Debug)]
pub(crate) struct Drain {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<Result<(), Error>>>,
}

impl Drain {
    /// Starts draining `rings` (ring `i` into `producers[i]`) every `interval`.
    pub(crate) fn start(
        rings: Vec<MapHandle>,
        producers: Vec<Producer>,
        interval: Duration,
    ) -> Result<Drain, Error> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = thread::Builder::new()
            .name("harrier-bpf-drain".into())
            .spawn(move || run(&rings, producers, interval, &flag))
            .map_err(|source| Error::Io {
                path: "bpf: spawn drain thread".into(),
                source,
            })?;
        Ok(Drain {
            stop,
            handle: Some(handle),
        })
    }

    /// Asks the thread to do a last drain and end; returns its result.
    pub(crate) fn finish(&mut self) -> Result<(), Error> {
        self.stop.store(true, Ordering::Release);
        match self.handle.take() {
            Some(handle) => handle.join().unwrap_or_else(|_| {
                Err(Error::Io {
                    path: "bpf: drain thread".into(),
                    source: std::io::Error::other("panicked"),
                })
            }),
            None => Ok(()),
        }
    }
}

impl Drop for Drain {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

fn run(
    rings: &[MapHandle],
    producers: Vec<Producer>,
    interval: Duration,
    stop: &AtomicBool,
) -> Result<(), Error> {
    let mut builder = RingBufferBuilder::new();
    for ((index, ring), mut producer) in rings.iter().enumerate().zip(producers) {
        let cpu = u16::try_from(index).unwrap_or(u16::MAX);
        builder
            .add(ring, move |event: &[u8]| {
                // A full stream ring refuses the event and counts it as a drop.
                producer.push(cpu, event);
                0
            })
            .map_err(|source| libbpf_error("ring_buffer__add", source))?;
    }
    let ring_buffer = builder
        .build()
        .map_err(|source| libbpf_error("ring_buffer__new", source))?;
    let consume = || {
        ring_buffer
            .consume()
            .map_err(|source| libbpf_error("ring_buffer__consume", source))
    };
    while !stop.load(Ordering::Acquire) {
        consume()?;
        thread::sleep(interval);
    }
    // Events submitted before the programs were detached are still in the rings.
    consume()
}
