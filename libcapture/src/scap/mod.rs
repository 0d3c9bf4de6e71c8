//! The `.scap` file format: block reader and writer.
//!
//! A `.scap` file is a (possibly gzip-compressed) stream of pcapng-style
//! blocks: a section header, metadata blocks (machine, interfaces, users,
//! processes, fds), then event blocks. Several sections may follow each
//! other. See `shared/research/scap-spec.md` for the byte layouts.
//!
//! [`ScapFile`] owns the decompressed bytes; [`ScapFile::blocks`] walks them
//! and hands out typed zero-copy views ([`Block`]). Damage ends the walk with
//! an [`Error`] that names the byte offset and block type, after every block
//! before it was delivered.
//!
//! ```text
//!  bytes ─▶ ScapFile::from_bytes / open      gzip detected and decompressed,
//!              │                             up to OpenOptions' size cap
//!              │ .blocks()
//!              ▼
//!  Block::SectionHeader ─ MachineInfo ─ InterfaceList ─ UserList ─ ProcList ─ FdList …
//!              │                 └─▶ SnapshotBuilder::absorb ─▶ meta::Snapshot
//!              ▼
//!  Block::Event(EventBlock { cpu, flags, event: driver::EventRef })   V1 already upgraded
//!              │ Normalizer::normalize          old codes / short exits → current table
//!              ▼
//!  Writer::write_event  ─▶ .scap readable by sysdig 0.29.3 and current libs
//! ```
//!
//! Reading a real capture (skipped when the shared captures are absent):
//!
//! ```
//! use libcapture::scap::{Block, Normalizer, ScapFile};
//!
//! let shared = std::env::var("HARRIER_SHARED").unwrap_or_else(|_| "../../shared".into());
//! let path = format!("{shared}/falco-regression/trace_files/cat_write.scap");
//! # if !std::path::Path::new(&path).exists() { return Ok(()); }
//! let file = ScapFile::open(&path)?;
//! println!("host {}", file.snapshot()?.machine.map(|m| m.hostname).unwrap_or_default());
//!
//! let mut normalizer = Normalizer::new();
//! let mut execs = 0;
//! for block in file.blocks() {
//!     if let Block::Event(ev) = block? {
//!         let Some(bytes) = normalizer.normalize(ev.event) else { continue };
//!         let event = driver::EventRef::parse(&bytes)?;
//!         execs += usize::from(event.info().is_some_and(|i| i.ident == "EXECVE_19_X"));
//!     }
//! }
//! assert_eq!(execs, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(unsafe_code)]

pub mod block_type;
mod convert;
mod convert_table;
mod cursor;
mod error;
mod event;
mod fd_list;
mod interface_list;
mod machine_info;
mod open_options;
mod proc_list;
mod reader;
mod section_header;
mod snapshot;
mod summary;
mod unknown;
mod user_list;
mod writer;

pub use convert::{NormalizeOptions, NormalizeStats, Normalizer};
pub use error::{Error, ErrorKind};
pub use event::{EventBlock, FLAG_STATE_ONLY, HEADER_LEN, HEADER_V1_LEN};
pub use fd_list::{fd_type, FdEntries, FdEntry, FdEntryInfo, FdList};
pub use interface_list::{InterfaceEntries, InterfaceEntry, InterfaceList};
pub use machine_info::{MachineInfoBlock, HOSTNAME_SIZE, MACHINE_INFO_SIZE};
pub use open_options::{
    OpenOptions, DEFAULT_DECOMPRESSION_RATIO, MAX_DEFAULT_DECOMPRESSED_BYTES,
    MIN_DEFAULT_DECOMPRESSED_BYTES,
};
pub use proc_list::{
    ProcEntries, ProcEntry, ProcList, ProcTail, LEGACY_TAIL_MAX, MODERN_TAIL_SIZE,
};
pub use reader::{Block, BlockAt, Blocks, ScapFile};
pub use section_header::{SectionHeader, BYTE_ORDER_MAGIC};
pub use snapshot::SnapshotBuilder;
pub use summary::Summary;
pub use unknown::UnknownBlock;
pub use user_list::{UserEntries, UserEntry, UserList};
pub use writer::{Writer, WriterOptions};
