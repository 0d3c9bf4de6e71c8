//! Prometheus metrics: the registry the detect loop and the outputs update,
//! and the `/metrics` + `/healthz` endpoint.

pub mod meter;
pub mod registry;
pub mod server;

pub use meter::EventMeter;
pub use registry::{Counter, Gauge, Registry};
pub use server::MetricsServer;
