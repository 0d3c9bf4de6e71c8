//! The event table's own rules (upstream's event_table.c header comment and
//! spec §3–§4), checked over every entry.

use super::*;
use crate::types::ParamType;

fn entries() -> impl Iterator<Item = (u16, &'static EventInfo)> {
    all_events()
        .iter()
        .enumerate()
        .map(|(code, e)| (code as u16, e))
}

fn is_syscall(e: &EventInfo) -> bool {
    e.category.contains(Category::SYSCALL)
}

#[test]
fn table_has_454_filled_entries() {
    assert_eq!(EVENT_COUNT, 454);
    assert_eq!(all_events().len(), 454);
    for (code, e) in entries() {
        assert!(!e.name.is_empty() && !e.ident.is_empty(), "code {code}");
        assert!(e.name.len() < 32, "{} name too long", e.ident);
        assert!(e.params.len() <= 32, "{} has more than 32 params", e.ident);
        assert_eq!(event_info(code), Some(e));
    }
    assert_eq!(event_info(454), None);
    assert_eq!(event_info(u16::MAX), None);
}

#[test]
fn idents_are_unique_and_match_their_codes() {
    for (code, e) in entries() {
        assert_eq!(code_by_ident(e.ident), Some(EventCode(code)), "{}", e.ident);
        let suffix = if code & 1 == 0 { "_E" } else { "_X" };
        assert!(e.ident.ends_with(suffix), "{} at code {code}", e.ident);
    }
    assert_eq!(EventCode::EXECVE_19_X.0, 293);
    assert_eq!(EventCode::OPENAT_2_E.0, 306);
    assert_eq!(EventCode::PROCEXIT_1_E.0, 186);
    assert_eq!(EventCode::GENERIC_E.0, 0);
    assert_eq!(EventCode::ASYNCEVENT_E.0, 402);
    assert_eq!(EventCode::CLOSE_RANGE_X.0, 451);
}

#[test]
fn syscall_enter_and_exit_share_their_name() {
    for (code, e) in entries().filter(|(c, _)| c & 1 == 0) {
        let x = &all_events()[usize::from(code) + 1];
        if is_syscall(e) {
            assert_eq!(e.name, x.name, "{} / {}", e.ident, x.ident);
            assert_eq!(e.category, x.category, "{} / {}", e.ident, x.ident);
        }
    }
}

/// Non-syscall events use only the even code, except the drop pair.
const TWO_SIDED_META: &[EventCode] = &[EventCode::DROP_E];

#[test]
fn odd_placeholders_of_non_syscall_events_are_unused_na() {
    for (code, e) in entries().filter(|(c, _)| c & 1 == 0) {
        let x = &all_events()[usize::from(code) + 1];
        if !is_syscall(e) && !TWO_SIDED_META.contains(&EventCode(code)) {
            assert!(x.is_unused(), "{} should be EF_UNUSED", x.ident);
            assert_eq!(x.name, "NA", "{}", x.ident);
        }
    }
    for (_, e) in entries().filter(|(_, e)| e.is_unused()) {
        assert_eq!(e.name, "NA", "{}", e.ident);
        assert_eq!(e.category, Category::UNKNOWN, "{}", e.ident);
    }
}

#[test]
fn current_names_are_unique_per_direction() {
    let mut seen = std::collections::HashMap::new();
    for (code, e) in entries().filter(|(_, e)| !e.is_unused() && !e.is_old_version()) {
        let key = (e.name, code & 1);
        if let Some(prev) = seen.insert(key, e.ident) {
            panic!(
                "{} and {} are both current and named {}",
                prev, e.ident, e.name
            );
        }
    }
}

/// Version families whose newest member was renamed upstream.
const RENAMED_VERSIONS: &[&str] = &["ACCEPT4_6_E", "ACCEPT4_6_X"];

/// `EXECVE_19_X` → (`EXECVE`, `X`); `ACCEPT_X` → (`ACCEPT`, `X`).
fn stem(ident: &str) -> (&str, &str) {
    let (base, dir) = ident.split_at(ident.len() - 2);
    match base.rsplit_once('_') {
        Some((stem, v)) if v.chars().all(|c| c.is_ascii_digit()) => (stem, dir),
        _ => (base, dir),
    }
}

#[test]
fn versions_of_an_event_share_the_name() {
    let mut families = std::collections::HashMap::new();
    for (_, e) in entries().filter(|(_, e)| !e.is_unused() && !RENAMED_VERSIONS.contains(&e.ident))
    {
        let name = *families.entry(stem(e.ident)).or_insert(e.name);
        assert_eq!(
            name, e.name,
            "{} is named differently from its other versions",
            e.ident
        );
    }
    assert_eq!(families.get(&("EXECVE", "_X")), Some(&"execve"));
}

/// Exit events whose first parameter is not the return value `res`.
const EXITS_WITHOUT_RES: &[EventCode] = &[
    EventCode::GENERIC_X, // the syscall id
    EventCode::DROP_X,    // sampling ratio
    EventCode::GETUID_X,  // the id itself is the return value
    EventCode::GETEUID_X,
    EventCode::GETGID_X,
    EventCode::GETEGID_X,
    EventCode::TRACER_X, // placeholder that kept its params
    EventCode::BPF_X,    // res_or_fd
];

#[test]
fn exit_events_start_with_their_return_value() {
    for (code, e) in entries().filter(|(c, e)| c & 1 == 1 && !e.params.is_empty()) {
        let first = e.params[0];
        let ok = first.name == "res" || first.ty.is_fd() && first.name == "fd";
        assert!(
            ok || EXITS_WITHOUT_RES.contains(&EventCode(code)),
            "{} starts with {}:{}",
            e.ident,
            first.name,
            first.ty.name()
        );
        if first.name == "res" {
            assert!(
                matches!(
                    first.ty,
                    ParamType::Errno
                        | ParamType::Fd
                        | ParamType::Pid
                        | ParamType::Uint64
                        | ParamType::Int64
                ),
                "{} res is {}",
                e.ident,
                first.ty.name()
            );
        }
    }
}

#[test]
fn fd_using_events_have_an_fd_param() {
    let has_fd = |e: &EventInfo| e.params.iter().any(|p| p.ty.is_fd());
    for (code, e) in entries().filter(|(_, e)| e.flags.contains(EventFlags::USES_FD)) {
        // Before libs 0.22 exits carried only `res`; the fd was in the enter
        // event, which old exit layouts still rely on.
        let enter = &all_events()[usize::from(code & !1)];
        let old_exit_with_fd_in_enter = code & 1 == 1 && e.is_old_version() && has_fd(enter);
        assert!(
            has_fd(e) || old_exit_with_fd_in_enter,
            "{} is EF_USES_FD without an fd parameter",
            e.ident
        );
    }
}

#[test]
fn large_payload_only_on_plugin_container_and_async_events() {
    let large: Vec<u16> = entries()
        .filter(|(_, e)| e.large_payload())
        .map(|(c, _)| c)
        .collect();
    assert_eq!(large, vec![322, 324, 402]);
    for (_, e) in entries().filter(|(_, e)| e.large_payload()) {
        assert!(!is_syscall(e), "{}", e.ident);
        assert_eq!(e.len_width(), 4);
    }
}

#[test]
fn fsrelpath_dirfd_points_at_an_fd_param() {
    let mut checked = 0;
    for (_, e) in entries() {
        for (i, p) in e.params.iter().enumerate() {
            match (p.ty, p.info) {
                (ParamType::FsRelPath, ParamExtra::DirFd(d)) => {
                    let dirfd = e.params.get(usize::from(d));
                    assert!(
                        dirfd.is_some_and(|f| f.ty.is_fd()) && usize::from(d) != i,
                        "{} param {i} dirfd index {d}",
                        e.ident
                    );
                    checked += 1;
                }
                (ParamType::FsRelPath, other) => panic!("{} param {i} has {other:?}", e.ident),
                (_, ParamExtra::DirFd(_)) => {
                    panic!("{} param {i} has a dirfd but is not FSRELPATH", e.ident)
                }
                _ => {}
            }
        }
    }
    assert!(checked >= 18, "only {checked} FSRELPATH params");
}

#[test]
fn extras_match_their_types() {
    for (_, e) in entries() {
        for p in e.params {
            match p.info {
                ParamExtra::Dyn(alts) => {
                    assert_eq!(p.ty, ParamType::Dyn, "{}.{}", e.ident, p.name);
                    assert!(!alts.is_empty());
                }
                ParamExtra::Flags(t) => {
                    assert!(
                        p.ty.fixed_width().is_some_and(|w| w <= 4),
                        "{}.{}",
                        e.ident,
                        p.name
                    );
                    assert!(!t.is_empty(), "{}.{}", e.ident, p.name);
                }
                _ => assert_ne!(
                    p.ty,
                    ParamType::Dyn,
                    "{}.{} lacks alternatives",
                    e.ident,
                    p.name
                ),
            }
        }
    }
}

#[test]
fn legacy_counts_cover_exactly_the_2022_codes() {
    for (code, e) in entries() {
        match e.legacy_nparams {
            Some(n) => {
                assert!(usize::from(code) < LEGACY_EVENT_COUNT, "{}", e.ident);
                assert!(
                    usize::from(n) <= e.params.len(),
                    "{}: {n} > {}",
                    e.ident,
                    e.params.len()
                );
            }
            None => assert!(usize::from(code) >= LEGACY_EVENT_COUNT, "{}", e.ident),
        }
    }
    assert_eq!(event_info(293).and_then(|e| e.legacy_nparams), Some(20));
    assert_eq!(event_info(1).and_then(|e| e.legacy_nparams), Some(1));
}

#[test]
fn only_five_enter_events_are_still_produced() {
    // Spec §3.3: since libs 0.22 only TOCTOU-relevant enter events are current.
    let current: Vec<&str> = entries()
        .filter(|(c, e)| c & 1 == 0 && is_syscall(e) && !e.is_old_version())
        .map(|(_, e)| e.ident)
        .collect();
    assert_eq!(
        current,
        ["OPEN_E", "CONNECT_E", "CREAT_E", "OPENAT_2_E", "OPENAT2_E"]
    );
}

#[test]
fn direction_helpers() {
    assert_eq!(Direction::of(306), Direction::Enter);
    assert_eq!(Direction::of(307), Direction::Exit);
    assert_eq!(EventCode::OPENAT_2_E.pair(), EventCode::OPENAT_2_X);
    assert!(EventCode::OPENAT_2_X.is_exit());
    assert_eq!(Direction::Exit.symbol(), '<');
}

#[test]
fn legacy_params_and_display() {
    let execve = event_info(EventCode::EXECVE_19_X.0).unwrap();
    assert_eq!(execve.legacy_params().len(), 20);
    assert_eq!(execve.legacy_params()[0].name, "res");
    assert!(execve.is_syscall());
    assert!(event_info(EventCode::CLOSE_RANGE_X.0)
        .unwrap()
        .legacy_params()
        .is_empty());
    assert!(!event_info(EventCode::PROCEXIT_1_E.0).unwrap().is_syscall());
    assert_eq!(EventCode::OPENAT_2_X.to_string(), "OPENAT_2_X");
    assert_eq!(EventCode(9999).to_string(), "9999");
}

#[test]
fn codes_by_name_finds_every_version() {
    let open: Vec<u16> = codes_by_name("open").map(|c| c.0).collect();
    assert_eq!(open, [2, 3]);
    let execve: Vec<u16> = codes_by_name("execve").map(|c| c.0).collect();
    assert_eq!(
        execve,
        [12, 13, 154, 155, 172, 173, 214, 215, 230, 231, 282, 283, 288, 289, 292, 293]
    );
    assert_eq!(codes_by_name("NA").count(), 0);
    assert_eq!(codes_by_name("nope").count(), 0);
}
