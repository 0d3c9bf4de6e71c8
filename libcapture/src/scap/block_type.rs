//! Block type codes (falcosecurity/libs `scap_savefile.h`).
//!
//! The `0x80xxABCD` codes are 2014 pre-release aliases that readers still
//! accept. Codes were continued as if decimal, so 0x209 is followed by
//! 0x210: never infer a version from code arithmetic.

/// Section header block (pcapng SHB).
pub const SECTION_HEADER: u32 = 0x0A0D_0D0A;
/// Machine info.
pub const MACHINE_INFO: u32 = 0x201;
/// Machine info, pre-release alias.
pub const MACHINE_INFO_OLD: u32 = 0x8002_ABCD;
/// Process list v1.
pub const PROC_LIST_V1: u32 = 0x202;
/// Process list v1, pre-release alias.
pub const PROC_LIST_V1_OLD: u32 = 0x8000_ABCD;
/// Process list v2.
pub const PROC_LIST_V2: u32 = 0x207;
/// Process list v2, pre-release alias.
pub const PROC_LIST_V2_OLD: u32 = 0x8013_ABCD;
/// Process list v3.
pub const PROC_LIST_V3: u32 = 0x209;
/// Process list v3, pre-release alias.
pub const PROC_LIST_V3_OLD: u32 = 0x8014_ABCD;
/// Process list v4.
pub const PROC_LIST_V4: u32 = 0x210;
/// Process list v5.
pub const PROC_LIST_V5: u32 = 0x211;
/// Process list v6.
pub const PROC_LIST_V6: u32 = 0x212;
/// Process list v7.
pub const PROC_LIST_V7: u32 = 0x213;
/// Process list v8.
pub const PROC_LIST_V8: u32 = 0x214;
/// Process list v9 (per-entry length).
pub const PROC_LIST_V9: u32 = 0x215;
/// Fd list v1.
pub const FD_LIST: u32 = 0x203;
/// Fd list v1, pre-release alias.
pub const FD_LIST_OLD: u32 = 0x8001_ABCD;
/// Fd list v2 (per-entry length).
pub const FD_LIST_V2: u32 = 0x218;
/// Interface list v1.
pub const INTERFACE_LIST: u32 = 0x205;
/// Interface list v1, pre-release alias.
pub const INTERFACE_LIST_OLD: u32 = 0x8011_ABCD;
/// Interface list v2 (per-entry length).
pub const INTERFACE_LIST_V2: u32 = 0x219;
/// User/group list v1.
pub const USER_LIST: u32 = 0x206;
/// User/group list v1, pre-release alias.
pub const USER_LIST_OLD: u32 = 0x8012_ABCD;
/// User/group list v2 (per-entry length).
pub const USER_LIST_V2: u32 = 0x220;
/// Event with a 22-byte (V1) header.
pub const EVENT: u32 = 0x204;
/// Event with a V1 header, pre-release alias.
pub const EVENT_OLD: u32 = 0x8010_ABCD;
/// Event with a V1 header and dump flags.
pub const EVENT_FLAGS: u32 = 0x208;
/// Event with a 26-byte (V2) header.
pub const EVENT_V2: u32 = 0x216;
/// Event with a V2 header and dump flags.
pub const EVENT_FLAGS_V2: u32 = 0x217;
/// V2 event whose block may exceed 64 KiB.
pub const EVENT_V2_LARGE: u32 = 0x221;
/// V2 event with dump flags whose block may exceed 64 KiB.
pub const EVENT_FLAGS_V2_LARGE: u32 = 0x222;

/// Short name of a block type code, `"unknown"` for codes not listed here.
pub fn name(code: u32) -> &'static str {
    match code {
        SECTION_HEADER => "section header",
        MACHINE_INFO | MACHINE_INFO_OLD => "machine info",
        PROC_LIST_V1 | PROC_LIST_V1_OLD => "process list v1",
        PROC_LIST_V2 | PROC_LIST_V2_OLD => "process list v2",
        PROC_LIST_V3 | PROC_LIST_V3_OLD => "process list v3",
        PROC_LIST_V4 => "process list v4",
        PROC_LIST_V5 => "process list v5",
        PROC_LIST_V6 => "process list v6",
        PROC_LIST_V7 => "process list v7",
        PROC_LIST_V8 => "process list v8",
        PROC_LIST_V9 => "process list v9",
        FD_LIST | FD_LIST_OLD => "fd list v1",
        FD_LIST_V2 => "fd list v2",
        INTERFACE_LIST | INTERFACE_LIST_OLD => "interface list v1",
        INTERFACE_LIST_V2 => "interface list v2",
        USER_LIST | USER_LIST_OLD => "user list v1",
        USER_LIST_V2 => "user list v2",
        EVENT | EVENT_OLD => "event v1",
        EVENT_FLAGS => "event v1 with flags",
        EVENT_V2 => "event v2",
        EVENT_FLAGS_V2 => "event v2 with flags",
        EVENT_V2_LARGE => "large event v2",
        EVENT_FLAGS_V2_LARGE => "large event v2 with flags",
        _ => "unknown",
    }
}

/// Process-list version (1–9) of a block type code, if it is one.
pub fn proc_list_version(code: u32) -> Option<u8> {
    Some(match code {
        PROC_LIST_V1 | PROC_LIST_V1_OLD => 1,
        PROC_LIST_V2 | PROC_LIST_V2_OLD => 2,
        PROC_LIST_V3 | PROC_LIST_V3_OLD => 3,
        PROC_LIST_V4 => 4,
        PROC_LIST_V5 => 5,
        PROC_LIST_V6 => 6,
        PROC_LIST_V7 => 7,
        PROC_LIST_V8 => 8,
        PROC_LIST_V9 => 9,
        _ => return None,
    })
}
