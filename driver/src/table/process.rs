//! Process lifecycle events: execve, clone/fork, exit, signals, ptrace.

use super::events;
#[allow(unused_imports)]
use super::{DynParam, ParamExtra::*};
#[allow(unused_imports)]
use crate::flags;

events! {
    PROCEXIT_1_E = 186, "procexit", [PROCESS TRACEPOINT], [MS], 4, {
        ("status", Errno, Dec),
        ("ret", Errno, Dec),
        ("sig", SigType, Dec),
        ("core", Uint8, Dec),
        ("reaper_tid", Pid, Dec),
    };
    PROCEXIT_1_X = 187, "NA", [UNKNOWN], [UN], 0, {};
}
