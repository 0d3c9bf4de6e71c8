//! Output configuration: the `outputs`, `delivery`, `noise` and `metrics`
//! sections of `harrier.yaml`, and the `--output KIND[=TARGET]` flags.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use engine::alert::Priority;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// Everything the output layer is configured with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OutputConfig {
    /// The sinks alerts go to.
    #[serde(default)]
    pub outputs: Vec<SinkConfig>,
    /// Queues, retries and the on-disk spool.
    #[serde(default)]
    pub delivery: DeliveryConfig,
    /// Rate limiting and deduplication (both off by default).
    #[serde(default)]
    pub noise: NoiseConfig,
    /// The Prometheus endpoint.
    #[serde(default)]
    pub metrics: MetricsConfig,
}

/// A configuration error naming where it is.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl OutputConfig {
    /// Reads the output sections of a `harrier.yaml`; other top-level keys
    /// belong to other parts of harrier and are ignored here.
    pub fn from_yaml_file(path: &Path) -> Result<OutputConfig, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
        OutputConfig::from_yaml_str(&text)
            .map_err(|e| ConfigError(format!("{}: {e}", path.display())))
    }

    /// Parses the output sections of a YAML document.
    pub fn from_yaml_str(text: &str) -> Result<OutputConfig, ConfigError> {
        if text.trim().is_empty() {
            return Ok(OutputConfig::default());
        }
        serde_yaml::from_str(text).map_err(|e| ConfigError(e.to_string()))
    }

    /// Adds one sink per `--output KIND[=TARGET]` flag.
    pub fn add_flags<S: AsRef<str>>(&mut self, flags: &[S]) -> Result<(), ConfigError> {
        for flag in flags {
            self.outputs.push(SinkConfig::from_flag(flag.as_ref())?);
        }
        Ok(())
    }
}

/// One sink: its kind with its settings, plus what every sink has.
#[derive(Debug, Clone)]
pub struct SinkConfig {
    /// Name in metrics and the spool directory; defaults to the kind, made
    /// unique with a numeric suffix.
    pub name: Option<String>,
    /// Alerts less severe than this are not sent to this sink.
    pub min_priority: Priority,
    /// What kind of sink and its settings.
    pub kind: SinkKind,
}

/// The sink kinds and their settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SinkKind {
    /// Standard output.
    Stdout(StdoutConfig),
    /// JSON lines appended to a file.
    File(FileConfig),
    /// RFC 5424 syslog.
    Syslog(SyslogConfig),
    /// Falco JSON POSTed to a URL (falcosidekick and alike).
    Webhook(WebhookConfig),
    /// Grafana Loki push API.
    Loki(LokiConfig),
    /// Prometheus Alertmanager v2 API.
    Alertmanager(AlertmanagerConfig),
}

impl SinkKind {
    /// The kind's name as written in the configuration.
    pub fn name(&self) -> &'static str {
        match self {
            SinkKind::Stdout(_) => "stdout",
            SinkKind::File(_) => "file",
            SinkKind::Syslog(_) => "syslog",
            SinkKind::Webhook(_) => "webhook",
            SinkKind::Loki(_) => "loki",
            SinkKind::Alertmanager(_) => "alertmanager",
        }
    }

    /// Whether the sink is across a network and so gets the spool.
    pub fn is_remote(&self) -> bool {
        !matches!(self, SinkKind::Stdout(_) | SinkKind::File(_))
    }
}

/// Text or JSON lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineFormat {
    /// Falco's text line.
    #[default]
    Text,
    /// Falco's JSON alert.
    Json,
}

/// `kind: stdout`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StdoutConfig {
    /// `text` (default) or `json`.
    #[serde(default)]
    pub format: LineFormat,
}

/// When the file sink calls `fsync`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FsyncPolicy {
    /// After every alert: nothing acknowledged is lost on power failure.
    Always,
    /// At most once a second, and on shutdown.
    #[default]
    Interval,
    /// Left to the kernel (still flushed to the kernel per alert).
    Never,
}

/// `kind: file`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The file alerts are appended to.
    pub path: PathBuf,
    /// Rotate when the file would grow past this many bytes (0: never).
    #[serde(default = "default_rotate_bytes")]
    pub rotate_bytes: u64,
    /// How many rotated files (`path.1` … `path.N`) to keep.
    #[serde(default = "default_keep")]
    pub keep: u32,
    /// `always`, `interval` (default) or `never`.
    #[serde(default)]
    pub fsync: FsyncPolicy,
    /// `json` (default) or `text`.
    #[serde(default = "json_format")]
    pub format: LineFormat,
}

fn default_rotate_bytes() -> u64 {
    100 * 1024 * 1024
}
fn default_keep() -> u32 {
    5
}
fn json_format() -> LineFormat {
    LineFormat::Json
}

/// `kind: syslog`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyslogConfig {
    /// `udp://host:port`, `tcp://host:port` or `unix:///dev/log`.
    pub url: String,
    /// Syslog facility name (`user`, `daemon`, `local0` … `local7`); default `user` as Falco.
    #[serde(default = "default_facility")]
    pub facility: String,
    /// APP-NAME; default `harrier`.
    #[serde(default = "default_app_name")]
    pub app_name: String,
    /// `text` (default) or `json` message body.
    #[serde(default)]
    pub format: LineFormat,
}

fn default_facility() -> String {
    "user".into()
}
fn default_app_name() -> String {
    "harrier".into()
}

/// HTTP settings shared by the webhook, Loki and Alertmanager sinks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// Extra request headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Compress request bodies (`Content-Encoding: gzip`).
    #[serde(default)]
    pub gzip: bool,
    /// PEM file of CA certificates to trust instead of the system store.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate chain for mutual TLS (needs `client_key` and `ca_file`).
    #[serde(default)]
    pub client_cert: Option<PathBuf>,
    /// PEM private key of `client_cert`.
    #[serde(default)]
    pub client_key: Option<PathBuf>,
    /// Per-request timeout; default 10 s.
    #[serde(default, deserialize_with = "opt_duration")]
    pub timeout: Option<Duration>,
}

/// `kind: webhook`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// Where alerts are POSTed.
    pub url: String,
    /// Headers, gzip, TLS.
    #[serde(flatten)]
    pub http: HttpConfig,
}

/// `kind: loki`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LokiConfig {
    /// Loki's base URL; `/loki/api/v1/push` is appended.
    pub url: String,
    /// `X-Scope-OrgID` tenant.
    #[serde(default)]
    pub tenant: Option<String>,
    /// Basic auth user.
    #[serde(default)]
    pub user: Option<String>,
    /// Basic auth password or API key.
    #[serde(default)]
    pub api_key: Option<String>,
    /// Output fields added as labels (`k8s.ns.name` becomes `k8s_ns_name`).
    #[serde(default)]
    pub extra_labels: Vec<String>,
    /// `text` (the output line, default) or `json` (the whole alert).
    #[serde(default)]
    pub format: LineFormat,
    /// Headers, gzip, TLS.
    #[serde(flatten)]
    pub http: HttpConfig,
}

/// `kind: alertmanager`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertmanagerConfig {
    /// Alertmanager's base URL; `/api/v2/alerts` is appended.
    pub url: String,
    /// Sets `endsAt` to the alert time plus this; unset leaves it to Alertmanager.
    #[serde(default, deserialize_with = "opt_duration")]
    pub expires_after: Option<Duration>,
    /// Labels added to every alert.
    #[serde(default)]
    pub extra_labels: BTreeMap<String, String>,
    /// Annotations added to every alert.
    #[serde(default)]
    pub extra_annotations: BTreeMap<String, String>,
    /// Overrides of the priority → `severity` label map (keys are priorities).
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Headers, gzip, TLS.
    #[serde(flatten)]
    pub http: HttpConfig,
}

/// Queues, retries and the on-disk spool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryConfig {
    /// Alerts held in memory per sink before `emit` counts them as dropped.
    #[serde(default = "default_queue_capacity")]
    pub queue_capacity: usize,
    /// Where remote sinks spill alerts while they are down; without it a
    /// down sink keeps at most `queue_capacity` alerts in memory.
    #[serde(default)]
    pub spool_dir: Option<PathBuf>,
    /// Spool size per sink beyond which new alerts are counted as failed.
    #[serde(default = "default_spool_max_bytes")]
    pub spool_max_bytes: u64,
    /// First retry delay; doubles after each failed attempt.
    #[serde(default = "default_initial_backoff", deserialize_with = "duration")]
    pub initial_backoff: Duration,
    /// Longest retry delay.
    #[serde(default = "default_max_backoff", deserialize_with = "duration")]
    pub max_backoff: Duration,
    /// How long shutdown keeps delivering before it persists or counts the rest.
    #[serde(default = "default_shutdown_timeout", deserialize_with = "duration")]
    pub shutdown_timeout: Duration,
    /// Most alerts one request carries to a sink that takes several (Loki,
    /// Alertmanager) when several are waiting; 1 sends one per request.
    #[serde(default = "default_max_batch", deserialize_with = "positive")]
    pub max_batch: usize,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            queue_capacity: default_queue_capacity(),
            spool_dir: None,
            spool_max_bytes: default_spool_max_bytes(),
            initial_backoff: default_initial_backoff(),
            max_backoff: default_max_backoff(),
            shutdown_timeout: default_shutdown_timeout(),
            max_batch: default_max_batch(),
        }
    }
}

fn default_queue_capacity() -> usize {
    10_000
}
fn default_spool_max_bytes() -> u64 {
    1024 * 1024 * 1024
}
fn default_initial_backoff() -> Duration {
    Duration::from_millis(200)
}
fn default_max_backoff() -> Duration {
    Duration::from_secs(30)
}
fn default_shutdown_timeout() -> Duration {
    Duration::from_secs(10)
}
fn default_max_batch() -> usize {
    100
}

fn positive<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    match usize::deserialize(d)? {
        0 => Err(D::Error::custom("must be at least 1")),
        n => Ok(n),
    }
}

/// Rate limiting and deduplication, both off unless configured.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoiseConfig {
    /// Per-rule token bucket.
    #[serde(default)]
    pub rate_limit: Option<RateLimitConfig>,
    /// Collapse repeats of the same rule and key fields.
    #[serde(default)]
    pub dedup: Option<DedupConfig>,
}

/// Per-rule token bucket: `burst` alerts at once, refilled at `per_second`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sustained alerts per second per rule.
    pub per_second: f64,
    /// Bucket size.
    pub burst: u32,
}

/// Same rule and same values of `fields` within `window` → one alert, then
/// one summary alert carrying the count of the repeats.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DedupConfig {
    /// How long repeats are folded together.
    #[serde(deserialize_with = "duration")]
    pub window: Duration,
    /// Output fields that tell alerts of one rule apart.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// The Prometheus endpoint.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Address to serve `/metrics` and `/healthz` on.
    #[serde(default)]
    pub listen: Option<String>,
}

impl SinkConfig {
    /// Parses `--output KIND[=TARGET]`: `stdout`, `stdout-json`,
    /// `file=/path`, `syslog=udp://…|tcp://…|unix:///dev/log`,
    /// `webhook=URL`, `loki=URL`, `alertmanager=URL`.
    pub fn from_flag(flag: &str) -> Result<SinkConfig, ConfigError> {
        let (kind, target) = match flag.split_once('=') {
            Some((k, t)) => (k, Some(t)),
            None => (flag, None),
        };
        let need = |what: &str| {
            target
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .ok_or_else(|| ConfigError(format!("--output {flag}: `{kind}` needs ={what}")))
        };
        let http = HttpConfig::default;
        let kind = match kind {
            "stdout" => SinkKind::Stdout(StdoutConfig { format: LineFormat::Text }),
            "stdout-json" => SinkKind::Stdout(StdoutConfig { format: LineFormat::Json }),
            "file" => SinkKind::File(FileConfig {
                path: PathBuf::from(need("PATH")?),
                rotate_bytes: default_rotate_bytes(),
                keep: default_keep(),
                fsync: FsyncPolicy::default(),
                format: LineFormat::Json,
            }),
            "syslog" => SinkKind::Syslog(SyslogConfig {
                url: need("udp://HOST:PORT|tcp://HOST:PORT|unix:///PATH")?,
                facility: default_facility(),
                app_name: default_app_name(),
                format: LineFormat::Text,
            }),
            "webhook" => SinkKind::Webhook(WebhookConfig { url: need("URL")?, http: http() }),
            "loki" => SinkKind::Loki(LokiConfig {
                url: need("URL")?,
                tenant: None,
                user: None,
                api_key: None,
                extra_labels: Vec::new(),
                format: LineFormat::Text,
                http: http(),
            }),
            "alertmanager" => SinkKind::Alertmanager(AlertmanagerConfig {
                url: need("URL")?,
                expires_after: None,
                extra_labels: BTreeMap::new(),
                extra_annotations: BTreeMap::new(),
                severity: BTreeMap::new(),
                http: http(),
            }),
            other => {
                return Err(ConfigError(format!(
                    "--output {flag}: unknown kind `{other}` (stdout, stdout-json, file, syslog, webhook, loki, alertmanager)"
                )))
            }
        };
        Ok(SinkConfig {
            name: None,
            min_priority: Priority::Debug,
            kind,
        })
    }
}

impl<'de> Deserialize<'de> for SinkConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = serde_yaml::Mapping::deserialize(d)?;
        let name = match map.remove("name") {
            Some(v) => Some(serde_yaml::from_value::<String>(v).map_err(D::Error::custom)?),
            None => None,
        };
        let min_priority = match map.remove("min_priority") {
            Some(v) => {
                let s = serde_yaml::from_value::<String>(v).map_err(D::Error::custom)?;
                s.parse().map_err(D::Error::custom)?
            }
            None => Priority::Debug,
        };
        let kind =
            serde_yaml::from_value(serde_yaml::Value::Mapping(map)).map_err(D::Error::custom)?;
        Ok(SinkConfig {
            name,
            min_priority,
            kind,
        })
    }
}

/// Parses `250ms`, `30s`, `5m`, `1h`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| format!("bad duration `{text}`"))?;
    let secs = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("bad duration unit in `{text}` (ms, s, m, h)")),
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("bad duration `{text}`"))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DurationText {
    Secs(f64),
    Text(String),
}

fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    match DurationText::deserialize(d)? {
        DurationText::Secs(s) => Duration::try_from_secs_f64(s).map_err(D::Error::custom),
        DurationText::Text(t) => parse_duration(&t).map_err(D::Error::custom),
    }
}

fn opt_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    duration(d).map(Some)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn flags_make_sinks() {
        let mut cfg = OutputConfig::default();
        cfg.add_flags(&[
            "stdout",
            "stdout-json",
            "file=/tmp/a.jsonl",
            "syslog=udp://127.0.0.1:514",
            "webhook=http://127.0.0.1:2801/",
            "loki=http://127.0.0.1:3100",
            "alertmanager=http://127.0.0.1:9093",
        ])
        .unwrap();
        let kinds: Vec<_> = cfg.outputs.iter().map(|s| s.kind.name()).collect();
        assert_eq!(
            kinds,
            [
                "stdout",
                "stdout",
                "file",
                "syslog",
                "webhook",
                "loki",
                "alertmanager"
            ]
        );
        assert!(SinkConfig::from_flag("loki").is_err());
        assert!(SinkConfig::from_flag("kafka=x").is_err());
    }

    #[test]
    fn yaml_sections_parse_and_unknown_keys_are_named() {
        let cfg = OutputConfig::from_yaml_str(
            "rules_files: [x.yaml]\n\
             outputs:\n\
             - kind: loki\n  url: http://l:3100\n  tenant: t1\n  min_priority: warning\n  gzip: true\n\
             - kind: file\n  path: /tmp/x\n  fsync: always\n  rotate_bytes: 1000\n\
             delivery:\n  spool_dir: /tmp/s\n  initial_backoff: 50ms\n  max_backoff: 2\n  max_batch: 20\n\
             noise:\n  dedup:\n    window: 1m\n    fields: [proc.name]\n",
        )
        .unwrap();
        assert_eq!(cfg.outputs.len(), 2);
        assert_eq!(cfg.outputs[0].min_priority, Priority::Warning);
        match &cfg.outputs[0].kind {
            SinkKind::Loki(l) => {
                assert_eq!(l.tenant.as_deref(), Some("t1"));
                assert!(l.http.gzip);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(cfg.delivery.initial_backoff, Duration::from_millis(50));
        assert_eq!(cfg.delivery.max_backoff, Duration::from_secs(2));
        assert_eq!(cfg.delivery.max_batch, 20);
        assert_eq!(DeliveryConfig::default().max_batch, 100);
        let err = OutputConfig::from_yaml_str("delivery:\n  max_batch: 0\n").unwrap_err();
        assert!(err.0.contains("at least 1"), "{err}");
        assert_eq!(cfg.noise.dedup.unwrap().window, Duration::from_secs(60));
        let err = OutputConfig::from_yaml_str("outputs:\n- kind: file\n  paht: /x\n").unwrap_err();
        assert!(err.0.contains("paht"), "{err}");
        let err =
            OutputConfig::from_yaml_str("outputs:\n- kind: loki\n  url: http://l\n  tenat: x\n")
                .unwrap_err();
        assert!(err.0.contains("tenat"), "{err}");
    }

    #[test]
    fn the_readme_examples_parse() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
        let section = &readme[readme.find("\n## Outputs").unwrap()..];
        let blocks: Vec<&str> = section
            .split("```yaml\n")
            .skip(1)
            .map(|b| &b[..b.find("```").unwrap()])
            .collect();
        assert!(blocks.len() >= 2, "outputs and noise examples");
        let outputs = OutputConfig::from_yaml_str(blocks[0]).unwrap();
        let kinds: Vec<_> = outputs.outputs.iter().map(|s| s.kind.name()).collect();
        assert_eq!(
            kinds,
            [
                "stdout",
                "loki",
                "alertmanager",
                "syslog",
                "webhook",
                "file"
            ]
        );
        let noise: NoiseConfig = serde_yaml::from_str::<OutputConfig>(blocks[1])
            .unwrap()
            .noise;
        assert!(noise.rate_limit.is_some() && noise.dedup.is_some());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert!(parse_duration("3 weeks").is_err());
    }
}
