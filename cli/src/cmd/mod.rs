//! One module per subcommand: each has `Args` and `run`, returning the exit code.

pub mod capture;
pub mod detect;
pub mod fields;
pub mod info;
pub mod k8s_audit;
pub mod replay;
pub mod rules;
pub mod test;
pub mod units;
