//! Fields upstream Falco rules use beyond the core set: the executable's
//! inode times (real, from execve), and container runtime, pod and DNS name
//! fields, which have no data source and must read as "no value".

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use engine::filter::{parse, Filter};
use engine::syscall::{Format, Inspector, Limits, SyscallEvent, SyscallSource};
use libcapture::scap::{Block, ScapFile};

mod support;
use support::shared;

fn own_capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../captures")
        .join(name)
}

/// Replays `path`, calling `check` with each visible event.
fn replay(path: &Path, mut check: impl FnMut(&SyscallEvent<'_>)) {
    let file = ScapFile::open(path).expect("open capture");
    let mut inspector = Inspector::from_snapshot(&file.snapshot().unwrap(), Limits::default());
    for block in file.blocks() {
        if let Block::Event(ev) = block.unwrap() {
            let evt = inspector.process(ev.event, ev.cpu, ev.flags);
            if evt.is_visible() {
                check(&evt);
            }
        }
    }
}

fn render(format: &Format, e: &SyscallEvent<'_>) -> String {
    let mut out = String::new();
    format.render_falco(e, &mut out);
    out
}

fn param_u64(e: &SyscallEvent<'_>, name: &str) -> Option<u64> {
    e.evt.param_by_name(name)?.ok()?.as_u64()
}

fn na_or(v: Option<u64>) -> String {
    v.filter(|&v| v != 0)
        .map_or_else(|| "<NA>".to_owned(), |v| v.to_string())
}

#[test]
fn exe_inode_times_come_from_the_execve_exit() {
    let format = Format::parse(
        "%proc.exe_ino.ctime %proc.exe_ino.mtime %proc.exe_ino.ctime_duration_proc_start \
         %proc.exe_ino.ctime_duration_pidns_start",
    )
    .unwrap();
    let mut execs = 0;
    let mut with_clone = 0;
    replay(&own_capture("write-below-etc.scap"), |e| {
        if e.type_name() != "execve" || e.evt.is_enter() {
            return;
        }
        let t = e.thread.expect("execve's thread");
        let ctime = param_u64(e, "exe_ino_ctime").expect("exe_ino_ctime");
        let mtime = param_u64(e, "exe_ino_mtime").expect("exe_ino_mtime");
        assert!(ctime != 0 && mtime != 0, "capture lacks inode times");
        let proc_start = (t.clone_ts != 0).then(|| t.clone_ts.wrapping_sub(ctime));
        let pidns = t.pidns_init_start_ts;
        let pidns_start = (pidns != 0 && ctime > pidns).then(|| ctime - pidns);
        let want = format!(
            "{ctime} {mtime} {} {}",
            na_or(proc_start),
            na_or(pidns_start)
        );
        assert_eq!(render(&format, e), want, "event {}", e.meta.num);
        execs += 1;
        with_clone += usize::from(proc_start.is_some());
    });
    assert!(execs > 0, "no execve exits replayed");
    assert!(
        with_clone > 0,
        "no execve of a process whose clone was seen"
    );
}

#[test]
fn exe_inode_times_have_no_value_without_the_execve_params() {
    // These older captures carry execve layouts without inode times.
    let format = Format::parse("%proc.exe_ino.ctime %proc.exe_ino.mtime").unwrap();
    let mut execs = 0;
    replay(&shared().join("scap-samples/curl_google.scap"), |e| {
        if e.type_name() == "execve" && !e.evt.is_enter() {
            assert!(param_u64(e, "exe_ino_ctime").is_none());
            assert_eq!(render(&format, e), "<NA> <NA>");
            execs += 1;
        }
    });
    assert!(execs > 0);
}

/// Fields harrier has no data source for, with a value a condition might test.
const NO_DATA: &[(&str, &str)] = &[
    ("container.image.repository", "docker.io/library/nginx"),
    ("container.image.tag", "latest"),
    ("container.image.id", "6f7e2741b66b"),
    ("container.image.digest", "sha256:00"),
    ("container.mounts", "/:/:rw:true:rprivate"),
    (
        "container.mount.dest[/var/run/docker.sock]",
        "/var/run/docker.sock",
    ),
    ("container.mount[0]", "/:/:rw:true:rprivate"),
    ("container.healthcheck", "NONE"),
    ("container.ip", "10.0.0.1"),
    ("container.start_ts", "1"),
    ("container.duration", "1"),
    ("k8s.ns.name", "kube-system"),
    ("k8s.pod.name", "web-0"),
    ("k8s.pod.uid", "x"),
    ("k8s.pod.label[app]", "web"),
    ("k8s.pod.label.app", "web"),
    ("k8s.pod.labels", "app:web"),
    ("fd.sip.name", "example.com"),
    ("fd.cip.name", "example.com"),
    ("fd.lip.name", "localhost"),
    ("fd.rip.name", "example.com"),
];

#[test]
fn runtime_pod_and_dns_fields_read_as_no_value_on_host_processes() {
    let source = SyscallSource;
    let compiled: Vec<_> = NO_DATA
        .iter()
        .map(|(field, value)| {
            let filter = |text: String| Filter::compile(&parse(&text).unwrap(), &source).unwrap();
            (
                *field,
                Format::parse(&format!("%{field}")).unwrap(),
                filter(format!("{field} = {value}")),
                filter(format!("{field} != {value}")),
                filter(format!("not {field} in ({value})")),
                filter(format!("{field} exists")),
            )
        })
        .collect();
    let kind = Format::parse("%container.id %container.name %container.type").unwrap();
    let mut events = 0;
    replay(&shared().join("scap-samples/curl_google.scap"), |e| {
        if e.thread.is_none() {
            return;
        }
        assert_eq!(render(&kind, e), "host host host");
        for (field, format, eq, ne, not_in, exists) in &compiled {
            assert_eq!(render(format, e), "<NA>", "{field}");
            // Comparisons against a missing value are false, whatever the
            // operator; only a negation around one is true.
            assert!(!eq.matches(&source, e), "{field} =");
            assert!(!ne.matches(&source, e), "{field} !=");
            assert!(not_in.matches(&source, e), "not {field} in");
            assert!(!exists.matches(&source, e), "{field} exists");
        }
        events += 1;
    });
    assert!(events > 0);
}

#[test]
fn upstream_rules_files_load_without_errors() {
    let dir = shared().join("falco-regression/rules/current");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let loaded = engine::rules::load_paths(&[&path]).unwrap();
        assert!(!loaded.has_errors(), "{path:?}: {:?}", loaded.diagnostics);
        let (_, diags) = engine::engine::Ruleset::compile(&loaded, &SyscallSource);
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{path:?}: {errors:?}");
    }
}

#[test]
fn container_start_is_the_pid_namespace_start_and_runtime_fields_stay_empty() {
    use driver::{EventBuilder, EventCode};
    use libcapture::meta::{Snapshot, ThreadInfo};

    let id = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";
    let pidns_start = 1_700_000_000_000_000_000u64;
    let ctime = 1_690_000_000_123_456_789u64;
    let snapshot = Snapshot {
        threads: vec![ThreadInfo {
            tid: 42,
            pid: 42,
            ptid: 1,
            comm: "nginx".into(),
            exe: "nginx".into(),
            cgroups: vec![("cpuset".into(), format!("/docker/{id}"))],
            pidns_init_start_ts: pidns_start,
            exe_ino: 99,
            exe_ino_ctime: ctime,
            exe_ino_mtime: ctime - 1,
            ..ThreadInfo::default()
        }],
        ..Snapshot::default()
    };
    let mut inspector = Inspector::from_snapshot(&snapshot, Limits::default());
    let mut buf = Vec::new();
    EventBuilder::new(EventCode::OPEN_X, pidns_start + 5_000, 42)
        .fd(3)
        .path("/etc/nginx/nginx.conf")
        .flags32(1)
        .u32(0)
        .u32(0)
        .u64(0)
        .finish(&mut buf)
        .unwrap();
    let evt = inspector.process(driver::EventRef::parse(&buf).unwrap(), 0, None);
    let format = Format::parse(
        "%container.id|%container.type|%container.start_ts|%container.duration|\
         %proc.pidns_init_start_ts|%proc.exe_ino.ctime|%proc.exe_ino.mtime|\
         %proc.exe_ino.ctime_duration_pidns_start|%container.image.repository|\
         %container.privileged|%k8s.pod.name|%k8s.ns.name",
    )
    .unwrap();
    // The container's runtime never described it: type, image and pod are
    // unknown; its start is known from the pid namespace; the snapshot's
    // process had no clone seen, so no duration, and its executable changed
    // before the namespace started.
    let want = format!(
        "{}|<NA>|{pidns_start}|<NA>|{pidns_start}|{ctime}|{}|<NA>|<NA>|<NA>|<NA>|<NA>",
        &id[..12],
        ctime - 1
    );
    assert_eq!(render(&format, &evt), want);
}
