//! `harrier`: runtime security sensor for Linux and Kubernetes.

mod cmd;

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
    Detect(cmd::detect::Args),
    /// Work with rules files.
    #[command(subcommand)]
    Rules(cmd::rules::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info(args) => cmd::info::run(args),
        Command::Replay(args) => cmd::replay::run(args),
        Command::Detect(args) => cmd::detect::run(args),
        Command::Rules(command) => cmd::rules::run(command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("harrier: {err:#}");
            ExitCode::from(2)
        }
    }
}
