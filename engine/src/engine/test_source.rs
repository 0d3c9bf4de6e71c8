//! A tiny field source for engine tests: events are maps from field name
//! to values, event types are a fixed table.

use crate::field::{
    ArgKind, Compiled, FieldError, FieldInfo, FieldSource, FieldType, Value, Values,
};

/// Event types of the test source.
pub const TYPES: [&str; 4] = ["open", "execve", "connect", "close"];

pub const FIELDS: &[FieldInfo] = &[
    FieldInfo::new("evt.type", FieldType::CharBuf, "event type"),
    FieldInfo::new("proc.name", FieldType::CharBuf, "process name"),
    FieldInfo::new("proc.pid", FieldType::Int64, "pid"),
    FieldInfo::new("proc.aname", FieldType::CharBuf, "ancestor names")
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("fd.name", FieldType::FsPath, "fd name"),
    FieldInfo::new("fd.sip", FieldType::IpAddr, "server ip"),
    FieldInfo::new("fd.port", FieldType::Port, "port"),
    FieldInfo::new("evt.buffer", FieldType::ByteBuf, "buffer"),
    FieldInfo::new("user.root", FieldType::Bool, "is root"),
    FieldInfo::new("k.images", FieldType::CharBuf, "images").list(),
];

/// One test event.
#[derive(Debug, Default)]
pub struct TestEvent {
    pub ty: &'static str,
    pub fields: Vec<(&'static str, Value<'static>)>,
    pub ancestors: Vec<&'static str>,
    pub images: Vec<&'static str>,
}

impl TestEvent {
    pub fn new(ty: &'static str) -> TestEvent {
        TestEvent {
            ty,
            ..TestEvent::default()
        }
    }

    pub fn with(mut self, name: &'static str, v: Value<'static>) -> TestEvent {
        self.fields.push((name, v));
        self
    }
}

#[derive(Debug, Clone)]
pub enum Ex {
    Type,
    Plain(&'static str),
    Aname(Option<usize>),
    Images,
}

#[derive(Debug, Clone, Copy)]
pub struct TestSource {
    /// Whether `in` on list fields needs every value (Falco list fields).
    pub lists_all: bool,
}

impl FieldSource for TestSource {
    type Event<'e> = TestEvent;
    type Extractor = Ex;

    /// Named like Falco's default source, so rules need no `source:`.
    fn name(&self) -> &'static str {
        "syscall"
    }

    fn fields(&self) -> &[FieldInfo] {
        FIELDS
    }

    fn compile(&self, name: &str, arg: Option<&str>) -> Result<Compiled<Ex>, FieldError> {
        let (info, _) =
            crate::field::lookup(FIELDS, name).ok_or_else(|| FieldError::Unknown(name.into()))?;
        let (extractor, is_list) = match info.name {
            "evt.type" => (Ex::Type, false),
            "proc.aname" => match arg {
                Some(a) => (
                    Ex::Aname(Some(a.parse().map_err(|_| FieldError::BadArg {
                        field: name.into(),
                        reason: "index".into(),
                    })?)),
                    false,
                ),
                None => (Ex::Aname(None), true),
            },
            "k.images" => (Ex::Images, true),
            other => (Ex::Plain(other), false),
        };
        Ok(Compiled {
            extractor,
            ty: info.ty,
            is_list,
        })
    }

    fn extract<'e>(&self, ex: &Ex, evt: &TestEvent, out: &mut Values<'e>) {
        match ex {
            Ex::Type => out.push(Value::str(evt.ty)),
            Ex::Plain(name) => out.extend(
                evt.fields
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, v)| v.clone()),
            ),
            Ex::Aname(Some(i)) => out.extend(evt.ancestors.get(*i).map(|a| Value::str(a))),
            Ex::Aname(None) => out.extend(evt.ancestors.iter().map(|a| Value::str(a))),
            Ex::Images => out.extend(evt.images.iter().map(|a| Value::str(a))),
        }
    }

    fn event_code_count(&self) -> usize {
        TYPES.len()
    }

    fn event_codes(&self, type_name: &str) -> Option<Vec<u16>> {
        TYPES
            .iter()
            .position(|t| *t == type_name)
            .map(|i| vec![i as u16])
    }

    fn event_code(&self, evt: &TestEvent) -> u16 {
        TYPES.iter().position(|t| *t == evt.ty).unwrap_or(0) as u16
    }

    fn list_in_requires_all(&self) -> bool {
        self.lists_all
    }

    fn event_time(&self, _evt: &TestEvent) -> u64 {
        1_470_327_477_881_781_397
    }
}
