//! One module per subcommand: each has `Args` and `run`, returning the exit code.

pub mod detect;
pub mod info;
pub mod replay;
pub mod rules;
