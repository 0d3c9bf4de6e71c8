//! The declarative part of old-event normalisation (spec §3.4).
//!
//! Parameters are matched by name between the old layout, the stored enter
//! event and the current layout (names are stable across versions, only
//! their positions and the codes move), so the table only has to say which
//! codes were superseded by which, and the few places where a name changed.

/// Superseded event codes and the code that replaces them, by table ident.
/// Exit events are rewritten to the new code; enter events only where the
/// new enter still carries information (execve filename, sched switch,
/// procexit, container metadata).
pub(crate) const UPGRADES: &[(&str, &str)] = &[
    // execve: 8 → 13 → 14 → 15 → 16 → 17 → 18 → 19.
    ("EXECVE_8_E", "EXECVE_19_E"),
    ("EXECVE_8_X", "EXECVE_19_X"),
    ("EXECVE_13_E", "EXECVE_19_E"),
    ("EXECVE_13_X", "EXECVE_19_X"),
    ("EXECVE_14_E", "EXECVE_19_E"),
    ("EXECVE_14_X", "EXECVE_19_X"),
    ("EXECVE_15_E", "EXECVE_19_E"),
    ("EXECVE_15_X", "EXECVE_19_X"),
    ("EXECVE_16_E", "EXECVE_19_E"),
    ("EXECVE_16_X", "EXECVE_19_X"),
    ("EXECVE_17_E", "EXECVE_19_E"),
    ("EXECVE_17_X", "EXECVE_19_X"),
    ("EXECVE_18_E", "EXECVE_19_E"),
    ("EXECVE_18_X", "EXECVE_19_X"),
    // clone / fork / vfork: 11/16/17 → 20.
    ("CLONE_11_X", "CLONE_20_X"),
    ("CLONE_16_X", "CLONE_20_X"),
    ("CLONE_17_X", "CLONE_20_X"),
    ("FORK_X", "FORK_20_X"),
    ("FORK_17_X", "FORK_20_X"),
    ("VFORK_X", "VFORK_20_X"),
    ("VFORK_17_X", "VFORK_20_X"),
    // Sockets.
    ("ACCEPT_X", "ACCEPT_5_X"),
    ("ACCEPT4_X", "ACCEPT4_6_X"),
    ("ACCEPT4_5_X", "ACCEPT4_6_X"),
    // Paths moved from enter to exit in the `_2` versions.
    ("OPENAT_X", "OPENAT_2_X"),
    ("MKDIR_X", "MKDIR_2_X"),
    ("RMDIR_X", "RMDIR_2_X"),
    ("LINK_X", "LINK_2_X"),
    ("LINKAT_X", "LINKAT_2_X"),
    ("UNLINK_X", "UNLINK_2_X"),
    ("UNLINKAT_X", "UNLINKAT_2_X"),
    // Other renumbered syscalls.
    ("DUP_X", "DUP_1_X"),
    ("BRK_1_X", "BRK_4_X"),
    ("IOCTL_2_X", "IOCTL_3_X"),
    ("UMOUNT_X", "UMOUNT_1_X"),
    ("BPF_X", "BPF_2_X"),
    ("NEWSELECT_X", "SELECT_X"),
    // Non-syscall events.
    ("SCHEDSWITCH_1_E", "SCHEDSWITCH_6_E"),
    ("PROCEXIT_E", "PROCEXIT_1_E"),
    ("CONTAINER_E", "CONTAINER_JSON_2_E"),
    ("CONTAINER_JSON_E", "CONTAINER_JSON_2_E"),
];

/// Where a current parameter's value comes from when its name differs in
/// the stored enter event: (current ident, param name, enter param name).
pub(crate) const ENTER_ALIASES: &[(&str, &str, &str)] = &[("DUP_1_X", "oldfd", "fd")];

/// Parameters that get the type's default instead of an empty value when
/// no source has them (upstream writes defaults here because consumers
/// read them unconditionally): (current ident, param name).
pub(crate) const DEFAULTED: &[(&str, &str)] = &[
    ("ACCEPT_5_X", "queuelen"),
    ("ACCEPT_5_X", "queuemax"),
    ("ACCEPT4_6_X", "queuelen"),
    ("ACCEPT4_6_X", "queuemax"),
    ("CONNECT_E", "addr"),
    ("SENDMMSG_X", "res"),
    ("RECVMMSG_X", "res"),
];

/// Enter events passed on although their code is an old version (they
/// carry information the exit does not: the execve path as typed).
pub(crate) const PASSED_OLD_ENTERS: &[&str] = &["EXECVE_19_E", "EXECVEAT_E"];
