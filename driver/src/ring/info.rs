//! `struct ppm_ring_buffer_info`: the per-ring counters page the producer
//! and the consumer share (spec §5.4, HEAD layout, 128 bytes).
//!
//! The struct documents and pins the layout; the live page is accessed
//! field by field through atomics at the [`offsets`] below, because the
//! other side writes it concurrently.

/// The ring info as the kernel module (API 8.0.4 and later) lays it out:
/// natural alignment, no packing.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RingBufferInfo {
    /// Producer offset in `[0, dim)`; written by the producer.
    pub head: u32,
    /// Consumer offset in `[0, dim)`; written by the consumer.
    pub tail: u32,
    /// Events seen, including dropped ones.
    pub n_evts: u64,
    /// All buffer-full drops.
    pub n_drops_buffer: u64,
    /// Buffer-full drops of clone/fork exits.
    pub n_drops_buffer_clone_fork_exit: u64,
    /// Buffer-full drops of execve exits.
    pub n_drops_buffer_execve_exit: u64,
    /// Buffer-full drops of connect enters.
    pub n_drops_buffer_connect_enter: u64,
    /// Buffer-full drops of connect exits.
    pub n_drops_buffer_connect_exit: u64,
    /// Buffer-full drops of open enters.
    pub n_drops_buffer_open_enter: u64,
    /// Buffer-full drops of open exits.
    pub n_drops_buffer_open_exit: u64,
    /// Buffer-full drops of directory/file exits.
    pub n_drops_buffer_dir_file_exit: u64,
    /// Buffer-full drops of other interesting exits.
    pub n_drops_buffer_other_interest_exit: u64,
    /// Buffer-full drops of close exits.
    pub n_drops_buffer_close_exit: u64,
    /// Buffer-full drops of procexit events.
    pub n_drops_buffer_proc_exit: u64,
    /// Drops because user memory was unreadable.
    pub n_drops_pf: u64,
    /// Drops because the per-CPU writer was re-entered.
    pub n_preemptions: u64,
    /// Context switches seen.
    pub n_context_switches: u64,
}

/// Size of [`RingBufferInfo`] in bytes.
pub const INFO_SIZE: usize = std::mem::size_of::<RingBufferInfo>();

const _: () = assert!(INFO_SIZE == 128);

/// Byte offsets of the fields of [`RingBufferInfo`].
pub mod offsets {
    use super::RingBufferInfo;
    use std::mem::offset_of;

    /// `head`.
    pub const HEAD: usize = offset_of!(RingBufferInfo, head);
    /// `tail`.
    pub const TAIL: usize = offset_of!(RingBufferInfo, tail);
    /// `n_evts`.
    pub const N_EVTS: usize = offset_of!(RingBufferInfo, n_evts);
    /// `n_drops_buffer`.
    pub const N_DROPS_BUFFER: usize = offset_of!(RingBufferInfo, n_drops_buffer);
    /// `n_drops_buffer_clone_fork_exit`.
    pub const N_DROPS_CLONE_FORK_EXIT: usize =
        offset_of!(RingBufferInfo, n_drops_buffer_clone_fork_exit);
    /// `n_drops_buffer_execve_exit`.
    pub const N_DROPS_EXECVE_EXIT: usize = offset_of!(RingBufferInfo, n_drops_buffer_execve_exit);
    /// `n_drops_buffer_connect_enter`.
    pub const N_DROPS_CONNECT_ENTER: usize =
        offset_of!(RingBufferInfo, n_drops_buffer_connect_enter);
    /// `n_drops_buffer_connect_exit`.
    pub const N_DROPS_CONNECT_EXIT: usize = offset_of!(RingBufferInfo, n_drops_buffer_connect_exit);
    /// `n_drops_buffer_open_enter`.
    pub const N_DROPS_OPEN_ENTER: usize = offset_of!(RingBufferInfo, n_drops_buffer_open_enter);
    /// `n_drops_buffer_open_exit`.
    pub const N_DROPS_OPEN_EXIT: usize = offset_of!(RingBufferInfo, n_drops_buffer_open_exit);
    /// `n_drops_buffer_dir_file_exit`.
    pub const N_DROPS_DIR_FILE_EXIT: usize =
        offset_of!(RingBufferInfo, n_drops_buffer_dir_file_exit);
    /// `n_drops_buffer_other_interest_exit`.
    pub const N_DROPS_OTHER_INTEREST_EXIT: usize =
        offset_of!(RingBufferInfo, n_drops_buffer_other_interest_exit);
    /// `n_drops_buffer_close_exit`.
    pub const N_DROPS_CLOSE_EXIT: usize = offset_of!(RingBufferInfo, n_drops_buffer_close_exit);
    /// `n_drops_buffer_proc_exit`.
    pub const N_DROPS_PROC_EXIT: usize = offset_of!(RingBufferInfo, n_drops_buffer_proc_exit);
    /// `n_drops_pf`.
    pub const N_DROPS_PF: usize = offset_of!(RingBufferInfo, n_drops_pf);
    /// `n_preemptions`.
    pub const N_PREEMPTIONS: usize = offset_of!(RingBufferInfo, n_preemptions);
    /// `n_context_switches`.
    pub const N_CONTEXT_SWITCHES: usize = offset_of!(RingBufferInfo, n_context_switches);
}

/// The buffer-full drop category an event code is counted in, as the
/// module's `record_drop_*` helpers choose it: the offset of the category
/// counter, or `None` for events counted only in `n_drops_buffer`.
pub fn drop_category(code: u16) -> Option<usize> {
    use crate::EventCode as C;
    let c = C(code);
    let is = |list: &[C]| list.contains(&c);
    if is(&[C::CLONE_20_X, C::FORK_20_X, C::VFORK_20_X, C::CLONE3_X]) {
        Some(offsets::N_DROPS_CLONE_FORK_EXIT)
    } else if is(&[C::EXECVE_19_X, C::EXECVEAT_X]) {
        Some(offsets::N_DROPS_EXECVE_EXIT)
    } else if is(&[C::CONNECT_E]) {
        Some(offsets::N_DROPS_CONNECT_ENTER)
    } else if is(&[C::CONNECT_X]) {
        Some(offsets::N_DROPS_CONNECT_EXIT)
    } else if is(&[C::OPEN_X, C::OPENAT_2_X, C::OPENAT2_X, C::CREAT_X]) {
        Some(offsets::N_DROPS_OPEN_EXIT)
    } else if is(&[C::CLOSE_X]) {
        Some(offsets::N_DROPS_CLOSE_EXIT)
    } else if is(&[C::PROCEXIT_1_E]) {
        Some(offsets::N_DROPS_PROC_EXIT)
    } else {
        None
    }
}

/// A copy of the counters of one ring.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RingCounters {
    /// Events seen, including dropped ones.
    pub events: u64,
    /// Buffer-full drops.
    pub drops_buffer: u64,
    /// Drops because user memory was unreadable.
    pub drops_pf: u64,
    /// Drops because the writer was re-entered.
    pub preemptions: u64,
}
