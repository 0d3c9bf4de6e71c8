//! Noise control, off unless configured: a per-rule token bucket, and a
//! dedup window folding repeats of the same rule and key fields into the
//! first alert plus one summary alert carrying the repeat count.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::config::{DedupConfig, NoiseConfig, RateLimitConfig};
use super::record::Record;

/// The output field a dedup summary carries its repeat count in.
pub const REPEATS_FIELD: &str = "harrier.repeats";

/// What happened to an alert.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Send it.
    Pass(Record),
    /// Folded into a dedup group; a summary follows when the window ends.
    Folded,
    /// Over the rule's rate.
    RateLimited,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

struct Group {
    ends: Instant,
    repeats: u64,
    last: Option<Record>,
}

/// Rate limit and dedup state.
pub struct Noise {
    rate: Option<RateLimitConfig>,
    buckets: HashMap<String, Bucket>,
    dedup: Option<DedupConfig>,
    groups: HashMap<(String, Vec<String>), Group>,
}

impl Noise {
    /// `None` when neither is configured.
    pub fn new(config: &NoiseConfig) -> Option<Noise> {
        if config.rate_limit.is_none() && config.dedup.is_none() {
            return None;
        }
        Some(Noise {
            rate: config.rate_limit.clone(),
            buckets: HashMap::new(),
            dedup: config.dedup.clone(),
            groups: HashMap::new(),
        })
    }

    /// Whether dedup summaries need a timer.
    pub fn has_dedup(&self) -> bool {
        self.dedup.is_some()
    }

    /// Decides about one alert.
    pub fn admit(&mut self, record: Record, now: Instant) -> Verdict {
        if let Some(dedup) = &self.dedup {
            let key = (
                record.rule.clone(),
                dedup.fields.iter().map(|f| key_text(&record, f)).collect(),
            );
            let window = dedup.window;
            match self.groups.get_mut(&key) {
                Some(group) if now < group.ends => {
                    group.repeats += 1;
                    group.last = Some(record);
                    return Verdict::Folded;
                }
                _ => {
                    self.groups.insert(
                        key,
                        Group {
                            ends: now + window,
                            repeats: 0,
                            last: None,
                        },
                    );
                }
            }
        }
        if let Some(rate) = &self.rate {
            let bucket = self.buckets.entry(record.rule.clone()).or_insert(Bucket {
                tokens: f64::from(rate.burst),
                at: now,
            });
            let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * rate.per_second;
            bucket.tokens = (bucket.tokens + refill).min(f64::from(rate.burst));
            bucket.at = now;
            if bucket.tokens < 1.0 {
                return Verdict::RateLimited;
            }
            bucket.tokens -= 1.0;
        }
        Verdict::Pass(record)
    }

    /// Summaries of dedup windows that ended by `now` (all of them if `now` is `None`).
    pub fn expired(&mut self, now: Option<Instant>) -> Vec<Record> {
        let window = self.dedup.as_ref().map_or(Duration::ZERO, |d| d.window);
        let mut out = Vec::new();
        self.groups.retain(|_, group| {
            if now.is_some_and(|now| now < group.ends) {
                return true;
            }
            if let Some(last) = group.last.take() {
                out.push(summary(last, group.repeats, window));
            }
            false
        });
        out.sort_by_key(|r| r.time_ns);
        out
    }
}

fn key_text(record: &Record, field: &str) -> String {
    match record.output_fields.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

/// The last folded alert, marked with how many repeats it stands for.
fn summary(mut last: Record, repeats: u64, window: Duration) -> Record {
    last.output = format!(
        "{} (repeated {repeats} times within {}s)",
        last.output,
        window.as_secs_f64()
    );
    last.output_fields
        .insert(REPEATS_FIELD.into(), repeats.into());
    last
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::output::record::tests::sample;
    use engine::alert::Priority;

    #[test]
    fn dedup_folds_repeats_into_one_summary() {
        let config = NoiseConfig {
            rate_limit: None,
            dedup: Some(DedupConfig {
                window: Duration::from_secs(10),
                fields: vec!["proc.name".into()],
            }),
        };
        let mut noise = Noise::new(&config).unwrap();
        let t0 = Instant::now();
        assert!(matches!(
            noise.admit(sample(0, Priority::Warning), t0),
            Verdict::Pass(_)
        ));
        for n in 1..5 {
            assert_eq!(
                noise.admit(sample(n, Priority::Warning), t0 + Duration::from_secs(n)),
                Verdict::Folded
            );
        }
        assert!(noise.expired(Some(t0 + Duration::from_secs(9))).is_empty());
        let summaries = noise.expired(Some(t0 + Duration::from_secs(10)));
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].output_fields[REPEATS_FIELD], 4);
        assert_eq!(summaries[0].output_fields["evt.num"], 4);
        assert!(summaries[0]
            .output
            .ends_with("(repeated 4 times within 10s)"));
        // A new window starts with a fresh alert passing.
        assert!(matches!(
            noise.admit(sample(9, Priority::Warning), t0 + Duration::from_secs(11)),
            Verdict::Pass(_)
        ));
        assert!(noise.expired(None).is_empty(), "no repeats, no summary");
    }

    #[test]
    fn rate_limit_is_a_token_bucket_per_rule() {
        let config = NoiseConfig {
            rate_limit: Some(RateLimitConfig {
                per_second: 1.0,
                burst: 2,
            }),
            dedup: None,
        };
        let mut noise = Noise::new(&config).unwrap();
        let t0 = Instant::now();
        let verdicts: Vec<bool> = (0..4)
            .map(|n| {
                matches!(
                    noise.admit(sample(n, Priority::Warning), t0),
                    Verdict::Pass(_)
                )
            })
            .collect();
        assert_eq!(verdicts, [true, true, false, false]);
        assert!(matches!(
            noise.admit(sample(5, Priority::Warning), t0 + Duration::from_secs(1)),
            Verdict::Pass(_)
        ));
        assert_eq!(
            noise.admit(sample(6, Priority::Warning), t0 + Duration::from_secs(1)),
            Verdict::RateLimited
        );
        assert!(Noise::new(&NoiseConfig::default()).is_none());
    }
}
