//! The detect loop's side of the metrics: events read, events dropped by
//! category and rule evaluation time.
//!
//! The loop runs once per event, so [`EventMeter`] counts in plain fields
//! and adds to the shared registry only every [`PUBLISH_EVERY`] events or
//! once a second of event time ([`EventMeter::tick_at`]), plus whenever the
//! loop is idle. Rule evaluation is timed on one event in
//! [`SAMPLE_EVERY`]: reading the clock around every evaluation would cost
//! more than the metric is worth on a fast replay.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::registry::{Counter, Histogram, LocalHistogram, Registry};

/// Events counted locally before they are added to the registry.
pub const PUBLISH_EVERY: u64 = 1024;
/// One rule evaluation in this many is timed.
pub const SAMPLE_EVERY: u32 = 64;
/// Event time between publications when events trickle in.
const PUBLISH_INTERVAL_NS: u64 = 1_000_000_000;
/// How often the source's own counters (capture drops) are worth reading.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Per-loop counters, published to a [`Registry`] in batches.
pub struct EventMeter {
    registry: Arc<Registry>,
    events: Counter,
    evaluation: Histogram,
    timed: LocalHistogram,
    unpublished: u64,
    publish_every: u64,
    until_sample: u32,
    next_publish_ns: u64,
    last_poll: Option<Instant>,
    /// Drop counters by category, with the source's total last seen.
    drops: Vec<(&'static str, Counter, u64)>,
}

impl EventMeter {
    /// A meter publishing to `registry`.
    pub fn new(registry: Arc<Registry>) -> EventMeter {
        let events = registry.events_read();
        let evaluation = registry.rule_evaluation();
        EventMeter {
            timed: evaluation.local(),
            registry,
            events,
            evaluation,
            unpublished: 0,
            publish_every: PUBLISH_EVERY,
            // The first evaluation is timed, so even a short run has a sample.
            until_sample: 0,
            next_publish_ns: 0,
            last_poll: None,
            drops: Vec::new(),
        }
    }

    /// A meter whose registry nobody reads (detection without outputs):
    /// the loop stays the same either way.
    pub fn detached() -> EventMeter {
        EventMeter::new(Arc::new(Registry::new()))
    }

    /// Publishes after every `n` events instead of [`PUBLISH_EVERY`] (a
    /// source that blocks between events without waking the loop, where
    /// counts must not wait for the next event).
    pub fn publishing_every(mut self, n: u64) -> EventMeter {
        self.publish_every = n.max(1);
        self
    }

    /// Counts one event read and runs its rule evaluation `eval`, timing
    /// one in [`SAMPLE_EVERY`].
    #[inline]
    pub fn evaluate<T>(&mut self, eval: impl FnOnce() -> T) -> T {
        self.unpublished += 1;
        if self.until_sample > 0 {
            self.until_sample -= 1;
            return eval();
        }
        self.until_sample = SAMPLE_EVERY - 1;
        let start = Instant::now();
        let out = eval();
        self.timed.observe(start.elapsed());
        out
    }

    /// Whether enough events are pending for [`EventMeter::publish`].
    #[inline]
    pub fn tick(&self) -> bool {
        self.unpublished >= self.publish_every
    }

    /// As [`EventMeter::tick`], also due once a second of event time
    /// (`ts_ns`, the event's timestamp) has passed since the last publication.
    #[inline]
    pub fn tick_at(&self, ts_ns: u64) -> bool {
        self.unpublished >= self.publish_every || ts_ns >= self.next_publish_ns
    }

    /// Adds what was counted locally to the registry.
    pub fn publish_at(&mut self, ts_ns: u64) {
        self.next_publish_ns = ts_ns.saturating_add(PUBLISH_INTERVAL_NS);
        self.publish();
    }

    /// Adds what was counted locally to the registry.
    pub fn publish(&mut self) {
        if self.unpublished > 0 {
            self.events.add(std::mem::take(&mut self.unpublished));
        }
        self.evaluation.merge(&mut self.timed);
    }

    /// Whether a second passed since the source's counters were last read
    /// (true the first time); the caller then reports them with
    /// [`EventMeter::drops_total`].
    pub fn poll_due(&mut self) -> bool {
        let now = Instant::now();
        if self
            .last_poll
            .is_some_and(|t| now.duration_since(t) < POLL_INTERVAL)
        {
            return false;
        }
        self.last_poll = Some(now);
        true
    }

    /// The source has lost `total` events of `category` since it started:
    /// adds the increase since the last report.
    pub fn drops_total(&mut self, category: &'static str, total: u64) {
        let (_, counter, seen) = self.drop_slot(category);
        let more = total.saturating_sub(*seen);
        *seen = total.max(*seen);
        if more > 0 {
            counter.add(more);
        }
    }

    /// `n` more events of `category` were lost (counted by the loop itself).
    pub fn dropped(&mut self, category: &'static str, n: u64) {
        let (_, counter, seen) = self.drop_slot(category);
        *seen += n;
        counter.add(n);
    }

    fn drop_slot(&mut self, category: &'static str) -> &mut (&'static str, Counter, u64) {
        let i = match self.drops.iter().position(|(c, _, _)| *c == category) {
            Some(i) => i,
            None => {
                let counter = self.registry.events_dropped(category);
                self.drops.push((category, counter, 0));
                self.drops.len() - 1
            }
        };
        &mut self.drops[i]
    }
}

impl Drop for EventMeter {
    /// An early return (an error mid-run) still publishes what was counted.
    fn drop(&mut self) {
        self.publish();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn counts_reach_the_registry_in_batches() {
        let registry = Arc::new(Registry::new());
        let mut meter = EventMeter::new(Arc::clone(&registry));
        let read = || registry.value("harrier_events_read_total", &[]).unwrap();
        for _ in 0..PUBLISH_EVERY - 1 {
            meter.evaluate(|| ());
            assert!(!meter.tick());
        }
        assert_eq!(read(), 0, "nothing published before the batch is full");
        meter.evaluate(|| ());
        assert!(meter.tick());
        meter.publish();
        assert_eq!(read(), i64::try_from(PUBLISH_EVERY).unwrap());
        let timed = registry
            .value("harrier_rule_evaluation_seconds", &[])
            .unwrap();
        assert_eq!(timed, i64::from(PUBLISH_EVERY as u32 / SAMPLE_EVERY));
        meter.evaluate(|| ());
        drop(meter);
        assert_eq!(read(), i64::try_from(PUBLISH_EVERY + 1).unwrap());
    }

    #[test]
    fn event_time_makes_a_trickle_due() {
        let mut meter = EventMeter::new(Arc::new(Registry::new()));
        meter.publish_at(5_000_000_000);
        meter.evaluate(|| ());
        assert!(!meter.tick_at(5_500_000_000));
        assert!(meter.tick_at(6_000_000_000));
    }

    #[test]
    fn drop_totals_add_only_the_increase() {
        let registry = Arc::new(Registry::new());
        let mut meter = EventMeter::new(Arc::clone(&registry));
        meter.drops_total("buffer_full", 0);
        meter.drops_total("buffer_full", 7);
        meter.drops_total("buffer_full", 10);
        meter.dropped("invalid", 2);
        let get = |c| {
            registry
                .value("harrier_events_dropped_total", &[("category", c)])
                .unwrap()
        };
        assert_eq!((get("buffer_full"), get("invalid")), (10, 2));
        assert!(meter.poll_due());
        assert!(!meter.poll_due(), "at most once a second");
    }
}
