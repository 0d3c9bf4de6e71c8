//! Compiles a (macro-free) filter expression against a field source into a
//! tree evaluated per event without allocating (beyond transformed values).

use memchr::memmem::Finder;

use crate::field::{FieldSource, FieldType, Value, Values};
use crate::filter::ast::{Check, Expr, FieldRef, Op, Operand, Pos, Transformer};
use crate::filter::value_ops::{self, PathPrefixes, ValueSet};

/// Why an expression could not be compiled, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CompileError {
    /// What is wrong (libsinsp's wording where it has one).
    pub message: String,
    /// The check it concerns.
    pub pos: Pos,
}

/// A compiled filter for source `S`.
pub struct Filter<S: FieldSource> {
    root: Node<S::Extractor>,
}

impl<S: FieldSource> std::fmt::Debug for Filter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter").finish_non_exhaustive()
    }
}

enum Node<X> {
    And(Box<[Node<X>]>),
    Or(Box<[Node<X>]>),
    Not(Box<Node<X>>),
    Check(Box<CheckNode<X>>),
}

struct FieldOperand<X> {
    extractor: X,
    transformers: Box<[Transformer]>,
    is_list: bool,
}

struct CheckNode<X> {
    lhs: FieldOperand<X>,
    test: Test<X>,
    /// `in` needs every value in the set (list fields of list sources).
    in_all: bool,
}

enum Test<X> {
    Exists,
    Compare(Op, Value<'static>),
    Contains(Finder<'static>),
    IContains(Vec<u8>),
    StartsWith(Vec<u8>),
    EndsWith(Vec<u8>),
    Glob(Vec<u8>, bool),
    Regex(regex::bytes::Regex),
    In(ValueSet),
    Intersects(ValueSet),
    Pmatch(PathPrefixes),
    Field(Op, FieldOperand<X>),
}

impl<S: FieldSource> Filter<S> {
    /// Compiles `expr`, which must have no macro references left.
    pub fn compile(expr: &Expr, source: &S) -> Result<Filter<S>, CompileError> {
        Ok(Filter {
            root: compile_node(expr, source)?,
        })
    }

    /// Whether the event matches.
    pub fn matches(&self, source: &S, evt: &S::Event<'_>) -> bool {
        eval(&self.root, source, evt)
    }
}

fn compile_node<S: FieldSource>(
    expr: &Expr,
    source: &S,
) -> Result<Node<S::Extractor>, CompileError> {
    Ok(match expr {
        Expr::And(children) => Node::And(
            children
                .iter()
                .map(|c| compile_node(c, source))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Or(children) => Node::Or(
            children
                .iter()
                .map(|c| compile_node(c, source))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Not(child) => Node::Not(Box::new(compile_node(child, source)?)),
        Expr::Macro(name, pos) => {
            return Err(CompileError {
                message: format!("Undefined macro '{name}' used in filter."),
                pos: *pos,
            })
        }
        Expr::Check(check) => Node::Check(Box::new(compile_check(check, source)?)),
    })
}

fn compile_field<S: FieldSource>(
    field: &FieldRef,
    source: &S,
    pos: Pos,
) -> Result<(FieldOperand<S::Extractor>, FieldType), CompileError> {
    let compiled = source
        .compile(&field.name, field.arg.as_deref())
        .map_err(|e| CompileError {
            message: e.to_string(),
            pos,
        })?;
    let mut ty = compiled.ty;
    for t in field.transformers.iter().rev() {
        ty = match t {
            Transformer::Len => FieldType::Uint64,
            _ if ty.is_text() || ty == FieldType::ByteBuf => FieldType::CharBuf,
            _ => {
                return Err(CompileError {
                    message: format!(
                        "transformer '{}' is not supported by field types other than strings",
                        t.name()
                    ),
                    pos,
                })
            }
        };
    }
    Ok((
        FieldOperand {
            extractor: compiled.extractor,
            transformers: field.transformers.clone().into_boxed_slice(),
            is_list: compiled.is_list,
        },
        ty,
    ))
}

fn compile_check<S: FieldSource>(
    check: &Check,
    source: &S,
) -> Result<CheckNode<S::Extractor>, CompileError> {
    let pos = check.pos;
    let err = |message: String| CompileError { message, pos };
    let (lhs, ty) = compile_field(&check.field, source, pos)?;
    let in_all = lhs.is_list && source.list_in_requires_all();
    let op = check.op;
    let string_op = matches!(
        op,
        Op::Contains
            | Op::IContains
            | Op::StartsWith
            | Op::EndsWith
            | Op::Glob
            | Op::IGlob
            | Op::Regex
            | Op::Pmatch
            | Op::BContains
            | Op::BStartsWith
    );
    if string_op && !(ty.is_text() || ty == FieldType::ByteBuf) {
        return Err(err(format!(
            "'{}' operator not supported for field {} of type {}",
            op.name(),
            check.field,
            ty.name().to_ascii_lowercase()
        )));
    }
    let is_evt_type = check.field.name == source.event_type_field()
        && check.field.transformers.is_empty()
        && source.has_event_types();
    let literal = |text: &str| -> Result<Value<'static>, CompileError> {
        if is_evt_type && source.event_codes(text).is_none() {
            return Err(err(format!("unknown event type {text}")));
        }
        value_ops::parse_literal(ty, op, text).map_err(err)
    };
    let values: Vec<String> = match &check.operand {
        Operand::None => {
            return Ok(CheckNode {
                lhs,
                test: Test::Exists,
                in_all,
            })
        }
        Operand::Field(other) => {
            let (rhs, _) = compile_field(other, source, pos)?;
            return Ok(CheckNode {
                lhs,
                test: Test::Field(op, rhs),
                in_all,
            });
        }
        Operand::Value(v) | Operand::Ident(v) => vec![v.clone()],
        Operand::List(vs) => vs.clone(),
    };
    let test = match op {
        Op::In | Op::Intersects => {
            let set = ValueSet::new(
                values
                    .iter()
                    .map(|v| literal(v))
                    .collect::<Result<_, _>>()?,
            );
            if op == Op::In {
                Test::In(set)
            } else {
                Test::Intersects(set)
            }
        }
        Op::Pmatch => Test::Pmatch(PathPrefixes::new(
            values.iter().map(|v| v.as_bytes().to_vec()),
        )),
        _ => {
            let text = values.first().cloned().unwrap_or_default();
            if values.len() != 1 {
                return Err(err(format!(
                    "operator '{}' takes a single value",
                    op.name()
                )));
            }
            match op {
                Op::Contains | Op::BContains => {
                    let lit = literal(&text)?;
                    let needle = lit.as_bytes().unwrap_or_default().to_vec();
                    Test::Contains(Finder::new(&needle).into_owned())
                }
                Op::IContains => Test::IContains(value_ops::lower(text.as_bytes())),
                Op::StartsWith | Op::BStartsWith => {
                    let lit = literal(&text)?;
                    Test::StartsWith(lit.as_bytes().unwrap_or_default().to_vec())
                }
                Op::EndsWith => Test::EndsWith(text.into_bytes()),
                Op::Glob => Test::Glob(text.into_bytes(), false),
                Op::IGlob => Test::Glob(text.into_bytes(), true),
                Op::Regex => Test::Regex(
                    regex::bytes::Regex::new(&format!("^(?:{text})$"))
                        .map_err(|e| err(format!("invalid regex '{text}': {e}")))?,
                ),
                _ => Test::Compare(op, literal(&text)?),
            }
        }
    };
    Ok(CheckNode { lhs, test, in_all })
}

fn eval<S: FieldSource>(node: &Node<S::Extractor>, source: &S, evt: &S::Event<'_>) -> bool {
    match node {
        Node::And(children) => children.iter().all(|c| eval(c, source, evt)),
        Node::Or(children) => children.iter().any(|c| eval(c, source, evt)),
        Node::Not(child) => !eval(child, source, evt),
        Node::Check(check) => eval_check(check, source, evt),
    }
}

fn extract<'e, S: FieldSource>(
    op: &FieldOperand<S::Extractor>,
    source: &S,
    evt: &S::Event<'e>,
    out: &mut Values<'e>,
) {
    source.extract(&op.extractor, evt, out);
    if !op.transformers.is_empty() {
        if op.transformers.first() == Some(&Transformer::Len)
            && op.is_list
            && op.transformers.len() == 1
        {
            let n = out.len() as u64;
            out.clear();
            out.push(Value::U64(n));
            return;
        }
        for v in out.iter_mut() {
            let taken = std::mem::replace(v, Value::Bool(false));
            *v = value_ops::transform(&op.transformers, taken);
        }
    }
}

fn eval_check<S: FieldSource>(
    check: &CheckNode<S::Extractor>,
    source: &S,
    evt: &S::Event<'_>,
) -> bool {
    let mut values = Values::new();
    extract(&check.lhs, source, evt, &mut values);
    if values.is_empty() {
        return false;
    }
    match &check.test {
        Test::Exists => true,
        Test::In(set) if check.in_all => values.iter().all(|v| set.contains(v)),
        // Several values: `!=` holds when none equals.
        Test::Compare(Op::Ne, lit) if values.len() > 1 => {
            !values.iter().any(|v| value_ops::compare(Op::Eq, v, lit))
        }
        Test::In(set) | Test::Intersects(set) => values.iter().any(|v| set.contains(v)),
        Test::Field(op, rhs) => {
            let mut other = Values::new();
            extract(rhs, source, evt, &mut other);
            match other.first() {
                Some(r) => values.iter().any(|v| value_ops::compare(*op, v, r)),
                None => false,
            }
        }
        test => values.iter().any(|v| test_one(test, v)),
    }
}

fn test_one<X>(test: &Test<X>, v: &Value<'_>) -> bool {
    let bytes = v.as_bytes();
    match test {
        Test::Compare(op, lit) => value_ops::compare(*op, v, lit),
        Test::Contains(finder) => bytes.is_some_and(|b| finder.find(b).is_some()),
        Test::IContains(needle) => bytes.is_some_and(|b| value_ops::icontains(b, needle)),
        Test::StartsWith(p) => bytes.is_some_and(|b| b.starts_with(p)),
        Test::EndsWith(p) => bytes.is_some_and(|b| b.ends_with(p)),
        Test::Glob(p, fold) => bytes.is_some_and(|b| value_ops::glob_match(p, b, *fold)),
        Test::Regex(re) => bytes.is_some_and(|b| re.is_match(b)),
        Test::Pmatch(prefixes) => bytes.is_some_and(|b| prefixes.matches(b)),
        Test::In(set) | Test::Intersects(set) => set.contains(v),
        Test::Exists => true,
        Test::Field(..) => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::filter::parse;
    use crate::fuzzing::events::with_syscall_events;
    use crate::syscall::SyscallSource;

    #[test]
    fn the_deepest_condition_the_parser_accepts_compiles_and_evaluates() {
        let nested = |depth: usize| {
            let mut text = "(not proc.name = a or ".repeat(depth);
            text.push_str("proc.pid > 1");
            text.push_str(&")".repeat(depth));
            text
        };
        let deepest = (1..1000)
            .take_while(|&d| parse(&nested(d)).is_ok())
            .last()
            .unwrap();
        let err = parse(&nested(deepest + 1)).unwrap_err();
        assert!(err.message.contains("max depth"), "{err:?}");
        // On a test thread's stack, in a debug build.
        let filter = Filter::compile(&parse(&nested(deepest)).unwrap(), &SyscallSource).unwrap();
        let mut matched = 0;
        with_syscall_events(|evt| matched += usize::from(filter.matches(&SyscallSource, evt)));
        assert!(matched > 0);
    }
}
