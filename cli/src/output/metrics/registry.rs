//! A small Prometheus registry: counters, gauges and histograms keyed by
//! name and labels, rendered in the text exposition format.
//!
//! Handles are cheap `Arc`s around atomics: look a series up once, keep the
//! handle, and update it on the hot path without locking.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A monotonically increasing count.
#[derive(Debug, Clone, Default)]
pub struct Counter(Arc<AtomicU64>);

impl Counter {
    /// Adds one.
    pub fn inc(&self) {
        self.add(1);
    }
    /// Adds `n`.
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    /// Current value.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that goes up and down.
#[derive(Debug, Clone, Default)]
pub struct Gauge(Arc<AtomicI64>);

impl Gauge {
    /// Sets the value.
    pub fn set(&self, v: i64) {
        self.0.store(v, Ordering::Relaxed);
    }
    /// Adds `d` (may be negative).
    pub fn add(&self, d: i64) {
        self.0.fetch_add(d, Ordering::Relaxed);
    }
    /// Current value.
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Durations in fixed buckets (seconds).
#[derive(Debug, Clone)]
pub struct Histogram(Arc<HistogramCore>);

#[derive(Debug)]
struct HistogramCore {
    bounds: Vec<f64>,
    buckets: Vec<AtomicU64>,
    count: AtomicU64,
    sum_ns: AtomicU64,
}

impl Histogram {
    fn new(bounds: &[f64]) -> Histogram {
        Histogram(Arc::new(HistogramCore {
            bounds: bounds.to_vec(),
            buckets: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum_ns: AtomicU64::new(0),
        }))
    }

    /// Records one duration.
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let core = &self.0;
        if let Some(i) = core.bounds.iter().position(|b| secs <= *b) {
            core.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        core.count.fetch_add(1, Ordering::Relaxed);
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        core.sum_ns.fetch_add(ns, Ordering::Relaxed);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.0.count.load(Ordering::Relaxed)
    }

    /// An empty set of observations with this histogram's buckets, to
    /// gather without atomics and add with [`Histogram::merge`].
    pub fn local(&self) -> LocalHistogram {
        LocalHistogram {
            bounds_ns: self
                .0
                .bounds
                .iter()
                .map(|b| (b * 1e9).round() as u64)
                .collect(),
            buckets: vec![0; self.0.bounds.len()],
            count: 0,
            sum_ns: 0,
        }
    }

    /// Adds what `local` gathered and empties it.
    pub fn merge(&self, local: &mut LocalHistogram) {
        if local.count == 0 {
            return;
        }
        let core = &self.0;
        for (bucket, n) in core.buckets.iter().zip(&mut local.buckets) {
            if *n > 0 {
                bucket.fetch_add(std::mem::take(n), Ordering::Relaxed);
            }
        }
        core.count
            .fetch_add(std::mem::take(&mut local.count), Ordering::Relaxed);
        core.sum_ns
            .fetch_add(std::mem::take(&mut local.sum_ns), Ordering::Relaxed);
    }
}

/// Observations of one thread not yet added to their [`Histogram`].
#[derive(Debug, Clone)]
pub struct LocalHistogram {
    bounds_ns: Vec<u64>,
    buckets: Vec<u64>,
    count: u64,
    sum_ns: u64,
}

impl LocalHistogram {
    /// Records one duration.
    pub fn observe(&mut self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        if let Some(i) = self.bounds_ns.iter().position(|b| ns <= *b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum_ns = self.sum_ns.saturating_add(ns);
    }

    /// Observations gathered since the last merge.
    pub fn count(&self) -> u64 {
        self.count
    }
}

/// Bucket bounds for per-event rule evaluation: 1 µs … 10 ms.
pub const EVAL_BUCKETS: [f64; 9] = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 1e-4, 1e-3, 1e-2, 1e-1];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

#[derive(Debug, Clone)]
enum Series {
    Counter(Counter),
    Gauge(Gauge),
    Histogram(Histogram),
}

type Labels = Vec<(String, String)>;

#[derive(Debug)]
struct Family {
    help: String,
    kind: Kind,
    series: BTreeMap<Labels, Series>,
}

/// All metrics of one harrier process.
#[derive(Debug, Default)]
pub struct Registry {
    families: Mutex<BTreeMap<String, Family>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Family>> {
        // A panic elsewhere while holding the lock leaves plain counters
        // behind: still safe to read and update.
        self.families.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn series(
        &self,
        name: &str,
        help: &str,
        kind: Kind,
        labels: &[(&str, &str)],
        make: impl FnOnce() -> Series,
    ) -> Series {
        let mut families = self.lock();
        let family = families.entry(name.to_string()).or_insert_with(|| Family {
            help: help.to_string(),
            kind,
            series: BTreeMap::new(),
        });
        let key: Labels = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        family.series.entry(key).or_insert_with(make).clone()
    }

    /// The counter `name{labels}`, created at zero on first use.
    pub fn counter(&self, name: &str, help: &str, labels: &[(&str, &str)]) -> Counter {
        match self.series(name, help, Kind::Counter, labels, || {
            Series::Counter(Counter::default())
        }) {
            Series::Counter(c) => c,
            _ => Counter::default(),
        }
    }

    /// The gauge `name{labels}`, created at zero on first use.
    pub fn gauge(&self, name: &str, help: &str, labels: &[(&str, &str)]) -> Gauge {
        match self.series(name, help, Kind::Gauge, labels, || {
            Series::Gauge(Gauge::default())
        }) {
            Series::Gauge(g) => g,
            _ => Gauge::default(),
        }
    }

    /// The histogram `name{labels}` with `bounds` (seconds).
    pub fn histogram(
        &self,
        name: &str,
        help: &str,
        labels: &[(&str, &str)],
        bounds: &[f64],
    ) -> Histogram {
        match self.series(name, help, Kind::Histogram, labels, || {
            Series::Histogram(Histogram::new(bounds))
        }) {
            Series::Histogram(h) => h,
            _ => Histogram::new(bounds),
        }
    }

    /// `harrier_events_read_total`: events taken from the capture source.
    pub fn events_read(&self) -> Counter {
        self.counter(
            "harrier_events_read_total",
            "Events read from the capture source.",
            &[],
        )
    }

    /// `harrier_events_dropped_total{category}`: events lost before the
    /// rules saw them (kernel buffer full, page faults, parse errors …).
    pub fn events_dropped(&self, category: &str) -> Counter {
        self.counter(
            "harrier_events_dropped_total",
            "Events lost before rule evaluation, by category.",
            &[("category", category)],
        )
    }

    /// `harrier_rule_evaluation_seconds`: time to evaluate the rules on one event.
    pub fn rule_evaluation(&self) -> Histogram {
        self.histogram(
            "harrier_rule_evaluation_seconds",
            "Time spent evaluating the ruleset on one event (one event in 64 is timed).",
            &[],
            &EVAL_BUCKETS,
        )
    }

    /// `harrier_alerts_total{rule,priority}`.
    pub fn alerts(&self, rule: &str, priority: &str) -> Counter {
        self.counter(
            "harrier_alerts_total",
            "Alerts raised, by rule and priority.",
            &[("rule", rule), ("priority", priority)],
        )
    }

    /// The value of a counter or gauge series, if it exists (for tests and `/healthz`).
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<i64> {
        let families = self.lock();
        let key: Labels = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        match families.get(name)?.series.get(&key)? {
            Series::Counter(c) => i64::try_from(c.get()).ok(),
            Series::Gauge(g) => Some(g.get()),
            Series::Histogram(h) => i64::try_from(h.count()).ok(),
        }
    }

    /// Every counter or gauge series of `name`: its labels and value.
    pub fn series_of(&self, name: &str) -> Vec<(Vec<(String, String)>, i64)> {
        let families = self.lock();
        let Some(family) = families.get(name) else {
            return Vec::new();
        };
        family
            .series
            .iter()
            .filter_map(|(labels, series)| {
                let v = match series {
                    Series::Counter(c) => i64::try_from(c.get()).ok()?,
                    Series::Gauge(g) => g.get(),
                    Series::Histogram(_) => return None,
                };
                Some((labels.clone(), v))
            })
            .collect()
    }

    /// The Prometheus text exposition of every series.
    pub fn render(&self) -> String {
        let families = self.lock();
        let mut out = String::new();
        for (name, family) in families.iter() {
            let _ = writeln!(out, "# HELP {name} {}", escape_help(&family.help));
            let _ = writeln!(out, "# TYPE {name} {}", family.kind.name());
            for (labels, series) in &family.series {
                render_series(&mut out, name, labels, series);
            }
        }
        out
    }
}

fn render_series(out: &mut String, name: &str, labels: &Labels, series: &Series) {
    match series {
        Series::Counter(c) => {
            let _ = writeln!(out, "{name}{} {}", label_text(labels, None), c.get());
        }
        Series::Gauge(g) => {
            let _ = writeln!(out, "{name}{} {}", label_text(labels, None), g.get());
        }
        Series::Histogram(h) => {
            let core = &h.0;
            let mut cumulative = 0;
            for (bound, bucket) in core.bounds.iter().zip(&core.buckets) {
                cumulative += bucket.load(Ordering::Relaxed);
                let le = format!("{bound}");
                let _ = writeln!(
                    out,
                    "{name}_bucket{} {cumulative}",
                    label_text(labels, Some(&le))
                );
            }
            let count = core.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{} {count}",
                label_text(labels, Some("+Inf"))
            );
            let sum = core.sum_ns.load(Ordering::Relaxed) as f64 / 1e9;
            let _ = writeln!(out, "{name}_sum{} {sum}", label_text(labels, None));
            let _ = writeln!(out, "{name}_count{} {count}", label_text(labels, None));
        }
    }
}

fn label_text(labels: &Labels, le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape_label(v)))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let r = Registry::new();
        r.events_read().add(3);
        r.alerts("Write \"below\" etc", "Warning").inc();
        r.events_dropped("buffer").add(2);
        r.rule_evaluation().observe(Duration::from_micros(3));
        let text = r.render();
        assert!(
            text.contains(
                "# TYPE harrier_events_read_total counter\nharrier_events_read_total 3\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "harrier_alerts_total{rule=\"Write \\\"below\\\" etc\",priority=\"Warning\"} 1"
            ),
            "{text}"
        );
        assert!(
            text.contains("harrier_rule_evaluation_seconds_bucket{le=\"0.000005\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("harrier_rule_evaluation_seconds_bucket{le=\"0.0000025\"} 0"),
            "{text}"
        );
        assert!(
            text.contains("harrier_rule_evaluation_seconds_count 1"),
            "{text}"
        );
        assert_eq!(
            r.value("harrier_events_dropped_total", &[("category", "buffer")]),
            Some(2)
        );
    }
}
