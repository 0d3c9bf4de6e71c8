//! The x86_64 syscall table, sorted by native number.

use super::Syscall;
use crate::table::EventCode as E;

const fn sc(nr: u32, name: &'static str, ppm_sc: u16, events: Option<(E, E)>) -> Syscall {
    Syscall {
        nr,
        name,
        ppm_sc,
        events,
    }
}

pub(super) const SYSCALLS: &[Syscall] = &[
    sc(2, "open", 5, Some((E::OPEN_E, E::OPEN_X))),
    sc(3, "close", 6, Some((E::CLOSE_E, E::CLOSE_X))),
];
