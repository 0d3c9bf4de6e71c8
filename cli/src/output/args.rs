//! The command-line flags that configure outputs, for subcommands to
//! `#[command(flatten)]`.

use std::path::PathBuf;

use super::config::{ConfigError, OutputConfig};
use super::{OutputError, Outputs};

/// `--output`, `--config`, `--metrics-listen`, `--spool-dir`, `--max-batch`.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct OutputArgs {
    /// Send alerts to a sink (repeatable): stdout, stdout-json, file=PATH,
    /// syslog=udp://HOST:PORT|tcp://HOST:PORT|unix:///dev/log, webhook=URL,
    /// loki=URL, alertmanager=URL.
    #[arg(long = "output", value_name = "KIND[=TARGET]")]
    pub outputs: Vec<String>,
    /// Configuration file (harrier.yaml): `outputs`, `delivery`, `noise`,
    /// `metrics` sections; `--output` flags add to its sinks.
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Serve Prometheus `/metrics` and `/healthz` on ADDR (e.g. 127.0.0.1:8765).
    #[arg(long = "metrics-listen", value_name = "ADDR")]
    pub metrics_listen: Option<String>,
    /// Directory where remote sinks keep undelivered alerts across restarts.
    #[arg(long = "spool-dir", value_name = "DIR")]
    pub spool_dir: Option<PathBuf>,
    /// Most alerts sent in one request to Loki or Alertmanager when several
    /// are waiting (default 100; 1 sends one request per alert).
    #[arg(long = "max-batch", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_batch: Option<u32>,
}

impl OutputArgs {
    /// Whether any flag asks for the output layer.
    pub fn is_set(&self) -> bool {
        !self.outputs.is_empty() || self.config.is_some() || self.metrics_listen.is_some()
    }

    /// The configuration the flags describe: the file (if any), then the
    /// `--output` sinks, then the overrides.
    pub fn to_config(&self) -> Result<OutputConfig, ConfigError> {
        let mut config = match &self.config {
            Some(path) => OutputConfig::from_yaml_file(path)?,
            None => OutputConfig::default(),
        };
        config.add_flags(&self.outputs)?;
        if let Some(addr) = &self.metrics_listen {
            config.metrics.listen = Some(addr.clone());
        }
        if let Some(dir) = &self.spool_dir {
            config.delivery.spool_dir = Some(dir.clone());
        }
        if let Some(n) = self.max_batch {
            config.delivery.max_batch = n as usize;
        }
        Ok(config)
    }

    /// Starts the outputs the flags describe, or `None` when no flag asks
    /// for them (the caller then prints alerts its own way). When the flags
    /// configure no sink at all (say only `--metrics-listen`), alerts go to
    /// standard output, as Falco text or, with `json`, Falco JSON.
    pub fn start(&self, json: bool) -> Result<Option<Outputs>, OutputError> {
        if !self.is_set() {
            return Ok(None);
        }
        let mut config = self.to_config().map_err(|e| OutputError(e.to_string()))?;
        if config.outputs.is_empty() {
            let flag = if json { "stdout-json" } else { "stdout" };
            config
                .add_flags(&[flag])
                .map_err(|e| OutputError(e.to_string()))?;
        }
        let outputs = Outputs::from_config(&config)?;
        for (sink, n) in outputs.reloaded() {
            eprintln!("harrier: output {sink}: {n} undelivered alert(s) from an earlier run, delivering first");
        }
        Ok(Some(outputs))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::output::config::SinkKind;

    #[test]
    fn the_shipped_example_config_parses_and_flags_add_to_it() {
        let args = OutputArgs {
            outputs: vec!["stdout-json".into()],
            config: Some(PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../harrier.yaml"
            ))),
            metrics_listen: Some("127.0.0.1:0".into()),
            spool_dir: None,
            max_batch: Some(7),
        };
        assert!(args.is_set());
        let config = args.to_config().unwrap();
        let kinds: Vec<_> = config.outputs.iter().map(|s| s.kind.name()).collect();
        assert_eq!(
            kinds,
            [
                "stdout",
                "file",
                "syslog",
                "webhook",
                "loki",
                "alertmanager",
                "stdout"
            ]
        );
        assert!(
            matches!(&config.outputs[4].kind, SinkKind::Loki(l) if l.tenant.as_deref() == Some("security"))
        );
        assert_eq!(config.metrics.listen.as_deref(), Some("127.0.0.1:0"));
        assert_eq!(config.delivery.max_batch, 7, "the flag overrides the file");
        assert!(config.noise.dedup.is_some() && config.noise.rate_limit.is_some());
        assert!(!OutputArgs::default().is_set());
    }
}
