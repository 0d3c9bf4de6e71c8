//! `harrier rules`: rules file tooling.

use std::path::PathBuf;

use engine::engine::Ruleset;
use engine::k8saudit::K8sAuditSource;
use engine::rules::{self, Diagnostic};

use super::detect;

/// Subcommands of `harrier rules`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Load rules files (in order, as one ruleset) and report Falco-compatible
    /// diagnostics; exits 1 when there is an error.
    Validate {
        /// One JSON object per diagnostic:
        /// `{"file","line","code","message","kind","item":{"type","name"}}`.
        #[arg(long)]
        json: bool,
        /// Rules files, or directories of `*.yaml` rules files (name order).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Runs `harrier rules ...`.
pub fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Validate { json, files } => validate(json, &files),
    }
}

/// Loads `files` and compiles their rules against every source harrier has.
pub fn diagnostics(files: &[PathBuf]) -> anyhow::Result<Vec<Diagnostic>> {
    let files = detect::rules_files(files)?;
    let loaded = rules::load_paths(&files)?;
    let mut diags = loaded.diagnostics.clone();
    diags.extend(rules::unknown_sources(&loaded, detect::KNOWN_SOURCES));
    diags.extend(Ruleset::compile(&loaded, &K8sAuditSource).1);
    diags.extend(detect::syscall_diagnostics(&loaded));
    Ok(diags)
}

fn validate(json: bool, files: &[PathBuf]) -> anyhow::Result<u8> {
    let diags = diagnostics(files)?;
    for d in &diags {
        if json {
            println!("{}", d.to_json());
        } else {
            println!("{d}");
        }
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if !json {
        let warnings = diags.len() - errors;
        let verdict = if errors == 0 { "OK" } else { "FAILED" };
        let count = detect::rules_files(files)?.len();
        println!("{count} file(s): {verdict}, {errors} error(s), {warnings} warning(s)");
    }
    Ok(u8::from(errors > 0))
}
