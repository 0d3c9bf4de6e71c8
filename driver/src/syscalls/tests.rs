use super::*;
use crate::table::{event_info, EventCode};

#[test]
fn native_numbers_are_sorted_and_unique() {
    assert!(all().len() > 300, "only {} syscalls", all().len());
    assert!(all().windows(2).all(|w| w[0].nr < w[1].nr));
}

#[test]
fn well_known_numbers_map_to_their_ppm_sc_codes() {
    let cases = [
        (0, "read", 3),
        (1, "write", 4),
        (2, "open", 5),
        (3, "close", 6),
    ];
    for (nr, name, sc) in cases {
        let s = by_native(nr).unwrap();
        assert_eq!((s.name, s.ppm_sc), (name, sc));
        assert_eq!(ppm_sc_name(sc), name);
    }
    assert_eq!(by_name("execve").map(|s| (s.nr, s.ppm_sc)), Some((59, 324)));
    assert_eq!(by_name("clone3").map(|s| s.ppm_sc), Some(328));
    assert_eq!(by_name("setuid").map(|s| s.ppm_sc), Some(133));
    assert_eq!(ppm_sc_of_native(28), ppm_sc_by_name("madvise").unwrap());
    assert_eq!(ppm_sc_name(ppm_sc_of_native(28)), "madvise");
    assert_eq!(native_of_ppm_sc(324).map(|s| s.nr), Some(59));
}

#[test]
fn unknown_ppm_sc_is_named_unknown() {
    assert_eq!(ppm_sc_name(0), "<unknown>");
    assert_eq!(ppm_sc_name(382), "<unknown>");
    assert_eq!(ppm_sc_name(u16::MAX), "<unknown>");
    assert_eq!(ppm_sc_of_native(100_000), PPM_SC_UNKNOWN);
    assert_eq!(ppm_sc_by_name("unknown"), None);
    assert_eq!(ppm_sc_by_name("no_such_call"), None);
}

#[test]
fn tracepoints_have_ppm_sc_names() {
    assert_eq!(ppm_sc_name(396), "sched_process_exit");
    assert_eq!(ppm_sc_name(410), "sigreturn");
}

/// Kernel names whose events carry a shorter upstream name.
fn event_name_of(syscall: &str) -> &str {
    match syscall {
        "pread64" => "pread",
        "pwrite64" => "pwrite",
        "prlimit64" => "prlimit",
        other => other,
    }
}

#[test]
fn every_dedicated_mapping_points_at_a_real_current_pair() {
    let mut dedicated = 0;
    for s in all() {
        let Some((enter, exit)) = s.events else {
            continue;
        };
        dedicated += 1;
        let (e, x) = (event_info(enter.0).unwrap(), event_info(exit.0).unwrap());
        assert!(
            enter.is_enter() && exit.is_exit() && enter.pair() == exit,
            "{}",
            s.name
        );
        assert_eq!(x.name, event_name_of(s.name), "{} -> {}", s.name, x.ident);
        assert_eq!(e.name, x.name, "{}", s.name);
        assert!(
            !x.is_old_version() && !x.is_unused(),
            "{} -> {}",
            s.name,
            x.ident
        );
        assert_ne!(s.ppm_sc, PPM_SC_UNKNOWN, "{}", s.name);
    }
    assert!(dedicated > 140, "only {dedicated} dedicated syscalls");
}

#[test]
fn security_relevant_syscalls_use_the_current_versions() {
    let pair = |n: &str| by_name(n).and_then(|s| s.events);
    assert_eq!(
        pair("execve"),
        Some((EventCode::EXECVE_19_E, EventCode::EXECVE_19_X))
    );
    assert_eq!(
        pair("openat"),
        Some((EventCode::OPENAT_2_E, EventCode::OPENAT_2_X))
    );
    assert_eq!(
        pair("clone"),
        Some((EventCode::CLONE_20_E, EventCode::CLONE_20_X))
    );
    assert_eq!(
        pair("accept4"),
        Some((EventCode::ACCEPT4_6_E, EventCode::ACCEPT4_6_X))
    );
    assert_eq!(
        pair("close_range"),
        Some((EventCode::CLOSE_RANGE_E, EventCode::CLOSE_RANGE_X))
    );
    let madvise = by_name("madvise").unwrap();
    assert_eq!(madvise.events, None);
    assert_eq!(
        madvise.event_pair(),
        (EventCode::GENERIC_E, EventCode::GENERIC_X)
    );
}

#[test]
fn legacy_names_differ_only_for_sigreturn() {
    assert_eq!(super::ppm_sc_name(298), "rt_sigreturn");
    assert_eq!(super::legacy_ppm_sc_name(298), "sigreturn");
    assert_eq!(super::legacy_ppm_sc_name(0), "<unknown>");
    for sc in (1..298).chain(299..333) {
        assert_eq!(super::legacy_ppm_sc_name(sc), super::ppm_sc_name(sc));
    }
}
