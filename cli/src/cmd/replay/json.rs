//! `replay --json`: one JSON object per event with every parameter decoded
//! to a JSON value of its own kind. Numbers stay numbers, addresses and
//! tuples are the `ip:port` text sysdig prints, fd lists and string lists
//! are arrays, and a `PT_DYN` parameter is the value its selector picks.

use std::fmt::Write as _;

use driver::param::FdList;
use driver::{EventRef, ParamValue};
use engine::syscall::render::{write_sockaddr, write_socktuple};

use super::format::{event_type_name, EventContext};

/// One JSON object: number, time, cpu, tid, direction, type and every parameter.
pub(super) fn write_event(ctx: &EventContext<'_>, out: &mut String) {
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
    write_string(event_type_name(ev), out);
    out.push_str(",\"params\":{");
    for index in 0..ev.nparams() {
        if index > 0 {
            out.push(',');
        }
        match ev.param_info(index) {
            Some(info) => write_string(info.name, out),
            None => write_string(&format!("param{index}"), out),
        }
        out.push(':');
        write_param(ev, index, out);
    }
    out.push_str("}}");
}

/// Parameter `index` of `ev`; one that does not decode is a string naming
/// the reason, one the event table does not describe is `null`.
fn write_param(ev: &EventRef<'_>, index: usize, out: &mut String) {
    match ev.param(index) {
        Some(Ok(value)) => write_value(&value, out),
        Some(Err(err)) => write_string(&format!("<invalid: {err}>"), out),
        None => out.push_str("null"),
    }
}

/// `value` as one JSON value. `PT_DYN` values arrive already resolved by
/// their selector; one whose parameter lists no alternatives keeps the
/// selector and its bytes in hex.
fn write_value(value: &ParamValue<'_>, out: &mut String) {
    match *value {
        ParamValue::Empty | ParamValue::Null => out.push_str("null"),
        ParamValue::Int(v) | ParamValue::Errno(v) | ParamValue::Fd(v) | ParamValue::Pid(v) => {
            write_number(v, out)
        }
        ParamValue::Uint(v) | ParamValue::RelTime(v) | ParamValue::AbsTime(v) => {
            write_number(v, out)
        }
        ParamValue::Flags(v)
        | ParamValue::EnumFlags(v)
        | ParamValue::Mode(v)
        | ParamValue::SigSet(v)
        | ParamValue::Uid(v)
        | ParamValue::Gid(v) => write_number(v, out),
        ParamValue::Port(v) | ParamValue::SyscallId(v) => write_number(v, out),
        ParamValue::Signal(v) | ParamValue::L4Proto(v) | ParamValue::SockFamily(v) => {
            write_number(v, out)
        }
        ParamValue::Bool(v) => write_number(v, out),
        // JSON has no NaN or infinities.
        ParamValue::Double(v) if v.is_finite() => write_number(v, out),
        ParamValue::Double(_) => out.push_str("null"),
        ParamValue::Str(s) => write_string(&String::from_utf8_lossy(s), out),
        ParamValue::Bytes(b) | ParamValue::StrArray(b) if is_string_list(b) => {
            write_string_list(b, out)
        }
        ParamValue::Bytes(b) | ParamValue::StrArray(b) => {
            write_string(&String::from_utf8_lossy(b), out)
        }
        ParamValue::SockAddr(addr) => {
            let mut text = String::new();
            write_sockaddr(&addr, &mut text);
            write_string(&text, out);
        }
        ParamValue::SockTuple(tuple) => {
            let mut text = String::new();
            write_socktuple(&tuple, &mut text);
            write_string(&text, out);
        }
        ParamValue::Ip(ip) => write_string(&ip.to_string(), out),
        ParamValue::Net { addr, mask } => write_string(&format!("{addr}/{mask}"), out),
        ParamValue::FdList(list) => write_fd_list(&list, out),
        ParamValue::Dyn { index, bytes } => {
            let _ = write!(out, "{{\"selector\":{index},\"bytes\":\"");
            for b in bytes {
                let _ = write!(out, "{b:02x}");
            }
            out.push_str("\"}");
        }
    }
}

/// A number or boolean, whose display form is its JSON form.
fn write_number(v: impl std::fmt::Display, out: &mut String) {
    let _ = write!(out, "{v}");
}

/// `[{"fd":3,"events":1},…]`: each fd with its `PPM_POLL*` flags.
fn write_fd_list(list: &FdList<'_>, out: &mut String) {
    out.push('[');
    for (i, (fd, events)) in list.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(out, "{sep}{{\"fd\":{fd},\"events\":{events}}}");
    }
    out.push(']');
}

/// A NUL-separated list as an array of strings.
fn write_string_list(b: &[u8], out: &mut String) {
    out.push('[');
    for (i, part) in b.split(|&c| c == 0).filter(|p| !p.is_empty()).enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(&String::from_utf8_lossy(part), out);
    }
    out.push(']');
}

/// Whether a buffer is a NUL-terminated list of printable strings (execve
/// args, env, cgroups) rather than data.
fn is_string_list(b: &[u8]) -> bool {
    b.last() == Some(&0) && b.iter().all(|&c| c == 0 || c >= 0x20)
}

fn write_string(text: &str, out: &mut String) {
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

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test data is fixed")]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use driver::param::{SockAddr, SockTuple};

    use super::*;

    fn json(value: ParamValue<'_>) -> serde_json::Value {
        let mut out = String::new();
        write_value(&value, &mut out);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{out}: {e}"))
    }

    #[test]
    fn numbers_stay_numbers() {
        assert_eq!(json(ParamValue::Errno(-2)), -2);
        assert_eq!(json(ParamValue::Uint(u64::MAX)), u64::MAX);
        assert_eq!(json(ParamValue::Signal(9)), 9);
        assert_eq!(json(ParamValue::Double(0.5)), 0.5);
        assert!(json(ParamValue::Double(f64::NAN)).is_null());
        assert!(json(ParamValue::Double(f64::INFINITY)).is_null());
    }

    #[test]
    fn addresses_are_text_as_sysdig_prints_them() {
        let v6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
        let mapped = Ipv4Addr::new(10, 0, 0, 1).to_ipv6_mapped();
        let addr = |a| json(ParamValue::SockAddr(a));
        assert_eq!(
            addr(SockAddr::Inet {
                addr: Ipv4Addr::LOCALHOST,
                port: 80
            }),
            "127.0.0.1:80"
        );
        assert_eq!(
            addr(SockAddr::Inet6 {
                addr: v6,
                port: 443
            }),
            "2001:db8::1:443"
        );
        assert_eq!(
            addr(SockAddr::Inet6 {
                addr: mapped,
                port: 53
            }),
            "10.0.0.1:53"
        );
        assert_eq!(addr(SockAddr::Unix(b"/run/x.sock")), "/run/x.sock");
        let other = SockAddr::Other {
            family: 16,
            rest: b"\x01{ }",
        };
        assert_eq!(addr(other), "family 16");
        let tuple = |t| json(ParamValue::SockTuple(t));
        let unix = SockTuple::Unix {
            src: 0xabc,
            dst: 0xdef,
            path: b"/run/x.sock",
        };
        assert_eq!(tuple(unix), "abc->def /run/x.sock");
        let other = SockTuple::Other {
            family: 17,
            rest: b"",
        };
        assert_eq!(tuple(other), "family 17");
        assert_eq!(json(ParamValue::Ip(IpAddr::from(v6))), "2001:db8::1");
        let net = ParamValue::Net {
            addr: IpAddr::from([10, 0, 0, 0]),
            mask: IpAddr::from([255, 0, 0, 0]),
        };
        assert_eq!(json(net), "10.0.0.0/255.0.0.0");
    }

    #[test]
    fn lists_are_arrays() {
        let mut bytes = Vec::new();
        FdList::encode_entries(&[(3, 1), (-1, 4)], &mut bytes).unwrap();
        let list = FdList::decode(&bytes).unwrap();
        assert_eq!(
            json(ParamValue::FdList(list)),
            serde_json::json!([{"fd": 3, "events": 1}, {"fd": -1, "events": 4}])
        );
        assert_eq!(
            json(ParamValue::Bytes(b"ls\0-l\0")),
            serde_json::json!(["ls", "-l"])
        );
        assert_eq!(json(ParamValue::Bytes(b"\x01\x02")), "\u{1}\u{2}");
    }

    #[test]
    fn a_dyn_without_alternatives_keeps_selector_and_bytes() {
        let v = json(ParamValue::Dyn {
            index: 2,
            bytes: &[0, 0x10],
        });
        assert_eq!(v, serde_json::json!({"selector": 2, "bytes": "0010"}));
    }
}
