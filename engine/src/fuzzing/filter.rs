//! A condition compiled for the syscall and `k8s_audit` sources and, when
//! it compiles, evaluated against the fixed events.

use super::events::{audit_events, with_syscall_events};
use crate::field::FieldSource;
use crate::filter::ast::Pos;
use crate::filter::{event_types, parse, Filter};
use crate::k8saudit::K8sAuditSource;
use crate::syscall::SyscallSource;

/// Parses `data` as a filter condition, compiles it for both sources and
/// evaluates what compiles. Errors must point inside the input.
pub fn filter(data: &[u8]) {
    let text = super::text(data);
    let expr = match parse(&text) {
        Ok(expr) => expr,
        Err(e) => return check_pos(&text, e.pos, &e.message),
    };
    let syscall = SyscallSource;
    if let Some(filter) = compile(&text, &expr, &syscall) {
        let _ = event_types(&expr, &syscall);
        with_syscall_events(|evt| {
            filter.matches(&syscall, evt);
        });
    }
    let audit = K8sAuditSource;
    if let Some(filter) = compile(&text, &expr, &audit) {
        let _ = event_types(&expr, &audit);
        for evt in audit_events() {
            filter.matches(&audit, &&evt);
        }
    }
}

fn compile<S: FieldSource>(
    text: &str,
    expr: &crate::filter::ast::Expr,
    src: &S,
) -> Option<Filter<S>> {
    match Filter::compile(expr, src) {
        Ok(filter) => Some(filter),
        Err(e) => {
            check_pos(text, e.pos, &e.message);
            None
        }
    }
}

/// An error position is a character boundary of the input (or its end),
/// with 1-based line and column, and the message says something.
pub(super) fn check_pos(text: &str, pos: Pos, message: &str) {
    assert!(!message.is_empty(), "empty message at {pos:?}");
    assert!(
        text.is_char_boundary(pos.idx),
        "{message}: position {pos:?} outside the input ({} bytes)",
        text.len()
    );
    assert!(pos.line >= 1 && pos.col >= 1, "{message}: {pos:?}");
    let line = 1 + text[..pos.idx].bytes().filter(|&c| c == b'\n').count();
    assert!(pos.line >= line, "{message}: {pos:?} before line {line}");
}
