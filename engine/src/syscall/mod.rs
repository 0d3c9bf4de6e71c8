//! Syscall events: inspection state (threads, fds, users), the inspector
//! that numbers and annotates events the way sysdig does, sysdig-compatible
//! argument rendering, Falco's syscall fields and output format strings.
//!
//! ```text
//! .scap / live events ──► Inspector::process ──► SyscallEvent ──► fields / Format
//!                          (State::update)        (event + state)
//! ```

mod errno;
pub mod fields;
pub mod format;
pub mod inspector;
pub mod render;
pub mod state;

pub use errno::{errno_by_name, errno_name};
pub use fields::SyscallSource;
pub use format::{Format, FormatError};
pub use inspector::{EventMeta, Inspector, SyscallEvent};
pub use state::{Limits, State};
