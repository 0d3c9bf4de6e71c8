//! Comparisons between field values and literals, and the operand-side
//! helpers the compiled filter uses: literal parsing, sets for `in`,
//! path prefixes for `pmatch`, globs and transformers.

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::IpAddr;

use crate::field::{FieldType, IpNet, Value};
use crate::filter::ast::{Op, Transformer};

/// Parses a literal operand for a field of type `ty`.
pub fn parse_literal(ty: FieldType, op: Op, text: &str) -> Result<Value<'static>, String> {
    if matches!(op, Op::BContains | Op::BStartsWith) {
        return parse_hex(text)
            .map(|b| Value::Bytes(Cow::Owned(b)))
            .ok_or_else(|| format!("'{text}' is not a valid hex string"));
    }
    let bad = |what: &str| format!("'{text}' is not a valid {what}");
    Ok(match ty {
        FieldType::CharBuf | FieldType::FsPath | FieldType::FsRelPath => {
            Value::Str(Cow::Owned(text.as_bytes().to_vec()))
        }
        FieldType::ByteBuf => Value::Bytes(Cow::Owned(text.as_bytes().to_vec())),
        FieldType::Int8 | FieldType::Int16 | FieldType::Int32 | FieldType::Int64 => {
            Value::I64(parse_int(text).ok_or_else(|| bad("number"))?)
        }
        FieldType::Uint8
        | FieldType::Uint16
        | FieldType::Uint32
        | FieldType::Uint64
        | FieldType::Port
        | FieldType::AbsTime
        | FieldType::RelTime => match parse_int(text) {
            Some(v) if v >= 0 => Value::U64(v as u64),
            Some(v) => Value::I64(v),
            None => Value::U64(parse_uint(text).ok_or_else(|| bad("number"))?),
        },
        FieldType::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(bad("boolean")),
        },
        FieldType::IpAddr | FieldType::IpNet => {
            Value::Net(IpNet::parse(text).ok_or_else(|| bad("IP address or network"))?)
        }
        FieldType::Double => Value::F64(text.parse().map_err(|_| bad("number"))?),
    })
}

fn parse_int(text: &str) -> Option<i64> {
    let t = text.strip_prefix('+').unwrap_or(text);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    t.parse().ok()
}

fn parse_uint(text: &str) -> Option<u64> {
    let t = text.strip_prefix('+').unwrap_or(text);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok();
    }
    t.parse().ok()
}

fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let t: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    if !t.len().is_multiple_of(2) {
        return None;
    }
    t.chunks(2)
        .map(|p| {
            let s = std::str::from_utf8(p).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

/// Signed view of an integer value, when it has one.
fn as_i128(v: &Value<'_>) -> Option<i128> {
    match v {
        Value::I64(x) => Some(i128::from(*x)),
        Value::U64(x) => Some(i128::from(*x)),
        Value::Bool(b) => Some(i128::from(*b)),
        _ => None,
    }
}

fn as_f64(v: &Value<'_>) -> Option<f64> {
    match v {
        Value::F64(x) => Some(*x),
        Value::I64(x) => Some(*x as f64),
        Value::U64(x) => Some(*x as f64),
        _ => None,
    }
}

/// Text of a value for string operators (numbers rendered in decimal).
fn text<'v>(v: &'v Value<'_>) -> Cow<'v, [u8]> {
    match v {
        Value::Str(s) | Value::Bytes(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string().into_bytes()),
    }
}

/// Compares `lhs op rhs` for ordering and equality-style operators
/// (everything but the set and pattern operators, which are compiled).
pub fn compare(op: Op, lhs: &Value<'_>, rhs: &Value<'_>) -> bool {
    use std::cmp::Ordering;
    let ordering = match (lhs, rhs) {
        (Value::Ip(ip), Value::Net(net)) | (Value::Net(net), Value::Ip(ip)) => {
            return match op {
                Op::Eq => net.contains(ip),
                Op::Ne => !net.contains(ip),
                _ => false,
            }
        }
        (Value::Ip(a), Value::Ip(b)) => a.cmp(b),
        (Value::F64(_), _) | (_, Value::F64(_)) => match (as_f64(lhs), as_f64(rhs)) {
            (Some(a), Some(b)) => match a.partial_cmp(&b) {
                Some(o) => o,
                None => return false,
            },
            _ => return false,
        },
        _ => match (as_i128(lhs), as_i128(rhs)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => {
                let (a, b) = (text(lhs), text(rhs));
                return match op {
                    Op::StartsWith | Op::BStartsWith => a.starts_with(&b),
                    Op::EndsWith => a.ends_with(&b),
                    Op::Contains | Op::BContains => memchr::memmem::find(&a, &b).is_some(),
                    Op::IContains => icontains(&a, &lower(&b)),
                    Op::Glob => glob_match(&b, &a, false),
                    Op::IGlob => glob_match(&b, &a, true),
                    _ => ordered(op, a.as_ref().cmp(b.as_ref())),
                };
            }
        },
    };
    if matches!(ordering, Ordering::Equal) && !matches!(op, Op::Eq | Op::Ne | Op::Le | Op::Ge) {
        return false;
    }
    ordered(op, ordering)
}

fn ordered(op: Op, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Op::Eq | Op::In | Op::Intersects => o == Equal,
        Op::Ne => o != Equal,
        Op::Lt => o == Less,
        Op::Le => o != Greater,
        Op::Gt => o == Greater,
        Op::Ge => o != Less,
        _ => false,
    }
}

/// ASCII lower case.
pub fn lower(b: &[u8]) -> Vec<u8> {
    b.to_ascii_lowercase()
}

/// Whether `hay` contains `needle_lower` ignoring ASCII case.
pub fn icontains(hay: &[u8], needle_lower: &[u8]) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if hay.len() < needle_lower.len() {
        return false;
    }
    hay.windows(needle_lower.len()).any(|w| {
        w.iter()
            .zip(needle_lower)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
    })
}

/// fnmatch-style glob: `*`, `?`, `[set]`, `[!set]`, `\x`.
pub fn glob_match(pat: &[u8], s: &[u8], fold: bool) -> bool {
    let eq = |a: u8, b: u8| {
        if fold {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut p, mut i) = (0usize, 0usize);
    let (mut star_p, mut star_i) = (usize::MAX, 0usize);
    while i < s.len() {
        if p < pat.len() {
            match pat[p] {
                b'*' => {
                    star_p = p;
                    star_i = i;
                    p += 1;
                    continue;
                }
                b'?' => {
                    p += 1;
                    i += 1;
                    continue;
                }
                b'[' => {
                    if let Some((matched, next)) = class_match(&pat[p..], s[i], fold) {
                        if matched {
                            p += next;
                            i += 1;
                            continue;
                        }
                    } else if eq(b'[', s[i]) {
                        p += 1;
                        i += 1;
                        continue;
                    }
                }
                b'\\' if p + 1 < pat.len() => {
                    if eq(pat[p + 1], s[i]) {
                        p += 2;
                        i += 1;
                        continue;
                    }
                }
                c => {
                    if eq(c, s[i]) {
                        p += 1;
                        i += 1;
                        continue;
                    }
                }
            }
        }
        if star_p == usize::MAX {
            return false;
        }
        p = star_p + 1;
        star_i += 1;
        i = star_i;
    }
    pat[p..].iter().all(|&c| c == b'*')
}

/// Matches a `[...]` class at the start of `pat`; returns whether `c`
/// matched and the class length, or `None` when the class is unterminated.
fn class_match(pat: &[u8], c: u8, fold: bool) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(pat.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let c = if fold { c.to_ascii_lowercase() } else { c };
    let mut matched = false;
    let mut first = true;
    while i < pat.len() {
        let x = pat[i];
        if x == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        let lo = if fold { x.to_ascii_lowercase() } else { x };
        if pat.get(i + 1) == Some(&b'-') && pat.get(i + 2).is_some_and(|&h| h != b']') {
            let hi = pat[i + 2];
            let hi = if fold { hi.to_ascii_lowercase() } else { hi };
            matched |= lo <= c && c <= hi;
            i += 3;
        } else {
            matched |= lo == c;
            i += 1;
        }
    }
    None
}

/// The set an `in`/`intersects` operand compiles to.
#[derive(Debug, Clone, Default)]
pub struct ValueSet {
    bytes: HashSet<Vec<u8>>,
    ints: HashSet<i128>,
    nets: Vec<IpNet>,
    floats: Vec<f64>,
}

impl ValueSet {
    /// Builds a set from parsed literals.
    pub fn new(values: Vec<Value<'static>>) -> ValueSet {
        let mut set = ValueSet::default();
        for v in values {
            match v {
                Value::Str(s) | Value::Bytes(s) => {
                    set.bytes.insert(s.into_owned());
                }
                Value::I64(x) => {
                    set.ints.insert(i128::from(x));
                }
                Value::U64(x) => {
                    set.ints.insert(i128::from(x));
                }
                Value::Bool(b) => {
                    set.ints.insert(i128::from(b));
                }
                Value::Net(n) => set.nets.push(n),
                Value::Ip(ip) => set.nets.push(host_net(ip)),
                Value::F64(f) => set.floats.push(f),
            }
        }
        set
    }

    /// Whether `v` is a member.
    pub fn contains(&self, v: &Value<'_>) -> bool {
        match v {
            Value::Str(s) | Value::Bytes(s) => self.bytes.contains(s.as_ref()),
            Value::I64(_) | Value::U64(_) | Value::Bool(_) => {
                as_i128(v).is_some_and(|x| self.ints.contains(&x))
            }
            Value::Ip(ip) => self.nets.iter().any(|n| n.contains(ip)),
            Value::Net(n) => self.nets.contains(n),
            Value::F64(f) => self.floats.contains(f),
        }
    }
}

fn host_net(ip: IpAddr) -> IpNet {
    IpNet {
        addr: ip,
        prefix: if ip.is_ipv4() { 32 } else { 128 },
    }
}

/// `pmatch` prefixes: a value matches when one of the paths equals it or is
/// a directory above it. Looked up component by component.
#[derive(Debug, Clone, Default)]
pub struct PathPrefixes {
    paths: HashSet<Vec<u8>>,
}

impl PathPrefixes {
    /// Builds the prefix set (trailing slashes are ignored).
    pub fn new(paths: impl IntoIterator<Item = Vec<u8>>) -> PathPrefixes {
        PathPrefixes {
            paths: paths
                .into_iter()
                .map(|mut p| {
                    while p.len() > 1 && p.ends_with(b"/") {
                        p.pop();
                    }
                    p
                })
                .collect(),
        }
    }

    /// Whether `path` lies at or below one of the prefixes.
    pub fn matches(&self, path: &[u8]) -> bool {
        if self.paths.contains(path)
            || self.paths.contains(b"/".as_slice()) && path.starts_with(b"/")
        {
            return true;
        }
        path.iter()
            .enumerate()
            .filter(|(i, &c)| c == b'/' && *i > 0)
            .any(|(i, _)| self.paths.contains(&path[..i]))
    }
}

/// Applies transformers (innermost last in `ts`, so applied in reverse).
pub fn transform<'e>(ts: &[Transformer], v: Value<'e>) -> Value<'e> {
    ts.iter().rev().fold(v, |v, t| apply(*t, v))
}

fn apply<'e>(t: Transformer, v: Value<'e>) -> Value<'e> {
    let bytes = match &v {
        Value::Str(s) | Value::Bytes(s) => s.as_ref(),
        _ => return v,
    };
    match t {
        Transformer::ToLower => Value::Str(Cow::Owned(bytes.to_ascii_lowercase())),
        Transformer::ToUpper => Value::Str(Cow::Owned(bytes.to_ascii_uppercase())),
        Transformer::Len => Value::U64(bytes.len() as u64),
        Transformer::Basename => {
            let start = bytes.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1);
            Value::Str(Cow::Owned(bytes[start..].to_vec()))
        }
        Transformer::B64 => match b64_decode(bytes) {
            Some(d) => Value::Str(Cow::Owned(d)),
            None => v,
        },
    }
}

fn b64_decode(s: &[u8]) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        })
    };
    let s: Vec<u8> = s
        .iter()
        .copied()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let n = match chunk.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => return None,
        };
        out.extend_from_slice(&acc.to_be_bytes()[1..1 + n]);
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match(b"/etc/*", b"/etc/passwd", false));
        assert!(glob_match(b"*.so.?", b"libc.so.6", false));
        assert!(!glob_match(b"/etc/*", b"/usr/etc", false));
        assert!(glob_match(b"[a-c]at", b"bat", false));
        assert!(!glob_match(b"[!a-c]at", b"bat", false));
        assert!(glob_match(b"*SHADOW", b"/etc/shadow", true));
    }

    #[test]
    fn pmatch_prefixes_are_whole_components() {
        let p = PathPrefixes::new([b"/usr/bin".to_vec(), b"/etc/".to_vec()]);
        assert!(p.matches(b"/usr/bin/ls"));
        assert!(p.matches(b"/etc"));
        assert!(!p.matches(b"/usr/binx/ls"));
        assert!(!p.matches(b"/usr"));
    }

    #[test]
    fn comparisons_mix_signedness_and_nets() {
        assert!(compare(Op::Lt, &Value::I64(-1), &Value::U64(0)));
        assert!(compare(Op::Ge, &Value::U64(5), &Value::U64(5)));
        let net = parse_literal(FieldType::IpAddr, Op::Eq, "10.0.0.0/8").unwrap();
        assert!(compare(
            Op::Eq,
            &Value::Ip("10.2.3.4".parse().unwrap()),
            &net
        ));
        assert!(compare(Op::Lt, &Value::str("abc"), &Value::str("abd")));
    }

    #[test]
    fn sets_and_transformers() {
        let set = ValueSet::new(vec![Value::str("cat").into_owned(), Value::U64(80)]);
        assert!(set.contains(&Value::str("cat")));
        assert!(set.contains(&Value::I64(80)));
        assert!(!set.contains(&Value::str("dog")));
        assert_eq!(
            transform(&[Transformer::ToUpper], Value::str("a/b")),
            Value::str("A/B")
        );
        assert_eq!(
            transform(&[Transformer::Basename], Value::str("/a/b")),
            Value::str("b")
        );
        assert_eq!(
            transform(&[Transformer::B64], Value::str("aGVsbG8=")),
            Value::str("hello")
        );
        assert_eq!(
            transform(&[Transformer::Len, Transformer::ToLower], Value::str("abc")),
            Value::U64(3)
        );
    }
}
