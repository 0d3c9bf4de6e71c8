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
                        self.first_attempt(record, &mut next_try);
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

    fn first_attempt(&mut self, record: Record, next_try: &mut Instant) {
        match self.sink.deliver(&record) {
            Ok(()) => self.stats.ok(),
            Err(e) if e.retryable => {
                self.stats.note_error(&self.name, &e);
                self.queue(record, false);
                self.commit();
                *next_try = Instant::now() + self.backoff.next_delay();
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

    /// Delivers from the backlog until it is empty or the sink fails again.
    /// New alerts keep joining the backlog's end meanwhile. Returns a
    /// shutdown deadline if one arrived.
    fn drain(&mut self, next_try: &mut Instant) -> Option<Instant> {
        loop {
            let shutdown = self.take_incoming();
            let peeked = self.backlog.peek();
            self.count_corrupt();
            let record = match peeked {
                Ok(Some(r)) => r,
                Ok(None) => {
                    self.backoff.reset();
                    return shutdown;
                }
                Err(e) => {
                    eprintln!("harrier: output {}: spool read failed: {e}", self.name);
                    *next_try = Instant::now() + self.backoff.next_delay();
                    return shutdown;
                }
            };
            match self.sink.deliver(&record) {
                Ok(()) => {
                    self.stats.ok();
                    self.backoff.reset();
                    self.pop();
                }
                Err(e) if e.retryable => {
                    self.stats.retries.inc();
                    self.stats.note_error(&self.name, &e);
                    *next_try = Instant::now() + self.backoff.next_delay();
                    return shutdown;
                }
                Err(e) => {
                    self.reject(&e);
                    self.pop();
                }
            }
            if shutdown.is_some() {
                return shutdown;
            }
        }
    }

    fn pop(&mut self) {
        if let Err(e) = self.backlog.pop() {
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

    /// Delivers `pending` in order while the sink takes them; on the first
    /// retryable failure the rest joins the backlog.
    fn deliver_direct(&mut self, pending: &mut VecDeque<Record>, next_try: &mut Instant) {
        while let Some(r) = pending.pop_front() {
            match self.sink.deliver(&r) {
                Ok(()) => self.stats.ok(),
                Err(e) if e.retryable => {
                    self.stats.note_error(&self.name, &e);
                    self.queue(r, true);
                    for rest in pending.drain(..) {
                        self.queue(rest, true);
                    }
                    *next_try = Instant::now() + self.backoff.next_delay();
                }
                Err(e) => self.reject(&e),
            }
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
