//! `harrier replay` against the reference reader, sysdig 0.29.3, on every real
//! capture in `$HARRIER_SHARED` (Falco's regression traces and the libs
//! samples): the same lines for the header fields, `%evt.rawarg.*`, the
//! `%evt.arg.*` that need no thread or fd state, and (through the engine's
//! formatter) `%evt.args`, `%evt.arg.fd` and `%fd.name`; `-w` copies that
//! sysdig reads back with identical `%evt.args`; damaged files that end in a
//! clear error.
//!
//! Tests that need sysdig print `SKIPPED: …` and pass when it is missing; CI
//! installs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails by panicking"
)]

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use driver::param::{SockAddr, SockTuple};
use driver::{all_events, EventBuilder, EventCode, EventRef, ParamExtra, ParamInfo, ParamType};
use libcapture::scap::{Block, ScapFile, Writer};
use serde_json::Value;

mod support;
use support::shared;

/// Every real capture, sorted.
fn captures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["falco-regression/trace_files", "scap-samples"] {
        for entry in std::fs::read_dir(shared().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "scap") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(
        files.len() >= 11,
        "captures missing under {}",
        shared().display()
    );
    files
}

fn harrier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harrier"))
        .args(args)
        .output()
        .unwrap()
}

fn run_harrier(file: &Path, format: &str) -> Vec<u8> {
    let out = harrier(&["replay", file.to_str().unwrap(), "-p", format]);
    assert!(
        out.status.success(),
        "harrier failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// True when sysdig is installed; otherwise says loudly why the test is skipped.
fn have_sysdig(test: &str) -> bool {
    let found = Command::new("sysdig")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!(
            "SKIPPED {test}: `sysdig` (Debian package, 0.29.3) is not installed; CI installs it"
        );
    }
    found
}

/// sysdig's output, or `None` when sysdig cannot read the file or stops with
/// an error (it aborts on some `%evt.rawarg` types).
fn run_sysdig(file: &Path, format: &str) -> Option<Vec<u8>> {
    let out = Command::new("sysdig")
        .arg("-r")
        .arg(file)
        .arg("-p")
        .arg(format)
        .output()
        .unwrap();
    let failed = !out.status.success() || out.stdout.windows(16).any(|w| w == b"wrong event type");
    (!failed).then_some(out.stdout)
}

/// The names of all parameters that occur in a capture, from `--json`.
fn param_names(file: &Path) -> BTreeSet<String> {
    let out = harrier(&["replay", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let mut names = BTreeSet::new();
    for line in out.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let event: serde_json::Value = serde_json::from_slice(line).unwrap();
        names.extend(event["params"].as_object().unwrap().keys().cloned());
    }
    names
}

fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect()
}

#[track_caller]
fn assert_same_lines(what: &str, sysdig: &[u8], harrier: &[u8]) {
    let (s, h) = (lines(sysdig), lines(harrier));
    for (i, (a, b)) in s.iter().zip(&h).enumerate() {
        assert_eq!(
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b),
            "{what}: line {} differs (sysdig first, harrier second)",
            i + 1
        );
    }
    assert_eq!(
        s.len(),
        h.len(),
        "{what}: sysdig printed {} lines, harrier {}",
        s.len(),
        h.len()
    );
}

const HEADER_FIELDS: &str =
    "%evt.num %evt.time %evt.rawtime %evt.cpu %evt.dir %evt.type %thread.tid";

#[test]
fn header_fields_match_sysdig_on_every_capture() {
    if !have_sysdig("header_fields_match_sysdig_on_every_capture") {
        return;
    }
    let mut compared = 0;
    for file in captures() {
        let Some(expected) = run_sysdig(&file, HEADER_FIELDS) else {
            eprintln!(
                "note: sysdig 0.29.3 cannot read {}; not compared",
                file.display()
            );
            continue;
        };
        assert_same_lines(
            &file.display().to_string(),
            &expected,
            &run_harrier(&file, HEADER_FIELDS),
        );
        compared += 1;
    }
    assert!(compared >= 10, "only {compared} captures compared");
}

#[test]
fn rawarg_matches_sysdig_wherever_sysdig_prints_values() {
    if !have_sysdig("rawarg_matches_sysdig_wherever_sysdig_prints_values") {
        return;
    }
    let mut compared = 0;
    for file in captures() {
        for name in param_names(&file) {
            let format = format!("%evt.num %evt.type %evt.rawarg.{name}");
            // sysdig 0.29.3 prints no line for unsigned values and stops on fds,
            // flags and syscall ids; those are not compared.
            let Some(expected) = run_sysdig(&file, &format).filter(|out| !out.is_empty()) else {
                continue;
            };
            assert_same_lines(
                &format!("{} {format}", file.display()),
                &expected,
                &run_harrier(&file, &format),
            );
            compared += 1;
        }
    }
    assert!(
        compared >= 40,
        "only {compared} (capture, param) pairs compared"
    );
}

/// Whether event `type_name` in direction `dir` has a parameter `name` whose
/// rendering needs thread or fd state (fds, pids: the rule engine's formatter).
fn needs_state(type_name: &str, dir: &str, name: &str) -> bool {
    let exit = dir == "<";
    all_events().iter().enumerate().any(|(code, info)| {
        info.name == type_name
            && (code % 2 == 1) == exit
            && info.params.iter().any(|p| {
                p.name == name
                    && matches!(
                        p.ty,
                        ParamType::Fd
                            | ParamType::Fd32
                            | ParamType::Pid
                            | ParamType::Pid32
                            | ParamType::FdList
                    )
            })
    })
}

fn stateless_lines(out: &[u8], name: &str) -> Vec<u8> {
    let mut kept = Vec::new();
    for line in lines(out) {
        let text = String::from_utf8_lossy(line);
        let mut words = text.split(' ');
        let (_, ty, dir) = (
            words.next(),
            words.next().unwrap_or(""),
            words.next().unwrap_or(""),
        );
        if !needs_state(ty, dir, name) {
            kept.extend_from_slice(line);
            kept.push(b'\n');
        }
    }
    kept
}

#[test]
fn arg_matches_sysdig_for_parameters_that_need_no_state() {
    if !have_sysdig("arg_matches_sysdig_for_parameters_that_need_no_state") {
        return;
    }
    let mut compared = 0;
    for file in captures() {
        for name in param_names(&file) {
            let format = format!("%evt.num %evt.type %evt.dir %evt.arg.{name}");
            let Some(expected) = run_sysdig(&file, &format) else {
                continue;
            };
            let expected = stateless_lines(&expected, &name);
            let actual = stateless_lines(&run_harrier(&file, &format), &name);
            assert_same_lines(&format!("{} {format}", file.display()), &expected, &actual);
            compared += 1;
        }
    }
    assert!(
        compared >= 100,
        "only {compared} (capture, param) pairs compared"
    );
}

#[test]
fn fields_that_need_state_match_sysdig_through_the_engine() {
    if !have_sysdig("fields_that_need_state_match_sysdig_through_the_engine") {
        return;
    }
    let mut compared = 0;
    for format in [
        "%evt.num %evt.cpu (%thread.tid) %evt.dir %evt.type %evt.args",
        "%evt.num %evt.type %evt.arg.fd %fd.name %evt.arg.res",
    ] {
        for file in captures() {
            let Some(expected) = run_sysdig(&file, format) else {
                continue;
            };
            assert_same_lines(
                &format!("{} {format}", file.display()),
                &expected,
                &run_harrier(&file, format),
            );
            compared += 1;
        }
    }
    assert!(
        compared >= 20,
        "only {compared} (capture, format) pairs compared"
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("harrier-replay-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_copy(file: &Path, out: &Path, compress: bool) {
    let mut args = vec![
        "replay",
        file.to_str().unwrap(),
        "-w",
        out.to_str().unwrap(),
    ];
    if compress {
        args.push("-z");
    }
    let result = harrier(&args);
    assert!(
        result.status.success(),
        "-w failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(result.stdout.is_empty(), "-w prints nothing");
}

#[test]
fn written_copies_read_back_in_sysdig_with_identical_args() {
    if !have_sysdig("written_copies_read_back_in_sysdig_with_identical_args") {
        return;
    }
    let dir = temp_dir("write-sysdig");
    let format = "%evt.num %evt.type %evt.dir %evt.args";
    let mut compared = 0;
    for (i, file) in captures().iter().enumerate() {
        let Some(expected) = run_sysdig(file, format) else {
            continue;
        };
        let copy = dir.join(format!("copy{i}.scap"));
        write_copy(file, &copy, i % 2 == 0);
        let actual = run_sysdig(&copy, format).expect("sysdig reads the copy");
        assert_same_lines(
            &format!("{} written by -w", file.display()),
            &expected,
            &actual,
        );
        compared += 1;
    }
    assert!(compared >= 10);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn written_copies_replay_identically() {
    let dir = temp_dir("write-self");
    let format =
        "%evt.num %evt.rawtime %evt.cpu %evt.type %thread.tid %evt.rawarg.res %evt.arg.name";
    for (i, file) in captures().iter().enumerate() {
        let copy = dir.join(format!("copy{i}.scap"));
        write_copy(file, &copy, false);
        assert_same_lines(
            &format!("{} written by -w", file.display()),
            &run_harrier(file, format),
            &run_harrier(&copy, format),
        );
        let json = |f: &Path| harrier(&["replay", f.to_str().unwrap(), "--json"]).stdout;
        assert_eq!(
            json(file),
            json(&copy),
            "{}: --json differs after -w",
            file.display()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_capture_sysdig_rejects_replays_like_its_original() {
    // curl_google_comments is curl_google with pcapng comments added by editcap.
    let samples = shared().join("scap-samples");
    let original = run_harrier(&samples.join("curl_google.scap"), HEADER_FIELDS);
    let commented = run_harrier(&samples.join("curl_google_comments.scap"), HEADER_FIELDS);
    assert!(lines(&original).len() > 1000);
    assert_eq!(original, commented);
}

/// Runs replay on damaged bytes; returns stdout, stderr and the exit code.
fn replay_damaged(name: &str, bytes: &[u8]) -> (Vec<u8>, String, i32) {
    let dir = temp_dir(name);
    let path = dir.join("damaged.scap");
    std::fs::write(&path, bytes).unwrap();
    let out = harrier(&["replay", path.to_str().unwrap(), "-p", HEADER_FIELDS]);
    std::fs::remove_dir_all(&dir).unwrap();
    let code = out.status.code().expect("exited, not killed");
    (out.stdout, String::from_utf8(out.stderr).unwrap(), code)
}

#[track_caller]
fn assert_clean_failure(stderr: &str, code: i32, offset: Option<usize>) {
    assert_ne!(code, 0, "damage must fail the command");
    assert_ne!(code, 101, "a panic is not an error report: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr:?}");
    assert!(stderr.starts_with("harrier: "), "{stderr}");
    if let Some(offset) = offset {
        assert!(
            stderr.contains(&format!("at byte {offset} ")),
            "offset {offset} named in: {stderr}"
        );
    }
}

#[test]
fn a_truncated_capture_gives_the_events_before_the_cut_then_an_error() {
    let original = std::fs::read(shared().join("scap-samples/sample.scap")).unwrap();
    let full = run_harrier(&shared().join("scap-samples/sample.scap"), HEADER_FIELDS);
    let mut prefixes = BTreeSet::new();
    for cut in [27, 5_000, 100_003, 120_001, original.len() - 1] {
        let (stdout, stderr, code) = replay_damaged("truncated", &original[..cut]);
        assert_clean_failure(&stderr, code, None);
        assert!(stderr.contains("truncated"), "{stderr}");
        assert!(
            full.starts_with(&stdout),
            "cut at {cut}: output is not a prefix of the full replay"
        );
        prefixes.insert(lines(&stdout).len());
    }
    assert!(
        prefixes.len() >= 3,
        "later cuts deliver more events: {prefixes:?}"
    );
}

#[test]
fn a_bad_block_length_is_reported_at_its_offset() {
    let mut bytes = std::fs::read(shared().join("scap-samples/sample.scap")).unwrap();
    // Walk the block framing to the 400th block and break its length field.
    let mut offset = 0;
    for _ in 0..400 {
        offset += u32::from_le_bytes(bytes[offset + 4..offset + 8].try_into().unwrap()) as usize;
    }
    bytes[offset + 4..offset + 8].copy_from_slice(&7u32.to_le_bytes());
    let (stdout, stderr, code) = replay_damaged("badlen", &bytes);
    assert_clean_failure(&stderr, code, Some(offset));
    assert!(!stdout.is_empty(), "events before the damage are printed");
}

#[test]
fn garbage_and_gzip_damage_fail_cleanly() {
    let (_, stderr, code) = replay_damaged("garbage", b"this is not a capture at all");
    assert_clean_failure(&stderr, code, Some(0));
    let gz = std::fs::read(shared().join("falco-regression/trace_files/cat_write.scap")).unwrap();
    let (_, stderr, code) = replay_damaged("gzip", &gz[..gz.len() / 2]);
    assert_clean_failure(&stderr, code, None);
}

#[test]
fn json_lines_carry_every_parameter() {
    let file = shared().join("falco-regression/trace_files/ping_sendto.scap");
    let out = harrier(&["replay", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let events: Vec<serde_json::Value> = lines(&out.stdout)
        .iter()
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(events.len(), 20, "the 20 sendmsg events sysdig shows");
    let exit = events.iter().find(|e| e["dir"] == "<").unwrap();
    assert_eq!(exit["type"], "sendmsg");
    assert_eq!(exit["params"]["res"], 64);
    let enter = events.iter().find(|e| e["dir"] == ">").unwrap();
    assert_eq!(enter["params"]["size"], 64);
    assert!(enter["params"]["fd"].is_i64());
    assert_eq!(
        enter["params"]["tuple"], "0.0.0.0:1->128.32.41.1:0",
        "as sysdig prints it"
    );
    assert!(events
        .windows(2)
        .all(|w| w[0]["num"].as_u64() < w[1]["num"].as_u64()));
}

/// Whether `value` has the JSON kind parameters of type `ty` render to:
/// numbers for numeric types, strings for text and addresses, arrays for
/// lists, `null` for a value the driver did not fill in.
fn has_json_kind(ty: ParamType, info: &ParamInfo, value: &Value) -> bool {
    use ParamType as T;
    if value.is_null() {
        return true;
    }
    match ty {
        T::Int8 | T::Int16 | T::Int32 | T::Int64 | T::Errno | T::Fd | T::Pid | T::Fd32 => {
            value.is_i64()
        }
        T::Uint8
        | T::Uint16
        | T::Uint32
        | T::Uint64
        | T::SyscallId
        | T::SigType
        | T::RelTime
        | T::AbsTime
        | T::Port
        | T::L4Proto
        | T::SockFamily
        | T::Flags8
        | T::Flags16
        | T::Flags32
        | T::EnumFlags8
        | T::EnumFlags16
        | T::EnumFlags32
        | T::Uid
        | T::Gid
        | T::SigSet
        | T::Mode => value.is_u64(),
        T::Pid32 => value.is_i64(),
        T::Bool => value.is_boolean(),
        T::Double => value.is_number(),
        T::CharBuf | T::FsPath | T::FsRelPath => value.is_string(),
        T::ByteBuf | T::CharBufArray | T::CharBufPairArray => {
            value.is_string()
                || value
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string))
        }
        T::SockAddr | T::SockTuple => value.as_str().is_some_and(is_endpoint_text),
        T::Ipv4Addr | T::Ipv6Addr | T::IpAddr => value
            .as_str()
            .is_some_and(|s| s.parse::<std::net::IpAddr>().is_ok()),
        T::Ipv4Net | T::Ipv6Net | T::IpNet => value.as_str().is_some_and(|s| s.contains('/')),
        T::FdList => value.as_array().is_some_and(|a| {
            a.iter().all(|e| {
                e["fd"].is_i64() && e["events"].is_i64() && e.as_object().unwrap().len() == 2
            })
        }),
        // The alternative the selector picked.
        T::Dyn => match info.info {
            ParamExtra::Dyn(alts) => alts.iter().any(|alt| has_json_kind(alt.ty, info, value)),
            _ => false,
        },
        T::None => false,
    }
}

/// `ip:port`, `ip:port->ip:port`, `ptr->ptr path`, a unix path or
/// `family N`, as sysdig prints socket addresses and tuples.
fn is_endpoint_text(s: &str) -> bool {
    let ip_port = |t: &str| {
        t.rsplit_once(':').is_some_and(|(ip, port)| {
            ip.parse::<std::net::IpAddr>().is_ok() && port.parse::<u16>().is_ok()
        })
    };
    let unix_tuple = |t: &str| {
        t.split_once(' ').is_some_and(|(ptrs, _)| {
            ptrs.split_once("->").is_some_and(|(a, b)| {
                u64::from_str_radix(a, 16).is_ok() && u64::from_str_radix(b, 16).is_ok()
            })
        })
    };
    ip_port(s)
        || s.split_once("->")
            .is_some_and(|(a, b)| ip_port(a) && ip_port(b))
        || unix_tuple(s)
        || s.starts_with('/')
        || s.strip_prefix("family ")
            .is_some_and(|n| n.parse::<u8>().is_ok())
}

/// Rust `Debug` text that must never stand in for a value.
fn has_debug_text(value: &Value) -> bool {
    let text = value.to_string();
    [
        "Some(", "None", "{ ", " }", "Dyn", "Inet", "Other", "FdList", "Double(",
    ]
    .iter()
    .any(|d| text.contains(d))
}

/// Checks every parameter of `--json` on `file` against its type (looked
/// up in the raw event with the same time and thread) and returns the
/// types seen.
fn check_json_params(file: &Path) -> HashSet<ParamType> {
    let scap = ScapFile::open(file).unwrap();
    let mut raw: HashMap<(u64, u64), Vec<EventRef<'_>>> = HashMap::new();
    for block in scap.blocks() {
        if let Ok(Block::Event(ev)) = block {
            raw.entry((ev.event.ts(), ev.event.tid()))
                .or_default()
                .push(ev.event);
        }
    }
    let out = harrier(&["replay", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", file.display());
    let mut seen = HashSet::new();
    for line in lines(&out.stdout) {
        let event: Value = serde_json::from_slice(line).unwrap();
        let params = event["params"].as_object().unwrap();
        let key = (
            event["ts"].as_u64().unwrap(),
            event["tid"].as_i64().unwrap() as u64,
        );
        let dir_enter = event["dir"] == ">";
        let ev = raw[&key]
            .iter()
            .find(|e| e.is_enter() == dir_enter && e.nparams() == params.len())
            .unwrap_or_else(|| panic!("{}: no raw event for {event}", file.display()));
        for i in 0..ev.nparams() {
            let info = ev.param_info(i).unwrap();
            let value = &params[info.name];
            let what = format!(
                "{}: {} {}={value}",
                file.display(),
                event["type"],
                info.name
            );
            assert!(
                has_json_kind(info.ty, info, value),
                "{what}: not a {:?} value",
                info.ty
            );
            let text_data = matches!(info.ty, ParamType::ByteBuf | ParamType::CharBuf);
            assert!(text_data || !has_debug_text(value), "{what}: debug text");
            seen.insert(info.ty);
        }
    }
    seen
}

#[test]
fn json_values_have_the_kind_of_their_parameter_type() {
    let mut seen = HashSet::new();
    for file in captures() {
        seen.extend(check_json_params(&file));
    }
    for ty in [
        ParamType::SockAddr,
        ParamType::SockTuple,
        ParamType::FdList,
        ParamType::Errno,
        ParamType::ByteBuf,
    ] {
        assert!(seen.contains(&ty), "no {ty:?} parameter in the captures");
    }
    assert!(
        seen.len() >= 15,
        "only {} parameter types: {seen:?}",
        seen.len()
    );
}

/// One event of each kind the shared captures lack: every `PT_DYN`
/// alternative, other address families, unix tuples, fd lists.
fn rare_parameter_events() -> Vec<Vec<u8>> {
    let dyn_param = |selector: u8, value: &[u8]| [&[selector], value].concat();
    let mut events = Vec::new();
    let mut push = |b: &mut EventBuilder| {
        let mut bytes = Vec::new();
        b.finish(&mut bytes).unwrap();
        events.push(bytes);
    };
    let (ts, tid) = (1_700_000_000_000_000_000u64, 4242u64);
    push(
        EventBuilder::new(EventCode::PTRACE_X, ts, tid)
            .errno(0)
            .raw(&dyn_param(0, &0x7fff_0000_u64.to_le_bytes()))
            .raw(&dyn_param(1, &[9]))
            .enum16(16)
            .pid(77),
    );
    push(
        EventBuilder::new(EventCode::BPF_X, ts + 1, tid).raw(&dyn_param(1, &(-1i64).to_le_bytes())),
    );
    let sockopt_values: [&[u8]; 5] = [
        b"\x01\x02ab",
        &(-13i64).to_le_bytes(),
        &1u32.to_le_bytes(),
        &2u64.to_le_bytes(),
        &3_000_000u64.to_le_bytes(),
    ];
    for (selector, value) in sockopt_values.iter().enumerate() {
        push(
            EventBuilder::new(EventCode::SETSOCKOPT_X, ts + 2 + selector as u64, tid)
                .errno(0)
                .fd(3)
                .enum8(1)
                .enum8(2)
                .raw(&dyn_param(selector as u8, value))
                .u32(4),
        );
    }
    let netlink = SockAddr::Other {
        family: 16,
        rest: b"\0\0",
    };
    push(
        EventBuilder::new(EventCode::CONNECT_E, ts + 10, tid)
            .fd(5)
            .sockaddr(&netlink),
    );
    let unix = SockTuple::Unix {
        src: 0xffff_8880_0000_1000,
        dst: 0xffff_8880_0000_2000,
        path: b"/run/app.sock",
    };
    push(
        EventBuilder::new(EventCode::CONNECT_X, ts + 11, tid)
            .errno(0)
            .socktuple(&unix)
            .fd(5)
            .sockaddr(&SockAddr::Unix(b"/run/app.sock")),
    );
    push(
        EventBuilder::new(EventCode::POLL_X, ts + 12, tid)
            .errno(1)
            .fdlist(&[(3, 1), (5, 4)])
            .i64(100),
    );
    events
}

#[test]
fn json_renders_every_dyn_alternative_and_rare_address() {
    let dir = temp_dir("json-rare");
    let path = dir.join("rare.scap");
    let mut writer = Writer::new(std::fs::File::create(&path).unwrap()).unwrap();
    for event in rare_parameter_events() {
        writer.write_event_bytes(0, 0, &event).unwrap();
    }
    writer.finish().unwrap();
    let seen = check_json_params(&path);
    assert!(seen.contains(&ParamType::Dyn) && seen.contains(&ParamType::FdList));
    let out = harrier(&["replay", path.to_str().unwrap(), "--json"]);
    std::fs::remove_dir_all(&dir).unwrap();
    let events: Vec<Value> = lines(&out.stdout)
        .iter()
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let params = |i: usize| &events[i]["params"];
    assert_eq!(
        params(0)["addr"],
        0x7fff_0000_u64,
        "ptrace addr as a number"
    );
    assert_eq!(params(0)["data"], 9, "ptrace data as a signal number");
    assert_eq!(params(1)["res_or_fd"], -1);
    let vals: Vec<&Value> = (2..7).map(|i| &params(i)["val"]).collect();
    assert_eq!(vals[0], "\u{1}\u{2}ab", "option bytes as text");
    assert_eq!(
        (vals[1], vals[2], vals[3], vals[4]),
        (
            &Value::from(-13),
            &Value::from(1),
            &Value::from(2),
            &Value::from(3_000_000)
        )
    );
    assert_eq!(params(7)["addr"], "family 16");
    assert_eq!(
        params(8)["tuple"],
        "ffff888000001000->ffff888000002000 /run/app.sock"
    );
    assert_eq!(params(8)["addr"], "/run/app.sock");
    assert_eq!(
        params(9)["fds"],
        serde_json::json!([{"fd": 3, "events": 1}, {"fd": 5, "events": 4}])
    );
}

#[test]
fn help_and_usage_errors() {
    let help = harrier(&["replay", "--help"]);
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for flag in ["-p", "--json", "-w"] {
        assert!(text.contains(flag), "--help mentions {flag}");
    }
    let missing = harrier(&["replay", "/nonexistent/trace.scap"]);
    let stderr = String::from_utf8(missing.stderr).unwrap();
    assert_clean_failure(&stderr, missing.status.code().unwrap(), None);
    assert!(stderr.contains("/nonexistent/trace.scap"), "{stderr}");
    let file = shared().join("scap-samples/sample.scap");
    let bad = harrier(&[
        "replay",
        file.to_str().unwrap(),
        "-p",
        "%evt.num %nope.field",
    ]);
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert_clean_failure(&stderr, bad.status.code().unwrap(), None);
    assert!(stderr.contains("'%nope.field' at column 10"), "{stderr}");
}
