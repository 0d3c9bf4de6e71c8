//! `harrier`: runtime security sensor for Linux and Kubernetes.

mod cmd;
#[allow(dead_code, reason = "sinks are wired into detect as they land")]
mod output;
#[allow(
    dead_code,
    unused_imports,
    reason = "detect wires the live audit sources in as they land"
)]
mod webhook;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Runtime security sensor for Linux and Kubernetes.
#[derive(Parser)]
#[command(name = "harrier", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Summarise a .scap capture: blocks, events, time range, machine, processes.
    Info(cmd::info::Args),
    /// Print the events of a .scap capture, or copy them to a new capture.
    Replay(cmd::replay::Args),
    /// Evaluate rules against a capture, an audit log or the live system.
    Detect(Box<cmd::detect::Args>),
    /// Work with rules files.
    #[command(subcommand)]
    Rules(cmd::rules::Command),
    /// List the fields rules and format strings can use.
    Fields(cmd::fields::Args),
    /// Run declarative rule tests (capture or audit file, rules, expected alerts).
    Test(cmd::test::Args),
    /// Capture live events to a .scap file or the terminal.
    Capture(cmd::capture::Args),
    /// Kubernetes audit tools.
    K8sAudit(cmd::k8s_audit::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info(args) => cmd::info::run(args),
        Command::Replay(args) => cmd::replay::run(args),
        Command::Detect(args) => cmd::detect::run(*args),
        Command::Rules(command) => cmd::rules::run(command),
        Command::Fields(args) => cmd::fields::run(args),
        Command::Test(args) => cmd::test::run(args),
        Command::Capture(args) => cmd::capture::run(args),
        Command::K8sAudit(args) => cmd::k8s_audit::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("harrier: {err:#}");
            ExitCode::from(2)
        }
    }
}
