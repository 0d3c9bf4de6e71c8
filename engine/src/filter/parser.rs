//! Falco's filter grammar (libsinsp `filter/parser.cpp`), with the same
//! tokens, precedence and error wording:
//!
//! ```text
//! Or    ::= And ('or' And)*
//! And   ::= Not ('and' Not)*
//! Not   ::= ('not' blank)* Check | 'not(' Or ')'
//! Check ::= '(' Or ')' | Field Cond | Transformer '(' Field ')' Cond | Identifier
//! Cond  ::= 'exists' | NumOp Number | StrOp Value | ListOp (List | Identifier)
//! ```

use super::ast::{Check, Expr, FieldRef, Op, Operand, Pos, Transformer};

/// A syntax error and where the parser stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// libsinsp's wording.
    pub message: String,
    /// Where parsing stopped.
    pub pos: Pos,
}

const MAX_DEPTH: usize = 1000;
const NUM_OPS: [&str; 4] = ["<=", "<", ">=", ">"];
const STR_OPS: [&str; 12] = [
    "==",
    "=",
    "!=",
    "glob",
    "iglob",
    "contains",
    "icontains",
    "bcontains",
    "startswith",
    "bstartswith",
    "endswith",
    "regex",
];
const LIST_OPS: [&str; 3] = ["intersects", "in", "pmatch"];
const TRANSFORMERS: [&str; 5] = ["tolower(", "toupper(", "b64(", "basename(", "len("];
const TRANSFORMER_LIST: &str = "'val', 'tolower', 'toupper', 'b64', 'basename', 'len'";

/// Parses a whole condition.
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    let mut p = Parser {
        s: input.as_bytes(),
        input,
        pos: Pos {
            idx: 0,
            line: 1,
            col: 1,
        },
        last: String::new(),
        depth: 0,
    };
    if input.is_empty() {
        return Err(p.err("filter input string is empty"));
    }
    let expr = p.parse_or()?;
    if p.pos.idx != p.s.len() {
        let msg = format!("unexpected token after '{}', expecting 'or', 'and'", p.last);
        return Err(p.err(&msg));
    }
    Ok(expr)
}

struct Parser<'a> {
    s: &'a [u8],
    input: &'a str,
    pos: Pos,
    last: String,
    depth: usize,
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\x08' | b'\r' | b'\n')
}

impl Parser<'_> {
    fn err(&self, message: &str) -> ParseError {
        ParseError {
            message: message.to_string(),
            pos: self.pos,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos.idx).copied()
    }

    fn advance(&mut self, n: usize) {
        for _ in 0..n {
            let Some(c) = self.peek() else { return };
            self.pos.idx += 1;
            self.pos.col += 1;
            if c == b'\n' || c == b'\r' {
                self.pos.col = 1;
                self.pos.line += 1;
            }
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.err(&format!("exceeded max depth limit of {MAX_DEPTH}")));
        }
        Ok(())
    }

    fn rest(&self) -> &[u8] {
        &self.s[self.pos.idx..]
    }

    fn blank(&mut self) -> bool {
        let n = self.rest().iter().take_while(|&&c| is_blank(c)).count();
        self.advance(n);
        n > 0
    }

    /// Consumes `lit` when the input continues with it.
    fn lit(&mut self, lit: &str) -> bool {
        if self.rest().starts_with(lit.as_bytes()) {
            self.last = lit.to_string();
            self.advance(lit.len());
            true
        } else {
            false
        }
    }

    /// Consumes `n` bytes as a token.
    fn take(&mut self, n: usize) -> bool {
        if n == 0 {
            return false;
        }
        self.last = self.input[self.pos.idx..self.pos.idx + n].to_string();
        self.advance(n);
        true
    }

    fn ident_len(s: &[u8]) -> usize {
        let letters = s.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        if letters == 0 {
            return 0;
        }
        letters
            + s[letters..]
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_')
                .count()
    }

    fn lex_identifier(&mut self) -> bool {
        self.take(Self::ident_len(self.rest()))
    }

    fn lex_field_name(&mut self) -> bool {
        let s = self.rest();
        let mut n = Self::ident_len(s);
        if n == 0 {
            return false;
        }
        let mut parts = 1;
        while s.get(n) == Some(&b'.') {
            let next = Self::ident_len(&s[n + 1..]);
            if next == 0 {
                break;
            }
            n += 1 + next;
            parts += 1;
        }
        parts > 1 && self.take(n)
    }

    fn lex_while(&mut self, ok: impl Fn(u8) -> bool) -> bool {
        let n = self.rest().iter().take_while(|&&c| ok(c)).count();
        self.take(n)
    }

    fn lex_bare_str(&mut self) -> bool {
        self.lex_while(|c| !matches!(c, b'(' | b')' | b'"' | b'\'' | b'=' | b',') && !is_blank(c))
    }

    fn lex_field_arg_bare_str(&mut self) -> bool {
        self.lex_while(|c| !matches!(c, b'[' | b']' | b'"' | b'\'') && !is_blank(c))
    }

    fn lex_number(&mut self) -> bool {
        let s = self.rest();
        if s.len() > 2 && s[0] == b'0' && (s[1] == b'x' || s[1] == b'X') {
            let n = s[2..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            if n > 0 {
                return self.take(2 + n);
            }
        }
        let mut i = usize::from(matches!(s.first(), Some(b'+' | b'-')));
        let digits = s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += digits;
        if s.get(i) == Some(&b'.') {
            i += 1;
        }
        i += s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if matches!(s.get(i), Some(b'e' | b'E'))
            && matches!(s.get(i + 1), Some(b'+' | b'-'))
            && s.get(i + 2).is_some_and(u8::is_ascii_digit)
        {
            i += 2;
            i += s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        }
        self.take(i)
    }

    fn lex_quoted_str(&mut self) -> bool {
        let Some(delim @ (b'"' | b'\'')) = self.peek() else {
            return false;
        };
        let s = self.rest();
        let mut prev = b'\\';
        for (i, &c) in s.iter().enumerate() {
            if i > 0 && c == delim && prev != b'\\' {
                self.last = unescape(&self.input[self.pos.idx + 1..self.pos.idx + i]);
                self.advance(i + 1);
                return true;
            }
            prev = c;
        }
        false
    }

    /// An operator word: matches `word` followed by a blank (for
    /// alphabetic operators) so that `in` does not swallow `intersects`.
    fn lex_op(&mut self, ops: &[&str], need_blank: bool) -> bool {
        for op in ops {
            let rest = self.rest();
            if !rest.starts_with(op.as_bytes()) {
                continue;
            }
            let alpha = op.as_bytes()[0].is_ascii_alphabetic();
            let next = rest.get(op.len()).copied();
            if alpha && need_blank && !next.is_some_and(is_blank) {
                continue;
            }
            if alpha && next.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                continue;
            }
            return self.lit(op);
        }
        false
    }

    fn parse_or(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        self.blank();
        let mut children = vec![self.parse_and()?];
        self.blank();
        while self.lit("or") {
            let child = if self.blank() {
                self.parse_and()?
            } else if self.lit("(") {
                self.parse_embedded()?
            } else {
                return Err(self.err("expected blank or '(' after 'or'"));
            };
            children.push(child);
            self.blank();
        }
        self.depth -= 1;
        Ok(if children.len() == 1 {
            children.remove(0)
        } else {
            Expr::Or(children)
        })
    }

    fn parse_and(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        self.blank();
        let mut children = vec![self.parse_not()?];
        self.blank();
        while self.lit("and") {
            let child = if self.blank() {
                self.parse_not()?
            } else if self.lit("(") {
                self.parse_embedded()?
            } else {
                return Err(self.err("expected blank or '(' after 'and'"));
            };
            children.push(child);
            self.blank();
        }
        self.depth -= 1;
        Ok(if children.len() == 1 {
            children.remove(0)
        } else {
            Expr::And(children)
        })
    }

    fn parse_not(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        self.blank();
        let mut negate = false;
        loop {
            let rest = self.rest();
            if rest.starts_with(b"not") && rest.get(3).copied().is_some_and(is_blank) {
                self.lit("not");
                self.blank();
                negate = !negate;
            } else {
                break;
            }
        }
        let child = if self.lit("not(") {
            negate = !negate;
            self.parse_embedded()?
        } else {
            self.parse_check()?
        };
        self.depth -= 1;
        Ok(if negate {
            Expr::Not(Box::new(child))
        } else {
            child
        })
    }

    fn parse_embedded(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        self.blank();
        let child = self.parse_or()?;
        self.blank();
        if !self.lit(")") {
            return Err(self.err("expected a ')' token"));
        }
        self.depth -= 1;
        Ok(child)
    }

    fn parse_check(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        self.blank();
        let pos = self.pos;
        if self.lit("(") {
            let e = self.parse_embedded()?;
            self.depth -= 1;
            return Ok(e);
        }
        let field = if self.lex_field_name() {
            self.parse_field_remainder()?
        } else if let Some(t) = self.lex_transformer() {
            self.parse_transformed(t)?
        } else if self.lex_identifier() {
            self.depth -= 1;
            return Ok(Expr::Macro(self.last.clone(), pos));
        } else {
            return Err(self.err("expected a '(' token, a field check, or an identifier"));
        };
        let check = self.parse_condition(field, pos)?;
        self.depth -= 1;
        Ok(Expr::Check(Box::new(check)))
    }

    fn lex_transformer(&mut self) -> Option<Transformer> {
        for t in TRANSFORMERS {
            if self.lit(t) {
                return Transformer::from_name(&t[..t.len() - 1]);
            }
        }
        None
    }

    fn parse_field_remainder(&mut self) -> Result<FieldRef, ParseError> {
        let name = self.last.clone();
        let mut arg = None;
        if self.lit("[") {
            if !self.lex_quoted_str() && !self.lex_field_arg_bare_str() {
                return Err(
                    self.err("expected a valid field argument: a quoted string or a bare string")
                );
            }
            arg = Some(self.last.clone());
            if !self.lit("]") {
                return Err(self.err("expected a ']' token"));
            }
        }
        Ok(FieldRef {
            transformers: Vec::new(),
            name,
            arg,
        })
    }

    /// After `transformer(`: a field or a nested transformer, then `)`.
    fn parse_transformed(&mut self, t: Transformer) -> Result<FieldRef, ParseError> {
        self.enter()?;
        self.blank();
        let mut inner = if let Some(nested) = self.lex_transformer() {
            self.parse_transformed(nested)?
        } else if self.lex_field_name() {
            self.parse_field_remainder()?
        } else {
            return Err(self.err(&format!(
                "expected a field or a nested valid transformer: {TRANSFORMER_LIST}"
            )));
        };
        self.blank();
        if !self.lit(")") {
            return Err(self.err("expected a ')' token closing the transformer"));
        }
        inner.transformers.insert(0, t);
        self.depth -= 1;
        Ok(inner)
    }

    fn parse_condition(&mut self, field: FieldRef, pos: Pos) -> Result<Check, ParseError> {
        self.blank();
        let check = |op, operand| Check {
            field: field.clone(),
            op,
            operand,
            pos,
        };
        if self.lex_op(&["exists"], false) {
            return Ok(check(Op::Exists, Operand::None));
        }
        if self.lex_op(&NUM_OPS, false) {
            let op = Op::from_name(&self.last).unwrap_or(Op::Eq);
            let operand = self.parse_num_value()?;
            return Ok(check(op, operand));
        }
        if self.lex_op(&STR_OPS, true) {
            let op = Op::from_name(&self.last).unwrap_or(Op::Eq);
            let operand = self.parse_str_value()?;
            return Ok(check(op, operand));
        }
        if self.lex_op(&LIST_OPS, false) {
            let op = Op::from_name(&self.last).unwrap_or(Op::In);
            let operand = self.parse_list_value()?;
            return Ok(check(op, operand));
        }
        Err(self.err(
            "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', '=', \
             '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', \
             'bstartswith', 'endswith', 'regex', 'intersects', 'in', 'pmatch'",
        ))
    }

    fn try_transformer_or_val(&mut self) -> Result<Option<Operand>, ParseError> {
        self.blank();
        if self.lit("val(") {
            self.blank();
            if !self.lex_field_name() {
                return Err(self.err("expected a field within 'val' transformer"));
            }
            let field = self.parse_field_remainder()?;
            self.blank();
            if !self.lit(")") {
                return Err(self.err("expected a ')' token closing the transformer"));
            }
            return Ok(Some(Operand::Field(field)));
        }
        if let Some(t) = self.lex_transformer() {
            return Ok(Some(Operand::Field(self.parse_transformed(t)?)));
        }
        Ok(None)
    }

    fn parse_num_value(&mut self) -> Result<Operand, ParseError> {
        if let Some(op) = self.try_transformer_or_val()? {
            return Ok(op);
        }
        if self.lex_number() {
            return Ok(Operand::Value(self.last.clone()));
        }
        Err(self.err(&format!(
            "expected a number value or a field with a valid transformer: {TRANSFORMER_LIST}"
        )))
    }

    fn parse_str_value(&mut self) -> Result<Operand, ParseError> {
        if let Some(op) = self.try_transformer_or_val()? {
            return Ok(op);
        }
        if self.lex_quoted_str() || self.lex_bare_str() {
            return Ok(Operand::Value(self.last.clone()));
        }
        Err(self.err(&format!(
            "expected a string value or a field with a valid transformer: {TRANSFORMER_LIST}"
        )))
    }

    fn parse_list_value(&mut self) -> Result<Operand, ParseError> {
        self.blank();
        if self.lit("(") {
            let mut values = Vec::new();
            self.blank();
            if self.lex_quoted_str() || self.lex_bare_str() {
                values.push(self.last.clone());
                self.blank();
                while self.lit(",") {
                    self.blank();
                    if !(self.lex_quoted_str() || self.lex_bare_str()) {
                        return Err(self.err("expected a string value"));
                    }
                    values.push(self.last.clone());
                    self.blank();
                }
            }
            if !self.lit(")") {
                return Err(self.err("expected a ')' token"));
            }
            return Ok(Operand::List(values));
        }
        if let Some(op) = self.try_transformer_or_val()? {
            return Ok(op);
        }
        if self.lex_identifier() {
            return Ok(Operand::Ident(self.last.clone()));
        }
        Err(self.err(&format!(
            "expected a list, an identifier, or a field with a valid transformer: {TRANSFORMER_LIST}"
        )))
    }
}

/// Resolves backslash escapes inside a quoted string.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\x08'),
            Some('f') => out.push('\x0c'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other @ ('"' | '\'' | '\\' | '/')) => out.push(other),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn check(e: &Expr) -> &Check {
        match e {
            Expr::Check(c) => c,
            other => panic!("not a check: {other:?}"),
        }
    }

    #[test]
    fn precedence_and_lists() {
        let e = parse("evt.type=open and proc.name in (cat, 'a b') or not is_cat").unwrap();
        let Expr::Or(or) = &e else { panic!() };
        let Expr::And(and) = &or[0] else { panic!() };
        assert_eq!(check(&and[0]).operand, Operand::Value("open".into()));
        assert_eq!(
            check(&and[1]).operand,
            Operand::List(vec!["cat".into(), "a b".into()])
        );
        assert_eq!(
            or[1],
            Expr::Not(Box::new(Expr::Macro(
                "is_cat".into(),
                Pos {
                    idx: 51,
                    line: 1,
                    col: 52
                }
            )))
        );
    }

    #[test]
    fn field_args_transformers_and_val() {
        let e = parse("tolower(proc.aname[2]) = val(proc.pname)").unwrap();
        let c = check(&e);
        assert_eq!(c.field.transformers, vec![Transformer::ToLower]);
        assert_eq!(c.field.arg.as_deref(), Some("2"));
        assert!(matches!(&c.operand, Operand::Field(f) if f.name == "proc.pname"));
        let e = parse("jevt.value[/user/name] exists").unwrap();
        assert_eq!(check(&e).field.arg.as_deref(), Some("/user/name"));
        let e = parse("proc.name intersects (a)").unwrap();
        assert_eq!(check(&e).op, Op::Intersects);
        let e = parse("proc.name in my_list").unwrap();
        assert_eq!(check(&e).operand, Operand::Ident("my_list".into()));
    }

    #[test]
    fn errors_use_falco_wording_and_positions() {
        let err = parse("evt.type=execve foo").unwrap_err();
        assert_eq!(
            err.message,
            "unexpected token after 'execve', expecting 'or', 'and'"
        );
        assert_eq!(err.pos.idx, 16);
        let err = parse("proc.name").unwrap_err();
        assert!(err.message.starts_with("expected a valid check operator"));
        let err = parse("(proc.name=a").unwrap_err();
        assert_eq!(err.message, "expected a ')' token");
        assert!(parse("proc.pid < abc").is_err());
    }

    #[test]
    fn quoted_strings_unescape() {
        let e = parse(r#"proc.cmdline contains "a \"b\" c""#).unwrap();
        assert_eq!(check(&e).operand, Operand::Value("a \"b\" c".into()));
        let e = parse("proc.args = '' and proc.args intersects (\"\", '-l')").unwrap();
        let Expr::And(and) = &e else { panic!() };
        assert_eq!(check(&and[0]).operand, Operand::Value(String::new()));
        assert_eq!(
            check(&and[1]).operand,
            Operand::List(vec![String::new(), "-l".into()])
        );
    }

    #[test]
    fn not_needs_a_blank_or_paren() {
        let e = parse("not(proc.name=a) and notmacro").unwrap();
        let Expr::And(and) = &e else { panic!() };
        assert!(matches!(and[0], Expr::Not(_)));
        assert!(matches!(&and[1], Expr::Macro(m, _) if m == "notmacro"));
    }
}
