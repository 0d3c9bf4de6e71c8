//! From collected items to macro-free condition trees: list substitution,
//! exception clauses, parsing, and macro expansion with Falco's visibility
//! rules (a macro sees only macros defined before its last definition).

use std::collections::HashSet;

use super::collect::{Collection, Entry, ExceptionInfo, ListInfo, RuleInfo};
use super::diag::{Code, Diagnostic, Item};
use crate::filter::ast::Expr;
use crate::filter::parse;

/// A rule whose condition parsed and whose macros and lists resolved.
#[derive(Debug, Clone)]
pub struct ResolvedRule {
    /// The rule as collected (after appends and overrides).
    pub info: RuleInfo,
    /// The final condition text (exceptions added, lists substituted).
    pub condition: String,
    /// The condition tree, macro-free.
    pub expr: Expr,
}

/// Wraps `e` in quotes when it has a space and is not quoted already.
fn quote_item(e: &str) -> String {
    if e.contains(' ') && !e.starts_with('"') && !e.starts_with('\'') {
        format!("\"{e}\"")
    } else {
        e.to_string()
    }
}

fn paren_item(e: &str) -> String {
    if e.starts_with('(') {
        e.to_string()
    } else {
        format!("({e})")
    }
}

fn item_str(e: &Entry) -> &str {
    match e {
        Entry::Item(s) => s,
        Entry::List(_) => "",
    }
}

/// Falco's textual exception clauses: `(cond) and not (...)` per exception.
fn with_exceptions(
    cond: &str,
    exceptions: &[ExceptionInfo],
) -> Result<String, (String, &'static str, Item, usize)> {
    let mut out = format!("({cond})");
    for ex in exceptions {
        let item = Item::new("exception", ex.name.clone());
        let err = |m: &str| (m.to_string(), "", item.clone(), ex.line);
        let comps = ex.comps.clone().unwrap_or(Entry::Item("in".into()));
        let mut clause = String::new();
        match ex.fields.as_ref() {
            Some(Entry::Item(field)) => {
                for v in &ex.values {
                    let Entry::Item(v) = v else {
                        return Err(err("Expected values array to contain a list of strings"));
                    };
                    if clause.is_empty() {
                        clause = format!("({field} {} (", item_str(&comps));
                    } else {
                        clause.push_str(", ");
                    }
                    clause.push_str(&quote_item(v));
                }
                if !clause.is_empty() {
                    clause.push_str("))");
                }
            }
            Some(Entry::List(fields)) => {
                let Entry::List(comps) = &comps else {
                    return Err(err("Fields and comps lists must have equal length"));
                };
                let mut alts = Vec::new();
                for values in &ex.values {
                    let Entry::List(values) = values else {
                        return Err(err("Fields and values lists must have equal length"));
                    };
                    if values.len() != fields.len() {
                        return Err(err("Fields and values lists must have equal length"));
                    }
                    let mut parts = Vec::new();
                    for ((field, comp), value) in fields.iter().zip(comps).zip(values) {
                        let comp = item_str(comp);
                        let rhs = match value {
                            Entry::List(vs) => {
                                let items: Vec<String> =
                                    vs.iter().map(|v| quote_item(item_str(v))).collect();
                                format!("({})", items.join(", "))
                            }
                            Entry::Item(v) if matches!(comp, "in" | "intersects" | "pmatch") => {
                                paren_item(v)
                            }
                            Entry::Item(v) => quote_item(v),
                        };
                        parts.push(format!("{} {comp} {rhs}", item_str(field)));
                    }
                    alts.push(format!("({})", parts.join(" and ")));
                }
                if !alts.is_empty() {
                    clause = format!("({})", alts.join(" or "));
                }
            }
            None => {
                return Err(err(
                    "Rule exception must have fields property with a list of fields",
                ))
            }
        }
        if !clause.is_empty() {
            out.push_str(" and not ");
            out.push_str(&clause);
        }
    }
    Ok(out)
}

/// Falco's textual list substitution: every occurrence of the list name
/// delimited by blanks, `(`, `)`, `,` or `=` becomes the quoted items.
fn substitute_list(cond: &mut String, name: &str, items: &[String]) -> bool {
    const BLANKS: &[u8] = b" \t\n\r";
    let is_delim = |c: u8| BLANKS.contains(&c) || b"(),=".contains(&c);
    let mut used = false;
    let mut start = cond.find(name);
    while let Some(mut s) = start {
        let bytes = cond.as_bytes();
        let mut e = s + name.len();
        let mut next_from = s + 1;
        if (s == 0 || is_delim(bytes[s - 1])) && (e >= bytes.len() || is_delim(bytes[e])) {
            while s > 0 && BLANKS.contains(&bytes[s - 1]) {
                s -= 1;
            }
            while e < bytes.len() && BLANKS.contains(&bytes[e]) {
                e += 1;
            }
            let sub = items
                .iter()
                .map(|i| quote_item(i))
                .collect::<Vec<_>>()
                .join(", ");
            if sub.is_empty() {
                if s > 0 && bytes[s - 1] == b',' {
                    s -= 1;
                } else if e < bytes.len() && bytes[e] == b',' {
                    e += 1;
                }
            }
            let mut new = String::with_capacity(cond.len() + sub.len());
            if s > 0 {
                new.push_str(&cond[..s]);
                new.push(' ');
            }
            new.push_str(&sub);
            new.push(' ');
            new.push_str(&cond[e..]);
            *cond = new;
            next_from = s + sub.len() + 2;
            used = true;
        }
        start = cond
            .get(next_from..)
            .and_then(|rest| rest.find(name))
            .map(|i| i + next_from);
    }
    used
}

/// Lists with items that name earlier lists expanded.
fn compile_lists(lists: &[ListInfo]) -> (Vec<(String, Vec<String>)>, HashSet<String>) {
    let mut used = HashSet::new();
    let mut sorted: Vec<&ListInfo> = lists.iter().collect();
    sorted.sort_by_key(|l| l.index);
    let out = sorted
        .iter()
        .map(|list| {
            let mut items = Vec::new();
            for item in &list.items {
                match lists
                    .iter()
                    .find(|l| &l.name == item && l.index < list.visibility)
                {
                    Some(r) => {
                        used.insert(r.name.clone());
                        items.extend(r.items.iter().cloned());
                    }
                    None => items.push(item.clone()),
                }
            }
            (list.name.clone(), items)
        })
        .collect();
    (out, used)
}

struct MacroState {
    name: String,
    index: usize,
    visibility: usize,
    expr: Option<Expr>,
}

fn expand(
    expr: &Expr,
    macros: &[MacroState],
    visible: usize,
    stack: &mut Vec<String>,
    used: &mut HashSet<String>,
) -> Result<Expr, String> {
    Ok(match expr {
        Expr::And(cs) => Expr::And(
            cs.iter()
                .map(|c| expand(c, macros, visible, stack, used))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Or(cs) => Expr::Or(
            cs.iter()
                .map(|c| expand(c, macros, visible, stack, used))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Not(c) => Expr::Not(Box::new(expand(c, macros, visible, stack, used)?)),
        Expr::Check(_) => expr.clone(),
        Expr::Macro(name, _) => {
            let Some(m) = macros.iter().find(|m| &m.name == name && m.index < visible) else {
                return Err(format!("Undefined macro '{name}' used in filter."));
            };
            if stack.contains(name) {
                return Err(format!("reference loop in macro '{name}'"));
            }
            used.insert(name.clone());
            let Some(body) = &m.expr else {
                return Err(format!("Undefined macro '{name}' used in filter."));
            };
            stack.push(name.clone());
            let out = expand(body, macros, visible, stack, used)?;
            stack.pop();
            out
        }
    })
}

fn substitute_lists(
    cond: &str,
    lists: &[(String, Vec<String>)],
    used: &mut HashSet<String>,
) -> String {
    let mut text = cond.to_string();
    for (name, items) in lists {
        if substitute_list(&mut text, name, items) {
            used.insert(name.clone());
        }
    }
    text
}

/// Resolves every rule; diagnostics go to `col.diagnostics`.
pub fn resolve(col: &mut Collection) -> Vec<ResolvedRule> {
    let (lists, mut used_lists) = compile_lists(&col.lists);
    let mut diags = Vec::new();
    let mut macro_infos = col.macros.clone();
    macro_infos.sort_by_key(|m| m.index);
    let mut macros: Vec<MacroState> = Vec::new();
    for m in &macro_infos {
        let text = substitute_lists(&m.cond, &lists, &mut used_lists);
        let expr = match parse(&text) {
            Ok(e) => Some(e),
            Err(e) => {
                diags.push(diag(
                    &m.file,
                    m.line,
                    Code::CompileCondition,
                    e.message,
                    Item::new("macro", m.name.clone()),
                ));
                None
            }
        };
        macros.push(MacroState {
            name: m.name.clone(),
            index: m.index,
            visibility: m.visibility,
            expr,
        });
    }
    let mut used_macros = HashSet::new();
    for i in 0..macros.len() {
        let Some(expr) = macros[i].expr.clone() else {
            continue;
        };
        let mut stack = vec![macros[i].name.clone()];
        match expand(
            &expr,
            &macros,
            macros[i].visibility,
            &mut stack,
            &mut used_macros,
        ) {
            Ok(e) => macros[i].expr = Some(e),
            Err(message) => {
                let m = &macro_infos[i];
                diags.push(diag(
                    &m.file,
                    m.line,
                    Code::Validate,
                    message,
                    Item::new("macro", m.name.clone()),
                ));
                macros[i].expr = None;
            }
        }
    }
    let mut out = Vec::new();
    let mut rules = col.rules.clone();
    rules.sort_by_key(|r| r.index);
    for r in rules {
        let item = Item::new("rule", r.name.clone());
        let cond = if r.exceptions.is_empty() {
            r.cond.clone()
        } else {
            match with_exceptions(&r.cond, &r.exceptions) {
                Ok(c) => c,
                Err((message, _, ex_item, line)) => {
                    diags.push(diag(&r.file, line, Code::Validate, message, ex_item));
                    continue;
                }
            }
        };
        let text = substitute_lists(&cond, &lists, &mut used_lists);
        let expr = match parse(&text) {
            Ok(e) => e,
            Err(e) => {
                let msg = e.message;
                diags.push(diag(&r.file, r.line, Code::CompileCondition, msg, item));
                continue;
            }
        };
        let mut stack = Vec::new();
        match expand(&expr, &macros, usize::MAX, &mut stack, &mut used_macros) {
            Ok(expr) => out.push(ResolvedRule {
                info: r,
                condition: text,
                expr,
            }),
            Err(message) => diags.push(diag(&r.file, r.line, Code::Validate, message, item)),
        }
    }
    for m in &macro_infos {
        if !used_macros.contains(&m.name) {
            diags.push(diag(
                &m.file,
                m.line,
                Code::UnusedMacro,
                "Macro not referred to by any other rule/macro".into(),
                Item::new("macro", m.name.clone()),
            ));
        }
    }
    for l in &col.lists {
        if !used_lists.contains(&l.name) {
            diags.push(diag(
                &l.file,
                l.line,
                Code::UnusedList,
                "List not referred to by any other rule/macro".into(),
                Item::new("list", l.name.clone()),
            ));
        }
    }
    col.diagnostics.extend(diags);
    out
}

fn diag(file: &str, line: usize, code: Code, message: String, item: Item) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line,
        code,
        message,
        item,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn list_substitution_respects_delimiters() {
        let mut c = "proc.name in (ls, cat_binaries, ps) and x=cat_binaries_2".to_string();
        assert!(substitute_list(
            &mut c,
            "cat_binaries",
            &["cat".into(), "a b".into()]
        ));
        assert_eq!(
            c,
            "proc.name in (ls, cat, \"a b\" , ps) and x=cat_binaries_2"
        );
        let mut c = "fd.name in (file_my_list)".to_string();
        assert!(!substitute_list(&mut c, "my_list", &["x".into()]));
        let mut c = "a in (x, empty)".to_string();
        assert!(substitute_list(&mut c, "empty", &[]));
        assert_eq!(c.replace(' ', ""), "ain(x)");
    }

    #[test]
    fn exceptions_become_and_not_clauses() {
        let ex = ExceptionInfo {
            name: "e".into(),
            fields: Some(Entry::List(vec![
                Entry::Item("proc.name".into()),
                Entry::Item("fd.name".into()),
            ])),
            comps: Some(Entry::List(vec![
                Entry::Item("=".into()),
                Entry::Item("in".into()),
            ])),
            values: vec![Entry::List(vec![
                Entry::Item("cat".into()),
                Entry::Item("some_list".into()),
            ])],
            line: 1,
            file: "f".into(),
        };
        let c = with_exceptions("evt.type=open", &[ex]).unwrap();
        assert_eq!(
            c,
            "(evt.type=open) and not ((proc.name = cat and fd.name in (some_list)))"
        );
    }
}
