//! Falco's syscall fields (`evt.*`, `proc.*`, `thread.*`, `fd.*`,
//! `fs.path.*`, `user.*`, `group.*`, `container.*`) over [`SyscallEvent`]s.

mod extract;
mod table;
mod time;

pub use extract::extract;
pub use table::{extractor, ArgSel, CapSet, Ex, PathField, Side, FIELDS};
pub use time::{write_datetime, write_iso8601, write_time};

use driver::{all_events, syscalls, EventCode, ParamType, EVENT_COUNT};

use super::inspector::SyscallEvent;
use crate::field::{
    lookup, ArgKind, Compiled, FieldError, FieldInfo, FieldSource, FieldType, Values,
};

/// The syscall event source: Falco's `syscall` source.
#[derive(Debug, Clone, Copy, Default)]
pub struct SyscallSource;

/// The field type of `evt.rawarg.NAME`: the type of the first param of that
/// name in the event table.
fn rawarg_type(name: &str) -> FieldType {
    let ty = all_events()
        .iter()
        .flat_map(|e| e.params.iter())
        .find(|p| p.name == name)
        .map(|p| p.ty);
    match ty {
        Some(
            ParamType::Int8
            | ParamType::Int16
            | ParamType::Int32
            | ParamType::Int64
            | ParamType::Errno
            | ParamType::Fd
            | ParamType::Fd32
            | ParamType::Pid
            | ParamType::Pid32,
        ) => FieldType::Int64,
        Some(ParamType::CharBuf | ParamType::FsPath | ParamType::FsRelPath) => FieldType::CharBuf,
        Some(ParamType::ByteBuf) => FieldType::ByteBuf,
        Some(ParamType::Bool) => FieldType::Bool,
        Some(ParamType::RelTime) => FieldType::RelTime,
        Some(ParamType::AbsTime) => FieldType::AbsTime,
        Some(ParamType::Port) => FieldType::Port,
        Some(ParamType::Ipv4Addr | ParamType::Ipv6Addr | ParamType::IpAddr) => FieldType::IpAddr,
        Some(ParamType::Double) => FieldType::Double,
        Some(
            ParamType::SockAddr
            | ParamType::SockTuple
            | ParamType::FdList
            | ParamType::CharBufArray,
        ) => FieldType::CharBuf,
        Some(_) => FieldType::Uint64,
        None => FieldType::Int64,
    }
}

impl SyscallSource {
    /// Compiles `name` (with optional bracket argument) into an extractor.
    pub fn compile_field(&self, name: &str, arg: Option<&str>) -> Result<Compiled<Ex>, FieldError> {
        let (info, key) =
            lookup(FIELDS, name).ok_or_else(|| FieldError::Unknown(name.to_owned()))?;
        let arg = match (arg, key) {
            (Some(_), Some(_)) => {
                return Err(bad(name, "both a dotted key and a bracket argument"))
            }
            (a, k) => a.or(k),
        };
        match (info.arg, arg) {
            (ArgKind::None, Some(_)) => return Err(bad(name, "this field takes no argument")),
            (ArgKind::RequiredIndex | ArgKind::RequiredKey | ArgKind::RequiredIndexOrKey, None) => {
                return Err(bad(name, "this field needs an argument"))
            }
            (ArgKind::RequiredIndex | ArgKind::OptionalIndex, Some(a))
                if a.parse::<usize>().is_err() =>
            {
                return Err(bad(name, "the argument must be a number"))
            }
            _ => {}
        }
        let extractor = extractor(info.name, arg).ok_or_else(|| bad(name, "bad argument"))?;
        let ty = match &extractor {
            Ex::EvtRawArg(n) => rawarg_type(n),
            _ => info.ty,
        };
        let is_list = matches!(
            extractor,
            Ex::ProcApid(None)
                | Ex::ProcAname(None)
                | Ex::ProcAexe(None)
                | Ex::ProcAexepath(None)
                | Ex::ProcAcmdline(None)
                | Ex::FdIp(Side::Any)
                | Ex::FdPort(Side::Any)
                | Ex::FdNet(Side::Any)
        );
        Ok(Compiled {
            extractor,
            ty,
            is_list,
        })
    }
}

fn bad(field: &str, reason: &str) -> FieldError {
    FieldError::BadArg {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

impl FieldSource for SyscallSource {
    type Event<'e> = SyscallEvent<'e>;
    type Extractor = Ex;

    fn name(&self) -> &'static str {
        "syscall"
    }

    fn fields(&self) -> &[FieldInfo] {
        FIELDS
    }

    fn compile(&self, name: &str, arg: Option<&str>) -> Result<Compiled<Ex>, FieldError> {
        self.compile_field(name, arg)
    }

    fn extract<'e>(&self, ex: &Ex, evt: &SyscallEvent<'e>, out: &mut Values<'e>) {
        extract(ex, evt, out);
    }

    fn event_code_count(&self) -> usize {
        EVENT_COUNT
    }

    fn event_codes(&self, type_name: &str) -> Option<Vec<u16>> {
        let codes: Vec<u16> = all_events()
            .iter()
            .enumerate()
            .filter(|(_, e)| e.name == type_name)
            .filter_map(|(i, _)| u16::try_from(i).ok())
            .collect();
        if !codes.is_empty() {
            return Some(codes);
        }
        // Syscalls without dedicated events arrive as generic events.
        syscalls::ppm_sc_by_name(type_name)
            .map(|_| vec![EventCode::GENERIC_E.0, EventCode::GENERIC_X.0])
    }

    fn event_code(&self, evt: &SyscallEvent<'_>) -> u16 {
        evt.evt.code().0
    }

    fn event_time(&self, evt: &SyscallEvent<'_>) -> u64 {
        evt.evt.ts()
    }
}
