//! Rules files: lists, macros, rules, exceptions, and their diagnostics.
//!
//! Loading has two stages. [`load`] reads every file in order into one
//! collection (applying `append`, `override` and `enabled` items), then
//! substitutes lists, adds exception clauses and expands macros, giving
//! source-independent [`ResolvedRule`]s. [`crate::engine::Ruleset::compile`]
//! then compiles the rules of one source against its fields.

mod collect;
mod diag;
mod resolve;
pub mod yaml;

use std::path::Path;

pub use collect::{Entry, ExceptionInfo, RuleInfo, ENGINE_VERSION};
pub use diag::{Code, Diagnostic, Item};
pub use resolve::ResolvedRule;

use crate::{Error, Result};

/// A loaded, resolved ruleset (not yet compiled against a source).
#[derive(Debug, Default)]
pub struct Loaded {
    /// Rules whose conditions resolved, in definition order.
    pub rules: Vec<ResolvedRule>,
    /// Diagnostics so far, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads rules files given as `(name, content)` pairs, in order, as one ruleset.
pub fn load<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Loaded {
    let mut col = collect::Collection::default();
    for (name, content) in files {
        col.read_file(name, content);
    }
    let rules = if col.read_failed {
        Vec::new()
    } else {
        resolve::resolve(&mut col)
    };
    Loaded {
        rules,
        diagnostics: col.diagnostics,
    }
}

/// Reads and loads rules files from disk, in order.
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Loaded> {
    let mut files = Vec::new();
    for p in paths {
        let path = p.as_ref();
        let content = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        files.push((path.display().to_string(), content));
    }
    Ok(load(files.iter().map(|(n, c)| (n.as_str(), c.as_str()))))
}

/// `LOAD_UNKNOWN_SOURCE` warnings for rules whose source is not in `known`
/// (such rules are skipped, as Falco does).
pub fn unknown_sources(loaded: &Loaded, known: &[&str]) -> Vec<Diagnostic> {
    loaded
        .rules
        .iter()
        .filter(|r| !known.contains(&r.info.source.as_str()))
        .map(|r| Diagnostic {
            file: r.info.file.clone(),
            line: r.info.line,
            code: Code::UnknownSource,
            message: format!("Unknown source {}, skipping", r.info.source),
            item: Item::new("rule", r.info.name.clone()),
        })
        .collect()
}
