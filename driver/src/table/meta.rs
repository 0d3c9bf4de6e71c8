//! Generic syscall events and meta events (drops, scap events, procinfo…).

use super::events;
#[allow(unused_imports)]
use super::{DynParam, ParamExtra::*};

events! {
    GENERIC_E = 0, "syscall", [OTHER SYSCALL], [OLD CM], 2, {
        ("ID", SyscallId, Dec),
        ("nativeID", Uint16, Dec),
    };
    GENERIC_X = 1, "syscall", [OTHER SYSCALL], [CM], 1, {
        ("ID", SyscallId, Dec),
        ("nativeID", Uint16, Dec),
    };
}
