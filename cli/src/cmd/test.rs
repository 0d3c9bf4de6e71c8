//! `harrier test`: declarative rule tests for CI.
//!
//! A test file is YAML:
//!
//! ```yaml
//! tests:
//!   - name: cat reads /etc/shadow
//!     rules: [../rules/default/falco_rules.yaml]   # optional: default ruleset
//!     capture: shadow.scap                          # or `audit: events.json`
//!     expect:                                       # exact alert count per rule
//!       Read sensitive file untrusted: 1
//!       Run shell untrusted: 0
//!     # optional: min_priority, enable_tags, disable_tags, disable_rules
//! ```
//!
//! Paths are relative to the test file. `harrier test DIR` runs every
//! `*.yaml` below DIR in name order; the exit code is 1 when a case fails.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context as _};
use engine::alert::Priority;
use engine::engine::Selection;
use engine::rules::yaml::{self, Kind, Node};

use super::detect;

/// Arguments of `harrier test`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A test file, or a directory searched for `*.yaml` test files.
    pub path: PathBuf,
    /// Also write the results as JUnit XML to this file.
    #[arg(long)]
    pub junit: Option<PathBuf>,
}

/// One declarative case.
#[derive(Debug)]
struct Case {
    file: PathBuf,
    name: String,
    rules: Vec<PathBuf>,
    trace: PathBuf,
    source: &'static str,
    selection: Selection,
    expect: BTreeMap<String, u64>,
}

/// The outcome of a case.
#[derive(Debug)]
struct Outcome {
    problems: Vec<String>,
    seconds: f64,
}

fn str_list(node: Option<&Node>) -> Vec<String> {
    match node.map(|n| &n.kind) {
        Some(Kind::Seq(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Some(Kind::Scalar { value, .. }) => vec![value.clone()],
        _ => Vec::new(),
    }
}

fn parse_case(file: &Path, node: &Node) -> anyhow::Result<Case> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let at = |what: &str| format!("{}:{}: {what}", file.display(), node.line);
    let name = node
        .get("name")
        .and_then(Node::as_str)
        .with_context(|| at("a test needs a `name`"))?;
    let (trace, source) = match (node.get("capture"), node.get("audit")) {
        (Some(c), None) => (c, "syscall"),
        (None, Some(a)) => (a, "k8s_audit"),
        _ => bail!(at("a test needs exactly one of `capture` or `audit`")),
    };
    let trace = dir.join(
        trace
            .as_str()
            .with_context(|| at("`capture`/`audit` must be a path"))?,
    );
    let rules = str_list(node.get("rules"))
        .iter()
        .map(|r| dir.join(r))
        .collect();
    let min_priority = match node.get("min_priority").and_then(Node::as_str) {
        Some(p) => Some(
            p.parse::<Priority>()
                .map_err(|e| anyhow::anyhow!(at(&e.to_string())))?,
        ),
        None => None,
    };
    let mut expect = BTreeMap::new();
    match node.get("expect").map(|n| &n.kind) {
        Some(Kind::Map(entries)) => {
            for (k, v) in entries {
                let rule = k
                    .as_str()
                    .with_context(|| at("`expect` keys are rule names"))?;
                let n = v
                    .as_str()
                    .and_then(|s| s.parse::<u64>().ok())
                    .with_context(|| {
                        format!(
                            "{}:{}: expected count of '{rule}' must be a number",
                            file.display(),
                            v.line
                        )
                    })?;
                expect.insert(rule.to_string(), n);
            }
        }
        _ => bail!(at(
            "a test needs an `expect` mapping of rule name to alert count"
        )),
    }
    Ok(Case {
        file: file.to_path_buf(),
        name: name.to_string(),
        rules,
        trace,
        source,
        selection: Selection {
            min_priority,
            enable_tags: str_list(node.get("enable_tags")),
            disable_tags: str_list(node.get("disable_tags")),
            disable_rules: str_list(node.get("disable_rules")),
        },
        expect,
    })
}

fn load_cases(file: &Path) -> anyhow::Result<Vec<Case>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let docs = yaml::load(&text)
        .map_err(|e| anyhow::anyhow!("{}:{}: {}", file.display(), e.line, e.message))?;
    let mut cases = Vec::new();
    for doc in &docs {
        let Some(Kind::Seq(tests)) = doc.get("tests").map(|t| &t.kind) else {
            bail!("{}: expected a top-level `tests:` list", file.display());
        };
        for t in tests {
            cases.push(parse_case(file, t)?);
        }
    }
    Ok(cases)
}

fn test_files(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let p = entry?.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn run_case(case: &Case) -> Outcome {
    let start = Instant::now();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut problems = Vec::new();
    let result = detect::rules_files(&case.rules).and_then(|files| {
        detect::replay(
            &files,
            &case.trace,
            case.source,
            &case.selection,
            &mut |alert| {
                *counts.entry(alert.rule).or_default() += 1;
                Ok(())
            },
        )
    });
    match result {
        Err(e) => problems.push(format!("{e:#}")),
        Ok(_) => {
            for (rule, want) in &case.expect {
                let got = counts.get(rule).copied().unwrap_or(0);
                if got != *want {
                    problems.push(format!("'{rule}': expected {want} alert(s), got {got}"));
                }
            }
        }
    }
    Outcome {
        problems,
        seconds: start.elapsed().as_secs_f64(),
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn junit(results: &[(Case, Outcome)]) -> String {
    let failures = results
        .iter()
        .filter(|(_, o)| !o.problems.is_empty())
        .count();
    let total: f64 = results.iter().map(|(_, o)| o.seconds).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"harrier\" tests=\"{}\" failures=\"{failures}\" time=\"{total:.3}\">",
        results.len()
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"harrier rules\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{total:.3}\">",
        results.len()
    );
    for (case, outcome) in results {
        let _ = write!(
            xml,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            xml_escape(&case.file.display().to_string()),
            xml_escape(&case.name),
            outcome.seconds
        );
        if outcome.problems.is_empty() {
            xml.push_str("/>\n");
        } else {
            let text = xml_escape(&outcome.problems.join("\n"));
            let first = xml_escape(&outcome.problems[0]);
            let _ = writeln!(
                xml,
                ">\n      <failure message=\"{first}\">{text}</failure>\n    </testcase>"
            );
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Runs `harrier test`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let mut cases = Vec::new();
    for file in test_files(&args.path)? {
        cases.extend(load_cases(&file)?);
    }
    if cases.is_empty() {
        bail!("{}: no test cases found", args.path.display());
    }
    let width = cases.iter().map(|c| c.name.len()).max().unwrap_or(4).max(4);
    println!("{:<6}  {:<width$}  DETAIL", "RESULT", "CASE");
    let mut results = Vec::new();
    for case in cases {
        let outcome = run_case(&case);
        let verdict = if outcome.problems.is_empty() {
            "PASS"
        } else {
            "FAIL"
        };
        println!(
            "{verdict:<6}  {:<width$}  {}",
            case.name,
            outcome.problems.join("; ")
        );
        results.push((case, outcome));
    }
    let failed = results
        .iter()
        .filter(|(_, o)| !o.problems.is_empty())
        .count();
    println!("{} passed, {failed} failed", results.len() - failed);
    if let Some(path) = &args.junit {
        std::fs::write(path, junit(&results))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(u8::from(failed > 0))
}
