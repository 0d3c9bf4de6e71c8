//! Machine info block (MI): host name, CPUs, memory, boot time.

use super::cursor::Cursor;
use super::error::{Error, ErrorKind};
use crate::meta::MachineInfo;

/// Size of the machine-info body; libscap accepts no other.
pub const MACHINE_INFO_SIZE: usize = 180;
/// Bytes reserved for the NUL-padded host name.
pub const HOSTNAME_SIZE: usize = 128;

/// A machine-info block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MachineInfoBlock<'a> {
    /// Online CPUs at capture time.
    pub num_cpus: u32,
    /// Physical memory in bytes.
    pub memory_size_bytes: u64,
    /// Highest pid (writers leave 0).
    pub max_pid: u64,
    /// Boot time, ns since the epoch (0 in captures before 2023).
    pub boot_ts_epoch: u64,
    /// Flags; no bits are defined.
    pub flags: u64,
    hostname: &'a [u8],
}

impl<'a> MachineInfoBlock<'a> {
    pub(crate) fn parse(mut cur: Cursor<'a>) -> Result<Self, Error> {
        // Bodies are padded to 4 bytes and 180 already is a multiple of 4.
        if cur.remaining() != MACHINE_INFO_SIZE {
            return Err(cur.error(ErrorKind::BadMachineInfoSize {
                size: u32::try_from(cur.remaining()).unwrap_or(u32::MAX),
            }));
        }
        let num_cpus = cur.u32("num_cpus")?;
        let memory_size_bytes = cur.u64("memory_size_bytes")?;
        let max_pid = cur.u64("max_pid")?;
        let raw_name = cur.bytes(HOSTNAME_SIZE, "hostname")?;
        let boot_ts_epoch = cur.u64("boot_ts_epoch")?;
        let flags = cur.u64("flags")?;
        let name_len = raw_name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(HOSTNAME_SIZE);
        Ok(MachineInfoBlock {
            num_cpus,
            memory_size_bytes,
            max_pid,
            boot_ts_epoch,
            flags,
            hostname: &raw_name[..name_len],
        })
    }

    /// Host name bytes, without NUL padding.
    pub fn hostname(&self) -> &'a [u8] {
        self.hostname
    }

    /// The owned form.
    pub fn to_meta(&self) -> MachineInfo {
        MachineInfo {
            num_cpus: self.num_cpus,
            memory_size_bytes: self.memory_size_bytes,
            max_pid: self.max_pid,
            hostname: String::from_utf8_lossy(self.hostname).into_owned(),
            boot_ts_epoch: self.boot_ts_epoch,
            flags: self.flags,
        }
    }
}
