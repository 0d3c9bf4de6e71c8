//! `harrier k8s-audit`: Kubernetes audit tools.
//!
//! `harrier k8s-audit policy check --policy FILE [EVENTS...]` checks a
//! kube-apiserver audit policy and, given audit events, prints the level
//! the API server would log each at and the rule that decided it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;
use engine::k8saudit::policy::{Decision, Policy, RequestAttributes};
use engine::k8saudit::{open_replay, AuditEvent};

/// Arguments of `harrier k8s-audit`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Audit policies (`audit.k8s.io/v1` `Policy`).
    #[command(subcommand)]
    Policy(PolicyCommand),
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Check a policy file; with audit event files, print the level each
    /// event's request would be logged at and the rule that matched.
    Check(CheckArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The audit policy file (`--audit-policy-file` of kube-apiserver).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// Audit event files (JSON Lines, EventList or arrays).
    #[arg(value_name = "EVENTS")]
    events: Vec<PathBuf>,
    /// One JSON object per event instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `harrier k8s-audit`: exit 0 when the policy is valid, 1 when it
/// has problems (each printed as `FILE:LINE: path: message`).
pub fn run(args: Args) -> anyhow::Result<u8> {
    match args.command {
        Command::Policy(PolicyCommand::Check(check)) => check_policy(&check),
    }
}

fn check_policy(args: &CheckArgs) -> anyhow::Result<u8> {
    let file = args.policy.display().to_string();
    let text =
        std::fs::read_to_string(&args.policy).with_context(|| format!("cannot read {file}"))?;
    let policy = match Policy::parse(&text) {
        Ok(policy) => policy,
        Err(problems) => {
            for p in &problems {
                let path = if p.path.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", p.path)
                };
                println!("{file}:{}: error: {path}{}", p.line, p.message);
            }
            eprintln!(
                "{file}: {} problem(s); the API server would refuse this policy",
                problems.len()
            );
            return Ok(1);
        }
    };
    for w in policy.warnings() {
        println!("{file}:{}: warning: {}: {}", w.line, w.path, w.message);
    }
    if args.events.is_empty() {
        println!(
            "{file}: valid audit policy with {} rule(s)",
            policy.rules.len()
        );
        if policy.omit_stages.is_empty() {
            println!(
                "{file}: note: no omitStages; every request is also logged at RequestReceived"
            );
        }
        return Ok(0);
    }
    for path in &args.events {
        report_events(&policy, path, args.json)?;
    }
    Ok(0)
}

fn report_events(policy: &Policy, path: &Path, json: bool) -> anyhow::Result<()> {
    for item in open_replay(path)? {
        match item {
            Ok(event) => {
                let decision = policy.evaluate_event(&event);
                if json {
                    println!("{}", decision_json(&event, &decision));
                } else {
                    println!("{}", decision_text(&event, &decision));
                }
            }
            Err(diag) => eprintln!("harrier: skipped {diag}"),
        }
    }
    Ok(())
}

fn request_summary(event: &AuditEvent) -> String {
    let attrs = RequestAttributes::from_event(event);
    let user = attrs.user.as_deref().unwrap_or("?");
    let target = match &attrs.resource {
        Some(r) => {
            let mut s = if r.group.is_empty() {
                r.resource.clone()
            } else {
                format!("{}.{}", r.resource, r.group)
            };
            if !r.subresource.is_empty() {
                s = format!("{s}/{}", r.subresource);
            }
            if !r.namespace.is_empty() {
                s = format!("{s} ns={}", r.namespace);
            }
            if !r.name.is_empty() {
                s = format!("{s} name={}", r.name);
            }
            s
        }
        None => attrs.path.clone(),
    };
    format!("{user} {} {target}", attrs.verb)
}

fn decision_text(event: &AuditEvent, d: &Decision) -> String {
    let rule = match (d.rule, d.rule_line) {
        (Some(i), Some(line)) => format!("rule {} (line {line})", i + 1),
        _ => "no rule matched (default None)".to_owned(),
    };
    let stage = event.str_at(&["stage"]).unwrap_or("");
    let mut notes = Vec::new();
    if d.level != engine::k8saudit::policy::Level::None && !d.logs_stage(stage) {
        notes.push(format!("stage {stage} omitted"));
    }
    if d.omit_managed_fields {
        notes.push("managed fields omitted".to_owned());
    }
    if let Some(recorded) = event.str_at(&["level"]) {
        if recorded != d.level.as_str() {
            notes.push(format!("recorded at {recorded}"));
        }
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" [{}]", notes.join("; "))
    };
    format!(
        "{}: {}: {} by {rule}{notes}",
        event.location(),
        request_summary(event),
        d.level
    )
}

fn decision_json(event: &AuditEvent, d: &Decision) -> String {
    let stage = event.str_at(&["stage"]).unwrap_or("");
    serde_json::json!({
        "file": &*event.location().file,
        "line": event.location().line,
        "auditID": event.str_at(&["auditID"]),
        "request": request_summary(event),
        "level": d.level.as_str(),
        "rule": d.rule.map(|i| i + 1),
        "rule_line": d.rule_line,
        "stage": stage,
        "stage_logged": d.logs_stage(stage),
        "omit_managed_fields": d.omit_managed_fields,
        "recorded_level": event.str_at(&["level"]),
    })
    .to_string()
}
