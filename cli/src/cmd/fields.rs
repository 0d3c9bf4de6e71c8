//! `harrier fields`: the fields rules and format strings can use, per event
//! source, like `falco --list`.

use engine::field::{ArgKind, FieldInfo, FieldSource};
use engine::k8saudit::K8sAuditSource;
use engine::syscall::SyscallSource;

/// Arguments of `harrier fields`.
#[derive(clap::Args)]
pub struct Args {
    /// Only list the fields of this source (`syscall` or `k8s_audit`).
    #[arg(long)]
    pub source: Option<String>,
    /// Print one JSON array of fields instead of text.
    #[arg(long)]
    pub json: bool,
}

fn arg_syntax(arg: ArgKind) -> &'static str {
    match arg {
        ArgKind::None => "",
        ArgKind::RequiredIndex => "[N]",
        ArgKind::OptionalIndex => "[N] (optional)",
        ArgKind::RequiredKey => "[KEY] or .KEY",
        ArgKind::OptionalKey => "[KEY] (optional)",
        ArgKind::RequiredIndexOrKey => "[N] or .NAME",
    }
}

/// Runs `harrier fields`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    let (syscall, k8s) = (SyscallSource, K8sAuditSource);
    let all: [(&str, &[FieldInfo]); 2] = [
        (syscall.name(), syscall.fields()),
        (k8s.name(), k8s.fields()),
    ];
    let selected: Vec<_> = all
        .into_iter()
        .filter(|(name, _)| args.source.as_deref().is_none_or(|s| s == *name))
        .collect();
    if selected.is_empty() {
        anyhow::bail!(
            "unknown source {:?}; sources are syscall and k8s_audit",
            args.source.unwrap_or_default()
        );
    }
    if args.json {
        let list: Vec<_> = selected
            .iter()
            .flat_map(|(source, fields)| {
                fields.iter().map(move |f| {
                    serde_json::json!({
                        "source": source,
                        "name": f.name,
                        "type": f.ty.name(),
                        "is_list": f.is_list,
                        "arg": arg_syntax(f.arg),
                        "description": f.description,
                    })
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(0);
    }
    let mut out = String::new();
    for (source, fields) in &selected {
        write_source(&mut out, source, fields);
    }
    print!("{out}");
    Ok(0)
}

/// Text listing: fields grouped by class (`proc`, `fd`...), one per line.
fn write_source(out: &mut String, source: &str, fields: &[FieldInfo]) {
    use std::fmt::Write;
    let _ = writeln!(out, "Event source: {source}\n");
    let width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0) + 2;
    let mut class = "";
    for f in fields {
        let this = f.name.split('.').next().unwrap_or(f.name);
        if this != class {
            if !class.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "Field class: {this}");
            class = this;
        }
        let arg = arg_syntax(f.arg);
        let list = if f.is_list { " (list)" } else { "" };
        let _ = write!(
            out,
            "{:<width$}{:<10}{}",
            f.name,
            f.ty.name(),
            f.description
        );
        if !arg.is_empty() {
            let _ = write!(out, " Argument: {arg}.");
        }
        let _ = writeln!(out, "{list}");
    }
    out.push('\n');
}
