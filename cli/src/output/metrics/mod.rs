//! Prometheus metrics: the registry the detect loop and the outputs update,
//! and the `/metrics` + `/healthz` endpoint.

mod registry;
mod server;

pub use registry::{Counter, Gauge, Histogram, Registry, EVAL_BUCKETS};
pub use server::{MetricsServer, MAX_CONNECTIONS, MAX_REQUEST_BYTES, REQUEST_DEADLINE};
