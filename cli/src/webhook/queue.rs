//! The bounded queue between the webhook's connection threads and the
//! consumer (the rule engine). Bounded in events and in bytes, so memory
//! stays bounded however fast clients post; a producer waits for room for
//! a while and then gives up, which the server turns into 503.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use engine::k8saudit::AuditItem;

/// One request's worth of parsed items.
pub struct Batch {
    /// Events and diagnostics, in body order.
    pub items: Vec<AuditItem>,
    /// Size of the request body, the batch's share of the byte budget.
    pub bytes: usize,
}

#[derive(Default)]
struct State {
    batches: VecDeque<Batch>,
    events: usize,
    bytes: usize,
}

/// Limits of the queue.
#[derive(Debug, Clone, Copy)]
pub struct QueueLimits {
    /// Most items queued at once.
    pub max_events: usize,
    /// Most request-body bytes queued at once.
    pub max_bytes: usize,
}

/// Counters of the queue, readable at any time.
#[derive(Debug, Default)]
pub struct QueueCounters {
    /// Items accepted into the queue.
    pub enqueued: AtomicU64,
    /// Items handed to the consumer.
    pub dequeued: AtomicU64,
    /// Batches refused because the queue stayed full.
    pub refused_batches: AtomicU64,
}

/// A bounded multi-producer, single-consumer queue of batches.
pub struct BatchQueue {
    state: Mutex<State>,
    not_empty: Condvar,
    not_full: Condvar,
    limits: QueueLimits,
    closed: AtomicBool,
    /// Running counters.
    pub counters: QueueCounters,
}

impl BatchQueue {
    /// An empty queue with `limits`.
    pub fn new(limits: QueueLimits) -> Arc<BatchQueue> {
        Arc::new(BatchQueue {
            state: Mutex::new(State::default()),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            limits,
            closed: AtomicBool::new(false),
            counters: QueueCounters::default(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave `State` inconsistent
        // (every update is a push or pop plus counters), so keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fits(&self, state: &State, batch: &Batch) -> bool {
        // An empty queue takes any batch, so one larger than the limits
        // still gets through instead of being refused forever.
        state.batches.is_empty()
            || (state.events + batch.items.len() <= self.limits.max_events
                && state.bytes + batch.bytes <= self.limits.max_bytes)
    }

    /// Queues `batch`, waiting up to `timeout` for room. Gives the batch
    /// back when the queue stayed full (or is closed).
    pub fn push(&self, batch: Batch, timeout: Duration) -> Result<(), Batch> {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        while !self.fits(&state, &batch) {
            let now = Instant::now();
            if now >= deadline || self.is_closed() {
                self.counters
                    .refused_batches
                    .fetch_add(1, Ordering::Relaxed);
                return Err(batch);
            }
            state = self
                .not_full
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        if self.is_closed() {
            return Err(batch);
        }
        state.events += batch.items.len();
        state.bytes += batch.bytes;
        self.counters
            .enqueued
            .fetch_add(batch.items.len() as u64, Ordering::Relaxed);
        state.batches.push_back(batch);
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the oldest batch, waiting until one arrives; `None` once the
    /// queue is closed and empty.
    pub fn pop(&self) -> Option<Batch> {
        let mut state = self.lock();
        loop {
            if let Some(batch) = state.batches.pop_front() {
                state.events -= batch.items.len();
                state.bytes -= batch.bytes;
                drop(state);
                self.counters
                    .dequeued
                    .fetch_add(batch.items.len() as u64, Ordering::Relaxed);
                self.not_full.notify_all();
                return Some(batch);
            }
            if self.is_closed() {
                return None;
            }
            state = self
                .not_empty
                .wait_timeout(state, Duration::from_millis(200))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Stops accepting batches; the consumer drains what is queued.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    /// Whether [`BatchQueue::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// Items queued right now.
    pub fn len(&self) -> usize {
        self.lock().events
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn batch(n: usize) -> Batch {
        let loc = engine::k8saudit::Location::new("t", 0);
        Batch {
            items: (0..n)
                .map(|_| Err(engine::k8saudit::Diagnostic::new(loc.clone(), "x")))
                .collect(),
            bytes: n,
        }
    }

    #[test]
    fn full_queue_refuses_after_the_timeout_and_drains_in_order() {
        let q = BatchQueue::new(QueueLimits {
            max_events: 3,
            max_bytes: 1 << 20,
        });
        q.push(batch(2), Duration::ZERO).map_err(|_| ()).unwrap();
        assert!(q.push(batch(2), Duration::from_millis(20)).is_err());
        q.push(batch(1), Duration::ZERO).map_err(|_| ()).unwrap();
        assert_eq!(q.len(), 3);
        assert_eq!(q.pop().unwrap().items.len(), 2);
        q.push(batch(2), Duration::ZERO).map_err(|_| ()).unwrap();
        q.close();
        assert_eq!(q.pop().unwrap().items.len(), 1);
        assert_eq!(q.pop().unwrap().items.len(), 2);
        assert!(q.pop().is_none());
        assert_eq!(q.counters.refused_batches.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn an_oversized_batch_enters_an_empty_queue() {
        let q = BatchQueue::new(QueueLimits {
            max_events: 1,
            max_bytes: 1,
        });
        q.push(batch(5), Duration::ZERO).map_err(|_| ()).unwrap();
        assert!(q.push(batch(1), Duration::ZERO).is_err());
    }
}
