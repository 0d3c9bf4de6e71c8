//! `harrier capture`: records live events with the eBPF probe.
//!
//! The output file starts with the `/proc` snapshot (machine, interfaces,
//! users, processes and their fds), then the events in timestamp order,
//! byte for byte as the probe produced them. Without `-w` the events are
//! printed one per line. Ctrl-C, `--duration`, `--max-events` or the end of
//! the `-- CMD` process tree stop the capture; buffered events are flushed.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use driver::ParamValue;
use libcapture::backend::bpf::{synthesize_enter, BpfCapture, BpfOptions, SyscallSet};
use libcapture::capture::{Capture, CapturedEvent, Next, Stats};
use libcapture::meta::Snapshot;
use libcapture::scap::Writer;

use super::units::{parse_duration, parse_size};

/// Backends `harrier capture` can use.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The CO-RE eBPF probe (needs root and a BTF kernel).
    Bpf,
    /// Kernel-module rings fed by the user-space ptrace/seccomp shim.
    Kmod,
    /// eBPF when the kernel allows it, else the kmod shim (says which).
    Auto,
}

/// Arguments of `harrier capture`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Capture backend.
    #[arg(long, value_enum, default_value = "bpf")]
    pub backend: Backend,
    /// Write the capture to this .scap file (gzip when it ends in .gz).
    #[arg(short = 'w', long = "write")]
    pub write: Option<PathBuf>,
    /// Stop after this long, e.g. 10s, 500ms, 2m.
    #[arg(long, value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Stop after this many events.
    #[arg(long)]
    pub max_events: Option<u64>,
    /// Bytes of I/O data kept per read/write/send/recv event.
    #[arg(long, default_value_t = 80)]
    pub snaplen: u32,
    /// Comma-separated syscalls to capture; `default` is the security-relevant
    /// set, `all` every syscall (those without a dedicated event are generic).
    #[arg(long, default_value = "default")]
    pub syscalls: String,
    /// Bytes of each kernel ring buffer, e.g. 8M, 64K.
    #[arg(long, default_value = "8M", value_parser = parse_size)]
    pub ring_size: u32,
    /// CPUs sharing one kernel ring buffer.
    #[arg(long, default_value_t = 1)]
    pub cpus_per_ring: u32,
    /// Write exit events only; by default each exit event in the file is
    /// preceded by its enter event (synthesised from the exit's params), which
    /// sysdig 0.29.3 needs to track fds and credentials.
    #[arg(long)]
    pub exit_only: bool,
    /// Write a minimal `/proc` snapshot: only harrier's own process, without
    /// its environment (for captures that are shared).
    #[arg(long)]
    pub minimal_snapshot: bool,
    /// Attach to this running process (kmod shim only); Ctrl-C detaches.
    #[arg(long)]
    pub pid: Option<i32>,
    /// Capture only this command's process tree; the capture ends when it exits.
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// Runs `harrier capture`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    if args.backend == Backend::Kmod || (args.backend == Backend::Auto && args.pid.is_some()) {
        if args.backend == Backend::Auto {
            eprintln!("backend: kmod shim (attaching to a running process needs the shim)");
        }
        return run_kmod(args);
    }
    anyhow::ensure!(args.pid.is_none(), "--pid needs --backend kmod");
    let syscalls =
        SyscallSet::parse(&args.syscalls).map_err(|e| anyhow::anyhow!("--syscalls: {e}"))?;
    let options = BpfOptions {
        ring_bytes: args.ring_size,
        cpus_per_ring: args.cpus_per_ring,
        snaplen: args.snaplen,
        syscalls,
        ..BpfOptions::default()
    };
    let mut capture = match options.open() {
        Ok(capture) => capture,
        Err(err) if args.backend == Backend::Auto => {
            eprintln!("backend: kmod shim (eBPF unavailable: {err})");
            return run_kmod(args);
        }
        Err(err) => return Err(err).context("cannot start the eBPF capture"),
    };
    if args.backend == Backend::Auto {
        eprintln!("backend: bpf (eBPF probe loaded)");
    }
    let mut sink = open_sink(&args, capture.snapshot())?;

    let interrupted = crate::cmd::stop_flag()?;

    if !args.command.is_empty() {
        capture.target_only();
    }
    capture.start()?;
    let mut child = match args.command.split_first() {
        Some((program, rest)) => {
            let mut command = Command::new(program);
            command.args(rest);
            Some(capture.spawn_target(&mut command)?)
        }
        None => None,
    };

    let started = Instant::now();
    let mut status = Status::new(std::io::stderr().is_terminal());
    let mut written = 0u64;
    let mut stopping = false;
    let mut next_check = Instant::now();
    loop {
        // The stop conditions cost a wait4 for the child: check them every
        // STOP_CHECK_INTERVAL, not per event (the event limit every time).
        let due = Instant::now() >= next_check || args.max_events.is_some_and(|m| written >= m);
        if !stopping && due {
            next_check = Instant::now() + STOP_CHECK_INTERVAL;
            if should_stop(&args, &interrupted, started, written, child.as_mut()) {
                stopping = true;
                capture.stop()?;
            }
        }
        match capture.next()? {
            Next::Event(event) => {
                if args.max_events.is_some_and(|max| written >= max) {
                    continue;
                }
                sink.write(&event, written + 1)?;
                written += 1;
            }
            Next::Timeout => {}
            Next::Eof => break,
        }
        status.tick(&capture, started);
    }
    status.clear();
    sink.finish()?;
    summary(
        &capture.stats(),
        &capture,
        started.elapsed(),
        written,
        args.write.as_ref(),
    );
    if let Some(child) = child.as_mut() {
        let _ = child.wait();
    }
    Ok(0)
}

/// `--backend kmod`: the kernel module's ring protocol, fed by the
/// ptrace/seccomp shim tracing `-- CMD` or `--pid PID`. The traced
/// command's exit status becomes harrier's.
fn run_kmod(args: Args) -> anyhow::Result<u8> {
    use libcapture::backend::kmod::{KmodOptions, KmodSource};
    let syscalls = driver::ring::SyscallMask::parse(&args.syscalls)
        .map_err(|e| anyhow::anyhow!("--syscalls: {e}"))?;
    let source = match (args.pid, args.command.is_empty()) {
        (Some(pid), true) => KmodSource::Attach(pid),
        (None, false) => KmodSource::Spawn(args.command.iter().map(Into::into).collect()),
        (Some(_), false) => anyhow::bail!("--pid and a command cannot be combined"),
        (None, true) => anyhow::bail!(
            "the kmod shim traces a command (-- CMD ARGS...) or a process (--pid PID)"
        ),
    };
    let mut options = KmodOptions::new(source);
    options.syscalls = syscalls;
    options.snaplen = args.snaplen;
    options.ring_bytes = args.ring_size;
    let mut capture = options.open().context("cannot open the kmod shim rings")?;
    let mut sink = open_sink(&args, capture.snapshot())?;
    let interrupted = crate::cmd::stop_flag()?;
    capture.start().context("cannot start tracing")?;
    let started = Instant::now();
    let mut written = 0u64;
    let mut stopping = false;
    loop {
        if !stopping && should_stop(&args, &interrupted, started, written, None) {
            stopping = true;
            capture.stop()?;
        }
        match capture.next()? {
            Next::Event(event) if args.max_events.is_none_or(|max| written < max) => {
                sink.write(&event, written + 1)?;
                written += 1;
            }
            Next::Event(_) | Next::Timeout => {}
            Next::Eof => break,
        }
    }
    sink.finish()?;
    let stats = capture.stats();
    eprintln!(
        "captured {written} events ({}) in {:.2}s{}; drops: {} (ring full {}, unreadable memory {})",
        human_bytes(stats.bytes),
        started.elapsed().as_secs_f64(),
        args.write.as_ref().map(|p| format!(", written to {}", p.display())).unwrap_or_default(),
        stats.drops,
        stats.drops_by_category.buffer_full,
        stats.drops_by_category.page_faults
    );
    if capture.detached() {
        eprintln!(
            "detached from pid {}; it keeps running",
            args.pid.unwrap_or_default()
        );
    }
    Ok(capture.exit_code().unwrap_or(0))
}

/// How often the capture loop checks Ctrl-C, the duration and the target command.
const STOP_CHECK_INTERVAL: Duration = Duration::from_millis(10);

fn should_stop(
    args: &Args,
    interrupted: &AtomicBool,
    started: Instant,
    written: u64,
    child: Option<&mut Child>,
) -> bool {
    interrupted.load(Ordering::Acquire)
        || args.duration.is_some_and(|d| started.elapsed() >= d)
        || args.max_events.is_some_and(|max| written >= max)
        || child.is_some_and(|c| matches!(c.try_wait(), Ok(Some(_)) | Err(_)))
}

/// The snapshot restricted to this process (the parent of the target), environment cleared.
/// The output of `-w` (or of printing), starting with the capture's
/// snapshot, or its minimal form with `--minimal-snapshot`.
fn open_sink(args: &Args, snapshot: &Snapshot) -> anyhow::Result<Sink> {
    let snapshot = if args.minimal_snapshot {
        minimal_snapshot(snapshot)
    } else {
        snapshot.clone()
    };
    Sink::open(args.write.as_ref(), &snapshot, !args.exit_only)
}

fn minimal_snapshot(full: &Snapshot) -> Snapshot {
    let own = u64::from(std::process::id());
    let mut snapshot = full.clone();
    snapshot.threads.retain(|t| t.pid == own);
    for thread in &mut snapshot.threads {
        thread.env.clear();
    }
    snapshot
}

/// Where events go: a .scap file or the terminal.
enum Sink {
    /// The writer, the path, and the buffer for synthesised enter events (None: exit only).
    File(Writer<BufWriter<File>>, PathBuf, Option<Vec<u8>>),
    Print(BufWriter<std::io::Stdout>),
}

impl Sink {
    fn open(path: Option<&PathBuf>, snapshot: &Snapshot, enters: bool) -> anyhow::Result<Sink> {
        let Some(path) = path else {
            return Ok(Sink::Print(BufWriter::new(std::io::stdout())));
        };
        let file = File::create(path).with_context(|| format!("{}", path.display()))?;
        let out = BufWriter::with_capacity(1 << 20, file);
        let gzip = path.extension().is_some_and(|e| e == "gz");
        let mut writer = if gzip {
            Writer::gzip(out)
        } else {
            Writer::new(out)
        }
        .with_context(|| format!("{}", path.display()))?;
        writer
            .write_snapshot(snapshot)
            .with_context(|| format!("{}: writing the /proc snapshot", path.display()))?;
        Ok(Sink::File(writer, path.clone(), enters.then(Vec::new)))
    }

    fn write(&mut self, event: &CapturedEvent<'_>, num: u64) -> anyhow::Result<()> {
        match self {
            Sink::File(writer, path, enter) => {
                if let Some(buf) = enter {
                    if synthesize_enter(&event.event, buf) {
                        writer
                            .write_event_bytes(event.cpu, event.flags, buf)
                            .with_context(|| format!("{}", path.display()))?;
                    }
                }
                writer
                    .write_event(event.cpu, event.flags, &event.event)
                    .with_context(|| format!("{}", path.display()))
            }
            Sink::Print(out) => {
                let line = render(event, num);
                out.write_all(line.as_bytes()).context("stdout")
            }
        }
    }

    fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::File(writer, path, _) => {
                let mut out = writer
                    .finish()
                    .with_context(|| format!("{}", path.display()))?;
                out.flush().with_context(|| format!("{}", path.display()))
            }
            Sink::Print(mut out) => out.flush().context("stdout"),
        }
    }
}

/// One event as `num time cpu tid dir type name=value...`.
fn render(event: &CapturedEvent<'_>, num: u64) -> String {
    let ev = &event.event;
    let info = ev.info();
    let name = info.map_or("<unknown>", |i| i.name);
    let dir = if ev.is_enter() { '>' } else { '<' };
    let ts = ev.ts();
    let mut line = format!(
        "{num} {}.{:09} {} {} {dir} {name}",
        ts / 1_000_000_000,
        ts % 1_000_000_000,
        event.cpu,
        ev.tid()
    );
    for i in 0..ev.nparams() {
        let pname = ev.param_info(i).map_or("?", |p| p.name);
        let value = match ev.param(i) {
            Some(Ok(v)) => show(&v),
            Some(Err(err)) => format!("<{err}>"),
            None => continue,
        };
        line.push_str(&format!(" {pname}={value}"));
    }
    line.push('\n');
    line
}

fn show(value: &ParamValue<'_>) -> String {
    match value {
        ParamValue::Str(s) => String::from_utf8_lossy(s).into_owned(),
        ParamValue::Bytes(b) | ParamValue::StrArray(b) => {
            let text: String = b
                .iter()
                .map(|&c| {
                    if c == 0 {
                        ' '
                    } else if c.is_ascii_graphic() || c == b' ' {
                        c as char
                    } else {
                        '.'
                    }
                })
                .collect();
            text.trim_end().to_string()
        }
        ParamValue::Int(v) | ParamValue::Errno(v) | ParamValue::Fd(v) | ParamValue::Pid(v) => {
            v.to_string()
        }
        ParamValue::Flags(v) | ParamValue::EnumFlags(v) => format!("{v:#x}"),
        ParamValue::Mode(v) => format!("{v:#o}"),
        other => other
            .as_u64()
            .map_or_else(|| format!("{other:?}"), |v| v.to_string()),
    }
}

/// The live status line on stderr (only on a terminal).
struct Status {
    enabled: bool,
    last: Instant,
    last_events: u64,
}

impl Status {
    fn new(enabled: bool) -> Status {
        Status {
            enabled,
            last: Instant::now(),
            last_events: 0,
        }
    }

    fn tick(&mut self, capture: &BpfCapture, started: Instant) {
        if !self.enabled || self.last.elapsed() < Duration::from_secs(1) {
            return;
        }
        let stats = capture.stats();
        let rate = (stats.events - self.last_events) as f64 / self.last.elapsed().as_secs_f64();
        eprint!(
            "\r{:>6.1}s  {} events  {:.0} ev/s  {}  drops {}   ",
            started.elapsed().as_secs_f64(),
            stats.events,
            rate,
            human_bytes(stats.bytes),
            stats.drops
        );
        self.last = Instant::now();
        self.last_events = stats.events;
    }

    fn clear(&self) {
        if self.enabled {
            eprint!("\r{:80}\r", "");
        }
    }
}

fn summary(
    stats: &Stats,
    capture: &BpfCapture,
    elapsed: Duration,
    written: u64,
    path: Option<&PathBuf>,
) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let [syscall, exec, fork, exit] = capture.drops_by_probe_category();
    eprintln!(
        "captured {} events ({}) in {:.2}s, {:.0} ev/s{}",
        written,
        human_bytes(stats.bytes),
        secs,
        written as f64 / secs,
        path.map(|p| format!(", written to {}", p.display()))
            .unwrap_or_default()
    );
    eprintln!(
        "drops: {} (kernel ring full: syscall {syscall}, exec {exec}, fork {fork}, exit {exit}; \
         stream full {}; no ring {}); events cut at 64 KiB: {}",
        stats.drops,
        stats.drops_by_category.buffer_full - (syscall + exec + fork + exit),
        stats.drops_by_category.other,
        capture.truncated_events()
    );
    for (cpu, c) in stats.per_cpu.iter().enumerate() {
        if c.events > 0 || c.drops > 0 {
            eprintln!(
                "  cpu {cpu}: {} events submitted, {} dropped",
                c.events, c.drops
            );
        }
    }
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}
