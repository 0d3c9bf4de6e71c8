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

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use driver::{Category, EventRef, ParamValue, LEGACY_EVENT_COUNT};
use engine::syscall::{Inspector, Limits};
use libcapture::capture::{Capture, CaptureBuilder, CapturedEvent, Next};
use libcapture::scap::{Writer, WriterOptions};

use format::{event_type_name, EventContext, Format};

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
                write_json(ctx, &mut json);
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

/// One JSON object: number, time, cpu, tid, direction, type and every parameter.
fn write_json(ctx: &EventContext<'_>, out: &mut String) {
    use std::fmt::Write as _;
    let ev = &ctx.event;
    let dir = if ev.is_enter() { ">" } else { "<" };
    let _ = write!(
        out,
        "{{\"num\":{},\"ts\":{},\"cpu\":{},\"tid\":{},\"dir\":\"{dir}\",\"type\":",
        ctx.num,
        ev.ts(),
        ctx.cpu,
        ev.tid() as i64
    );
    json_string(event_type_name(ev), out);
    out.push_str(",\"params\":{");
    for index in 0..ev.nparams() {
        if index > 0 {
            out.push(',');
        }
        let name = ev
            .param_info(index)
            .map_or_else(|| format!("param{index}"), |p| p.name.to_string());
        json_string(&name, out);
        out.push(':');
        json_value(ev, index, out);
    }
    out.push_str("}}");
}

fn json_value(ev: &EventRef<'_>, index: usize, out: &mut String) {
    use std::fmt::Write as _;
    let value = match ev.param(index) {
        Some(Ok(value)) => value,
        Some(Err(err)) => return json_string(&format!("<invalid: {err}>"), out),
        None => return out.push_str("null"),
    };
    let _ = match value {
        ParamValue::Empty | ParamValue::Null => write!(out, "null"),
        ParamValue::Int(v) | ParamValue::Errno(v) | ParamValue::Fd(v) | ParamValue::Pid(v) => {
            write!(out, "{v}")
        }
        ParamValue::Uint(v) | ParamValue::RelTime(v) | ParamValue::AbsTime(v) => write!(out, "{v}"),
        ParamValue::Flags(v)
        | ParamValue::EnumFlags(v)
        | ParamValue::Mode(v)
        | ParamValue::SigSet(v) => write!(out, "{v}"),
        ParamValue::Uid(v) | ParamValue::Gid(v) => write!(out, "{v}"),
        ParamValue::Port(v) | ParamValue::SyscallId(v) => write!(out, "{v}"),
        ParamValue::Signal(v) | ParamValue::L4Proto(v) | ParamValue::SockFamily(v) => {
            write!(out, "{v}")
        }
        ParamValue::Bool(v) => write!(out, "{v}"),
        ParamValue::Double(v) if v.is_finite() => write!(out, "{v}"),
        ParamValue::Str(s) => {
            json_string(&String::from_utf8_lossy(s), out);
            Ok(())
        }
        ParamValue::Bytes(b) | ParamValue::StrArray(b) if is_string_list(b) => {
            out.push('[');
            for (i, part) in b.split(|&c| c == 0).filter(|p| !p.is_empty()).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(&String::from_utf8_lossy(part), out);
            }
            out.push(']');
            Ok(())
        }
        ParamValue::Bytes(b) | ParamValue::StrArray(b) => {
            json_string(&String::from_utf8_lossy(b), out);
            Ok(())
        }
        ParamValue::SockAddr(_) | ParamValue::SockTuple(_) | ParamValue::Ip(_) => {
            json_string(&endpoint_text(&value), out);
            Ok(())
        }
        ParamValue::FdList(list) => {
            out.push('[');
            for (i, (fd, events)) in list.iter().enumerate() {
                let sep = if i == 0 { "" } else { "," };
                let _ = write!(out, "{sep}{{\"fd\":{fd},\"events\":{events}}}");
            }
            out.push(']');
            Ok(())
        }
        other => {
            json_string(&format!("{other:?}"), out);
            Ok(())
        }
    };
}

/// Socket addresses and tuples as sysdig writes them: `ip:port`,
/// `ip:port->ip:port`, or the unix path.
fn endpoint_text(value: &ParamValue<'_>) -> String {
    use driver::param::{SockAddr, SockTuple};
    match *value {
        ParamValue::SockAddr(SockAddr::Inet { addr, port }) => format!("{addr}:{port}"),
        ParamValue::SockAddr(SockAddr::Inet6 { addr, port }) => format!("{addr}:{port}"),
        ParamValue::SockAddr(SockAddr::Unix(path)) => String::from_utf8_lossy(path).into_owned(),
        ParamValue::SockTuple(SockTuple::Inet {
            src,
            sport,
            dst,
            dport,
        }) => format!("{src}:{sport}->{dst}:{dport}"),
        ParamValue::SockTuple(SockTuple::Inet6 {
            src,
            sport,
            dst,
            dport,
        }) => format!("{src}:{sport}->{dst}:{dport}"),
        ParamValue::SockTuple(SockTuple::Unix { src, dst, path }) => {
            format!("{src:x}->{dst:x} {}", String::from_utf8_lossy(path))
        }
        ParamValue::Ip(ip) => ip.to_string(),
        ref other => format!("{other:?}"),
    }
}

/// Whether a buffer is a NUL-terminated list of printable strings (execve
/// args, env, cgroups) rather than data.
fn is_string_list(b: &[u8]) -> bool {
    b.last() == Some(&0) && b.iter().all(|&c| c == 0 || c >= 0x20)
}

fn json_string(text: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
