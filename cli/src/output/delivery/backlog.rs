//! What a sink has not delivered yet, in order: on disk when a spool
//! directory is configured, otherwise in memory up to a bound.

use std::collections::VecDeque;
use std::io;

use super::spool::{PushError, Spool};
use crate::output::record::Record;

/// Pending alerts of one sink.
pub enum Backlog {
    /// Bounded in-memory queue.
    Memory {
        queue: VecDeque<Record>,
        capacity: usize,
    },
    /// The on-disk spool.
    Disk(Box<Spool>),
}

/// Why an alert could not be queued.
#[derive(Debug)]
pub enum BacklogError {
    /// The bound was reached.
    Full,
    /// The spool could not be written.
    Io(io::Error),
}

impl Backlog {
    /// Number of pending alerts.
    pub fn len(&self) -> usize {
        match self {
            Backlog::Memory { queue, .. } => queue.len(),
            Backlog::Disk(spool) => spool.len(),
        }
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether pending alerts survive a restart.
    pub fn is_durable(&self) -> bool {
        matches!(self, Backlog::Disk(_))
    }

    /// Queues `record` at the end; `force` ignores the in-memory bound (used at
    /// shutdown, when the alerts are in memory anyway).
    pub fn push(&mut self, record: Record, force: bool) -> Result<(), BacklogError> {
        match self {
            Backlog::Memory { queue, capacity } => {
                if queue.len() >= *capacity && !force {
                    return Err(BacklogError::Full);
                }
                queue.push_back(record);
                Ok(())
            }
            Backlog::Disk(spool) => spool.push(&record).map_err(|e| match e {
                PushError::Full => BacklogError::Full,
                PushError::Io(e) => BacklogError::Io(e),
            }),
        }
    }

    /// Makes what was pushed durable (a no-op in memory).
    pub fn commit(&mut self) -> io::Result<()> {
        match self {
            Backlog::Memory { .. } => Ok(()),
            Backlog::Disk(spool) => spool.sync(),
        }
    }

    /// Up to `max` of the oldest pending alerts, in order (at least one
    /// when any is pending).
    pub fn peek_batch(&mut self, max: usize) -> io::Result<Vec<Record>> {
        match self {
            Backlog::Memory { queue, .. } => Ok(queue.iter().take(max).cloned().collect()),
            Backlog::Disk(spool) => spool.peek_batch(max),
        }
    }

    /// Drops the `n` oldest pending alerts (delivered or given up on).
    pub fn pop_batch(&mut self, n: usize) -> io::Result<()> {
        match self {
            Backlog::Memory { queue, .. } => {
                queue.drain(..n.min(queue.len()));
                Ok(())
            }
            Backlog::Disk(spool) => spool.pop_batch(n),
        }
    }

    /// Unreadable spool lines found since the last call.
    pub fn take_corrupt(&mut self) -> u64 {
        match self {
            Backlog::Memory { .. } => 0,
            Backlog::Disk(spool) => spool.take_corrupt(),
        }
    }
}
