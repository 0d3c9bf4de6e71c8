//! Delivery guarantees: a bounded queue and a delivery thread per sink,
//! retries with exponential backoff, and the on-disk spool.

mod backlog;
mod spool;
mod stats;
mod worker;

pub use backlog::Backlog;
pub use spool::Spool;
pub use stats::{failures, SinkStats};
pub use worker::{Backoff, Msg, Worker};
