//! What delivery achieved per sink, read back from the metrics registry.

use std::fmt;

use super::metrics::Registry;

/// Failure reasons counted in `harrier_output_failures_total`.
pub const FAILURE_REASONS: [&str; 7] = [
    "rejected",
    "queue_full",
    "backlog_full",
    "spool_io",
    "spool_corrupt",
    "shutdown",
    "worker_gone",
];

/// What happened to the alerts of one sink over this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkReport {
    /// The sink's name.
    pub name: String,
    /// Alerts the sink accepted.
    pub delivered: u64,
    /// Alerts given up on (rejected, queue or spool full, shutdown without spool).
    pub failed: u64,
    /// Alerts left in the spool, delivered on the next start.
    pub persisted: u64,
    /// Retried attempts.
    pub retries: u64,
}

impl SinkReport {
    pub(super) fn read(registry: &Registry, name: &str, persisted: u64) -> SinkReport {
        let get = |metric: &str| {
            registry
                .value(metric, &[("sink", name)])
                .unwrap_or(0)
                .max(0) as u64
        };
        let failed = FAILURE_REASONS
            .iter()
            .map(|r| {
                registry
                    .value(
                        "harrier_output_failures_total",
                        &[("sink", name), ("reason", r)],
                    )
                    .unwrap_or(0)
                    .max(0) as u64
            })
            .sum();
        SinkReport {
            name: name.to_string(),
            delivered: get("harrier_output_deliveries_total"),
            failed,
            persisted,
            retries: get("harrier_output_retries_total"),
        }
    }
}

/// What [`Outputs::shutdown`] reports: per sink, delivered, failed, persisted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// One entry per sink, in configuration order.
    pub sinks: Vec<SinkReport>,
}

impl DeliveryReport {
    /// Alerts given up on across all sinks.
    pub fn failed(&self) -> u64 {
        self.sinks.iter().map(|s| s.failed).sum()
    }

    /// Alerts left in spools for the next start.
    pub fn persisted(&self) -> u64 {
        self.sinks.iter().map(|s| s.persisted).sum()
    }

    /// The report of sink `name`.
    pub fn sink(&self, name: &str) -> Option<&SinkReport> {
        self.sinks.iter().find(|s| s.name == name)
    }
}

impl fmt::Display for DeliveryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.sinks {
            writeln!(
                f,
                "output {}: {} delivered, {} failed, {} kept in spool, {} retries",
                s.name, s.delivered, s.failed, s.persisted, s.retries
            )?;
        }
        Ok(())
    }
}
