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

/// Longest condition text list substitution may produce. Lists naming
/// lists defined after them are substituted in turn, so text could grow
/// exponentially.
pub(crate) const MAX_CONDITION_BYTES: usize = 1 << 20;

/// Falco's textual list substitution: every occurrence of the list name
/// delimited by blanks, `(`, `)`, `,` or `=` becomes the quoted items.
/// Returns whether the list was used, or an error when the text would grow
/// beyond [`MAX_CONDITION_BYTES`].
fn substitute_list(cond: &mut String, name: &str, items: &[String]) -> Result<bool, String> {
    const BLANKS: &[u8] = b" \t\n\r";
    let is_delim = |c: u8| BLANKS.contains(&c) || b"(),=".contains(&c);
    if name.is_empty() || !cond.contains(name) {
        return Ok(false);
    }
    let sub = items
        .iter()
        .map(|i| quote_item(i))
        .collect::<Vec<_>>()
        .join(", ");
    let bytes = cond.as_bytes();
    let finder = memchr::memmem::Finder::new(name.as_bytes());
    // One pass: `out` is the text so far, `copied` how much of `cond` it holds.
    let mut out = String::with_capacity(cond.len());
    let mut copied = 0;
    let mut from = 0;
    let mut used = false;
    while let Some(found) = finder.find(&bytes[from..]).map(|i| i + from) {
        let end = found + name.len();
        // The byte before the name as the text stands (a substitution ends
        // with a blank).
        let before = if found > copied {
            Some(bytes[found - 1])
        } else {
            out.as_bytes().last().copied()
        };
        if !(before.is_none_or(is_delim) && bytes.get(end).is_none_or(|&c| is_delim(c))) {
            from = found + 1;
            continue;
        }
        out.push_str(&cond[copied..found]);
        while out.as_bytes().last().is_some_and(|c| BLANKS.contains(c)) {
            out.pop();
        }
        let mut e = end;
        while e < bytes.len() && BLANKS.contains(&bytes[e]) {
            e += 1;
        }
        if sub.is_empty() {
            if out.ends_with(',') {
                out.pop();
            } else if bytes.get(e) == Some(&b',') {
                e += 1;
            }
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&sub);
        out.push(' ');
        if out.len() + (bytes.len() - e) > MAX_CONDITION_BYTES {
            return Err(format!(
                "condition grows beyond {MAX_CONDITION_BYTES} bytes when list '{name}' is substituted"
            ));
        }
        copied = e;
        from = e;
        used = true;
    }
    if !used {
        return Ok(false);
    }
    out.push_str(&cond[copied..]);
    *cond = out;
    Ok(true)
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

/// Most filter nodes (checks, `and`, `or`, `not`) one condition may expand
/// to through macros. Macros used twice double a condition, so a few dozen
/// macros could otherwise ask for billions of nodes.
pub(crate) const MAX_EXPANDED_NODES: usize = 50_000;
/// Most filter nodes all macros and rules of a ruleset may expand to
/// together (each expanded macro is kept, so this bounds memory).
pub(crate) const MAX_TOTAL_EXPANDED_NODES: usize = 250_000;
/// Deepest nesting of a condition after macro expansion (and deepest chain
/// of macros using macros): compiling, evaluating and dropping a condition
/// recurse once per level.
pub(crate) const MAX_EXPANDED_DEPTH: usize = 400;

/// Macro expansion state: the macros, which were used, and the node budget.
struct Expander<'m> {
    macros: &'m [MacroState],
    used: HashSet<String>,
    /// Nodes still allowed for the whole ruleset.
    total_left: usize,
}

/// One condition being expanded: the macros being expanded (for loops) and
/// the nodes made so far.
struct Expansion {
    stack: Vec<String>,
    nodes: usize,
}

impl Expander<'_> {
    /// Expands `expr` with the macros whose index is below `visible`.
    fn expand_root(
        &mut self,
        expr: &Expr,
        visible: usize,
        stack: Vec<String>,
    ) -> Result<Expr, String> {
        let mut exp = Expansion { stack, nodes: 0 };
        let out = self.expand(expr, visible, 0, &mut exp);
        self.total_left = self.total_left.saturating_sub(exp.nodes);
        out
    }

    fn expand(
        &mut self,
        expr: &Expr,
        visible: usize,
        depth: usize,
        exp: &mut Expansion,
    ) -> Result<Expr, String> {
        if depth > MAX_EXPANDED_DEPTH || exp.stack.len() > MAX_EXPANDED_DEPTH {
            return Err(format!(
                "condition nests deeper than {MAX_EXPANDED_DEPTH} levels after macro expansion (in {})",
                describe_stack(&exp.stack)
            ));
        }
        if !matches!(expr, Expr::Macro(..)) {
            exp.nodes += 1;
            if exp.nodes > MAX_EXPANDED_NODES.min(self.total_left) {
                let limit = if exp.nodes > MAX_EXPANDED_NODES {
                    format!("more than {MAX_EXPANDED_NODES} filter nodes")
                } else {
                    format!("more filter nodes than the {MAX_TOTAL_EXPANDED_NODES} all conditions may have together")
                };
                return Err(format!(
                    "condition expands to {limit} through macros (in {})",
                    describe_stack(&exp.stack)
                ));
            }
        }
        Ok(match expr {
            Expr::And(cs) => Expr::And(
                cs.iter()
                    .map(|c| self.expand(c, visible, depth + 1, exp))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Or(cs) => Expr::Or(
                cs.iter()
                    .map(|c| self.expand(c, visible, depth + 1, exp))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Not(c) => Expr::Not(Box::new(self.expand(c, visible, depth + 1, exp)?)),
            Expr::Check(_) => expr.clone(),
            Expr::Macro(name, _) => {
                let macros = self.macros;
                let Some(m) = macros.iter().find(|m| &m.name == name && m.index < visible) else {
                    return Err(format!("Undefined macro '{name}' used in filter."));
                };
                if exp.stack.contains(name) {
                    return Err(format!("reference loop in macro '{name}'"));
                }
                self.used.insert(name.clone());
                let Some(body) = &m.expr else {
                    return Err(format!("Undefined macro '{name}' used in filter."));
                };
                exp.stack.push(name.clone());
                let out = self.expand(body, visible, depth, exp)?;
                exp.stack.pop();
                out
            }
        })
    }
}

/// Where an expansion is, for messages: the macro chain or the rule itself.
fn describe_stack(stack: &[String]) -> String {
    match stack {
        [] => "the rule's own condition".to_string(),
        names => format!("macro '{}'", names.join("' -> '")),
    }
}

fn substitute_lists(
    cond: &str,
    lists: &[(String, Vec<String>)],
    used: &mut HashSet<String>,
) -> Result<String, String> {
    let mut text = cond.to_string();
    for (name, items) in lists {
        if substitute_list(&mut text, name, items)? {
            used.insert(name.clone());
        }
    }
    Ok(text)
}

/// Resolves every rule; diagnostics go to `col.diagnostics`.
pub fn resolve(col: &mut Collection) -> Vec<ResolvedRule> {
    let (lists, mut used_lists) = compile_lists(&col.lists);
    let mut diags = Vec::new();
    let mut macro_infos = col.macros.clone();
    macro_infos.sort_by_key(|m| m.index);
    let mut macros: Vec<MacroState> = Vec::new();
    for m in &macro_infos {
        let parsed = substitute_lists(&m.cond, &lists, &mut used_lists)
            .and_then(|text| parse(&text).map_err(|e| e.message));
        let expr = match parsed {
            Ok(e) => Some(e),
            Err(message) => {
                diags.push(diag(
                    &m.file,
                    m.line,
                    Code::CompileCondition,
                    message,
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
    let mut total_left = MAX_TOTAL_EXPANDED_NODES;
    let mut used_macros = HashSet::new();
    for i in 0..macros.len() {
        let Some(expr) = macros[i].expr.clone() else {
            continue;
        };
        let mut expander = Expander {
            macros: &macros,
            used: std::mem::take(&mut used_macros),
            total_left,
        };
        let expanded =
            expander.expand_root(&expr, macros[i].visibility, vec![macros[i].name.clone()]);
        (used_macros, total_left) = (expander.used, expander.total_left);
        match expanded {
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
    let mut expander = Expander {
        macros: &macros,
        used: used_macros,
        total_left,
    };
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
        let text = match substitute_lists(&cond, &lists, &mut used_lists) {
            Ok(text) => text,
            Err(message) => {
                diags.push(diag(&r.file, r.line, Code::CompileCondition, message, item));
                continue;
            }
        };
        let expr = match parse(&text) {
            Ok(e) => e,
            Err(e) => {
                let msg = e.message;
                diags.push(diag(&r.file, r.line, Code::CompileCondition, msg, item));
                continue;
            }
        };
        match expander.expand_root(&expr, usize::MAX, Vec::new()) {
            Ok(expr) => out.push(ResolvedRule {
                info: r,
                condition: text,
                expr,
            }),
            Err(message) => diags.push(diag(&r.file, r.line, Code::Validate, message, item)),
        }
    }
    let used_macros = expander.used;
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
        assert!(substitute_list(&mut c, "cat_binaries", &["cat".into(), "a b".into()]).unwrap());
        assert_eq!(
            c,
            "proc.name in (ls, cat, \"a b\" , ps) and x=cat_binaries_2"
        );
        let mut c = "fd.name in (file_my_list)".to_string();
        assert!(!substitute_list(&mut c, "my_list", &["x".into()]).unwrap());
        let mut c = "a in (x, empty)".to_string();
        assert!(substitute_list(&mut c, "empty", &[]).unwrap());
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

    fn load(text: &str) -> crate::rules::Loaded {
        crate::rules::load([("r.yaml", text)])
    }

    fn rule(cond: &str) -> String {
        format!("- rule: r\n  desc: d\n  condition: {cond}\n  output: o\n  priority: INFO\n")
    }

    fn messages(loaded: &crate::rules::Loaded) -> Vec<String> {
        loaded
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn doubling_macros_stop_at_the_node_limit() {
        // m_i uses m_{i-1} twice: 2^40 checks if nothing stopped it.
        let loaded = load(&doubling_macros(40));
        assert!(loaded.rules.is_empty());
        let first = loaded
            .diagnostics
            .iter()
            .find(|d| d.message.contains("filter nodes"))
            .unwrap();
        // m15, with 2^16 - 1 nodes, is the first expansion over the limit.
        assert_eq!(first.item.name, "m15", "{first:?}");
        assert_eq!(first.line, 31);
        assert!(first.message.contains(&MAX_EXPANDED_NODES.to_string()));
        // Under the limit, the same shape loads.
        assert!(!load(&doubling_macros(10)).has_errors());
    }

    /// Macros m0 … m{n-1}, each using the one before twice, and a rule using the last.
    fn doubling_macros(n: usize) -> String {
        let mut text = String::from("- macro: m0\n  condition: proc.name = a\n");
        for i in 1..n {
            let prev = i - 1;
            text.push_str(&format!(
                "- macro: m{i}\n  condition: m{prev} and m{prev}\n"
            ));
        }
        text.push_str(&rule(&format!("evt.type = open and m{}", n - 1)));
        text
    }

    #[test]
    fn many_large_macros_stop_at_the_ruleset_limit() {
        // Each u_j and each rule copies m13 (2^14 - 1 nodes).
        let build = |n: usize| {
            let mut text = String::from("- macro: m0\n  condition: proc.name = a\n");
            for i in 1..14 {
                text.push_str(&format!(
                    "- macro: m{i}\n  condition: m{} and m{}\n",
                    i - 1,
                    i - 1
                ));
            }
            for j in 0..n {
                text.push_str(&format!(
                    "- macro: u{j}\n  condition: m13 and proc.pid = {j}\n"
                ));
                let rule = rule(&format!("evt.type = open and u{j}"));
                text.push_str(&rule.replace("rule: r", &format!("rule: r{j}")));
            }
            load(&text)
        };
        let loaded = build(4);
        assert!(!loaded.has_errors(), "{:?}", messages(&loaded));
        assert_eq!(loaded.rules.len(), 4);
        let loaded = build(40);
        let refused: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("all conditions may have together"))
            .collect();
        assert!(
            refused.iter().any(|d| d.item.kind == "macro"),
            "{refused:?}"
        );
        assert!(refused.iter().any(|d| d.item.kind == "rule"), "{refused:?}");
        assert!(loaded.rules.len() < 40);
    }

    #[test]
    fn macro_chains_stop_at_the_depth_limit() {
        let chain = |n: usize| {
            let mut text = String::from("- macro: m0\n  condition: proc.name = a\n");
            for i in 1..n {
                text.push_str(&format!("- macro: m{i}\n  condition: not m{}\n", i - 1));
            }
            text.push_str(&rule(&format!("evt.type = open and m{}", n - 1)));
            load(&text)
        };
        let loaded = chain(5000);
        assert!(loaded.rules.is_empty());
        let d = loaded.diagnostics.iter().find(|d| d.is_error()).unwrap();
        assert!(d.message.contains("deeper than 400 levels"), "{d:?}");
        assert!(d.message.contains("macro 'm"), "{d:?}");
        // The deepest chain allowed compiles and evaluates (on a test
        // thread's stack, in a debug build).
        let loaded = chain(MAX_EXPANDED_DEPTH - 1);
        assert!(!loaded.has_errors(), "{:?}", messages(&loaded));
        let source = crate::syscall::SyscallSource;
        let (set, diags) = crate::engine::Ruleset::compile(&loaded, &source);
        assert!(diags.is_empty(), "{diags:?}");
        let mut evaluated = 0;
        crate::fuzzing::events::with_syscall_events(|evt| {
            set.rules()[0].matches(&source, evt);
            evaluated += 1;
        });
        assert!(evaluated > 0);
    }

    #[test]
    fn forward_list_references_stop_at_the_length_limit() {
        // l_i names l_{i+1} twice; each is substituted after the one before.
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!(
                "- list: l{i}\n  items: [l{}, l{}]\n",
                i + 1,
                i + 1
            ));
        }
        text.push_str(&rule("evt.type = open and proc.name in (l0)"));
        let loaded = load(&text);
        assert!(loaded.rules.is_empty());
        let d = loaded.diagnostics.iter().find(|d| d.is_error()).unwrap();
        assert_eq!((d.item.kind, d.line), ("rule", 81), "{d:?}");
        assert!(d.message.contains("grows beyond 1048576 bytes"), "{d:?}");
        assert!(d.message.contains("list 'l"), "{d:?}");
    }

    #[test]
    fn list_substitution_keeps_every_occurrence() {
        let mut c = "L in (L, L) or x=L".to_string();
        assert!(substitute_list(&mut c, "L", &["a".into(), "b c".into()]).unwrap());
        assert_eq!(
            c,
            "a, \"b c\" in ( a, \"b c\" , a, \"b c\" ) or x= a, \"b c\" "
        );
        let mut c = "x in (e, y, e)".to_string();
        assert!(substitute_list(&mut c, "e", &[]).unwrap());
        assert_eq!(c.replace(' ', ""), "xin(y)");
        let mut c = "x in (a)".to_string();
        assert!(!substitute_list(&mut c, "", &["z".into()]).unwrap());
    }
}
