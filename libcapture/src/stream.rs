//! The lock-free event stream that live backends feed.
//!
//! One design serves N producers and one consumer: every producer owns a
//! single-producer/single-consumer ring of whole events, and the consumer merges
//! the rings by timestamp.
//!
//! ```text
//!  producer 0 ──push──▶ [ ring 0 ] ─┐
//!  producer 1 ──push──▶ [ ring 1 ] ─┼──▶ Consumer::pop ──▶ events in ts order
//!  producer N ──push──▶ [ ring N ] ─┘     (bounded reordering window)
//! ```
//!
//! * **No locks.** A ring is an array of `AtomicU64` words with a head index the
//!   producer publishes (`Release`) and a tail index the consumer publishes.
//!   Events are copied in and out word by word, so the module needs no `unsafe`
//!   and never blocks either side.
//! * **Drops, not back-pressure.** A full ring refuses the event and counts it
//!   as dropped ([`ProducerStats::drops`]), which is what a kernel ring does too;
//!   a producer that would rather wait retries [`Producer::push`].
//! * **Ordering.** Each ring is in producer order (per-CPU rings are in
//!   timestamp order). The consumer emits the oldest head among the rings. When
//!   some ring is momentarily empty, a head is only emitted once it is older
//!   than the newest timestamp seen minus the *reordering window*: a producer
//!   that lags the others by less than the window can never be overtaken.
//!   [`Consumer::pop_flush`] ignores the window (timeouts, shutdown).
//!
//! An event is any byte string that starts with its `u64` little-endian
//! timestamp, as the driver's event header does.
//!
//! ```
//! use libcapture::stream::{self, Pop};
//!
//! let (mut producers, mut consumer) = stream::channel(2, 4096, 0);
//! let mut event = [0u8; 26];
//! event[..8].copy_from_slice(&7u64.to_le_bytes());
//! producers[1].push(3, &event);
//! drop(producers);
//! match consumer.pop() {
//!     Pop::Event(ev) => assert_eq!((ev.cpu, ev.ts, ev.bytes.len()), (3, 7, 26)),
//!     other => panic!("{other:?}"),
//! }
//! assert!(matches!(consumer.pop(), Pop::Closed));
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::capture::CapturedEvent;

/// Bytes in one ring word.
const WORD: usize = 8;

/// Creates a stream with `producers` rings of at least `ring_bytes` bytes each
/// (rounded up to a power of two) and a reordering window of `window_ns`.
pub fn channel(producers: usize, ring_bytes: usize, window_ns: u64) -> (Vec<Producer>, Consumer) {
    let words = ring_bytes.div_ceil(WORD).next_power_of_two().max(4);
    let rings: Vec<Arc<Ring>> = (0..producers).map(|_| Arc::new(Ring::new(words))).collect();
    let handles = rings
        .iter()
        .map(|ring| Producer {
            ring: Arc::clone(ring),
            cached_tail: 0,
        })
        .collect();
    let consumer = Consumer {
        heads: vec![None; rings.len()],
        rings,
        window_ns,
        watermark: 0,
        last_ts: 0,
        scratch: Vec::new(),
        stats: ConsumerStats::default(),
    };
    (handles, consumer)
}

/// Padding that keeps the producer's and the consumer's index on separate cache lines.
#[repr(align(64))]
#[derive(Debug, Default)]
struct Padded<T>(T);

/// One single-producer/single-consumer ring of length-prefixed events.
#[derive(Debug)]
struct Ring {
    /// Zero pages until written: a large ring costs what it holds.
    words: crate::sys::ZeroedWords,
    /// Next word the producer writes; only the producer stores it.
    head: Padded<AtomicUsize>,
    /// Next word the consumer reads; only the consumer stores it.
    tail: Padded<AtomicUsize>,
    events: AtomicU64,
    bytes: AtomicU64,
    drops: AtomicU64,
    /// Timestamp of the newest event pushed; feeds the consumer's watermark.
    newest_ts: AtomicU64,
    closed: AtomicBool,
}

impl Ring {
    fn new(words: usize) -> Self {
        Ring {
            words: crate::sys::ZeroedWords::new(words),
            head: Padded::default(),
            tail: Padded::default(),
            events: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            drops: AtomicU64::new(0),
            newest_ts: AtomicU64::new(0),
            closed: AtomicBool::new(false),
        }
    }

    fn mask(&self) -> usize {
        self.words.len() - 1
    }

    fn word(&self, index: usize) -> &AtomicU64 {
        &self.words[index & self.mask()]
    }

    fn stats(&self) -> ProducerStats {
        ProducerStats {
            events: self.events.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            drops: self.drops.load(Ordering::Relaxed),
        }
    }
}

/// Record header word: byte length in the low 32 bits, cpu in the next 16.
fn header_word(cpu: u16, len: usize) -> u64 {
    (len as u64) | (u64::from(cpu) << 32)
}

/// The writing end of one ring. Send it to the thread that produces events;
/// dropping it tells the consumer that no more events will come from it.
#[derive(Debug)]
pub struct Producer {
    ring: Arc<Ring>,
    /// Last tail seen, so a push reads the consumer's index only when the ring looks full.
    cached_tail: usize,
}

impl Producer {
    /// Appends one event (which must start with its `u64` timestamp) tagged with
    /// `cpu`. Returns `false`, and counts a drop, when the ring has no room or the
    /// event is shorter than a timestamp or larger than the ring.
    pub fn push(&mut self, cpu: u16, event: &[u8]) -> bool {
        let ring = &*self.ring;
        let needed = 1 + event.len().div_ceil(WORD);
        if event.len() < WORD || event.len() > u32::MAX as usize || needed > ring.words.len() {
            ring.drops.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        let head = ring.head.0.load(Ordering::Relaxed);
        if head + needed - self.cached_tail > ring.words.len() {
            self.cached_tail = ring.tail.0.load(Ordering::Acquire);
            if head + needed - self.cached_tail > ring.words.len() {
                ring.drops.fetch_add(1, Ordering::Relaxed);
                return false;
            }
        }
        ring.word(head)
            .store(header_word(cpu, event.len()), Ordering::Relaxed);
        for (i, chunk) in event.chunks(WORD).enumerate() {
            let mut word = [0u8; WORD];
            word[..chunk.len()].copy_from_slice(chunk);
            ring.word(head + 1 + i)
                .store(u64::from_le_bytes(word), Ordering::Relaxed);
        }
        let ts = u64::from_le_bytes(event[..WORD].try_into().unwrap_or_default());
        // Only this producer stores it, so a load and a store need no atomic max.
        if ts > ring.newest_ts.load(Ordering::Relaxed) {
            ring.newest_ts.store(ts, Ordering::Relaxed);
        }
        ring.head.0.store(head + needed, Ordering::Release);
        ring.events.fetch_add(1, Ordering::Relaxed);
        ring.bytes.fetch_add(event.len() as u64, Ordering::Relaxed);
        true
    }

    /// Counters of this producer's ring.
    pub fn stats(&self) -> ProducerStats {
        self.ring.stats()
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        self.ring.closed.store(true, Ordering::Release);
    }
}

/// Counters of one producer's ring.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProducerStats {
    /// Events accepted into the ring.
    pub events: u64,
    /// Event bytes accepted into the ring.
    pub bytes: u64,
    /// Events refused because the ring was full (or the event malformed).
    pub drops: u64,
}

/// Counters of the consumer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsumerStats {
    /// Events handed out.
    pub events: u64,
    /// Events handed out with a timestamp older than the one before (a producer
    /// lagged by more than the reordering window, or flushes forced it).
    pub out_of_order: u64,
}

/// One event lent by [`Consumer::pop`]; valid until the next call.
#[derive(Debug)]
pub struct StreamEvent<'a> {
    /// Index of the producer (ring) it came from.
    pub producer: usize,
    /// The cpu tag given to [`Producer::push`].
    pub cpu: u16,
    /// The event's timestamp (its first eight bytes).
    pub ts: u64,
    /// The event bytes.
    pub bytes: &'a [u8],
}

/// What [`Consumer::pop`] found.
#[derive(Debug)]
pub enum Pop<'a> {
    /// The next event in timestamp order.
    Event(StreamEvent<'a>),
    /// Nothing can be emitted yet: rings are empty or held by the window.
    Empty,
    /// Every producer is gone and every ring is drained.
    Closed,
}

/// Head of a ring as the consumer saw it: where the record starts and what it says.
#[derive(Debug, Clone, Copy)]
struct Head {
    cpu: u16,
    len: usize,
    ts: u64,
}

/// The reading end: merges all rings by timestamp.
#[derive(Debug)]
pub struct Consumer {
    rings: Vec<Arc<Ring>>,
    heads: Vec<Option<Head>>,
    window_ns: u64,
    /// Newest timestamp pushed to any ring.
    watermark: u64,
    last_ts: u64,
    scratch: Vec<u8>,
    stats: ConsumerStats,
}

impl Consumer {
    /// The next event in timestamp order, respecting the reordering window.
    pub fn pop(&mut self) -> Pop<'_> {
        self.pop_inner(false)
    }

    /// The oldest available event, ignoring the reordering window. Call it
    /// after a timeout or when the capture stops so held events come out.
    pub fn pop_flush(&mut self) -> Pop<'_> {
        self.pop_inner(true)
    }

    /// Pops the next event (ignoring the window when `flush`) into `buf`,
    /// replacing its contents, for a backend that lends the event from its
    /// own buffer. `Some(Some(cpu))`: an event; `Some(None)`: nothing yet;
    /// `None`: every producer closed and the rings are drained.
    pub fn pop_into(&mut self, buf: &mut Vec<u8>, flush: bool) -> Option<Option<u16>> {
        match self.pop_inner(flush) {
            Pop::Event(event) => {
                buf.clear();
                buf.extend_from_slice(event.bytes);
                Some(Some(event.cpu))
            }
            Pop::Empty => Some(None),
            Pop::Closed => None,
        }
    }

    /// Counters of the consumer.
    pub fn stats(&self) -> ConsumerStats {
        self.stats
    }

    /// Counters of every producer's ring, indexed by producer.
    pub fn producer_stats(&self) -> Vec<ProducerStats> {
        self.rings.iter().map(|ring| ring.stats()).collect()
    }

    fn pop_inner(&mut self, flush: bool) -> Pop<'_> {
        let mut oldest: Option<(usize, u64)> = None;
        let mut blocked = false;
        for index in 0..self.rings.len() {
            // Read `closed` before the head: a ring seen closed and then empty is finished.
            let closed = self.rings[index].closed.load(Ordering::Acquire);
            match self.peek(index) {
                Some(head) => {
                    let newest = self.rings[index].newest_ts.load(Ordering::Relaxed);
                    self.watermark = self.watermark.max(newest);
                    if oldest.is_none_or(|(_, ts)| head.ts < ts) {
                        oldest = Some((index, head.ts));
                    }
                }
                None => blocked |= !closed,
            }
        }
        let Some((index, ts)) = oldest else {
            return if blocked { Pop::Empty } else { Pop::Closed };
        };
        if blocked && !flush && ts.saturating_add(self.window_ns) > self.watermark {
            return Pop::Empty;
        }
        self.take(index)
    }

    /// Reads the header of ring `index`'s oldest record, if one is published.
    fn peek(&mut self, index: usize) -> Option<Head> {
        if let Some(head) = self.heads[index] {
            return Some(head);
        }
        let ring = &*self.rings[index];
        let tail = ring.tail.0.load(Ordering::Relaxed);
        if ring.head.0.load(Ordering::Acquire) == tail {
            return None;
        }
        let header = ring.word(tail).load(Ordering::Relaxed);
        let head = Head {
            cpu: (header >> 32) as u16,
            len: (header & u64::from(u32::MAX)) as usize,
            ts: ring.word(tail + 1).load(Ordering::Relaxed),
        };
        self.heads[index] = Some(head);
        Some(head)
    }

    /// Copies ring `index`'s head record out, frees its words and lends it.
    fn take(&mut self, index: usize) -> Pop<'_> {
        let Some(head) = self.heads[index].take() else {
            return Pop::Empty;
        };
        let ring = &*self.rings[index];
        let tail = ring.tail.0.load(Ordering::Relaxed);
        let payload_words = head.len.div_ceil(WORD);
        self.scratch.clear();
        self.scratch.reserve(payload_words * WORD);
        for i in 0..payload_words {
            let word = ring.word(tail + 1 + i).load(Ordering::Relaxed);
            self.scratch.extend_from_slice(&word.to_le_bytes());
        }
        ring.tail
            .0
            .store(tail + 1 + payload_words, Ordering::Release);
        self.stats.events += 1;
        if head.ts < self.last_ts {
            self.stats.out_of_order += 1;
        }
        self.last_ts = head.ts;
        Pop::Event(StreamEvent {
            producer: index,
            cpu: head.cpu,
            ts: head.ts,
            bytes: &self.scratch[..head.len],
        })
    }
}

/// The consumer side of a live backend: the buffer of the event being lent
/// out, the counts delivered, and since when the stream has been idle (held
/// events are released once it has been idle for the reordering window).
#[derive(Debug, Default)]
pub(crate) struct Delivery {
    current: Vec<u8>,
    /// Events handed out.
    pub(crate) events: u64,
    /// Bytes of those events.
    pub(crate) bytes: u64,
    idle_since: Option<std::time::Instant>,
}

impl Delivery {
    /// Pops the next event from `consumer` into the lent buffer, as
    /// [`Consumer::pop_into`]: events held for reordering are released once
    /// the capture is `stopped` or the stream has been idle for `window`.
    pub(crate) fn pop(
        &mut self,
        consumer: &mut Consumer,
        stopped: bool,
        window: std::time::Duration,
    ) -> Option<Option<u16>> {
        let idle_for = self
            .idle_since
            .map_or(std::time::Duration::ZERO, |t| t.elapsed());
        let popped = consumer.pop_into(&mut self.current, stopped || idle_for >= window);
        match popped {
            Some(Some(_)) => {
                self.idle_since = None;
                self.events += 1;
                self.bytes += self.current.len() as u64;
            }
            Some(None) => {
                self.idle_since.get_or_insert_with(std::time::Instant::now);
            }
            None => {}
        }
        popped
    }

    /// The event [`Delivery::pop`] delivered from ring `cpu`; `backend` names
    /// the capture in the error of a malformed event.
    pub(crate) fn event(&self, backend: &str, cpu: u16) -> crate::Result<CapturedEvent<'_>> {
        CapturedEvent::new(cpu, 0, &self.current).map_err(|err| crate::Error::Io {
            path: format!("{backend}: event from ring {cpu}"),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, err),
        })
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "a panicking producer thread should fail the test"
)]
mod tests {
    use super::*;

    fn event(ts: u64, body: &[u8]) -> Vec<u8> {
        let mut bytes = ts.to_le_bytes().to_vec();
        bytes.extend_from_slice(body);
        bytes
    }

    fn drain(consumer: &mut Consumer) -> Vec<(usize, u64, Vec<u8>)> {
        let mut out = Vec::new();
        loop {
            match consumer.pop_flush() {
                Pop::Event(ev) => out.push((ev.producer, ev.ts, ev.bytes.to_vec())),
                Pop::Empty | Pop::Closed => return out,
            }
        }
    }

    #[test]
    fn merges_rings_by_timestamp() {
        let (mut producers, mut consumer) = channel(3, 1024, 0);
        for (p, ts) in [(0, 5), (1, 1), (2, 3), (0, 6), (1, 2), (2, 4)] {
            assert!(producers[p].push(p as u16, &event(ts, b"x")));
        }
        drop(producers);
        let order: Vec<u64> = drain(&mut consumer).iter().map(|e| e.1).collect();
        assert_eq!(order, [1, 2, 3, 4, 5, 6]);
        assert!(matches!(consumer.pop(), Pop::Closed));
    }

    #[test]
    fn keeps_bytes_of_every_length() {
        let (mut producers, mut consumer) = channel(1, 4096, 0);
        let sent: Vec<Vec<u8>> = (0..40u8)
            .map(|n| event(u64::from(n), &vec![n; n as usize]))
            .collect();
        for ev in &sent {
            assert!(producers[0].push(9, ev));
        }
        let got: Vec<Vec<u8>> = drain(&mut consumer).into_iter().map(|e| e.2).collect();
        assert_eq!(got, sent);
    }

    #[test]
    fn full_ring_counts_drops_and_recovers() {
        let (mut producers, mut consumer) = channel(1, 64, 0);
        let ev = event(1, &[0; 16]); // 3 payload words + 1 header word
        assert!(producers[0].push(0, &ev));
        assert!(producers[0].push(0, &ev));
        assert!(!producers[0].push(0, &ev));
        assert!(!producers[0].push(0, b"short"));
        assert_eq!(producers[0].stats().drops, 2);
        assert_eq!(drain(&mut consumer).len(), 2);
        assert!(producers[0].push(0, &ev), "space is freed once consumed");
        assert_eq!(consumer.producer_stats()[0].events, 3);
    }

    #[test]
    fn window_holds_events_while_a_producer_is_silent() {
        let (mut producers, mut consumer) = channel(2, 1024, 100);
        producers[0].push(0, &event(1_000, b""));
        assert!(
            matches!(consumer.pop(), Pop::Empty),
            "ring 1 may still send older events"
        );
        producers[0].push(0, &event(1_050, b""));
        assert!(matches!(consumer.pop(), Pop::Empty));
        producers[0].push(0, &event(1_100, b""));
        assert!(matches!(consumer.pop(), Pop::Event(ev) if ev.ts == 1_000));
        assert!(matches!(consumer.pop_flush(), Pop::Event(ev) if ev.ts == 1_050));
    }

    #[test]
    fn threads_feed_one_consumer_in_order() {
        const PER_PRODUCER: u64 = 20_000;
        let (producers, mut consumer) = channel(4, 1 << 12, u64::MAX);
        let threads: Vec<_> = producers
            .into_iter()
            .enumerate()
            .map(|(p, mut producer)| {
                std::thread::spawn(move || {
                    for i in 0..PER_PRODUCER {
                        let ts = i * 4 + p as u64;
                        let ev = event(ts, &ts.to_le_bytes()[..(i % 9) as usize]);
                        while !producer.push(p as u16, &ev) {
                            std::thread::yield_now();
                        }
                    }
                })
            })
            .collect();
        let mut expected_ts = 0;
        loop {
            match consumer.pop() {
                Pop::Event(ev) => {
                    assert_eq!(ev.ts, expected_ts, "global timestamp order");
                    assert_eq!(ev.cpu as u64, ev.ts % 4);
                    assert_eq!(ev.bytes.len(), 8 + ((ev.ts / 4) % 9) as usize);
                    expected_ts += 1;
                }
                Pop::Empty => std::thread::yield_now(),
                Pop::Closed => break,
            }
        }
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(expected_ts, 4 * PER_PRODUCER);
        assert_eq!(consumer.stats().out_of_order, 0);
        let accepted: u64 = consumer.producer_stats().iter().map(|s| s.events).sum();
        assert_eq!(accepted, consumer.stats().events);
    }
}
