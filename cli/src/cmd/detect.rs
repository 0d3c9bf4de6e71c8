//! `harrier detect`: evaluates rules against a capture, an audit log or the
//! live system and prints Falco-format alerts.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use engine::alert::{local_hostname, Alert, Priority};
use engine::engine::{Ruleset, Selection};
use engine::field::FieldSource;
use engine::k8saudit::{open_replay, K8sAuditSource};
use engine::rules::{self, Diagnostic, Loaded};

use super::units::{parse_duration, parse_size};
use crate::output::args::OutputArgs;
use crate::output::metrics::EventMeter;
use crate::output::Outputs;

mod live;
mod syscall;

/// The event sources harrier evaluates rules against.
pub const KNOWN_SOURCES: &[&str] = &["syscall", "k8s_audit"];

/// Arguments of `harrier detect`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Rules file; repeat to load several, in order, as one ruleset.
    /// Default: every `*.yaml` of the shipped `rules/default`.
    #[arg(short = 'r', long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Replay a `.scap` capture (syscall) or a JSON/JSON-lines audit log (k8s_audit).
    #[arg(long, required_unless_present_any = ["live", "k8s_audit_listen", "k8s_audit_file"], conflicts_with = "live")]
    pub replay: Option<PathBuf>,
    /// Watch the live system through the eBPF backend (needs root).
    #[arg(long)]
    pub live: bool,
    /// With --live: stop after this long (`10s`, `500ms`, `2m`, `1h`; plain
    /// numbers are seconds).
    #[arg(long, requires = "live", value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// With --live: run this command, watch only its process tree, stop when it exits.
    #[arg(last = true, requires = "live")]
    pub command: Vec<String>,
    /// With --live: also record the evaluated events, with the starting
    /// process and fd state, to this .scap file (replaying it gives the same
    /// alerts).
    #[arg(
        short = 'w',
        long = "write",
        value_name = "OUT.scap",
        requires = "live"
    )]
    pub write: Option<PathBuf>,
    /// With --live: bytes of each kernel ring buffer (e.g. 64K, 8M); the
    /// default is 8M. Smaller rings lose events under load (counted in
    /// `harrier_events_dropped_total`).
    #[arg(long, value_name = "SIZE", requires = "live", value_parser = parse_size)]
    pub ring_size: Option<u32>,
    /// Event source of the replay; guessed from the file when absent.
    #[arg(long, value_parser = ["syscall", "k8s_audit"])]
    pub source: Option<String>,
    /// Print one Falco JSON alert per line.
    #[arg(long)]
    pub json: bool,
    /// Run only rules at least this severe (emergency ... debug).
    #[arg(long, value_parser = parse_priority)]
    pub min_priority: Option<Priority>,
    /// Run only rules with this tag (repeatable: any of them).
    #[arg(long = "enable-tag")]
    pub enable_tags: Vec<String>,
    /// Do not run rules with this tag (repeatable).
    #[arg(long = "disable-tag")]
    pub disable_tags: Vec<String>,
    /// Do not run rules whose name matches this glob (repeatable).
    #[arg(long = "disable-rule")]
    pub disable_rules: Vec<String>,
    /// Live Kubernetes audit sources (webhook, followed log).
    #[command(flatten)]
    pub k8s: crate::webhook::K8sAuditArgs,
    /// Output sinks instead of standard output: `--output`, `--config`,
    /// `--metrics-listen`, `--spool-dir`.
    #[command(flatten)]
    pub outputs: OutputArgs,
}

fn parse_priority(s: &str) -> Result<Priority, String> {
    s.parse().map_err(|e| format!("{e}"))
}

/// The shipped default rules directory.
pub fn default_rules_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HARRIER_RULES_DIR") {
        return PathBuf::from(dir);
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/default"))
}

/// Every `*.yaml`/`*.yml` file of `dir`, in name order.
pub fn rules_in_dir(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading rules directory {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Expands directories among `paths` (or the default directory when empty).
pub fn rules_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if paths.is_empty() {
        let dir = default_rules_dir();
        let files = rules_in_dir(&dir)?;
        if files.is_empty() {
            bail!("no rules files in {} (pass --rules FILE)", dir.display());
        }
        return Ok(files);
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(rules_in_dir(p)?);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Compile diagnostics of the syscall rules of `loaded`.
pub fn syscall_diagnostics(loaded: &Loaded) -> Vec<Diagnostic> {
    syscall::diagnostics(loaded)
}

/// Guesses the source of a replay file: JSON starts with `{` or `[`.
pub fn guess_source(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if matches!(ext, "json" | "jsonl" | "ndjson") {
        return "k8s_audit";
    }
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    match head[..n].iter().find(|c| !c.is_ascii_whitespace()) {
        Some(b'{' | b'[') => "k8s_audit",
        _ => "syscall",
    }
}

/// Prints diagnostics to stderr; fails when one is an error.
fn report(diags: &[Diagnostic]) -> anyhow::Result<()> {
    let mut errors = 0;
    for d in diags {
        if d.is_error() {
            errors += 1;
            eprintln!("{d}");
        }
    }
    let warnings = diags.len() - errors;
    if warnings > 0 {
        eprintln!("rules loaded with {warnings} warning(s) (see `harrier rules validate`)");
    }
    if errors > 0 {
        bail!("{errors} error(s) in the rules files");
    }
    Ok(())
}

/// Loads the rules of `args` and compiles those of `source`.
pub fn ruleset<S: FieldSource>(
    files: &[PathBuf],
    source: &S,
    selection: &Selection,
) -> anyhow::Result<(Loaded, Ruleset<S>)> {
    let loaded = rules::load_paths(files)?;
    report(&loaded.diagnostics)?;
    let (mut set, diags) = Ruleset::compile(&loaded, source);
    report(&diags)?;
    set.select(selection, source);
    Ok((loaded, set))
}

/// Writes alerts as text or JSON lines and counts them by priority.
pub struct AlertWriter<W: Write> {
    out: W,
    json: bool,
    counts: [u64; 8],
}

impl<W: Write> AlertWriter<W> {
    /// A writer printing JSON (`json`) or Falco text lines.
    pub fn new(out: W, json: bool) -> AlertWriter<W> {
        AlertWriter {
            out,
            json,
            counts: [0; 8],
        }
    }

    /// Writes one alert.
    pub fn write(&mut self, alert: &Alert) -> std::io::Result<()> {
        self.counts[alert.priority as usize] += 1;
        let line = if self.json {
            alert.json_line()
        } else {
            alert.text()
        };
        writeln!(self.out, "{line}")
    }

    /// Writes one alert and flushes (live runs print alerts as they happen).
    pub fn write_flushed(&mut self, alert: &Alert) -> std::io::Result<()> {
        self.write(alert)?;
        self.out.flush()
    }

    /// Flushes and prints Falco's end-of-run summary to stderr.
    pub fn finish(mut self, events: u64) -> std::io::Result<()> {
        self.out.flush()?;
        let total: u64 = self.counts.iter().sum();
        eprintln!("Events detected: {total} (of {events} events)");
        for p in Priority::ALL {
            let n = self.counts[p as usize];
            if n > 0 {
                eprintln!("   {}: {n}", p.name());
            }
        }
        Ok(())
    }
}

/// Receives each alert; an error stops the replay.
pub type OnAlert<'a> = dyn FnMut(Alert) -> std::io::Result<()> + 'a;

/// Replays `path` (of `source`) through the rules in `files` and hands each
/// alert to `on_alert`; returns the number of events read.
pub fn replay(
    files: &[PathBuf],
    path: &Path,
    source: &str,
    selection: &Selection,
    on_alert: &mut OnAlert<'_>,
) -> anyhow::Result<u64> {
    let mut meter = EventMeter::detached();
    replay_metered(files, path, source, selection, on_alert, &mut meter)
}

/// [`replay`], counting events, drops and evaluation time into `meter`.
fn replay_metered(
    files: &[PathBuf],
    path: &Path,
    source: &str,
    selection: &Selection,
    on_alert: &mut OnAlert<'_>,
    meter: &mut EventMeter,
) -> anyhow::Result<u64> {
    match source {
        "k8s_audit" => {
            let source = K8sAuditSource;
            let (_, set) = ruleset(files, &source, selection)?;
            audit_loop(&set, open_replay(path)?, on_alert, meter)
        }
        _ => syscall::replay(files, path, selection, on_alert, meter),
    }
}

/// Runs `harrier detect`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let disables = !args.disable_tags.is_empty() || !args.disable_rules.is_empty();
    if !args.enable_tags.is_empty() && disables {
        bail!("--enable-tag cannot be combined with --disable-tag or --disable-rule (Falco's -t with -T/-D)");
    }
    let selection = Selection {
        min_priority: args.min_priority,
        enable_tags: args.enable_tags.clone(),
        disable_tags: args.disable_tags.clone(),
        disable_rules: args.disable_rules.clone(),
    };
    let files = rules_files(&args.rules)?;
    if let Some(outputs) = args.outputs.start(args.json)? {
        return run_with_sinks(&args, outputs, &files, &selection);
    }
    let stdout = std::io::stdout();
    let mut out = AlertWriter::new(BufWriter::with_capacity(1 << 16, stdout.lock()), args.json);
    let mut meter = EventMeter::detached();
    if args.k8s.is_set() {
        let mut on_alert = |alert: Alert| out.write_flushed(&alert);
        let events = live_audit(&files, &args.k8s, &selection, &mut on_alert, meter)?;
        out.finish(events)?;
        return Ok(0);
    }
    let Some(path) = args.replay.as_deref() else {
        let scope = live::Scope::of(&args);
        let mut on_alert = |alert: Alert| out.write_flushed(&alert);
        let events = live::run(&files, &selection, &scope, &mut on_alert, &mut meter)?;
        out.finish(events)?;
        return Ok(0);
    };
    let source = args.source.as_deref().unwrap_or_else(|| guess_source(path));
    let events = replay(&files, path, source, &selection, &mut |alert| {
        out.write(&alert)
    })?;
    out.finish(events)?;
    Ok(0)
}

/// Runs detection with alerts delivered through the configured sinks.
fn run_with_sinks(
    args: &Args,
    outputs: Outputs,
    files: &[PathBuf],
    selection: &Selection,
) -> anyhow::Result<u8> {
    let mut emit = |alert: Alert| {
        outputs.emit(&alert);
        Ok(())
    };
    let mut meter = EventMeter::new(Arc::clone(outputs.registry()));
    let result = match args.replay.as_deref() {
        Some(path) => {
            let source = args.source.as_deref().unwrap_or_else(|| guess_source(path));
            replay_metered(files, path, source, selection, &mut emit, &mut meter)
        }
        None if args.k8s.is_set() => live_audit(files, &args.k8s, selection, &mut emit, meter),
        None => {
            let scope = live::Scope::of(args);
            live::run(files, selection, &scope, &mut emit, &mut meter)
        }
    };
    let timeout = outputs.shutdown_timeout();
    let report = outputs.shutdown(timeout);
    eprint!("{report}");
    result?;
    if report.failed() > 0 {
        eprintln!("{} alert(s) could not be delivered", report.failed());
        return Ok(1);
    }
    Ok(0)
}

/// Evaluates audit events until `items` ends; each unparsable item counts
/// as dropped (`invalid`). Returns the number of events evaluated.
fn audit_loop(
    set: &Ruleset<K8sAuditSource>,
    items: impl Iterator<Item = engine::k8saudit::AuditItem>,
    on_alert: &mut OnAlert<'_>,
    meter: &mut EventMeter,
) -> anyhow::Result<u64> {
    let source = K8sAuditSource;
    let hostname = local_hostname();
    meter.dropped("invalid", 0);
    let mut events = 0;
    for item in items {
        match item {
            Ok(evt) => {
                events += 1;
                if let Some(alert) = meter.evaluate(|| set.process(&source, &&evt, &hostname)) {
                    on_alert(alert)?;
                }
                if meter.tick() {
                    meter.publish();
                }
            }
            Err(diag) => {
                meter.dropped("invalid", 1);
                eprintln!("skipped: {diag}");
            }
        }
    }
    meter.publish();
    Ok(events)
}

/// Evaluates a live audit source (webhook or followed log) until Ctrl-C;
/// returns the number of events evaluated.
fn live_audit(
    files: &[PathBuf],
    k8s: &crate::webhook::K8sAuditArgs,
    selection: &Selection,
    on_alert: &mut OnAlert<'_>,
    meter: EventMeter,
) -> anyhow::Result<u64> {
    let source = K8sAuditSource;
    let (_, set) = ruleset(files, &source, selection)?;
    let Some(live) = k8s.open()? else {
        bail!("no Kubernetes audit source given");
    };
    let stop = live.stop_handle();
    ctrlc::set_handler(move || stop.stop()).context("installing the Ctrl-C handler")?;
    // The source blocks until the next event and never wakes the loop, so
    // each event's count goes out with it; an audit event costs far more
    // to parse than the few atomic additions.
    let mut meter = meter.publishing_every(1);
    audit_loop(&set, live.items, on_alert, &mut meter)
}
