//! sysdig's rendering of event parameters (`evt.args`, `evt.arg.NAME`,
//! `evt.rawarg.NAME`), after libsinsp's `sinsp_evt::get_param_as_str`.
//!
//! fds print as `3(<f>/etc/passwd)`, pids as `1234(bash)`, errors as
//! `-2(ENOENT)`, flags as `4097(O_RDONLY|O_CLOEXEC)`, byte buffers with
//! non-printable bytes as `.` and cut after [`MAX_BUFFER_LEN`] characters.

use std::fmt::Write;

use driver::event::EventRef;
use driver::param::{decode, decode_dyn, ParamValue, SockAddr, SockTuple};
use driver::{flags, syscalls, EventCode, ParamExtra, ParamInfo, ParamType, PrintFormat};

use super::errno::errno_name;
use super::state::{concat_path, with_trailing_slash, State};

/// Longest rendering of a byte buffer before it is cut with `...`
/// (sysdig's default `-s` display length).
pub const MAX_BUFFER_LEN: usize = 80;

/// `AT_FDCWD` as drivers encode it.
const AT_FDCWD: i64 = -100;

/// Renders the params of one event against the state.
#[derive(Clone, Copy)]
pub struct ArgRenderer<'s> {
    state: &'s State,
    tid: i64,
}

impl<'s> ArgRenderer<'s> {
    /// A renderer resolving fds and pids of thread `tid` in `state`.
    pub fn new(state: &'s State, tid: i64) -> ArgRenderer<'s> {
        ArgRenderer { state, tid }
    }

    /// How many params of `evt` sysdig 0.29.3 shows: those present in the
    /// event, capped by its table's count for the code.
    pub fn shown_params(evt: &EventRef<'_>) -> usize {
        let Some(info) = evt.info() else { return 0 };
        let n = evt.nparams().min(info.params.len());
        match info.legacy_nparams {
            Some(legacy) => n.min(usize::from(legacy)),
            None => n,
        }
    }

    /// Appends `name=value ` for every shown param (sysdig's `evt.args`).
    /// Generic events show nothing: their syscall id is the event's name.
    pub fn write_args(&self, evt: &EventRef<'_>, out: &mut String) {
        let code = evt.code();
        if code == EventCode::GENERIC_E || code == EventCode::GENERIC_X {
            return;
        }
        let Some(info) = evt.info() else { return };
        for i in 0..Self::shown_params(evt) {
            out.push_str(info.params[i].name);
            out.push('=');
            self.write_param(evt, i, out);
            out.push(' ');
        }
    }

    /// Appends param `i` rendered as sysdig does; false if `evt` lacks it.
    pub fn write_param(&self, evt: &EventRef<'_>, i: usize, out: &mut String) -> bool {
        self.write_param_as(evt, i, false, out)
    }

    /// Appends param `i` as `evt.arg` shows it: only the resolved part of
    /// values that have one (`ENOENT`, `<f>/etc/passwd`, `bash`,
    /// `O_RDONLY|O_CLOEXEC`), else the value.
    pub fn write_param_resolved(&self, evt: &EventRef<'_>, i: usize, out: &mut String) -> bool {
        self.write_param_as(evt, i, true, out)
    }

    fn write_param_as(
        &self,
        evt: &EventRef<'_>,
        i: usize,
        resolved: bool,
        out: &mut String,
    ) -> bool {
        let (Some(info), Some(bytes)) = (evt.param_info(i), evt.param_bytes(i)) else {
            return false;
        };
        let value = match decode(info.ty, bytes) {
            Ok(v) => v,
            Err(_) => {
                out.push_str("<invalid>");
                return true;
            }
        };
        let (value, ty, fmt, table) = match (value, info.info) {
            (ParamValue::Dyn { index, bytes }, ParamExtra::Dyn(alts)) => {
                match (decode_dyn(alts, index, bytes), alts.get(usize::from(index))) {
                    (Ok(v), Some(alt)) => (v, alt.ty, alt.fmt, None),
                    _ => {
                        out.push_str("<invalid>");
                        return true;
                    }
                }
            }
            (v, ParamExtra::Flags(t)) => (v, info.ty, info.fmt, Some(t)),
            (v, _) => (v, info.ty, info.fmt, None),
        };
        let start = out.len();
        self.write_value(evt, info, value, ty, fmt, table, out);
        if resolved {
            keep_resolved(out, start, value);
        }
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn write_value(
        &self,
        evt: &EventRef<'_>,
        info: &ParamInfo,
        value: ParamValue<'_>,
        ty: ParamType,
        fmt: PrintFormat,
        table: Option<flags::FlagTable>,
        out: &mut String,
    ) {
        match value {
            ParamValue::Empty => match ty {
                ParamType::SockAddr | ParamType::SockTuple => out.push_str("NULL"),
                _ => {}
            },
            ParamValue::Null => out.push_str("(NULL)"),
            ParamValue::Int(v) => write_int(v, fmt, out),
            ParamValue::Uint(v) => write_uint(v, fmt, out),
            ParamValue::Str(s) => self.write_path_or_text(evt, info, s, out),
            ParamValue::Bytes(b) | ParamValue::StrArray(b) => write_buffer(b, out),
            ParamValue::Errno(v) if v >= 0 && returns_address(evt, info) => {
                let _ = write!(out, "{v:X}");
            }
            ParamValue::Errno(v) => write_errno(v, out),
            ParamValue::Fd(fd) => self.write_fd(fd, out),
            ParamValue::Pid(pid) => self.write_pid(pid, out),
            ParamValue::SockAddr(a) => write_sockaddr(&a, out),
            ParamValue::SockTuple(t) => write_socktuple(&t, out),
            ParamValue::FdList(list) => {
                // `fd:` then the fd's type char and the poll flags in hex.
                for (k, (fd, flags)) in list.iter().enumerate() {
                    if k > 0 {
                        out.push(' ');
                    }
                    let _ = write!(out, "{fd}:");
                    if let Some(f) = self.state.fd(self.tid, fd) {
                        out.push(f.ty.type_char());
                    }
                    let _ = write!(out, "{:x}", flags as u16);
                }
            }
            ParamValue::SyscallId(sc) => out.push_str(syscalls::ppm_sc_name(sc)),
            ParamValue::Signal(sig) => {
                let _ = write!(out, "{sig}");
                if let Some(name) = signal_name(sig) {
                    let _ = write!(out, "({name})");
                }
            }
            ParamValue::RelTime(ns) => {
                let _ = write!(out, "{ns}({}s)", ns as f64 / 1e9);
            }
            ParamValue::AbsTime(ns) => {
                let _ = write!(out, "{ns}");
            }
            ParamValue::Port(p) => {
                let _ = write!(out, "{p}");
            }
            ParamValue::L4Proto(v) | ParamValue::SockFamily(v) => {
                let _ = write!(out, "{v}");
            }
            ParamValue::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            ParamValue::Ip(ip) => {
                let _ = write!(out, "{ip}");
            }
            ParamValue::Net { addr, mask } => {
                let _ = write!(out, "{addr}/{mask}");
            }
            ParamValue::Dyn { .. } => out.push_str("<invalid>"),
            ParamValue::Flags(v) | ParamValue::EnumFlags(v) | ParamValue::Mode(v) => write_flags(
                v,
                fmt,
                table,
                matches!(value, ParamValue::EnumFlags(_)),
                out,
            ),
            ParamValue::Uid(v) | ParamValue::Gid(v) | ParamValue::SigSet(v) => {
                let _ = write!(out, "{v}");
            }
            ParamValue::Double(d) => {
                let _ = write!(out, "{d:.6}");
            }
        }
    }

    /// Paths relative to a directory print as `rel(resolved)`.
    fn write_path_or_text(&self, evt: &EventRef<'_>, info: &ParamInfo, s: &[u8], out: &mut String) {
        let text = String::from_utf8_lossy(s);
        out.push_str(&text);
        if text.starts_with('/') || text.is_empty() {
            return;
        }
        let base = match (info.ty, info.info) {
            (ParamType::FsRelPath, ParamExtra::DirFd(i)) => {
                match evt.param(usize::from(i)).and_then(Result::ok) {
                    Some(ParamValue::Fd(fd)) if fd != AT_FDCWD => self
                        .state
                        .fd(self.tid, fd)
                        .map(|f| with_trailing_slash(&f.name)),
                    _ => self.cwd(),
                }
            }
            (ParamType::FsPath, _) => self.cwd(),
            _ => None,
        };
        if let Some(base) = base.filter(|b| !b.is_empty()) {
            let _ = write!(out, "({})", concat_path(&base, &text));
        }
    }

    fn cwd(&self) -> Option<String> {
        self.state.thread(self.tid).map(|t| t.cwd.clone())
    }

    /// `3(<f>/etc/passwd)`, `-100(AT_FDCWD)`, or the bare number.
    pub fn write_fd(&self, fd: i64, out: &mut String) {
        let _ = write!(out, "{fd}");
        if fd == AT_FDCWD {
            out.push_str("(AT_FDCWD)");
            return;
        }
        if fd < 0 {
            // A negative fd is an error code (e.g. mmap's -1 reads EPERM).
            if let Some(name) = errno_name(-fd) {
                let _ = write!(out, "({name})");
            }
            return;
        }
        if let Some(f) = self.state.fd(self.tid, fd) {
            out.push('(');
            f.write_tag(out);
            out.push(')');
        }
    }

    /// `1234(bash)` or the bare number.
    pub fn write_pid(&self, pid: i64, out: &mut String) {
        let _ = write!(out, "{pid}");
        if let Some(t) = self.state.thread(pid) {
            if !t.comm.is_empty() {
                let _ = write!(out, "({})", t.comm);
            }
        }
    }
}

/// Reduces `value(resolved)` written at `out[start..]` to `resolved` for
/// the kinds of values that have such a suffix.
fn keep_resolved(out: &mut String, start: usize, value: ParamValue<'_>) {
    let has_suffix = matches!(
        value,
        ParamValue::Errno(_)
            | ParamValue::Fd(_)
            | ParamValue::Pid(_)
            | ParamValue::Flags(_)
            | ParamValue::EnumFlags(_)
            | ParamValue::Signal(_)
            | ParamValue::RelTime(_)
    );
    if !has_suffix || !out.ends_with(')') {
        return;
    }
    if let Some(open) = out[start..].find('(') {
        let inner = out[start + open + 1..out.len() - 1].to_owned();
        out.truncate(start);
        out.push_str(&inner);
    }
}

/// mmap's result is an address: sysdig 0.29.3's table typed it as a hex
/// number (current tables say ERRNO).
fn returns_address(evt: &EventRef<'_>, info: &ParamInfo) -> bool {
    info.name == "res" && matches!(evt.info().map(|i| i.name), Some("mmap" | "mmap2"))
}

fn write_int(v: i64, fmt: PrintFormat, out: &mut String) {
    let _ = match fmt {
        PrintFormat::Hex => write!(out, "{v:X}"),
        PrintFormat::Oct => write!(out, "{v:#o}"),
        PrintFormat::PaddedDec10 => write!(out, "{v:09}"),
        _ => write!(out, "{v}"),
    };
}

fn write_uint(v: u64, fmt: PrintFormat, out: &mut String) {
    let _ = match fmt {
        PrintFormat::Hex => write!(out, "{v:X}"),
        PrintFormat::Oct => {
            if v == 0 {
                write!(out, "0")
            } else {
                write!(out, "0{v:o}")
            }
        }
        PrintFormat::PaddedDec10 => write!(out, "{v:09}"),
        _ => write!(out, "{v}"),
    };
}

/// `0`, `832`, or `-2(ENOENT)`.
pub fn write_errno(v: i64, out: &mut String) {
    let _ = write!(out, "{v}");
    if v < 0 {
        if let Some(name) = errno_name(-v) {
            let _ = write!(out, "({name})");
        }
    }
}

fn write_flags(
    v: u32,
    fmt: PrintFormat,
    table: Option<flags::FlagTable>,
    enumerated: bool,
    out: &mut String,
) {
    // sysdig prints flag values in decimal whatever the table's format;
    // only modes keep their octal format.
    if fmt == PrintFormat::Oct && table.is_none() {
        let _ = write!(out, "{v:#o}");
    } else {
        let _ = write!(out, "{v}");
    }
    if let Some(table) = table {
        let names = flags::render(table, v, enumerated);
        if !names.is_empty() {
            let _ = write!(out, "({names})");
        }
    }
}

/// Printable ASCII as is, everything else as `.`; a buffer longer than
/// [`MAX_BUFFER_LEN`] is cut so that, with `...`, the rendering is exactly
/// that long.
pub fn write_buffer(b: &[u8], out: &mut String) {
    let shown = if b.len() > MAX_BUFFER_LEN {
        MAX_BUFFER_LEN - 3
    } else {
        b.len()
    };
    for &c in &b[..shown] {
        out.push(if (0x20..0x7f).contains(&c) {
            c as char
        } else {
            '.'
        });
    }
    if shown < b.len() {
        out.push_str("...");
    }
}

/// `1.2.3.4:80`, `2001:db8::1:443`, a unix path, or `NULL`.
pub fn write_sockaddr(a: &SockAddr<'_>, out: &mut String) {
    let _ = match a {
        SockAddr::Inet { addr, port } => write!(out, "{addr}:{port}"),
        SockAddr::Inet6 { addr, port } => match addr.to_ipv4_mapped() {
            Some(v4) => write!(out, "{v4}:{port}"),
            None => write!(out, "{addr}:{port}"),
        },
        SockAddr::Unix(path) => write!(out, "{}", String::from_utf8_lossy(path)),
        SockAddr::Other { family, .. } => write!(out, "family {family}"),
    };
}

/// `sip:sport->dip:dport`, or `src->dst path` (hex pointers) for unix sockets.
pub fn write_socktuple(t: &SockTuple<'_>, out: &mut String) {
    let _ = match t {
        SockTuple::Inet {
            src,
            sport,
            dst,
            dport,
        } => write!(out, "{src}:{sport}->{dst}:{dport}"),
        SockTuple::Inet6 {
            src,
            sport,
            dst,
            dport,
        } => match (src.to_ipv4_mapped(), dst.to_ipv4_mapped()) {
            (Some(s), Some(d)) => write!(out, "{s}:{sport}->{d}:{dport}"),
            _ => write!(out, "{src}:{sport}->{dst}:{dport}"),
        },
        SockTuple::Unix { src, dst, path } => {
            write!(out, "{src:x}->{dst:x} {}", String::from_utf8_lossy(path))
        }
        SockTuple::Other { family, .. } => write!(out, "family {family}"),
    };
}

/// Linux signal names.
pub fn signal_name(sig: u8) -> Option<&'static str> {
    const NAMES: [&str; 32] = [
        "",
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    NAMES
        .get(usize::from(sig))
        .copied()
        .filter(|s| !s.is_empty())
}

/// Appends the raw value of param `i` (`evt.rawarg`): numbers in decimal,
/// strings as is, buffers as rendered. False if the event lacks the param.
pub fn write_raw_param(evt: &EventRef<'_>, i: usize, out: &mut String) -> bool {
    let (Some(info), Some(bytes)) = (evt.param_info(i), evt.param_bytes(i)) else {
        return false;
    };
    let Ok(value) = decode(info.ty, bytes) else {
        return false;
    };
    match value {
        ParamValue::Str(s) => out.push_str(&String::from_utf8_lossy(s)),
        ParamValue::Bytes(b) | ParamValue::StrArray(b) => write_buffer(b, out),
        ParamValue::SockAddr(a) => write_sockaddr(&a, out),
        ParamValue::SockTuple(t) => write_socktuple(&t, out),
        ParamValue::Ip(ip) => {
            let _ = write!(out, "{ip}");
        }
        ParamValue::Double(d) => {
            let _ = write!(out, "{d}");
        }
        ParamValue::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        other => match (other.as_i64(), other.as_u64()) {
            (Some(v), _) => {
                let _ = write!(out, "{v}");
            }
            (None, Some(v)) => {
                let _ = write!(out, "{v}");
            }
            _ => return false,
        },
    }
    true
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn buffers_show_printables_and_cut_long_data() {
        let mut s = String::new();
        write_buffer(b"/dev/null\0", &mut s);
        assert_eq!(s, "/dev/null.");
        s.clear();
        write_buffer(&[b'a'; 81], &mut s);
        assert_eq!(s.len(), 80);
        assert!(s.ends_with("a..."));
    }

    #[test]
    fn errors_carry_their_name() {
        let mut s = String::new();
        write_errno(-2, &mut s);
        assert_eq!(s, "-2(ENOENT)");
        s.clear();
        write_errno(832, &mut s);
        assert_eq!(s, "832");
    }

    #[test]
    fn unix_tuples_print_pointers_in_hex() {
        let mut s = String::new();
        write_socktuple(
            &SockTuple::Unix {
                src: 0,
                dst: 0xffff88003c420800,
                path: b"/var/run/nscd/socket",
            },
            &mut s,
        );
        assert_eq!(s, "0->ffff88003c420800 /var/run/nscd/socket");
    }
}
