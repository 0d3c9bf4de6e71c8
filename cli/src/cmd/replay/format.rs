//! sysdig-style `-p` format strings.
//!
//! The fields `replay` must print exactly as sysdig 0.29.3 does and that need
//! no thread or fd state (`%evt.num %evt.time %evt.rawtime %evt.cpu %evt.dir
//! %evt.type %thread.tid %evt.rawarg.NAME`, and `%evt.arg.NAME` of values
//! that are not fds or pids) are rendered here, straight from the event.
//! Every other field (`%proc.*`, `%fd.*`, `%evt.args`, …) and `%evt.arg` of
//! fds and pids are handed to the rule engine's formatter, which renders them
//! from the inspection state; a format with such fields makes `replay` run the
//! engine's inspector over every event.

use std::io::Write as _;

use driver::param::{SockAddr, SockTuple};
use driver::{EventRef, ParamExtra, ParamInfo, ParamType, ParamValue, PrintFormat};

use engine::syscall::{Format as EngineFormat, SyscallEvent};

use engine::syscall::errno_name;

/// A parsed format string.
#[derive(Debug, Clone)]
pub struct Format {
    parts: Vec<Part>,
    /// A leading `*`: print the line even when a field has no value (as `<NA>`).
    print_all: bool,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Field(Field),
    /// A field only the engine's formatter knows.
    Engine(EngineFormat),
}

/// A field this formatter can render.
#[derive(Debug, Clone)]
enum Field {
    Num,
    Time,
    RawTime,
    Cpu,
    Dir,
    Type,
    Tid,
    RawArg(String),
    /// The argument, and the engine's rendering of it for fds and pids.
    Arg(String, Box<EngineFormat>),
}

/// What an event looks like to the formatter, besides its bytes.
#[derive(Debug, Clone, Copy)]
pub struct EventContext<'a> {
    /// sysdig's event number (1-based, counting hidden events).
    pub num: u64,
    /// Device index.
    pub cpu: u16,
    /// The event.
    pub event: EventRef<'a>,
    /// The event with its inspection state, when the format needs state.
    pub state: Option<&'a SyscallEvent<'a>>,
}

impl Format {
    /// Parses `text`; unknown fields are an error naming the field and its column.
    pub fn parse(text: &str) -> Result<Format, String> {
        let (print_all, text) = match text.strip_prefix('*') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c != '%' {
                literal.push(c);
                continue;
            }
            let mut name = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '[' | ']') {
                    name.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            let part = match Field::parse(&name) {
                Some(field) => Part::Field(field),
                None => EngineFormat::parse(&format!("%{name}"))
                    .map(Part::Engine)
                    .map_err(|_| format!("unknown field '%{name}' at column {}", at + 1))?,
            };
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(part);
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Format { parts, print_all })
    }

    /// Whether rendering needs the inspection state (threads, fds).
    pub fn needs_state(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Engine(_) | Part::Field(Field::Arg(..))))
    }

    /// Renders one event into `out`. Returns `false` (and leaves `out` in an
    /// unspecified state) when a field has no value and the format does not
    /// start with `*`: sysdig prints no line for such an event.
    pub fn render(&self, ctx: &EventContext<'_>, out: &mut Vec<u8>) -> bool {
        for part in &self.parts {
            match part {
                Part::Text(text) => out.extend_from_slice(text.as_bytes()),
                Part::Field(field) => {
                    if !field.render(ctx, out) {
                        if !self.print_all {
                            return false;
                        }
                        out.extend_from_slice(b"<NA>");
                    }
                }
                Part::Engine(format) => {
                    if !render_engine(format, ctx, self.print_all, out) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

impl Field {
    fn parse(name: &str) -> Option<Field> {
        Some(match name {
            "evt.num" => Field::Num,
            "evt.time" => Field::Time,
            "evt.rawtime" => Field::RawTime,
            "evt.cpu" => Field::Cpu,
            "evt.dir" => Field::Dir,
            "evt.type" => Field::Type,
            "thread.tid" => Field::Tid,
            _ => {
                if let Some(arg) = name.strip_prefix("evt.rawarg.") {
                    Field::RawArg(arg.to_string())
                } else {
                    let arg = name.strip_prefix("evt.arg.")?;
                    let stateful = EngineFormat::parse(&format!("%evt.arg.{arg}")).ok()?;
                    Field::Arg(arg.to_string(), Box::new(stateful))
                }
            }
        })
    }

    fn render(&self, ctx: &EventContext<'_>, out: &mut Vec<u8>) -> bool {
        let ev = &ctx.event;
        match self {
            Field::Num => {
                write_decimal(ctx.num, out);
                true
            }
            Field::Time => {
                write_clock_time(ev.ts(), out);
                true
            }
            Field::RawTime => write!(out, "{}", ev.ts()).is_ok(),
            Field::Cpu => write!(out, "{}", ctx.cpu).is_ok(),
            Field::Dir => {
                out.push(if ev.is_enter() { b'>' } else { b'<' });
                true
            }
            Field::Type => {
                out.extend_from_slice(event_type_name(ev).as_bytes());
                true
            }
            Field::Tid => write!(out, "{}", ev.tid() as i64).is_ok(),
            Field::RawArg(name) => match param_named(ev, name) {
                Some((value, info)) => write_raw(&value, info, out),
                None => false,
            },
            Field::Arg(name, stateful) => match param_named(ev, name) {
                Some((_, info)) if needs_state(info.ty) => render_engine(stateful, ctx, false, out),
                Some((value, info)) => write_rendered(&value, info, out),
                None => false,
            },
        }
    }
}

/// Parameter types whose rendering names the fd or thread behind the value.
fn needs_state(ty: ParamType) -> bool {
    matches!(
        ty,
        ParamType::Fd | ParamType::Fd32 | ParamType::Pid | ParamType::Pid32 | ParamType::FdList
    )
}

/// Renders a field with the engine's formatter; false when it has no value
/// (or no state was provided) and `print_all` is off.
fn render_engine(
    format: &EngineFormat,
    ctx: &EventContext<'_>,
    print_all: bool,
    out: &mut Vec<u8>,
) -> bool {
    let mut text = String::new();
    let rendered = match ctx.state {
        Some(state) if print_all => {
            format.render_falco(state, &mut text);
            true
        }
        Some(state) => format.render_sysdig(state, &mut text),
        None => false,
    };
    if rendered {
        out.extend_from_slice(text.as_bytes());
    } else if print_all {
        out.extend_from_slice(b"<NA>");
    }
    rendered || print_all
}

/// The event's name as sysdig shows it: generic events take their syscall's name.
pub fn event_type_name(ev: &EventRef<'_>) -> &'static str {
    let Some(info) = ev.info() else {
        return "<unknown>";
    };
    if ev.code().0 <= 1 {
        if let Some(Ok(ParamValue::SyscallId(sc))) = ev.param(0) {
            return driver::syscalls::legacy_ppm_sc_name(sc);
        }
    }
    info.name
}

fn param_named<'a>(ev: &EventRef<'a>, name: &str) -> Option<(ParamValue<'a>, &'static ParamInfo)> {
    let info = ev.info()?;
    let index = info.param_index(name)?;
    let value = ev.param(index)?.ok()?;
    Some((value, info.params.get(index)?))
}

/// Appends `n` in decimal; the hot field of every replay, so no `fmt` machinery.
fn write_decimal(mut n: u64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// `HH:MM:SS.nnnnnnnnn` of a nanosecond epoch timestamp, in UTC.
fn write_clock_time(ts: u64, out: &mut Vec<u8>) {
    let secs = ts / 1_000_000_000;
    let day = secs % 86_400;
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}.{:09}",
        day / 3600,
        day / 60 % 60,
        day % 60,
        ts % 1_000_000_000
    );
}

/// `%evt.rawarg`: the value as stored, numbers in decimal.
///
/// sysdig 0.29.3 prints these only for strings, buffers and signed 64-bit
/// values; for unsigned values it prints no line and for fds, flags and
/// syscall ids it stops with "wrong event type". harrier prints them all.
fn write_raw(value: &ParamValue<'_>, info: &ParamInfo, out: &mut Vec<u8>) -> bool {
    match *value {
        ParamValue::Int(v) | ParamValue::Errno(v) | ParamValue::Fd(v) | ParamValue::Pid(v) => {
            write!(out, "{v}").is_ok()
        }
        ParamValue::Uint(v) | ParamValue::RelTime(v) | ParamValue::AbsTime(v) => {
            write!(out, "{v}").is_ok()
        }
        ParamValue::Flags(v)
        | ParamValue::EnumFlags(v)
        | ParamValue::Mode(v)
        | ParamValue::SigSet(v)
        | ParamValue::Uid(v)
        | ParamValue::Gid(v) => write!(out, "{v}").is_ok(),
        ParamValue::Port(v) | ParamValue::SyscallId(v) => write!(out, "{v}").is_ok(),
        ParamValue::Signal(v) | ParamValue::L4Proto(v) | ParamValue::SockFamily(v) => {
            write!(out, "{v}").is_ok()
        }
        ParamValue::Bool(v) => write!(out, "{}", u8::from(v)).is_ok(),
        ParamValue::Str(s) => {
            out.extend_from_slice(s);
            true
        }
        // A raw buffer prints as the C string it starts with.
        ParamValue::Bytes(b) | ParamValue::StrArray(b) => {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            out.extend_from_slice(&b[..end]);
            true
        }
        _ => write_rendered(value, info, out),
    }
}

/// Columns sysdig gives a buffer before it cuts it short with `...`.
const MAX_BUFFER_CHARS: usize = 80;

/// `%evt.arg`: the value as sysdig renders it where no fd or thread state is
/// involved (flag names, errno names, hex formats, socket endpoints, buffers).
fn write_rendered(value: &ParamValue<'_>, info: &ParamInfo, out: &mut Vec<u8>) -> bool {
    match *value {
        ParamValue::Empty | ParamValue::Null => {
            match info.ty {
                ParamType::SockTuple | ParamType::SockAddr => out.extend_from_slice(b"NULL"),
                ty if ty.is_string() || ty == ParamType::ByteBuf => {}
                _ => out.extend_from_slice(b"<NA>"),
            }
            true
        }
        ParamValue::RelTime(ns) => {
            let (secs, nanos) = (ns / 1_000_000_000, ns % 1_000_000_000);
            if nanos == 0 {
                write!(out, "{secs}s").is_ok()
            } else {
                write!(out, "{secs}.{nanos:09}s").is_ok()
            }
        }
        ParamValue::Errno(v) if v < 0 => {
            match errno_name(-v) {
                Some(name) => out.extend_from_slice(name.as_bytes()),
                None => {
                    let _ = write!(out, "{v}");
                }
            }
            true
        }
        ParamValue::Errno(v) | ParamValue::Int(v) if info.fmt == PrintFormat::Hex => {
            write!(out, "{v:X}").is_ok()
        }
        ParamValue::Uint(v) if info.fmt == PrintFormat::Hex => write!(out, "{v:X}").is_ok(),
        ParamValue::Flags(v) | ParamValue::EnumFlags(v) | ParamValue::Mode(v) => match info.info {
            ParamExtra::Flags(table) => {
                let enumerated = matches!(value, ParamValue::EnumFlags(_));
                out.extend_from_slice(driver::flags::render(table, v, enumerated).as_bytes());
                true
            }
            _ => write!(out, "{v}").is_ok(),
        },
        ParamValue::SyscallId(sc) => {
            out.extend_from_slice(driver::syscalls::legacy_ppm_sc_name(sc).as_bytes());
            true
        }
        ParamValue::Bytes(b) | ParamValue::StrArray(b) => {
            // Longer buffers keep 77 bytes and a "..." within the 80 columns.
            let cut = b.len() > MAX_BUFFER_CHARS;
            let shown = if cut { &b[..MAX_BUFFER_CHARS - 3] } else { b };
            out.extend(
                shown
                    .iter()
                    .map(|&c| if (0x20..0x7f).contains(&c) { c } else { b'.' }),
            );
            if cut {
                out.extend_from_slice(b"...");
            }
            true
        }
        ParamValue::SockAddr(addr) => match addr {
            SockAddr::Inet { addr, port } => write!(out, "{addr}:{port}").is_ok(),
            SockAddr::Inet6 { addr, port } => write!(out, "{addr}:{port}").is_ok(),
            SockAddr::Unix(path) => {
                out.extend_from_slice(path);
                true
            }
            SockAddr::Other { family, .. } => write!(out, "family {family}").is_ok(),
        },
        ParamValue::SockTuple(tuple) => match tuple {
            SockTuple::Inet {
                src,
                sport,
                dst,
                dport,
            } => write!(out, "{src}:{sport}->{dst}:{dport}").is_ok(),
            SockTuple::Inet6 {
                src,
                sport,
                dst,
                dport,
            } => write!(out, "{src}:{sport}->{dst}:{dport}").is_ok(),
            SockTuple::Unix { src, dst, path } => {
                write!(out, "{src:x}->{dst:x} ").is_ok() && out.write_all(path).is_ok()
            }
            _ => false,
        },
        ParamValue::FdList(list) => {
            for (i, (fd, flags)) in list.iter().enumerate() {
                let sep = if i == 0 { "" } else { " " };
                let _ = write!(out, "{sep}{fd}:{flags}");
            }
            true
        }
        ParamValue::Ip(ip) => write!(out, "{ip}").is_ok(),
        ParamValue::Double(v) => write!(out, "{v}").is_ok(),
        ParamValue::Dyn { .. } | ParamValue::Net { .. } => false,
        _ => write_raw(value, info, out),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test data is fixed")]
mod tests {
    use super::*;
    use driver::{EventBuilder, EventCode};

    fn render(format: &str, bytes: &[u8]) -> Option<String> {
        let ctx = EventContext {
            num: 7,
            cpu: 3,
            event: EventRef::parse(bytes).unwrap(),
            state: None,
        };
        let mut out = Vec::new();
        let printed = Format::parse(format).unwrap().render(&ctx, &mut out);
        printed.then(|| String::from_utf8(out).unwrap())
    }

    fn openat_enter() -> Vec<u8> {
        let mut bytes = Vec::new();
        EventBuilder::new(EventCode::OPENAT_2_E, 1_553_620_427_557_282_636, 738)
            .fd(-100)
            .relpath("/etc/shadow")
            .flags32(1 | 4096)
            .u32(0)
            .finish(&mut bytes)
            .unwrap();
        bytes
    }

    #[test]
    fn header_fields_render_like_sysdig() {
        let line = render(
            "%evt.num %evt.time %evt.rawtime %evt.cpu %evt.dir %evt.type %thread.tid",
            &openat_enter(),
        );
        assert_eq!(
            line.unwrap(),
            "7 17:13:47.557282636 1553620427557282636 3 > openat 738"
        );
    }

    #[test]
    fn args_render_raw_and_with_flag_names() {
        let bytes = openat_enter();
        assert_eq!(
            render("name=%evt.rawarg.name!", &bytes).unwrap(),
            "name=/etc/shadow!"
        );
        assert_eq!(render("%evt.rawarg.flags", &bytes).unwrap(), "4097");
        assert_eq!(
            render("%evt.arg.flags", &bytes).unwrap(),
            "O_RDONLY|O_CLOEXEC"
        );
    }

    #[test]
    fn a_missing_field_hides_the_line_unless_star() {
        let bytes = openat_enter();
        assert_eq!(render("%evt.rawarg.nope", &bytes), None);
        assert_eq!(
            render("*%evt.num %evt.rawarg.nope", &bytes).unwrap(),
            "7 <NA>"
        );
    }

    #[test]
    fn decimals_are_written_without_fmt() {
        for n in [0, 7, 10, 4_294_967_296, u64::MAX] {
            let mut out = Vec::new();
            write_decimal(n, &mut out);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    #[test]
    fn unknown_fields_are_errors_naming_the_column() {
        let err = Format::parse("%evt.num %proc.nope").unwrap_err();
        assert_eq!(err, "unknown field '%proc.nope' at column 10");
    }

    #[test]
    fn values_render_by_name_and_buffers_are_cut_at_80_columns() {
        let errno = ParamInfo {
            name: "res",
            ty: ParamType::Errno,
            fmt: PrintFormat::Dec,
            info: ParamExtra::None,
        };
        let mut out = Vec::new();
        assert!(write_rendered(&ParamValue::Errno(-110), &errno, &mut out));
        assert_eq!(out, b"ETIMEDOUT");
        let buf = ParamInfo {
            name: "data",
            ty: ParamType::ByteBuf,
            fmt: PrintFormat::Na,
            info: ParamExtra::None,
        };
        let mut out = Vec::new();
        assert!(write_rendered(
            &ParamValue::Bytes(&[b'a'; 81]),
            &buf,
            &mut out
        ));
        assert_eq!(out, [&[b'a'; 77][..], b"..."].concat());
        let mut out = Vec::new();
        assert!(write_rendered(
            &ParamValue::Bytes(b"a\0\x01b"),
            &buf,
            &mut out
        ));
        assert_eq!(out, b"a..b");
    }

    #[test]
    fn generic_events_take_the_legacy_syscall_name() {
        assert_eq!(driver::syscalls::legacy_ppm_sc_name(75), "mprotect");
        assert_eq!(driver::syscalls::legacy_ppm_sc_name(139), "madvise");
        assert_eq!(driver::syscalls::legacy_ppm_sc_name(0), "<unknown>");
    }
}
