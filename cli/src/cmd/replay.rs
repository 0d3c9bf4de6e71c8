//! `harrier replay`: prints the events of a `.scap` capture.
//!
//! Numbering and visibility follow `sysdig -r`: every event the reader
//! delivers gets a number, internal events (process snapshots, container,
//! user and group meta events) and state-only events are numbered but not
//! printed, and generic syscall events are named after their syscall.
//!
//! Formats whose fields come straight from the event are printed without
//! keeping any state; formats that need threads and fds (`%proc.name`,
//! `%fd.name`, `%evt.args`…) run the rule engine's inspector over every event.

mod format;
mod json;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use driver::{Category, LEGACY_EVENT_COUNT};
use engine::syscall::{Inspector, Limits};
use libcapture::capture::{Capture, CaptureBuilder, CapturedEvent, Next};
use libcapture::scap::{Writer, WriterOptions};

use format::{EventContext, Format};

/// The format sysdig uses when none is given.
const DEFAULT_FORMAT: &str = "%evt.num %evt.time %evt.cpu %thread.tid %evt.dir %evt.type";

/// Arguments of `harrier replay`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The `.scap` capture to read (plain or gzip).
    pub file: PathBuf,
    /// sysdig-style format string, e.g. '%evt.num %evt.type %evt.arg.fd'.
    /// A leading '*' prints events whose fields have no value as <NA>.
    #[arg(short = 'p', long = "print", conflicts_with = "json")]
    pub format: Option<String>,
    /// Print one JSON object per event with every parameter decoded.
    #[arg(long)]
    pub json: bool,
    /// Write the events, with the input's machine, process, fd, user and
    /// interface state, to a new capture instead of printing them.
    #[arg(short = 'w', long = "write", value_name = "OUT.scap", conflicts_with_all = ["format", "json"])]
    pub write: Option<PathBuf>,
    /// Compress the capture written with -w (gzip).
    #[arg(short = 'z', long, requires = "write")]
    pub compress: bool,
}

/// Runs `harrier replay`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let format = Format::parse(args.format.as_deref().unwrap_or(DEFAULT_FORMAT))
        .map_err(|err| anyhow::anyhow!("-p: {err}"))?;
    let mut capture = CaptureBuilder::savefile(&args.file)
        .open()
        .map_err(one_line)?;
    if let Some(out) = &args.write {
        return write_capture(capture.as_mut(), out, args.compress);
    }
    let printer = if args.json {
        Printer::Json
    } else {
        Printer::Format(format)
    };
    let stdout = std::io::stdout();
    // Full line buffers pass straight through to stdout.
    let mut out = BufWriter::with_capacity(LINES_FLUSH_AT, stdout.lock());
    let result = if printer.needs_state() {
        print_with_state(capture.as_mut(), &printer, &mut out)
    } else {
        print_stateless(capture.as_mut(), &printer, &mut out)
    };
    match result.and_then(|()| out.flush().map_err(anyhow::Error::from)) {
        Err(err) if is_broken_pipe(&err) => Ok(0),
        Err(err) => Err(err),
        Ok(()) => Ok(0),
    }
}

/// How events are printed.
enum Printer {
    Format(Format),
    Json,
}

impl Printer {
    fn needs_state(&self) -> bool {
        matches!(self, Printer::Format(format) if format.needs_state())
    }

    /// Appends one event's line to `lines` unless its fields have no value.
    fn print(&self, ctx: &EventContext<'_>, lines: &mut Vec<u8>) {
        let start = lines.len();
        let printed = match self {
            Printer::Json => {
                let mut json = String::new();
                json::write_event(ctx, &mut json);
                lines.extend_from_slice(json.as_bytes());
                true
            }
            Printer::Format(format) => format.render(ctx, lines),
        };
        if printed {
            lines.push(b'\n');
        } else {
            lines.truncate(start);
        }
    }
}

/// Lines are rendered straight into one buffer that is written out when
/// it fills, instead of line by line through a `BufWriter` (one copy less
/// per event on the hot replay path).
const LINES_FLUSH_AT: usize = 60 << 10;

/// Writes `lines` to `out` once they fill the buffer (or always, at the end).
fn write_lines(lines: &mut Vec<u8>, out: &mut impl Write, force: bool) -> std::io::Result<()> {
    if force || lines.len() >= LINES_FLUSH_AT {
        out.write_all(lines)?;
        lines.clear();
    }
    Ok(())
}

/// Runs `print` with a line buffer, then writes what it rendered, also
/// when it failed: the events before damage in a capture are printed.
fn buffered<W: Write>(
    out: &mut W,
    print: impl FnOnce(&mut Vec<u8>, &mut W) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut lines = Vec::with_capacity(LINES_FLUSH_AT + (4 << 10));
    let result = print(&mut lines, out);
    write_lines(&mut lines, out, true)?;
    result
}

/// Fields that need no state: events straight from the capture.
fn print_stateless(
    capture: &mut dyn Capture,
    printer: &Printer,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    buffered(out, |lines, out| {
        stateless_lines(capture, printer, lines, out)
    })
}

fn stateless_lines(
    capture: &mut dyn Capture,
    printer: &Printer,
    lines: &mut Vec<u8>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let mut num = 0u64;
    loop {
        let captured = match capture.next().map_err(one_line)? {
            Next::Event(captured) => captured,
            Next::Timeout => continue,
            Next::Eof => return Ok(()),
        };
        let Some(visible) = numbered(&captured) else {
            continue;
        };
        num += 1;
        if visible {
            let ctx = EventContext {
                num,
                cpu: captured.cpu,
                event: captured.event,
                state: None,
            };
            printer.print(&ctx, lines);
            write_lines(lines, out, false)?;
        }
    }
}

/// Fields that need threads and fds: every event goes through the engine's
/// inspector, which keeps the state and numbers events the same way.
fn print_with_state(
    capture: &mut dyn Capture,
    printer: &Printer,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    buffered(out, |lines, out| {
        stateful_lines(capture, printer, lines, out)
    })
}

fn stateful_lines(
    capture: &mut dyn Capture,
    printer: &Printer,
    lines: &mut Vec<u8>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let mut inspector = Inspector::from_snapshot(capture.snapshot(), Limits::default());
    if let Some(machine) = &capture.snapshot().machine {
        inspector.set_hostname(machine.hostname.clone());
    }
    loop {
        let captured = match capture.next().map_err(one_line)? {
            Next::Event(captured) => captured,
            Next::Timeout => continue,
            Next::Eof => return Ok(()),
        };
        let event = inspector.process(captured.event, captured.cpu, Some(captured.flags));
        if event.is_visible() {
            let ctx = EventContext {
                num: event.meta.num,
                cpu: captured.cpu,
                event: captured.event,
                state: Some(&event),
            };
            printer.print(&ctx, lines);
            write_lines(lines, out, false)?;
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Copies every event, after the input's state, into a new capture.
fn write_capture(capture: &mut dyn Capture, out: &Path, compress: bool) -> anyhow::Result<u8> {
    let file = File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let options = WriterOptions {
        gzip: compress,
        ..WriterOptions::default()
    };
    let written = |err: std::io::Error| anyhow::anyhow!("writing {}: {err}", out.display());
    let mut writer = Writer::with_options(BufWriter::new(file), options).map_err(written)?;
    writer.write_snapshot(capture.snapshot()).map_err(written)?;
    loop {
        match capture.next().map_err(one_line)? {
            Next::Event(captured) => writer
                .write_event(captured.cpu, captured.flags, &captured.event)
                .map_err(written)?,
            Next::Timeout => continue,
            Next::Eof => break,
        }
    }
    writer.finish().map_err(written)?.flush().map_err(written)?;
    Ok(0)
}

/// libcapture errors already name the file and the cause; keep them on one
/// line instead of repeating the cause as a chain.
pub(crate) fn one_line(err: libcapture::Error) -> anyhow::Error {
    anyhow::anyhow!("{err}")
}

/// `None` for events sysdig's reader does not deliver at all (codes it does
/// not know); otherwise whether the event is shown. The same rule as the
/// engine's inspector, so both printing paths number events alike.
fn numbered(captured: &CapturedEvent<'_>) -> Option<bool> {
    let info = captured.event.info()?;
    let internal = info.category.contains(Category::INTERNAL)
        || info.category.contains(Category::METAEVENT)
        || info.is_unused();
    // sysdig 0.29.3 drops codes past its table before numbering; newer meta
    // events are dropped the same way so numbers match, newer syscall events
    // are shown and numbered.
    if internal && usize::from(captured.code()) >= LEGACY_EVENT_COUNT {
        return None;
    }
    Some(!internal && !captured.is_state_only())
}
