//! Which event types a condition can match, for indexing rules by type.
//!
//! Follows Falco's resolver: `evt.type = X`, `evt.type in (...)` select
//! types, `!=` and `not` take complements, `and` intersects, `or` unites,
//! and any other check allows every type. Negations are pushed down to the
//! checks (De Morgan), so `not (evt.type=open and proc.name=cat)` allows all.

use crate::field::FieldSource;
use crate::filter::ast::{Expr, Op, Operand};

/// A set of event codes of one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTypes {
    bits: Vec<bool>,
}

impl EventTypes {
    /// Every code in `0..count`.
    pub fn all(count: usize) -> EventTypes {
        EventTypes {
            bits: vec![true; count],
        }
    }

    fn none(count: usize) -> EventTypes {
        EventTypes {
            bits: vec![false; count],
        }
    }

    /// Whether `code` is in the set.
    pub fn contains(&self, code: u16) -> bool {
        self.bits.get(usize::from(code)).copied().unwrap_or(false)
    }

    /// Number of codes in the set.
    pub fn len(&self) -> usize {
        self.bits.iter().filter(|b| **b).count()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every code is in the set.
    pub fn is_all(&self) -> bool {
        self.bits.iter().all(|b| *b)
    }

    /// The codes, ascending.
    pub fn codes(&self) -> impl Iterator<Item = u16> + '_ {
        self.bits
            .iter()
            .enumerate()
            .filter(|(_, b)| **b)
            .map(|(i, _)| i as u16)
    }

    fn zip(mut self, other: &EventTypes, f: impl Fn(bool, bool) -> bool) -> EventTypes {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a = f(*a, *b);
        }
        self
    }

    fn complement(mut self) -> EventTypes {
        for b in &mut self.bits {
            *b = !*b;
        }
        self
    }

    /// Adds every code of `other`.
    pub fn union_with(&mut self, other: &EventTypes) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= *b;
        }
    }
}

/// The event types `expr` (macro-free) can match.
pub fn event_types<S: FieldSource>(expr: &Expr, source: &S) -> EventTypes {
    resolve(expr, source, false)
}

fn resolve<S: FieldSource>(expr: &Expr, source: &S, negated: bool) -> EventTypes {
    let count = source.event_code_count();
    match expr {
        Expr::And(children) | Expr::Or(children) => {
            let intersect = matches!(expr, Expr::And(_)) != negated;
            let mut sets = children.iter().map(|c| resolve(c, source, negated));
            let first = sets.next().unwrap_or_else(|| EventTypes::all(count));
            sets.fold(first, |acc, s| {
                if intersect {
                    acc.zip(&s, |a, b| a && b)
                } else {
                    acc.zip(&s, |a, b| a || b)
                }
            })
        }
        Expr::Not(child) => resolve(child, source, !negated),
        Expr::Macro(..) => EventTypes::all(count),
        Expr::Check(check) => {
            let is_type = check.field.name == source.event_type_field()
                && check.field.transformers.is_empty()
                && check.field.arg.is_none();
            let values: Vec<&String> = match &check.operand {
                Operand::Value(v) | Operand::Ident(v) => vec![v],
                Operand::List(vs) => vs.iter().collect(),
                _ => Vec::new(),
            };
            let complement = match check.op {
                Op::Eq | Op::In | Op::Intersects => false,
                Op::Ne => true,
                _ => return EventTypes::all(count),
            };
            if !is_type || values.is_empty() {
                return EventTypes::all(count);
            }
            let mut set = EventTypes::none(count);
            for v in values {
                for code in source.event_codes(v).unwrap_or_default() {
                    if let Some(b) = set.bits.get_mut(usize::from(code)) {
                        *b = true;
                    }
                }
            }
            if complement != negated {
                set.complement()
            } else {
                set
            }
        }
    }
}
