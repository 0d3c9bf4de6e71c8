//! harrier's event schema: the driver event table, parameter codecs and the
//! x86_64 syscall mapping shared by every producer and reader.
//!
//! The wire format is the one of falcosecurity/libs (`ppm_evt_hdr` events,
//! spec `scap-spec.md` §2–§4): a 26-byte header, a parameter length array
//! (u16 entries, u32 for `EF_LARGE_PAYLOAD` events) and the parameters.
//!
//! # Main entry points
//!
//! - [`event_info`]`(code)` → [`EventInfo`] `{ ident, name, category, flags,
//!   params: &[`[`ParamInfo`]`], legacy_nparams }` for all [`EVENT_COUNT`]
//!   (454) codes; [`EventCode`] constants such as [`EventCode::OPENAT_2_E`];
//!   [`Direction::of`]`(code)` (`code & 1`: 0 enter, 1 exit).
//! - [`ParamType`] (`PT_*`), [`PrintFormat`] (`PF_*`), [`Category`] (`EC_*`),
//!   [`EventFlags`] (`EF_*`), [`ParamExtra`] (flag names, dyn alternatives,
//!   dirfd index).
//! - [`flags`]: flag/enum name tables and [`flags::render`] in sysdig's
//!   `O_RDONLY|O_CLOEXEC` style.
//! - [`header`]: [`EventHeader`] (26 bytes) and [`header::EventHeaderV1`] (22 bytes).
//! - [`EventRef::parse`]: validated zero-copy view of one event.
//! - [`param::decode`] / [`param::encode`] and [`ParamValue`].
//! - [`EventBuilder`]: the event encoder used by every producer.
//! - [`syscalls`]: x86_64 native number ↔ `ppm_sc` ↔ events.
//! - [`ring`]: the kernel module's ring ABI (ring info, producer and
//!   consumer protocol, control operations, shim and module devices).
//! - [`shim`]: the user-space producer (ptrace + seccomp) writing those rings.
//! - [`API_VERSION`], [`SCHEMA_VERSION`]: see `driver/README.md`.
//!
//! ```
//! use driver::{EventBuilder, EventCode, EventRef, ParamValue};
//!
//! let mut buf = Vec::new();
//! EventBuilder::new(EventCode::OPENAT_2_E, 1, 100)
//!     .fd(-100)
//!     .relpath("/etc/shadow")
//!     .flags32(1)
//!     .u32(0)
//!     .finish(&mut buf)
//!     .unwrap();
//! let ev = EventRef::parse(&buf).unwrap();
//! assert_eq!(ev.info().unwrap().name, "openat");
//! assert_eq!(ev.param(1).unwrap().unwrap(), ParamValue::Str(b"/etc/shadow"));
//! ```

#![deny(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]

pub mod encode;
mod error;
pub mod event;
pub mod flags;
pub mod header;
pub mod param;
pub mod ring;
pub mod shim;
mod sys;
pub mod syscalls;
mod table;
mod types;
mod version;

pub use encode::EventBuilder;
pub use error::Error;
pub use event::EventRef;
pub use header::EventHeader;
pub use param::ParamValue;
pub use table::{
    all_events, code_by_ident, codes_by_name, event_info, Direction, DynParam, EventCode,
    EventInfo, ParamExtra, ParamInfo, EVENT_COUNT, LEGACY_EVENT_COUNT,
};
pub use types::{Category, EventFlags, ParamType, PrintFormat};
pub use version::{pack_version, parse_semver, API_VERSION, SCHEMA_VERSION};
