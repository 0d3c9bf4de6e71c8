//! The event table: one entry per event code, `0..EVENT_COUNT`.
//!
//! Each category file declares its events with the [`events!`] macro, which
//! produces both the [`EventCode`] constants and the table entries. The
//! entries are placed into one dense array at compile time; a missing or
//! duplicated code is a compile error.

use crate::types::{Category, EventFlags, ParamType, PrintFormat};

mod dynamic;
mod file;
mod io;
mod ipc;
mod iter;
mod meta;
mod mm;
mod net;
mod process;
mod signal;
mod sys;
mod user;

/// Number of event codes in the table (`PPM_EVENT_MAX` of libs HEAD).
pub const EVENT_COUNT: usize = 454;

/// Number of event codes sysdig 0.29.3 knows (libs 2022-03); it skips higher codes.
pub const LEGACY_EVENT_COUNT: usize = 336;

/// Extra per-parameter information from the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamExtra {
    /// Nothing.
    None,
    /// Names of flag bits or enumerated values, as sysdig prints them.
    Flags(&'static [(&'static str, u32)]),
    /// The sub-types a `PT_DYN` selector chooses from, by selector index.
    Dyn(&'static [DynParam]),
    /// For `PT_FSRELPATH`: index of the parameter holding the directory fd.
    DirFd(u8),
}

/// One alternative of a `PT_DYN` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DynParam {
    /// Name of the alternative (e.g. `"val"`).
    pub name: &'static str,
    /// Its wire type.
    pub ty: ParamType,
    /// Its print format.
    pub fmt: PrintFormat,
}

/// One parameter of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// Parameter name, e.g. `"fd"`.
    pub name: &'static str,
    /// Wire type.
    pub ty: ParamType,
    /// Print format.
    pub fmt: PrintFormat,
    /// Flag names, dynamic sub-types or the dirfd index.
    pub info: ParamExtra,
}

/// One event code's table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventInfo {
    /// Upstream enum name without `PPME_` (and without `SYSCALL_`/`SOCKET_`),
    /// e.g. `"OPENAT_2_E"`.
    pub ident: &'static str,
    /// Event name as users see it, e.g. `"openat"`; `"NA"` for placeholders.
    pub name: &'static str,
    /// Category and source bits.
    pub category: Category,
    /// `EF_*` flags.
    pub flags: EventFlags,
    /// Parameters, in wire order, as libs HEAD defines them.
    pub params: &'static [ParamInfo],
    /// Number of parameters sysdig 0.29.3's table declares for this code;
    /// `None` when the code is unknown to 0.29.3 (codes ≥ 336). A writer that
    /// must be readable by 0.29.3 emits the first `legacy_nparams` params
    /// (or all of HEAD's, which 0.29.3 also tolerates, spec §7).
    pub legacy_nparams: Option<u8>,
}

impl EventInfo {
    /// True if the parameter length array uses u32 entries (`EF_LARGE_PAYLOAD`).
    pub const fn large_payload(&self) -> bool {
        self.flags.contains(EventFlags::LARGE_PAYLOAD)
    }

    /// Width in bytes of one parameter length entry: 2, or 4 for large payload.
    pub const fn len_width(&self) -> usize {
        if self.large_payload() {
            4
        } else {
            2
        }
    }

    /// True for placeholder codes (`EF_UNUSED`).
    pub const fn is_unused(&self) -> bool {
        self.flags.contains(EventFlags::UNUSED)
    }

    /// True for superseded layouts (`EF_OLD_VERSION`).
    pub const fn is_old_version(&self) -> bool {
        self.flags.contains(EventFlags::OLD_VERSION)
    }

    /// True for events produced by system calls (`EC_SYSCALL`).
    pub const fn is_syscall(&self) -> bool {
        self.category.contains(Category::SYSCALL)
    }

    /// The parameters sysdig 0.29.3 knows for this code: the first
    /// `legacy_nparams` of [`EventInfo::params`], or none for newer codes.
    pub fn legacy_params(&self) -> &'static [ParamInfo] {
        let n = self.legacy_nparams.map_or(0, usize::from);
        &self.params[..n.min(self.params.len())]
    }

    /// Index of the first parameter with this name.
    pub fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }
}

/// An event type code (`ppm_event_code`). Even codes are enter events,
/// odd codes exit events.
///
/// The associated constants are upstream's `PPME_*` names without the
/// `PPME_`, `PPME_SYSCALL_` or `PPME_SOCKET_` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventCode(pub u16);

/// Direction of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Enter (even code).
    Enter,
    /// Exit (odd code).
    Exit,
}

impl Direction {
    /// The direction of `code` (`code & 1`: 0 enter, 1 exit).
    pub const fn of(code: u16) -> Direction {
        if code & 1 == 0 {
            Direction::Enter
        } else {
            Direction::Exit
        }
    }

    /// sysdig's `evt.dir` character: `>` for enter, `<` for exit.
    pub const fn symbol(self) -> char {
        match self {
            Direction::Enter => '>',
            Direction::Exit => '<',
        }
    }
}

impl EventCode {
    /// The table entry for this code.
    pub fn info(self) -> Option<&'static EventInfo> {
        event_info(self.0)
    }

    /// Enter or exit.
    pub const fn direction(self) -> Direction {
        Direction::of(self.0)
    }

    /// True for enter (even) codes.
    pub const fn is_enter(self) -> bool {
        self.0 & 1 == 0
    }

    /// True for exit (odd) codes.
    pub const fn is_exit(self) -> bool {
        self.0 & 1 == 1
    }

    /// The other half of the enter/exit pair.
    pub const fn pair(self) -> EventCode {
        EventCode(self.0 ^ 1)
    }
}

impl std::fmt::Display for EventCode {
    /// The upstream identifier (e.g. `OPENAT_2_X`), or the number for codes
    /// beyond the table.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.info() {
            Some(info) => f.write_str(info.ident),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<u16> for EventCode {
    fn from(code: u16) -> Self {
        EventCode(code)
    }
}

impl From<EventCode> for u16 {
    fn from(code: EventCode) -> u16 {
        code.0
    }
}

/// The table entry for `code`, or `None` outside `0..EVENT_COUNT`.
pub fn event_info(code: u16) -> Option<&'static EventInfo> {
    TABLE.get(usize::from(code)).filter(|e| !e.name.is_empty())
}

/// The whole table, indexed by event code.
pub fn all_events() -> &'static [EventInfo; EVENT_COUNT] {
    &TABLE
}

/// Every code whose event is named `name` (e.g. `"open"`: both directions
/// and all versions), in code order. Placeholders (`"NA"`) are never returned.
pub fn codes_by_name(name: &str) -> impl Iterator<Item = EventCode> + '_ {
    (0..EVENT_COUNT as u16)
        .map(EventCode)
        .filter(move |c| TABLE[usize::from(c.0)].name == name && name != "NA")
}

/// The table entry whose [`EventInfo::ident`] is `ident` (e.g. `"OPENAT_2_X"`).
pub fn code_by_ident(ident: &str) -> Option<EventCode> {
    TABLE
        .iter()
        .position(|e| e.ident == ident)
        .and_then(|i| u16::try_from(i).ok())
        .map(EventCode)
}

/// A table entry placed by a category file.
pub(crate) struct Entry {
    pub code: u16,
    pub info: EventInfo,
}

const MISSING: EventInfo = EventInfo {
    ident: "",
    name: "",
    category: Category::UNKNOWN,
    flags: EventFlags::NONE,
    params: &[],
    legacy_nparams: None,
};

const PARTS: &[&[Entry]] = &[
    meta::ENTRIES,
    process::ENTRIES,
    signal::ENTRIES,
    file::ENTRIES,
    io::ENTRIES,
    net::ENTRIES,
    ipc::ENTRIES,
    mm::ENTRIES,
    sys::ENTRIES,
    user::ENTRIES,
    iter::ENTRIES,
];

const fn build() -> [EventInfo; EVENT_COUNT] {
    let mut table = [MISSING; EVENT_COUNT];
    let mut part = 0;
    while part < PARTS.len() {
        let entries = PARTS[part];
        let mut i = 0;
        while i < entries.len() {
            let code = entries[i].code as usize;
            assert!(code < EVENT_COUNT, "event code out of range");
            assert!(table[code].name.is_empty(), "event code defined twice");
            table[code] = entries[i].info;
            i += 1;
        }
        part += 1;
    }
    if REQUIRE_COMPLETE {
        let mut code = 0;
        while code < EVENT_COUNT {
            assert!(
                !table[code].name.is_empty(),
                "event code missing from the table"
            );
            code += 1;
        }
    }
    table
}

/// Every code must be filled in; `build` fails to compile otherwise.
const REQUIRE_COMPLETE: bool = true;

static TABLE: [EventInfo; EVENT_COUNT] = build();

/// Declares events: `IDENT = code, "name", [CATEGORY ...], [FLAG ...], legacy, params;`.
///
/// `legacy` is 0.29.3's parameter count or `-` when 0.29.3 does not know
/// the code. `params` is `{ ("name", TYPE, FORMAT), ... }` (a parameter may
/// add a fourth element, its [`ParamExtra`]) or the name of a shared
/// `&[ParamInfo]` constant built with `events!(@params { ... })`.
macro_rules! events {
    ($( $ident:ident = $code:literal, $name:literal, [$($cat:ident)+], [$($flag:ident)*],
        $legacy:tt, $params:tt ; )*) => {
        impl $crate::table::EventCode {
            $(
                #[doc = concat!("Code ", stringify!($code), ": `", $name, "`.")]
                pub const $ident: $crate::table::EventCode = $crate::table::EventCode($code);
            )*
        }
        pub(crate) const ENTRIES: &[$crate::table::Entry] = &[
            $( $crate::table::Entry {
                code: $code,
                info: $crate::table::EventInfo {
                    ident: stringify!($ident),
                    name: $name,
                    category: $crate::types::Category(0 $(| $crate::types::Category::$cat.0)+),
                    flags: $crate::types::EventFlags(0 $(| $crate::table::short::$flag.0)*),
                    params: events!(@params $params),
                    legacy_nparams: events!(@legacy $legacy),
                },
            } ),*
        ];
    };
    (@params { $( ($pname:literal, $pty:ident, $pfmt:ident $(, $extra:expr)?) ),* $(,)? }) => {
        &[ $( $crate::table::ParamInfo {
            name: $pname,
            ty: $crate::types::ParamType::$pty,
            fmt: $crate::types::PrintFormat::$pfmt,
            info: events!(@extra $($extra)?),
        } ),* ]
    };
    (@params $shared:ident) => { $shared };
    (@extra) => { $crate::table::ParamExtra::None };
    (@extra $e:expr) => { $e };
    (@legacy -) => { ::core::option::Option::None };
    (@legacy $n:literal) => { ::core::option::Option::Some($n) };
}
pub(crate) use events;

/// Short flag names used by the table files (spec §3.5 legend).
pub(crate) mod short {
    use crate::types::EventFlags;
    pub const CF: EventFlags = EventFlags::CREATES_FD;
    pub const DF: EventFlags = EventFlags::DESTROYS_FD;
    pub const UF: EventFlags = EventFlags::USES_FD;
    pub const R: EventFlags = EventFlags::READS_FROM_FD;
    pub const W: EventFlags = EventFlags::WRITES_TO_FD;
    pub const MS: EventFlags = EventFlags::MODIFIES_STATE;
    pub const UN: EventFlags = EventFlags::UNUSED;
    pub const WT: EventFlags = EventFlags::WAITS;
    pub const SK: EventFlags = EventFlags::SKIP_PARSE_RESET;
    pub const OLD: EventFlags = EventFlags::OLD_VERSION;
    pub const LP: EventFlags = EventFlags::LARGE_PAYLOAD;
    pub const CM: EventFlags = EventFlags::CONVERTER_MANAGED;
}

#[cfg(test)]
mod tests;
