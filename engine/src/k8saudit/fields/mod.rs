//! The `k8s_audit` field source: Falco's `ka.*` fields (k8saudit plugin
//! 0.18 names, arguments and list semantics), the json plugin's
//! `json.*`/`jevt.*` fields, and the `evt.*` time fields plugin events have.

use std::borrow::Cow;

use serde_json::Value as Json;

use super::event::{get_path, AuditEvent};
use super::time::format_rfc3339_ns;
use crate::field::{lookup, ArgKind, Compiled, FieldError, FieldInfo, FieldSource, Value, Values};

mod table;

pub use table::{FIELDS, KA_FIELD_COUNT};

/// The Kubernetes audit field source (`source: k8s_audit` in rules).
#[derive(Debug, Clone, Copy, Default)]
pub struct K8sAuditSource;

/// Which list of containers a per-container field reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerGroup {
    /// `spec.containers`
    Containers,
    /// `spec.initContainers`
    Init,
    /// `spec.ephemeralContainers`
    Ephemeral,
}

impl ContainerGroup {
    fn key(self) -> &'static str {
        match self {
            ContainerGroup::Containers => "containers",
            ContainerGroup::Init => "initContainers",
            ContainerGroup::Ephemeral => "ephemeralContainers",
        }
    }
}

/// What a per-container field reads from each container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerProp {
    /// `name`
    Name,
    /// `image`
    Image,
    /// `image` without tag and digest
    Repository,
    /// `command` (one JSON array per container)
    Command,
    /// `args` (one JSON array per container)
    Args,
    /// `securityContext.privileged`
    Privileged,
    /// `securityContext.allowPrivilegeEscalation`
    AllowPrivilegeEscalation,
    /// `securityContext.readOnlyRootFilesystem`
    ReadOnlyFs,
    /// `securityContext.procMount`
    ProcMount,
    /// `securityContext.runAsUser`
    RunAsUser,
    /// `securityContext.runAsGroup`
    RunAsGroup,
    /// container `runAsUser`, else the pod's, else 0
    EffRunAsUser,
    /// container `runAsGroup`, else the pod's, else 0
    EffRunAsGroup,
    /// every entry of `securityContext.capabilities.add`
    AddCapabilities,
    /// every port's `hostPort` (or `containerPort` when none)
    HostPort,
}

/// Binding subjects of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    /// `kind: User` names.
    User,
    /// `kind: ServiceAccount` names.
    ServiceAccount,
    /// `kind: ServiceAccount` as `namespace:name`.
    ServiceAccountNs,
    /// `kind: Group` names.
    Group,
}

/// A compiled `k8s_audit` field reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extractor {
    /// A value at a fixed path, as text; lists must be JSON arrays.
    Path {
        /// Object keys from the event root.
        path: &'static [&'static str],
        /// Whether the field is a list.
        list: bool,
    },
    /// A query parameter of `requestURI`.
    UriParam(Box<str>),
    /// The pod a request targets.
    TargetPodName,
    /// Binding subjects of one kind.
    Subjects(SubjectKind),
    /// Deprecated `ka.req.binding.subject.has_name`: always absent.
    NotAvailable,
    /// A per-container property, for all containers or the one at `index`.
    Container {
        /// Which container list.
        group: ContainerGroup,
        /// What to read.
        prop: ContainerProp,
        /// Only this container.
        index: Option<usize>,
    },
    /// Deprecated: image (or repository) of the first container.
    FirstContainer {
        /// Repository instead of the full image.
        repository: bool,
    },
    /// Deprecated: `true` if any container is privileged.
    AnyPrivileged,
    /// An array of strings inside each role rule (`verbs`, `resources`...).
    RoleRules {
        /// The key in each rule.
        key: &'static str,
        /// Only this rule.
        index: Option<usize>,
    },
    /// Elements of an array at a path (each rendered as text).
    ArrayAt {
        /// Path to the array.
        path: &'static [&'static str],
        /// Only this element.
        index: Option<usize>,
    },
    /// For each volume, the value at a sub-path.
    Volumes {
        /// Path inside each volume.
        sub: &'static [&'static str],
        /// Only this volume.
        index: Option<usize>,
    },
    /// For each volume, its type (every key but `name`).
    VolumeTypes(Option<usize>),
    /// Deprecated: whether a hostPath volume matches (`prefix*` or exact).
    VolumeHostpathMounted(Box<str>),
    /// `json.value[<pointer>]`.
    JsonPointer(Box<str>),
    /// `json.obj`: the whole event.
    JsonObj,
    /// `json.rawtime` and `evt.rawtime`: ns since the epoch.
    RawTime,
    /// `evt.rawtime.s` / `evt.rawtime.ns`.
    RawTimePart {
        /// Seconds (true) or the nanosecond remainder (false).
        seconds: bool,
    },
    /// `evt.time`, `evt.time.iso8601`, `evt.datetime`...
    TimeText(TimeFormat),
    /// `evt.source`.
    SourceName,
}

/// Renderings of the event time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// `HH:MM:SS.nnnnnnnnn`
    Time,
    /// `HH:MM:SS`
    TimeSeconds,
    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`
    Iso8601,
    /// `YYYY-MM-DD HH:MM:SS.nnnnnnnnn`
    DateTime,
    /// `YYYY-MM-DD HH:MM:SS`
    DateTimeSeconds,
}

impl FieldSource for K8sAuditSource {
    type Event<'e> = &'e AuditEvent;
    type Extractor = Extractor;

    fn name(&self) -> &'static str {
        "k8s_audit"
    }

    fn fields(&self) -> &[FieldInfo] {
        FIELDS
    }

    fn compile(&self, name: &str, arg: Option<&str>) -> Result<Compiled<Extractor>, FieldError> {
        let (info, dotted) =
            lookup(FIELDS, name).ok_or_else(|| FieldError::Unknown(name.to_owned()))?;
        let arg = match (arg, dotted) {
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) => None,
            (Some(_), Some(_)) => return Err(bad_arg(info.name, "two arguments")),
        };
        let index = match info.arg {
            ArgKind::OptionalIndex => match arg {
                None => None,
                Some(a) => Some(
                    a.trim()
                        .parse::<usize>()
                        .map_err(|_| bad_arg(info.name, "expected a numeric index"))?,
                ),
            },
            ArgKind::RequiredKey if arg.is_none_or(str::is_empty) => {
                return Err(bad_arg(info.name, "a key argument is required"))
            }
            ArgKind::None if arg.is_some() => {
                return Err(bad_arg(info.name, "the field takes no argument"))
            }
            _ => None,
        };
        let extractor = table::extractor_for(info.name, arg.unwrap_or(""), index)
            .ok_or_else(|| FieldError::Unknown(name.to_owned()))?;
        Ok(Compiled {
            extractor,
            ty: info.ty,
            is_list: info.is_list,
        })
    }

    fn extract<'e>(&self, ex: &Extractor, evt: &&'e AuditEvent, out: &mut Values<'e>) {
        extract(ex, evt, out);
    }

    fn event_code_count(&self) -> usize {
        1
    }

    fn event_codes(&self, _type_name: &str) -> Option<Vec<u16>> {
        None
    }

    fn event_code(&self, _evt: &&AuditEvent) -> u16 {
        0
    }

    fn event_time(&self, evt: &&AuditEvent) -> u64 {
        evt.time_ns()
    }
}

fn bad_arg(field: &str, reason: &str) -> FieldError {
    FieldError::BadArg {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Text of a JSON value: strings as they are, anything else as compact JSON.
fn text(v: &Json) -> Cow<'_, str> {
    match v {
        Json::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

fn push_text<'e>(out: &mut Values<'e>, v: &'e Json) {
    out.push(match text(v) {
        Cow::Borrowed(s) => Value::str(s),
        Cow::Owned(s) => Value::string(s),
    });
}

/// Elements of the array `v`, or only the one at `index`.
fn elements(v: Option<&Json>, index: Option<usize>) -> &[Json] {
    let arr = v.and_then(Json::as_array).map_or(&[][..], Vec::as_slice);
    match index {
        None => arr,
        Some(i) => arr.get(i..=i).unwrap_or(&[]),
    }
}

/// The evaluator: pushes the values of `ex` for `evt`.
pub fn extract<'e>(ex: &Extractor, evt: &'e AuditEvent, out: &mut Values<'e>) {
    let root = evt.json();
    match ex {
        Extractor::Path { path, list } => match (get_path(root, path), list) {
            (Some(Json::Array(items)), true) => items.iter().for_each(|v| push_text(out, v)),
            (Some(Json::Null) | None, _) | (Some(_), true) => {}
            (Some(v), false) => push_text(out, v),
        },
        Extractor::UriParam(key) => {
            if let Some(value) = evt
                .str_at(&["requestURI"])
                .and_then(|u| query_param(u, key))
            {
                out.push(Value::string(value));
            }
        }
        Extractor::TargetPodName => target_pod_name(root, out),
        Extractor::Subjects(kind) => subjects(root, *kind, out),
        Extractor::NotAvailable => {}
        Extractor::Container { group, prop, index } => containers(root, *group, *prop, *index, out),
        Extractor::FirstContainer { repository } => {
            let prop = if *repository {
                ContainerProp::Repository
            } else {
                ContainerProp::Image
            };
            containers(root, ContainerGroup::Containers, prop, Some(0), out);
        }
        Extractor::AnyPrivileged => {
            let list = get_path(root, &["requestObject", "spec", "containers"]);
            if list.is_some_and(Json::is_array) {
                let any = elements(list, None).iter().any(|c| {
                    get_path(c, &["securityContext", "privileged"]) == Some(&Json::Bool(true))
                });
                out.push(Value::str(if any { "true" } else { "false" }));
            }
        }
        Extractor::RoleRules { key, index } => {
            for rule in elements(get_path(root, &["requestObject", "rules"]), *index) {
                for v in elements(rule.get(*key), None) {
                    push_text(out, v);
                }
            }
        }
        Extractor::ArrayAt { path, index } => {
            for v in elements(get_path(root, path), *index) {
                push_text(out, v);
            }
        }
        Extractor::Volumes { sub, index } => {
            for vol in elements(
                get_path(root, &["requestObject", "spec", "volumes"]),
                *index,
            ) {
                if let Some(v) = get_path(vol, sub) {
                    push_text(out, v);
                }
            }
        }
        Extractor::VolumeTypes(index) => {
            for vol in elements(
                get_path(root, &["requestObject", "spec", "volumes"]),
                *index,
            ) {
                if let Some(obj) = vol.as_object() {
                    obj.keys()
                        .filter(|k| *k != "name")
                        .for_each(|k| out.push(Value::str(k)));
                }
            }
        }
        Extractor::VolumeHostpathMounted(pattern) => {
            let vols = get_path(root, &["requestObject", "spec", "volumes"]);
            if vols.is_some_and(Json::is_array) {
                let hit = elements(vols, None).iter().any(|vol| {
                    get_path(vol, &["hostPath", "path"])
                        .and_then(Json::as_str)
                        .is_some_and(|p| match pattern.strip_suffix('*') {
                            Some(prefix) => p.starts_with(prefix),
                            None => p == &**pattern,
                        })
                });
                out.push(Value::str(if hit { "true" } else { "false" }));
            }
        }
        Extractor::JsonPointer(ptr) => {
            if let Some(v) = root.pointer(ptr) {
                push_text(out, v);
            }
        }
        Extractor::JsonObj => out.push(Value::string(root.to_string())),
        Extractor::RawTime => out.push(Value::U64(evt.time_ns())),
        Extractor::RawTimePart { seconds } => out.push(Value::U64(if *seconds {
            evt.time_ns() / 1_000_000_000
        } else {
            evt.time_ns() % 1_000_000_000
        })),
        Extractor::TimeText(format) => out.push(Value::string(format_time(evt.time_ns(), *format))),
        Extractor::SourceName => out.push(Value::str("k8s_audit")),
    }
}

fn format_time(ns: u64, format: TimeFormat) -> String {
    let iso = format_rfc3339_ns(ns);
    // iso = YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ
    let (date, clock) = (&iso[..10], &iso[11..29]);
    match format {
        TimeFormat::Time => clock.to_owned(),
        TimeFormat::TimeSeconds => clock[..8].to_owned(),
        TimeFormat::Iso8601 => iso,
        TimeFormat::DateTime => format!("{date} {clock}"),
        TimeFormat::DateTimeSeconds => format!("{date} {}", &clock[..8]),
    }
}

fn target_pod_name<'e>(root: &'e Json, out: &mut Values<'e>) {
    if get_path(root, &["objectRef", "resource"]).and_then(Json::as_str) != Some("pods") {
        return;
    }
    let has_sub = get_path(root, &["objectRef", "subresource"]).is_some_and(|s| !s.is_null());
    let name = if has_sub {
        get_path(root, &["objectRef", "name"])
    } else {
        get_path(root, &["responseObject", "metadata", "name"])
            .or_else(|| get_path(root, &["objectRef", "name"]))
    };
    if let Some(v) = name.filter(|v| !v.is_null()) {
        push_text(out, v);
    }
}

fn subjects<'e>(root: &'e Json, kind: SubjectKind, out: &mut Values<'e>) {
    let list = get_path(root, &["requestObject", "subjects"]);
    let wanted = match kind {
        SubjectKind::User => "User",
        SubjectKind::ServiceAccount | SubjectKind::ServiceAccountNs => "ServiceAccount",
        SubjectKind::Group => "Group",
    };
    for subject in elements(list, None) {
        if subject.get("kind").and_then(Json::as_str) != Some(wanted) {
            continue;
        }
        let Some(name) = subject.get("name").and_then(Json::as_str) else {
            continue;
        };
        if kind == SubjectKind::ServiceAccountNs {
            let ns = subject
                .get("namespace")
                .and_then(Json::as_str)
                .unwrap_or("");
            out.push(Value::string(format!("{ns}:{name}")));
        } else {
            out.push(Value::str(name));
        }
    }
}

fn containers<'e>(
    root: &'e Json,
    group: ContainerGroup,
    prop: ContainerProp,
    index: Option<usize>,
    out: &mut Values<'e>,
) {
    let spec = get_path(root, &["requestObject", "spec"]);
    let list = spec.and_then(|s| s.get(group.key()));
    if !list.is_some_and(Json::is_array) {
        return;
    }
    for c in elements(list, index) {
        container_prop(spec, c, prop, out);
    }
}

fn container_prop<'e>(
    spec: Option<&'e Json>,
    c: &'e Json,
    prop: ContainerProp,
    out: &mut Values<'e>,
) {
    let security = |key: &str| get_path(c, &["securityContext", key]).filter(|v| !v.is_null());
    let single = match prop {
        ContainerProp::Name => c.get("name"),
        ContainerProp::Image => c.get("image"),
        ContainerProp::Command => c.get("command"),
        ContainerProp::Args => c.get("args"),
        ContainerProp::Privileged => security("privileged"),
        ContainerProp::AllowPrivilegeEscalation => security("allowPrivilegeEscalation"),
        ContainerProp::ReadOnlyFs => security("readOnlyRootFilesystem"),
        ContainerProp::ProcMount => security("procMount"),
        ContainerProp::RunAsUser => security("runAsUser"),
        ContainerProp::RunAsGroup => security("runAsGroup"),
        ContainerProp::Repository => {
            if let Some(image) = c.get("image").and_then(Json::as_str) {
                out.push(Value::str(image_repository(image)));
            }
            return;
        }
        ContainerProp::EffRunAsUser | ContainerProp::EffRunAsGroup => {
            let key = if prop == ContainerProp::EffRunAsUser {
                "runAsUser"
            } else {
                "runAsGroup"
            };
            let pod = spec.and_then(|s| get_path(s, &["securityContext", key]));
            match security(key).or(pod.filter(|v| !v.is_null())) {
                Some(v) => push_text(out, v),
                None => out.push(Value::str("0")),
            }
            return;
        }
        ContainerProp::AddCapabilities => {
            let caps = get_path(c, &["securityContext", "capabilities", "add"]);
            elements(caps, None).iter().for_each(|v| push_text(out, v));
            return;
        }
        ContainerProp::HostPort => {
            for port in elements(c.get("ports"), None) {
                if let Some(p) = port.get("hostPort").or_else(|| port.get("containerPort")) {
                    push_text(out, p);
                }
            }
            return;
        }
    };
    if let Some(v) = single.filter(|v| !v.is_null()) {
        push_text(out, v);
    }
}

/// The repository part of an image reference: without `:tag` and `@digest`.
///
/// Like the k8saudit plugin, everything from the first `:` is cut, so a
/// registry with a port (`host:5000/app`) keeps only `host`.
pub fn image_repository(image: &str) -> &str {
    let end = image.find(':').unwrap_or(image.len());
    let repo = &image[..end];
    &repo[..repo.find('@').unwrap_or(repo.len())]
}

/// The first value of query parameter `key` in `uri`, percent-decoded.
fn query_param(uri: &str, key: &str) -> Option<String> {
    let query = uri.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split(['&', ';']).find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == key).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = match b.get(i..i + 3) {
            Some([b'%', h, l]) => hex(*h).zip(hex(*l)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match (escaped, b[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, c) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn repository_drops_tag_and_digest() {
        assert_eq!(image_repository("nginx"), "nginx");
        assert_eq!(image_repository("nginx:1.14"), "nginx");
        assert_eq!(
            image_repository("docker.io/falco@sha256:ab"),
            "docker.io/falco"
        );
    }

    #[test]
    fn query_params_are_decoded() {
        let uri = "/api/v1/namespaces/default/pods/p/exec?command=ls&command=-l&container=c%20x";
        assert_eq!(query_param(uri, "command").as_deref(), Some("ls"));
        assert_eq!(query_param(uri, "container").as_deref(), Some("c x"));
        assert_eq!(query_param(uri, "stdin"), None);
        assert_eq!(query_param("/x?a=%zz%4", "a").as_deref(), Some("%zz%4"));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod field_tests;
