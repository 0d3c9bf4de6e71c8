//! The shipped captures in `captures/` (documented in `captures/README.md`):
//! harrier reads every event, the counts match the README, the key event of
//! each file is there with its params, and sysdig 0.29.3 reads every event it
//! knows.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::path::PathBuf;
use std::process::Command;

use driver::{EventRef, ParamValue};
use libcapture::capture::{Capture, Next};

/// Codes sysdig 0.29.3 knows (its table ends at 336).
const LEGACY_EVENT_COUNT: u16 = 336;

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../captures")
        .join(name)
}

fn events(name: &str) -> Vec<Vec<u8>> {
    let mut capture = libcapture::backend::savefile::open_savefile(path(name)).unwrap();
    let mut out = Vec::new();
    while let Next::Event(ev) = capture.next().unwrap() {
        out.push(ev.raw().to_vec());
    }
    out
}

fn text(ev: &EventRef<'_>, name: &str) -> String {
    match ev.param_by_name(name).unwrap().unwrap() {
        ParamValue::Str(s) | ParamValue::Bytes(s) => String::from_utf8_lossy(s).into_owned(),
        other => panic!("{name}: {other:?}"),
    }
}

/// Exit events with `code` whose `param` contains `needle`.
fn matching<'a>(all: &'a [Vec<u8>], code: u16, param: &str, needle: &str) -> Vec<EventRef<'a>> {
    all.iter()
        .map(|b| EventRef::parse(b).unwrap())
        .filter(|e| e.code().0 == code && text(e, param).contains(needle))
        .collect()
}

fn sysdig_count(name: &str) -> Option<usize> {
    let out = Command::new("sysdig")
        .arg("-r")
        .arg(path(name))
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).lines().count())
}

fn check_sysdig(name: &str, all: &[Vec<u8>]) {
    let known = all
        .iter()
        .filter(|b| EventRef::parse(b).unwrap().code().0 < LEGACY_EVENT_COUNT)
        .count();
    match sysdig_count(name) {
        Some(shown) => assert_eq!(shown, known, "{name}: sysdig shows every event it knows"),
        None => eprintln!("SKIPPED: sysdig is not installed"),
    }
}

#[test]
fn shell_reads_shadow() {
    let all = events("shell-reads-shadow.scap");
    assert_eq!(all.len(), 671);
    let shells = matching(&all, 293, "exe", "/bin/sh");
    assert_eq!(shells.len(), 1);
    assert_eq!(
        text(&shells[0], "args"),
        "-c\0cat /etc/shadow > /dev/null\0"
    );
    let opens = matching(&all, 307, "name", "/etc/shadow");
    assert_eq!(opens.len(), 1);
    assert_eq!(
        opens[0].param_by_name("fd").unwrap().unwrap(),
        ParamValue::Fd(3)
    );
    check_sysdig("shell-reads-shadow.scap", &all);
}

#[test]
fn curl_connects_local_http() {
    let all = events("curl-connects-local-http.scap");
    assert_eq!(all.len(), 2007);
    let connects: Vec<_> = all
        .iter()
        .map(|b| EventRef::parse(b).unwrap())
        .filter(|e| e.code().0 == 23)
        .filter(|e| {
            matches!(
                e.param_by_name("tuple").unwrap().unwrap(),
                ParamValue::SockTuple(driver::param::SockTuple::Inet { dport: 18080, .. })
            )
        })
        .collect();
    assert_eq!(connects.len(), 1);
    let sends = matching(&all, 31, "data", "GET / HTTP/1.1");
    assert_eq!(sends.len(), 1);
    check_sysdig("curl-connects-local-http.scap", &all);
}

#[test]
fn write_below_etc() {
    let all = events("write-below-etc.scap");
    assert_eq!(all.len(), 222);
    let opens = matching(&all, 307, "name", "/etc/harrier-capture-test.conf");
    assert_eq!(opens.len(), 1);
    let flags = match opens[0].param_by_name("flags").unwrap().unwrap() {
        ParamValue::Flags(f) => f,
        other => panic!("{other:?}"),
    };
    // PPM_O_WRONLY | O_CREAT | O_TRUNC, and F_CREATED.
    assert_eq!(flags & (2 | 4 | 256 | 16384), 2 | 4 | 256 | 16384);
    assert_eq!(
        matching(&all, 303, "name", "/etc/harrier-capture-test.conf").len(),
        1
    );
    check_sysdig("write-below-etc.scap", &all);
}
