//! Control operations: the module's ioctls (spec §5.7) and the control
//! block that stands in for them on a user-space ("shim") device.
//!
//! A kernel module keeps a consumer's settings in kernel memory and changes
//! them through ioctls. A shim device keeps them in a [`ShimControl`] block
//! right after the ring info in the device's first page; the producer reads
//! it before every event, the consumer writes it. [`ControlOp`] is the one
//! vocabulary for both.

use std::mem::offset_of;

/// Number of syscalls a syscall mask covers (the module's 512-bit mask).
pub const SYSCALL_MASK_BITS: usize = 512;

/// `_IO('s', nr)`: the module's ioctl numbers carry no size or direction.
const fn io(nr: u64) -> u64 {
    0x7300 | nr
}

/// `PPM_IOCTL_DISABLE_DROPPING_MODE`.
pub const IOCTL_DISABLE_DROPPING_MODE: u64 = io(2);
/// `PPM_IOCTL_ENABLE_DROPPING_MODE` (ratio in {1, 2, 4, … 128}).
pub const IOCTL_ENABLE_DROPPING_MODE: u64 = io(3);
/// `PPM_IOCTL_SET_SNAPLEN` (≤ 65 000).
pub const IOCTL_SET_SNAPLEN: u64 = io(4);
/// `PPM_IOCTL_GET_API_VERSION` (pointer to u64).
pub const IOCTL_GET_API_VERSION: u64 = io(24);
/// `PPM_IOCTL_GET_SCHEMA_VERSION` (pointer to u64).
pub const IOCTL_GET_SCHEMA_VERSION: u64 = io(25);
/// `PPM_IOCTL_ENABLE_SYSCALL` (native number).
pub const IOCTL_ENABLE_SYSCALL: u64 = io(29);
/// `PPM_IOCTL_DISABLE_SYSCALL` (native number).
pub const IOCTL_DISABLE_SYSCALL: u64 = io(30);
/// `PPM_IOCTL_ENABLE_TP` (tracepoint index).
pub const IOCTL_ENABLE_TP: u64 = io(31);
/// `PPM_IOCTL_DISABLE_TP` (tracepoint index).
pub const IOCTL_DISABLE_TP: u64 = io(32);

/// Largest snaplen the module accepts.
pub const MAX_SNAPLEN: u32 = 65_000;

/// Tracepoint indices the start sequence enables (`kmod_prog_codes`).
pub const TRACEPOINTS: &[(u64, &str)] = &[
    (0, "sys_enter"),
    (1, "sys_exit"),
    (2, "sched_process_exit"),
    (7, "sched_process_fork"),
    (8, "sched_process_exec"),
];

/// One control operation, as the module's ioctls define them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlOp {
    /// Start producing events. The module has no ioctl for it any more: a
    /// module capture starts by enabling syscalls and tracepoints.
    EnableCapture,
    /// Stop producing events (module: every syscall and tracepoint disabled).
    DisableCapture,
    /// Dropping mode: keep `1/ratio` of the events, count the rest.
    EnableDroppingMode(u32),
    /// Back to keeping every event.
    DisableDroppingMode,
    /// Bytes of I/O buffers kept per event.
    SetSnaplen(u32),
    /// Add a native syscall number to the mask.
    EnableSyscall(u32),
    /// Remove a native syscall number from the mask.
    DisableSyscall(u32),
    /// The producer's packed API version.
    GetApiVersion,
    /// The producer's packed schema version.
    GetSchemaVersion,
}

impl ControlOp {
    /// Checks the argument the way the module does (`EINVAL` otherwise).
    pub fn validate(&self) -> Result<(), &'static str> {
        match *self {
            ControlOp::EnableDroppingMode(r) if !(r.is_power_of_two() && r <= 128) => {
                Err("dropping-mode ratio must be 1, 2, 4, … or 128")
            }
            ControlOp::SetSnaplen(n) if n > MAX_SNAPLEN => Err("snaplen is larger than 65000"),
            ControlOp::EnableSyscall(nr) | ControlOp::DisableSyscall(nr)
                if nr as usize >= SYSCALL_MASK_BITS =>
            {
                Err("syscall number is not below 512")
            }
            _ => Ok(()),
        }
    }
}

/// Magic of a shim device's control block: `"HRSHIM01"` little-endian.
pub const SHIM_MAGIC: u64 = u64::from_le_bytes(*b"HRSHIM01");

/// Capture is enabled: the producer writes events.
pub const FLAG_CAPTURING: u32 = 1;
/// Dropping mode: a full ring drops instead of blocking the producer.
pub const FLAG_DROPPING: u32 = 1 << 1;
/// The producer has finished: no more events will come.
pub const FLAG_PRODUCER_DONE: u32 = 1 << 2;
/// A consumer has the device open.
pub const FLAG_CONSUMER_ATTACHED: u32 = 1 << 3;
/// The consumer has gone: a blocking producer stops waiting and drops.
pub const FLAG_CONSUMER_GONE: u32 = 1 << 4;

/// The control block of a shim device, at [`SHIM_CONTROL_OFFSET`] in the
/// device's first page, right after the ring info. Both sides access it
/// field by field with atomics.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShimControl {
    /// [`SHIM_MAGIC`].
    pub magic: u64,
    /// The producer's packed API version (`major << 44 | minor << 24 | patch`).
    pub api_version: u64,
    /// The producer's packed schema version.
    pub schema_version: u64,
    /// Ring data size in bytes (a power of two).
    pub dim: u32,
    /// `FLAG_*` bits.
    pub flags: u32,
    /// Bytes of I/O buffers kept per event.
    pub snaplen: u32,
    /// Dropping-mode ratio (1 keeps every event).
    pub sampling_ratio: u32,
    /// Process id of the producer.
    pub producer_pid: u32,
    /// Process id of the consumer (0 when none).
    pub consumer_pid: u32,
    /// 512-bit mask of native syscall numbers that produce events.
    pub syscall_mask: [u64; 8],
    /// Times the producer waited for space (blocking mode).
    pub producer_waits: u64,
    /// Reserved, zero.
    pub reserved: u64,
}

/// Where the control block starts in a shim device.
pub const SHIM_CONTROL_OFFSET: usize = crate::ring::info::INFO_SIZE;

/// Size of [`ShimControl`].
pub const SHIM_CONTROL_SIZE: usize = std::mem::size_of::<ShimControl>();

const _: () = assert!(SHIM_CONTROL_SIZE == 128);

/// Absolute offsets of the control block's fields in a shim device.
pub mod shim_offsets {
    use super::*;

    /// `magic`.
    pub const MAGIC: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, magic);
    /// `api_version`.
    pub const API_VERSION: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, api_version);
    /// `schema_version`.
    pub const SCHEMA_VERSION: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, schema_version);
    /// `dim`.
    pub const DIM: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, dim);
    /// `flags`.
    pub const FLAGS: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, flags);
    /// `snaplen`.
    pub const SNAPLEN: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, snaplen);
    /// `sampling_ratio`.
    pub const SAMPLING_RATIO: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, sampling_ratio);
    /// `producer_pid`.
    pub const PRODUCER_PID: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, producer_pid);
    /// `consumer_pid`.
    pub const CONSUMER_PID: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, consumer_pid);
    /// `syscall_mask`.
    pub const SYSCALL_MASK: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, syscall_mask);
    /// `producer_waits`.
    pub const PRODUCER_WAITS: usize = SHIM_CONTROL_OFFSET + offset_of!(ShimControl, producer_waits);
}

/// A set of native syscall numbers below 512: the module's syscall mask.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyscallMask(pub [u64; 8]);

/// Security-relevant syscalls selected by default (shared with the eBPF
/// backend).
pub use crate::syscalls::DEFAULT_SELECTION as DEFAULT_SYSCALLS;

impl SyscallMask {
    /// No syscall.
    pub const fn empty() -> Self {
        SyscallMask([0; 8])
    }

    /// Every syscall below 512.
    pub const fn all() -> Self {
        SyscallMask([u64::MAX; 8])
    }

    /// [`DEFAULT_SYSCALLS`].
    pub fn security_default() -> Self {
        let mut mask = SyscallMask::empty();
        for sc in DEFAULT_SYSCALLS
            .iter()
            .filter_map(|n| crate::syscalls::by_name(n))
        {
            mask.insert(sc.nr);
        }
        mask
    }

    /// Parses a comma-separated list of x86_64 syscall names; `default` and
    /// `all` stand for those sets. An unknown name is an error naming it.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut mask = SyscallMask::empty();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item {
                "default" => mask.union(&SyscallMask::security_default()),
                "all" => mask = SyscallMask::all(),
                name => {
                    let sc = crate::syscalls::by_name(name)
                        .ok_or_else(|| format!("unknown x86_64 syscall `{name}`"))?;
                    mask.insert(sc.nr);
                }
            }
        }
        Ok(mask)
    }

    /// Adds `nr` (ignored when ≥ 512).
    pub fn insert(&mut self, nr: u32) {
        if let Some(word) = self.0.get_mut(nr as usize / 64) {
            *word |= 1 << (nr % 64);
        }
    }

    /// Removes `nr`.
    pub fn remove(&mut self, nr: u32) {
        if let Some(word) = self.0.get_mut(nr as usize / 64) {
            *word &= !(1 << (nr % 64));
        }
    }

    /// Whether `nr` is in the mask.
    pub fn contains(&self, nr: u64) -> bool {
        nr < SYSCALL_MASK_BITS as u64 && self.0[(nr / 64) as usize] & (1 << (nr % 64)) != 0
    }

    /// Adds every number of `other`.
    pub fn union(&mut self, other: &SyscallMask) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }

    /// The numbers in the mask, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..SYSCALL_MASK_BITS as u32).filter(|&nr| self.contains(u64::from(nr)))
    }

    /// Number of syscalls in the mask.
    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the mask is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
}
