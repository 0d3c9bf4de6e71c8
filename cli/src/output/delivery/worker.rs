//! One delivery thread per sink: takes alerts from the sink's bounded
//! queue, delivers them, and when the sink fails keeps them in the backlog
//! (spool or memory) and retries the oldest with exponential backoff until
//! the sink takes it, so alerts arrive in order.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use super::backlog::{Backlog, BacklogError};
use super::stats::SinkStats;
use crate::output::record::Record;
use crate::output::sink::{DeliveryError, Sink};

/// What the emitting side sends a worker.
pub enum Msg {
    /// Deliver this alert.
    Alert(Record),
    /// Deliver what is pending until the deadline, then persist or count the rest.
    Shutdown(Instant),
}

/// Exponential backoff between attempts.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    current: Duration,
}

impl Backoff {
    /// Starts at `initial`, doubling up to `max`.
    pub fn new(initial: Duration, max: Duration) -> Backoff {
        Backoff {
            initial,
            max,
            current: initial,
        }
    }

    /// The next delay.
    pub fn next_delay(&mut self) -> Duration {
        let d = self.current;
        self.current = (self.current * 2).min(self.max);
        d
    }

    /// Back to the initial delay after a success.
    pub fn reset(&mut self) {
        self.current = self.initial;
    }
}

/// How often an idle worker flushes its sink.
const IDLE_FLUSH: Duration = Duration::from_secs(1);

/// The delivery loop of one sink.
pub struct Worker {
    pub(crate) name: String,
    pub(crate) sink: Box<dyn Sink>,
    pub(crate) rx: Receiver<Msg>,
    pub(crate) backlog: Backlog,
    pub(crate) stats: SinkStats,
    pub(crate) backoff: Backoff,
    /// Most alerts per request (1 for sinks that do not batch).
    pub(crate) max_batch: usize,
}

impl Worker {
    /// Runs until shutdown; returns how many alerts stayed in the durable spool.
    pub fn run(mut self) -> u64 {
        self.stats.set_backlog(self.backlog.len());
        let mut next_try = Instant::now();
        loop {
            // Retry first when due: under a steady stream of new alerts the
            // channel is never empty, and waiting on it would starve retries.
            if !self.backlog.is_empty() && Instant::now() >= next_try {
                if let Some(deadline) = self.drain(&mut next_try) {
                    return self.shutdown(deadline);
                }
                continue;
            }
            let timeout = if self.backlog.is_empty() {
                IDLE_FLUSH
            } else {
                next_try.saturating_duration_since(Instant::now())
            };
            match self.rx.recv_timeout(timeout) {
                Ok(Msg::Alert(record)) => {
                    self.stats.dequeued();
                    if self.backlog.is_empty() {
                        // Whatever else is already waiting goes in the same request.
                        let mut batch = vec![record];
                        let shutdown = self.gather(&mut batch);
                        self.attempt(batch, &mut next_try, false);
                        if let Some(deadline) = shutdown {
                            return self.shutdown(deadline);
                        }
                    } else {
                        self.queue(record, false);
                        // Batch whatever else is waiting into one spool sync.
                        if let Some(deadline) = self.take_incoming() {
                            return self.shutdown(deadline);
                        }
                    }
                }
                Ok(Msg::Shutdown(deadline)) => return self.shutdown(deadline),
                Err(RecvTimeoutError::Timeout) => {
                    if self.backlog.is_empty() {
                        let _ = self.sink.flush();
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return self.shutdown(Instant::now()),
            }
        }
    }

    /// Adds alerts already waiting in the channel to `batch`, up to the
    /// batch size, without waiting for more. Returns a shutdown deadline if
    /// one arrived.
    fn gather(&mut self, batch: &mut Vec<Record>) -> Option<Instant> {
        while batch.len() < self.max_batch {
            match self.rx.try_recv() {
                Ok(Msg::Alert(r)) => {
                    self.stats.dequeued();
                    batch.push(r);
                }
                Ok(Msg::Shutdown(deadline)) => return Some(deadline),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => return Some(Instant::now()),
            }
        }
        None
    }

    /// Delivers `batch` (not yet in the backlog) unless older alerts are
    /// pending. What fails and is worth retrying joins the backlog whole,
    /// in order; a batch the receiver rejects is retried alert by alert,
    /// so one bad alert does not take the others down with it. `force`
    /// ignores the in-memory bound (at shutdown).
    fn attempt(&mut self, batch: Vec<Record>, next_try: &mut Instant, force: bool) {
        if !self.backlog.is_empty() {
            for r in batch {
                self.queue(r, force);
            }
            self.commit();
            return;
        }
        match self.sink.deliver_batch(&batch) {
            Ok(()) => self.stats.ok(batch.len()),
            Err(e) if e.retryable => {
                self.stats.note_error(&self.name, &e);
                for r in batch {
                    self.queue(r, force);
                }
                self.commit();
                *next_try = Instant::now() + self.backoff.next_delay();
            }
            Err(e) if batch.len() > 1 => {
                self.stats.note_error(&self.name, &e);
                for r in batch {
                    self.attempt(vec![r], next_try, force);
                }
            }
            Err(e) => self.reject(&e),
        }
    }

    /// Makes the spooled alerts durable.
    fn commit(&mut self) {
        if let Err(e) = self.backlog.commit() {
            eprintln!("harrier: output {}: spool sync failed: {e}", self.name);
        }
    }

    fn reject(&mut self, e: &DeliveryError) {
        self.stats.note_error(&self.name, e);
        self.stats.failed("rejected").inc();
    }

    /// Appends to the backlog or counts the alert as failed.
    fn queue(&mut self, record: Record, force: bool) {
        match self.backlog.push(record, force) {
            Ok(()) => {
                if self.backlog.is_durable() {
                    self.stats.spooled.inc();
                }
            }
            Err(BacklogError::Full) => self.stats.failed("backlog_full").inc(),
            Err(BacklogError::Io(e)) => {
                eprintln!("harrier: output {}: spool write failed: {e}", self.name);
                self.stats.failed("spool_io").inc();
            }
        }
        self.stats.set_backlog(self.backlog.len());
    }

    /// Delivers from the backlog, a batch at a time, until it is empty or
    /// the sink fails again. New alerts keep joining the backlog's end
    /// meanwhile. Returns a shutdown deadline if one arrived.
    fn drain(&mut self, next_try: &mut Instant) -> Option<Instant> {
        // After a rejected batch, its alerts go one by one.
        let mut singles = 0usize;
        loop {
            let shutdown = self.take_incoming();
            let size = if singles > 0 { 1 } else { self.max_batch };
            let peeked = self.backlog.peek_batch(size);
            self.count_corrupt();
            let batch = match peeked {
                Ok(batch) if batch.is_empty() => {
                    self.backoff.reset();
                    return shutdown;
                }
                Ok(batch) => batch,
                Err(e) => {
                    eprintln!("harrier: output {}: spool read failed: {e}", self.name);
                    *next_try = Instant::now() + self.backoff.next_delay();
                    return shutdown;
                }
            };
            match self.sink.deliver_batch(&batch) {
                Ok(()) => {
                    self.stats.ok(batch.len());
                    self.backoff.reset();
                    self.pop(batch.len());
                    singles = singles.saturating_sub(1);
                }
                Err(e) if e.retryable => {
                    self.stats.retries.inc();
                    self.stats.note_error(&self.name, &e);
                    *next_try = Instant::now() + self.backoff.next_delay();
                    return shutdown;
                }
                Err(e) if batch.len() > 1 => {
                    self.stats.note_error(&self.name, &e);
                    singles = batch.len();
                }
                Err(e) => {
                    self.reject(&e);
                    self.pop(1);
                    singles = singles.saturating_sub(1);
                }
            }
            if shutdown.is_some() {
                return shutdown;
            }
        }
    }

    fn pop(&mut self, n: usize) {
        if let Err(e) = self.backlog.pop_batch(n) {
            eprintln!(
                "harrier: output {}: spool cursor update failed: {e}",
                self.name
            );
        }
        self.stats.set_backlog(self.backlog.len());
    }

    fn count_corrupt(&mut self) {
        let n = self.backlog.take_corrupt();
        if n > 0 {
            self.stats.failed("spool_corrupt").add(n);
        }
    }

    /// Moves what is waiting in the channel to the backlog, keeping order,
    /// and makes it durable with one sync.
    fn take_incoming(&mut self) -> Option<Instant> {
        let shutdown = loop {
            match self.rx.try_recv() {
                Ok(Msg::Alert(r)) => {
                    self.stats.dequeued();
                    self.queue(r, false);
                }
                Ok(Msg::Shutdown(deadline)) => break Some(deadline),
                Err(TryRecvError::Empty) => break None,
                Err(TryRecvError::Disconnected) => break Some(Instant::now()),
            }
        };
        self.commit();
        shutdown
    }

    /// Delivers everything pending until `deadline`; what is left stays in
    /// the spool (durable) or is counted as failed (memory).
    fn shutdown(mut self, deadline: Instant) -> u64 {
        let mut pending = VecDeque::new();
        while let Ok(Msg::Alert(r)) = self.rx.try_recv() {
            self.stats.dequeued();
            pending.push_back(r);
        }
        let mut next_try = Instant::now();
        loop {
            if !self.backlog.is_empty() {
                let _ = self.drain(&mut next_try);
            }
            if self.backlog.is_empty() {
                self.deliver_direct(&mut pending, &mut next_try);
            }
            if self.backlog.is_empty() || next_try >= deadline {
                break;
            }
            std::thread::sleep(next_try.saturating_duration_since(Instant::now()));
        }
        for r in pending {
            self.queue(r, true);
        }
        self.commit();
        let _ = self.sink.finish();
        let left = self.backlog.len() as u64;
        if self.backlog.is_durable() {
            left
        } else {
            if left > 0 {
                self.stats.failed("shutdown").add(left);
            }
            0
        }
    }

    /// Delivers `pending` in order, in batches, while the sink takes them;
    /// after the first retryable failure the rest joins the backlog.
    fn deliver_direct(&mut self, pending: &mut VecDeque<Record>, next_try: &mut Instant) {
        while !pending.is_empty() {
            let n = self.max_batch.min(pending.len());
            let batch: Vec<Record> = pending.drain(..n).collect();
            self.attempt(batch, next_try, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_resets() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(700));
        let delays: Vec<u128> = (0..5).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 700, 700]);
        b.reset();
        assert_eq!(b.next_delay(), Duration::from_millis(100));
    }
}
