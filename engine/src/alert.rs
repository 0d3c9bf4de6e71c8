//! Alerts raised by rules, in Falco's text and JSON forms.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A rule's priority, most severe first (Falco's eight syslog levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// System is unusable.
    Emergency,
    /// Action must be taken immediately.
    Alert,
    /// Critical conditions.
    Critical,
    /// Error conditions.
    Error,
    /// Warning conditions.
    Warning,
    /// Normal but significant.
    Notice,
    /// Informational (`INFO` in rules files).
    Informational,
    /// Debug-level.
    Debug,
}

impl Priority {
    /// All priorities, most severe first.
    pub const ALL: [Priority; 8] = [
        Priority::Emergency,
        Priority::Alert,
        Priority::Critical,
        Priority::Error,
        Priority::Warning,
        Priority::Notice,
        Priority::Informational,
        Priority::Debug,
    ];

    /// Falco's spelling in alerts (`Warning`, `Informational`).
    pub fn name(self) -> &'static str {
        match self {
            Priority::Emergency => "Emergency",
            Priority::Alert => "Alert",
            Priority::Critical => "Critical",
            Priority::Error => "Error",
            Priority::Warning => "Warning",
            Priority::Notice => "Notice",
            Priority::Informational => "Informational",
            Priority::Debug => "Debug",
        }
    }

    /// Whether this priority is at least as severe as `min`.
    pub fn at_least(self, min: Priority) -> bool {
        self <= min
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for an unknown priority name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown priority '{0}'")]
pub struct UnknownPriority(pub String);

impl FromStr for Priority {
    type Err = UnknownPriority;

    /// Case-insensitive; accepts Falco's spellings (`INFO`, `informational`,
    /// `warn`, `emerg`, `crit`, `err`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let p = match s.to_ascii_lowercase().as_str() {
            "emergency" | "emerg" => Priority::Emergency,
            "alert" => Priority::Alert,
            "critical" | "crit" => Priority::Critical,
            "error" | "err" => Priority::Error,
            "warning" | "warn" => Priority::Warning,
            "notice" => Priority::Notice,
            "informational" | "info" => Priority::Informational,
            "debug" => Priority::Debug,
            _ => return Err(UnknownPriority(s.to_string())),
        };
        Ok(p)
    }
}

/// One alert: a rule matched an event.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Event time, ns since the epoch.
    pub time: u64,
    /// Rule name.
    pub rule: String,
    /// Rule priority.
    pub priority: Priority,
    /// The rule's output with its `%field`s resolved (without time and priority).
    pub message: String,
    /// Every field named in the output, typed (`null` where not available).
    pub output_fields: BTreeMap<String, serde_json::Value>,
    /// Event source (`syscall`, `k8s_audit`).
    pub source: String,
    /// Rule tags.
    pub tags: Vec<String>,
    /// Host the event was seen on.
    pub hostname: String,
}

impl Alert {
    /// Falco's alert line: `<time>: <Priority> <message>`, the time as
    /// `HH:MM:SS.nnnnnnnnn` (UTC).
    pub fn text(&self) -> String {
        format!(
            "{}: {} {}",
            clock_time(self.time),
            self.priority,
            self.message
        )
    }

    /// Falco's text line with an ISO 8601 time (`time_format_iso_8601`).
    pub fn text_iso8601(&self) -> String {
        format!("{}: {} {}", rfc3339(self.time), self.priority, self.message)
    }

    /// Falco's JSON alert object; `output` is the full text line.
    pub fn to_json(&self) -> serde_json::Value {
        let mut obj = serde_json::Map::new();
        let fields = self.output_fields.clone().into_iter().collect();
        obj.insert("hostname".into(), self.hostname.clone().into());
        obj.insert("output".into(), self.text().into());
        obj.insert("output_fields".into(), serde_json::Value::Object(fields));
        obj.insert("priority".into(), self.priority.name().into());
        obj.insert("rule".into(), self.rule.clone().into());
        obj.insert("source".into(), self.source.clone().into());
        obj.insert("tags".into(), self.tags.clone().into());
        obj.insert("time".into(), rfc3339(self.time).into());
        serde_json::Value::Object(obj)
    }

    /// One JSON line (no trailing newline).
    pub fn json_line(&self) -> String {
        self.to_json().to_string()
    }
}

/// `2016-08-04T16:17:57.881781397Z` for ns since the epoch.
pub fn rfc3339(ns: u64) -> String {
    let secs = ns / 1_000_000_000;
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}T{}Z", clock_time(ns))
}

/// `16:17:57.881781397` (UTC) for ns since the epoch.
pub fn clock_time(ns: u64) -> String {
    let secs = ns / 1_000_000_000;
    let day = secs % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:09}",
        day / 3600,
        day / 60 % 60,
        day % 60,
        ns % 1_000_000_000
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The host name alerts carry: `HARRIER_HOSTNAME` when set (in a pod, the
/// container's own host name is the pod's, so a DaemonSet passes the node
/// name there, as Falco does with `FALCO_HOSTNAME`), else this machine's
/// (`/proc/sys/kernel/hostname`), else `localhost`.
pub fn local_hostname() -> String {
    std::env::var("HARRIER_HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn times_render_like_falco() {
        let ns = 1_470_327_477_881_781_397;
        assert_eq!(rfc3339(ns), "2016-08-04T16:17:57.881781397Z");
        assert_eq!(clock_time(ns), "16:17:57.881781397");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            rfc3339(951_782_400_000_000_000),
            "2000-02-29T00:00:00.000000000Z"
        );
    }

    #[test]
    fn priorities_parse_falco_spellings_and_order_by_severity() {
        assert_eq!("INFO".parse::<Priority>().unwrap(), Priority::Informational);
        assert_eq!("Warning".parse::<Priority>().unwrap(), Priority::Warning);
        assert!("loud".parse::<Priority>().is_err());
        assert!(Priority::Critical.at_least(Priority::Warning));
        assert!(!Priority::Debug.at_least(Priority::Notice));
    }

    #[test]
    fn json_alert_has_falco_keys() {
        let alert = Alert {
            time: 1_470_327_477_881_781_397,
            rule: "r".into(),
            priority: Priority::Warning,
            message: "hello".into(),
            output_fields: BTreeMap::from([("proc.name".into(), "cat".into())]),
            source: "syscall".into(),
            tags: vec!["t".into()],
            hostname: "h".into(),
        };
        let v = alert.to_json();
        assert_eq!(v["output"], "16:17:57.881781397: Warning hello");
        assert_eq!(v["time"], "2016-08-04T16:17:57.881781397Z");
        assert_eq!(v["output_fields"]["proc.name"], "cat");
        assert_eq!(v["tags"][0], "t");
    }
}
