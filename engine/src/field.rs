//! Fields: what a filter can read from an event, and the values they yield.
//!
//! Every event source (syscalls, Kubernetes audit, the tiny sources in tests)
//! implements [`FieldSource`]. The filter compiler asks the source to compile
//! each field reference once ([`FieldSource::compile`]) into the source's own
//! `Extractor` (typically a small enum); per event the evaluator calls
//! [`FieldSource::extract`], which is a `match` on that enum and pushes the
//! field's values into a caller-provided stack buffer ([`Values`]), so no
//! event needs a heap allocation unless a value has to be built (e.g. a
//! joined command line).
//!
//! Rules are indexed by event type: [`FieldSource::event_codes`] maps the
//! names used in `evt.type` comparisons to the source's numeric codes, and
//! [`FieldSource::event_code`] gives an event's code.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use smallvec::SmallVec;

/// The values a field yields for one event: none (the field does not apply),
/// one, or several for list fields. Up to four live on the stack.
pub type Values<'e> = SmallVec<[Value<'e>; 4]>;

/// Falco's field types (libsinsp `ppm_param_type` names where they exist).
///
/// The type decides how a filter's literal operand is parsed and which
/// operators the field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Text (`PT_CHARBUF`). Yields [`Value::Str`].
    CharBuf,
    /// Raw bytes (`PT_BYTEBUF`). Yields [`Value::Bytes`].
    ByteBuf,
    /// A filesystem path (`PT_FSPATH`). Yields [`Value::Str`].
    FsPath,
    /// A path relative to a directory fd (`PT_FSRELPATH`). Yields [`Value::Str`].
    FsRelPath,
    /// Signed integers. Yield [`Value::I64`].
    Int8,
    /// See [`FieldType::Int8`].
    Int16,
    /// See [`FieldType::Int8`].
    Int32,
    /// See [`FieldType::Int8`].
    Int64,
    /// Unsigned integers. Yield [`Value::U64`].
    Uint8,
    /// See [`FieldType::Uint8`].
    Uint16,
    /// See [`FieldType::Uint8`].
    Uint32,
    /// See [`FieldType::Uint8`].
    Uint64,
    /// A TCP/UDP port (`PT_PORT`). Yields [`Value::U64`].
    Port,
    /// Nanoseconds since the epoch (`PT_ABSTIME`). Yields [`Value::U64`].
    AbsTime,
    /// A duration in nanoseconds (`PT_RELTIME`). Yields [`Value::U64`].
    RelTime,
    /// `PT_BOOL`. Yields [`Value::Bool`].
    Bool,
    /// An IPv4 or IPv6 address (`PT_IPADDR`). Yields [`Value::Ip`].
    IpAddr,
    /// A network (`PT_IPNET`): compared against addresses by containment.
    /// Yields [`Value::Ip`] (the address to test) or [`Value::Net`].
    IpNet,
    /// `PT_DOUBLE`. Yields [`Value::F64`].
    Double,
}

impl FieldType {
    /// Falco's upper-case type name, as `falco --list -v` prints it.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::CharBuf => "CHARBUF",
            FieldType::ByteBuf => "BYTEBUF",
            FieldType::FsPath => "FSPATH",
            FieldType::FsRelPath => "FSRELPATH",
            FieldType::Int8 => "INT8",
            FieldType::Int16 => "INT16",
            FieldType::Int32 => "INT32",
            FieldType::Int64 => "INT64",
            FieldType::Uint8 => "UINT8",
            FieldType::Uint16 => "UINT16",
            FieldType::Uint32 => "UINT32",
            FieldType::Uint64 => "UINT64",
            FieldType::Port => "PORT",
            FieldType::AbsTime => "ABSTIME",
            FieldType::RelTime => "RELTIME",
            FieldType::Bool => "BOOL",
            FieldType::IpAddr => "IPADDR",
            FieldType::IpNet => "IPNET",
            FieldType::Double => "DOUBLE",
        }
    }

    /// Whether values of this type are text (string operators apply).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FieldType::CharBuf | FieldType::FsPath | FieldType::FsRelPath
        )
    }

    /// Whether values of this type are numbers (ordering operators apply).
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Int8
                | FieldType::Int16
                | FieldType::Int32
                | FieldType::Int64
                | FieldType::Uint8
                | FieldType::Uint16
                | FieldType::Uint32
                | FieldType::Uint64
                | FieldType::Port
                | FieldType::AbsTime
                | FieldType::RelTime
                | FieldType::Double
        )
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether and how a field takes an argument: `proc.aname[2]`,
/// `evt.arg[0]`, `evt.arg.fd`, `jevt.value[/user/name]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// No argument allowed.
    None,
    /// A numeric index in brackets is required (`[N]`).
    RequiredIndex,
    /// A numeric index is allowed but not required.
    OptionalIndex,
    /// A key is required, in brackets (`[key]`) or after a dot (`.key`).
    RequiredKey,
    /// A key is allowed but not required.
    OptionalKey,
    /// Either an index or a key is required (`evt.arg[0]`, `evt.arg.fd`).
    RequiredIndexOrKey,
}

/// Static description of one field, for compilation and `harrier fields`.
#[derive(Debug, Clone, Copy)]
pub struct FieldInfo {
    /// Full name, e.g. `proc.name`.
    pub name: &'static str,
    /// Value type.
    pub ty: FieldType,
    /// Whether the field yields a list of values (e.g. `ka.req.pod.containers.image`).
    pub is_list: bool,
    /// Argument syntax.
    pub arg: ArgKind,
    /// One-line description, Falco's wording where it exists.
    pub description: &'static str,
}

impl FieldInfo {
    /// A field without argument.
    pub const fn new(name: &'static str, ty: FieldType, description: &'static str) -> FieldInfo {
        FieldInfo {
            name,
            ty,
            is_list: false,
            arg: ArgKind::None,
            description,
        }
    }

    /// The same field, marked as yielding a list.
    pub const fn list(mut self) -> FieldInfo {
        self.is_list = true;
        self
    }

    /// The same field, with an argument syntax.
    pub const fn with_arg(mut self, arg: ArgKind) -> FieldInfo {
        self.arg = arg;
        self
    }
}

/// Finds the field `name` refers to in `fields`.
///
/// Exact names win. Otherwise, for fields whose [`ArgKind`] accepts a key,
/// `prefix.key` resolves to the field `prefix` with the dotted key returned
/// (`evt.arg.fd` -> (`evt.arg`, `Some("fd")`)). Sources can use this in
/// their [`FieldSource::compile`].
pub fn lookup<'f, 'n>(
    fields: &'f [FieldInfo],
    name: &'n str,
) -> Option<(&'f FieldInfo, Option<&'n str>)> {
    if let Some(info) = fields.iter().find(|f| f.name == name) {
        return Some((info, None));
    }
    fields
        .iter()
        .filter(|f| {
            matches!(
                f.arg,
                ArgKind::RequiredKey | ArgKind::OptionalKey | ArgKind::RequiredIndexOrKey
            )
        })
        .filter_map(|f| {
            let rest = name.strip_prefix(f.name)?.strip_prefix('.')?;
            (!rest.is_empty()).then_some((f, rest))
        })
        .max_by_key(|(f, _)| f.name.len())
        .map(|(f, rest)| (f, Some(rest)))
}

/// One value of a field for one event. Borrowed from the event where possible.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'e> {
    /// Text (char buffers, paths). Not necessarily UTF-8.
    Str(Cow<'e, [u8]>),
    /// Raw bytes.
    Bytes(Cow<'e, [u8]>),
    /// Signed integer.
    I64(i64),
    /// Unsigned integer, port, absolute or relative time in ns.
    U64(u64),
    /// Boolean.
    Bool(bool),
    /// IP address.
    Ip(IpAddr),
    /// IP network.
    Net(IpNet),
    /// Floating point.
    F64(f64),
}

impl<'e> Value<'e> {
    /// A borrowed text value.
    pub fn str(s: &'e str) -> Value<'e> {
        Value::Str(Cow::Borrowed(s.as_bytes()))
    }

    /// An owned text value.
    pub fn string(s: String) -> Value<'e> {
        Value::Str(Cow::Owned(s.into_bytes()))
    }

    /// The bytes of a text or byte value.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Str(s) | Value::Bytes(s) => Some(s),
            _ => None,
        }
    }

    /// Detaches the value from the event's lifetime.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::Bytes(s) => Value::Bytes(Cow::Owned(s.into_owned())),
            Value::I64(v) => Value::I64(v),
            Value::U64(v) => Value::U64(v),
            Value::Bool(v) => Value::Bool(v),
            Value::Ip(v) => Value::Ip(v),
            Value::Net(v) => Value::Net(v),
            Value::F64(v) => Value::F64(v),
        }
    }
}

/// Falco's plain rendering: text as is (lossy UTF-8), bytes with
/// non-printable characters as `.`, numbers in decimal, booleans as
/// `true`/`false`.
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(&String::from_utf8_lossy(s)),
            Value::Bytes(b) => {
                for &c in b.iter() {
                    let c = if c.is_ascii_graphic() || c == b' ' {
                        c as char
                    } else {
                        '.'
                    };
                    fmt::Write::write_char(f, c)?;
                }
                Ok(())
            }
            Value::I64(v) => write!(f, "{v}"),
            Value::U64(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::Ip(v) => write!(f, "{v}"),
            Value::Net(v) => write!(f, "{v}"),
            Value::F64(v) => write!(f, "{v}"),
        }
    }
}

/// An IP network: address and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNet {
    /// Network address.
    pub addr: IpAddr,
    /// Prefix length in bits.
    pub prefix: u8,
}

impl IpNet {
    /// Parses `a.b.c.d/n`, `x:y::/n`, or a bare address (a host network).
    pub fn parse(s: &str) -> Option<IpNet> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (s.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpNet { addr, prefix })
    }

    /// Whether `ip` lies in this network.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(*ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(*ip) & mask
            }
            _ => false,
        }
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Why a field reference could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// No field of this name in the source. The message is libsinsp's.
    #[error("filter_check called with nonexistent field {0}")]
    Unknown(String),
    /// The field exists but the argument is missing, not allowed or malformed.
    #[error("invalid argument for field {field}: {reason}")]
    BadArg {
        /// The field name.
        field: String,
        /// What is wrong.
        reason: String,
    },
}

/// A field reference compiled by a source: its extractor plus the static
/// facts the filter compiler needs.
#[derive(Debug, Clone)]
pub struct Compiled<X> {
    /// The source-specific extractor, evaluated per event.
    pub extractor: X,
    /// The value type of the field (may depend on the argument, e.g. `evt.arg`).
    pub ty: FieldType,
    /// Whether it yields several values. Comparisons hold when any value
    /// matches, `!=` when none equals, and `in` on a list field of a source
    /// whose [`FieldSource::list_in_requires_all`] is true (Falco's
    /// `EPF_IS_LIST` plugin fields) only when every value is in the set.
    pub is_list: bool,
}

/// An event source whose events rules can be evaluated against.
///
/// Implementations are stateless with respect to events: per-event state
/// (thread tables etc.) lives inside `Event`.
pub trait FieldSource {
    /// The event handed to extractors, borrowing whatever it needs
    /// (the raw event, the inspection state).
    type Event<'e>;
    /// A compiled field reference (cheap to clone; typically an enum).
    type Extractor: Clone + fmt::Debug + Send + Sync;

    /// The source name used in rules' `source:` (`syscall`, `k8s_audit`).
    fn name(&self) -> &'static str;

    /// Every field this source provides, for listing and lookup.
    fn fields(&self) -> &[FieldInfo];

    /// Compiles the field `name` (e.g. `proc.aname`, or `evt.arg.fd` for a
    /// dotted key) with the bracketed argument `arg` if one was written
    /// (`proc.aname[2]` -> `Some("2")`).
    fn compile(
        &self,
        name: &str,
        arg: Option<&str>,
    ) -> Result<Compiled<Self::Extractor>, FieldError>;

    /// Pushes the values of the compiled field for `evt` into `out`
    /// (which the caller has cleared). Push nothing when the field does not
    /// apply to the event (Falco's `<NA>`; `exists` is false).
    fn extract<'e>(&self, ex: &Self::Extractor, evt: &Self::Event<'e>, out: &mut Values<'e>);

    /// Renders the field for an output string (`%proc.name`). The default
    /// prints the single value, a list as `(a,b)`, and `<NA>` when absent.
    /// Sources override it where Falco renders specially.
    fn render<'e>(&self, ex: &Self::Extractor, evt: &Self::Event<'e>, out: &mut String) {
        let mut values = Values::new();
        self.extract(ex, evt, &mut values);
        render_values(&values, out);
    }

    /// Number of distinct event codes; codes are `0..event_code_count()`.
    /// A source with a single kind of event returns 1.
    fn event_code_count(&self) -> usize;

    /// The event codes an `evt.type` operand names (e.g. `open` -> the enter
    /// and exit codes of open). `None` when the name is unknown. Sources
    /// without event types return `None` for everything.
    fn event_codes(&self, type_name: &str) -> Option<Vec<u16>>;

    /// The code of `evt`, in `0..event_code_count()`.
    fn event_code(&self, evt: &Self::Event<'_>) -> u16;

    /// Whether rules of this source should restrict `evt.type`
    /// (`LOAD_NO_EVTTYPE` is only reported for such sources).
    fn has_event_types(&self) -> bool {
        self.event_code_count() > 1
    }

    /// The field whose comparisons restrict the event type (`evt.type`).
    fn event_type_field(&self) -> &'static str {
        "evt.type"
    }

    /// Whether `in` on this source's list fields requires every value to be
    /// in the set (Falco's list fields, e.g. `ka.req.pod.containers.image`).
    /// Falco's syscall fields are never list fields: their multi-valued
    /// forms (`proc.aname` without index, `fd.ip`) match when any value does.
    fn list_in_requires_all(&self) -> bool {
        self.name() != "syscall"
    }

    /// The event's timestamp in ns since the epoch (for alerts).
    fn event_time(&self, evt: &Self::Event<'_>) -> u64;
}

/// Default output rendering of extracted values (see [`FieldSource::render`]).
pub fn render_values(values: &[Value<'_>], out: &mut String) {
    use fmt::Write;
    match values {
        [] => out.push_str("<NA>"),
        [one] => {
            let _ = write!(out, "{one}");
        }
        many => {
            out.push('(');
            for (i, v) in many.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{v}");
            }
            out.push(')');
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn ipnet_contains_checks_prefix_bits() {
        let net = IpNet::parse("10.1.0.0/16").unwrap();
        assert!(net.contains(&"10.1.200.3".parse().unwrap()));
        assert!(!net.contains(&"10.2.0.1".parse().unwrap()));
        let all = IpNet::parse("0.0.0.0/0").unwrap();
        assert!(all.contains(&"8.8.8.8".parse().unwrap()));
        let v6 = IpNet::parse("fe80::/10").unwrap();
        assert!(v6.contains(&"fe80::1".parse().unwrap()));
        assert!(!v6.contains(&"10.0.0.1".parse().unwrap()));
        assert!(IpNet::parse("10.0.0.0/33").is_none());
    }

    #[test]
    fn lookup_resolves_dotted_keys_to_the_longest_prefix() {
        const FIELDS: &[FieldInfo] = &[
            FieldInfo::new("evt.arg", FieldType::CharBuf, "argument")
                .with_arg(ArgKind::RequiredIndexOrKey),
            FieldInfo::new("evt.args", FieldType::CharBuf, "all arguments"),
        ];
        assert_eq!(lookup(FIELDS, "evt.args").unwrap().0.name, "evt.args");
        let (info, key) = lookup(FIELDS, "evt.arg.fd").unwrap();
        assert_eq!((info.name, key), ("evt.arg", Some("fd")));
        assert!(lookup(FIELDS, "evt.argz").is_none());
    }

    #[test]
    fn render_values_follows_falco() {
        let mut s = String::new();
        render_values(&[], &mut s);
        assert_eq!(s, "<NA>");
        s.clear();
        render_values(&[Value::str("a"), Value::U64(2)], &mut s);
        assert_eq!(s, "(a,2)");
    }
}
