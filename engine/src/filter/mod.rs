//! The Falco filter language: parser, compiled evaluator, event-type
//! resolution and output formats.
//!
//! ```text
//! parse(text) -> ast::Expr  --(macros resolved by rules)-->  Filter::compile(expr, source)
//! ```

pub mod ast;
mod compile;
mod evttype;
mod format;
mod parser;
mod value_ops;

pub use compile::{CompileError, Filter};
pub use evttype::{event_types, EventTypes};
pub use format::Format;
pub use parser::{parse, ParseError};
pub use value_ops::glob_match;
