//! Output format strings: `%field`, `%field[arg]`, `%evt.arg.NAME` and
//! sysdig's column widths (`%12evt.num` pads to 12 characters).
//!
//! The same compiled [`Format`] renders sysdig `-p` lines (where an event
//! lacking any field is not printed, unless the format starts with `*`)
//! and Falco rule outputs (where a missing value prints `<NA>`).

use super::fields::{Ex, SyscallSource};
use super::inspector::SyscallEvent;
use crate::field::{render_values, FieldError, FieldSource, Values};

/// One piece of a format string.
#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Field {
        ex: Ex,
        /// Minimum width (left-aligned, padded with spaces).
        width: Option<usize>,
    },
}

/// A compiled format string.
#[derive(Debug, Clone)]
pub struct Format {
    pieces: Vec<Piece>,
    print_all: bool,
}

/// Why a format string could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid format at byte {offset}: {source}")]
pub struct FormatError {
    /// Byte offset of the bad field reference.
    pub offset: usize,
    /// The field error.
    pub source: FieldError,
}

fn is_field_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

impl Format {
    /// Compiles `fmt`. A leading `*` makes [`Format::render_sysdig`] print
    /// events even when a field is missing.
    pub fn parse(fmt: &str) -> Result<Format, FormatError> {
        let src = SyscallSource;
        let (print_all, fmt) = match fmt.strip_prefix('*') {
            Some(rest) => (true, rest),
            None => (false, fmt),
        };
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = fmt;
        let mut offset = usize::from(print_all);
        while let Some(pos) = rest.find('%') {
            text.push_str(&rest[..pos]);
            let after = &rest[pos + 1..];
            let start = offset + pos;
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let width = after[..digits].parse::<usize>().ok();
            let body = &after[digits..];
            let name_len = body.len() - body.trim_start_matches(is_field_char).len();
            if name_len == 0 {
                // A lone '%' is literal.
                text.push('%');
                rest = after;
                offset = start + 1;
                continue;
            }
            let (ex, used) =
                compile_longest(&src, &body[..name_len], &body[name_len..]).map_err(|source| {
                    FormatError {
                        offset: start,
                        source,
                    }
                })?;
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Field { ex, width });
            rest = &body[used..];
            offset = start + 1 + digits + used;
        }
        text.push_str(rest);
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Format { pieces, print_all })
    }

    /// Renders as sysdig `-p` does: returns false (and leaves `out` in an
    /// unspecified state) when a field is missing and the format did not
    /// start with `*`; missing fields print `<NA>` otherwise.
    pub fn render_sysdig(&self, evt: &SyscallEvent<'_>, out: &mut String) -> bool {
        self.render(evt, out, !self.print_all)
    }

    /// Renders as Falco outputs do: missing values print `<NA>`.
    pub fn render_falco(&self, evt: &SyscallEvent<'_>, out: &mut String) {
        self.render(evt, out, false);
    }

    fn render(&self, evt: &SyscallEvent<'_>, out: &mut String, strict: bool) -> bool {
        let src = SyscallSource;
        let mut values = Values::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Field { ex, width } => {
                    values.clear();
                    src.extract(ex, evt, &mut values);
                    if values.is_empty() && strict {
                        return false;
                    }
                    let start = out.len();
                    render_values(&values, out);
                    if let Some(w) = width {
                        let n = out[start..].chars().count();
                        for _ in n..*w {
                            out.push(' ');
                        }
                    }
                }
            }
        }
        true
    }

    /// Whether the format holds any field.
    pub fn has_fields(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Field { .. }))
    }
}

/// Compiles the longest prefix of `name` that is a field (sysdig reads
/// `%fd.namexyz` as `%fd.name` followed by text), with a `[arg]` right after
/// it. Returns the extractor and the bytes consumed from `name` + `tail`.
fn compile_longest(src: &SyscallSource, name: &str, tail: &str) -> Result<(Ex, usize), FieldError> {
    let (arg, arg_len) = bracket_arg(tail);
    let err = match src.compile(name, arg) {
        Ok(c) => return Ok((c.extractor, name.len() + arg_len)),
        Err(e) => e,
    };
    let prefix = super::fields::FIELDS
        .iter()
        .map(|f| f.name)
        .filter(|f| name.starts_with(f) && f.len() < name.len())
        .max_by_key(|f| f.len());
    match prefix.map(|p| (p, src.compile(p, None))) {
        Some((p, Ok(c))) => Ok((c.extractor, p.len())),
        _ => Err(err),
    }
}

/// `[arg]` at the start of `s`: the argument and the bytes it spans.
fn bracket_arg(s: &str) -> (Option<&str>, usize) {
    if let Some(inner) = s.strip_prefix('[') {
        if let Some(close) = inner.find(']') {
            return (Some(&inner[..close]), close + 2);
        }
    }
    (None, 0)
}

/// Renders one field of `evt` by name, Falco style (`<NA>` when missing).
pub fn render_field(name: &str, evt: &SyscallEvent<'_>) -> Result<String, FormatError> {
    let format = Format::parse(&format!("%{name}"))?;
    let mut out = String::new();
    format.render_falco(evt, &mut out);
    Ok(out)
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.pieces {
            match p {
                Piece::Text(t) => f.write_str(t)?,
                Piece::Field { ex, .. } => write!(f, "%{ex:?}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::fmt::Write;

    #[test]
    fn parses_widths_arguments_and_literals() {
        let f = Format::parse("*%12evt.num [%proc.aname[2]] %evt.arg.fd 100%").unwrap();
        assert!(f.print_all);
        let fields: Vec<_> = f
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Field { ex, width } => Some((ex.clone(), *width)),
                Piece::Text(_) => None,
            })
            .collect();
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0], (Ex::EvtNum, Some(12)));
        assert_eq!(fields[1].0, Ex::ProcAname(Some(2)));
        assert!(matches!(fields[2].0, Ex::EvtArg(_)));
        let mut s = String::new();
        write!(s, "{f}").unwrap();
        assert!(s.ends_with("100%"));
    }

    #[test]
    fn unknown_fields_fail_with_their_offset() {
        let err = Format::parse("x %nosuch.field").unwrap_err();
        assert_eq!(err.offset, 2);
    }

    #[test]
    fn a_longer_unknown_name_falls_back_to_a_known_prefix() {
        let f = Format::parse("%fd.namexyz").unwrap();
        assert!(matches!(&f.pieces[0], Piece::Field { ex: Ex::FdName, .. }));
        assert!(matches!(&f.pieces[1], Piece::Text(t) if t == "xyz"));
    }
}
