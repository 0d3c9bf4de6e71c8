//! Reading rules files into one collection of lists, macros and rules,
//! applying `append`, `override` and `enabled` items in file order
//! (Falco's `rule_loader::reader` and `collector`).

use std::collections::BTreeSet;

use super::diag::{Code, Diagnostic, Item};
use super::yaml::{self, Kind, Node};
use crate::alert::Priority;

/// The engine version rules files are checked against.
pub const ENGINE_VERSION: (u64, u64, u64) = (0, 57, 0);

/// One value of an exception's `fields`, `comps` or `values`: a string or a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A scalar.
    Item(String),
    /// A sequence.
    List(Vec<Entry>),
}

/// A rule exception.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionInfo {
    /// Exception name.
    pub name: String,
    /// `fields`: one field or a list.
    pub fields: Option<Entry>,
    /// `comps`: one operator or a list.
    pub comps: Option<Entry>,
    /// `values`.
    pub values: Vec<Entry>,
    /// Where it is defined.
    pub line: usize,
    /// File it is defined in.
    pub file: String,
}

/// A list as collected.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "crate-internal")]
pub struct ListInfo {
    pub name: String,
    pub items: Vec<String>,
    pub index: usize,
    pub visibility: usize,
    pub file: String,
    pub line: usize,
}

/// A macro as collected.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "crate-internal")]
pub struct MacroInfo {
    pub name: String,
    pub cond: String,
    pub index: usize,
    pub visibility: usize,
    pub file: String,
    pub line: usize,
}

/// A rule as collected, after every append and override.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    /// Rule name.
    pub name: String,
    /// `desc`.
    pub desc: String,
    /// `condition` as written (appends joined with a space).
    pub cond: String,
    /// `output`, trimmed.
    pub output: String,
    /// `priority`.
    pub priority: Priority,
    /// `source` (default `syscall`).
    pub source: String,
    /// `tags`.
    pub tags: BTreeSet<String>,
    /// `enabled` (default true).
    pub enabled: bool,
    /// `warn_evttypes` (default true).
    pub warn_evttypes: bool,
    /// `skip-if-unknown-filter` (default false).
    pub skip_if_unknown_filter: bool,
    /// `exceptions`.
    pub exceptions: Vec<ExceptionInfo>,
    /// Definition order (a redefinition keeps the first position).
    pub index: usize,
    /// The file of the latest definition, append or override.
    pub file: String,
    /// Its line.
    pub line: usize,
}

/// Everything read from the rules files, in definition order.
#[derive(Debug, Default)]
#[allow(missing_docs, reason = "crate-internal")]
pub struct Collection {
    pub lists: Vec<ListInfo>,
    pub macros: Vec<MacroInfo>,
    pub rules: Vec<RuleInfo>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether reading stopped at an error in some file.
    pub read_failed: bool,
    next_index: usize,
}

struct Fail {
    code: Code,
    message: String,
    item: Item,
    line: usize,
}

type R<T> = Result<T, Fail>;

fn fail<T>(code: Code, message: impl Into<String>, item: &Item, line: usize) -> R<T> {
    Err(Fail {
        code,
        message: message.into(),
        item: item.clone(),
        line,
    })
}

/// Reads a required non-empty scalar under `key`.
fn required_str(node: &Node, key: &str, item: &Item) -> R<String> {
    let Some(v) = node.get(key) else {
        return fail(
            Code::YamlValidate,
            format!("Item has no mapping for key '{key}'"),
            item,
            node.line,
        );
    };
    scalar(v, key, item)
}

fn scalar(v: &Node, key: &str, item: &Item) -> R<String> {
    match &v.kind {
        Kind::Null => fail(
            Code::YamlValidate,
            format!("Mapping for key '{key}' is empty"),
            item,
            v.line,
        ),
        Kind::Scalar { value, .. } if value.is_empty() => {
            fail(Code::YamlValidate, "Value must be non-empty", item, v.line)
        }
        Kind::Scalar { value, .. } => Ok(value.clone()),
        _ => fail(
            Code::YamlValidate,
            "Value is not a scalar value",
            item,
            v.line,
        ),
    }
}

fn optional_str(node: &Node, key: &str, item: &Item) -> R<Option<String>> {
    node.get(key).map(|v| scalar(v, key, item)).transpose()
}

fn optional_bool(node: &Node, key: &str, item: &Item) -> R<Option<bool>> {
    match node.get(key) {
        None => Ok(None),
        Some(v) => match v.as_bool() {
            Some(b) => Ok(Some(b)),
            None => {
                scalar(v, key, item)?;
                fail(
                    Code::YamlValidate,
                    "Can't decode YAML scalar value",
                    item,
                    v.line,
                )
            }
        },
    }
}

fn string_seq(node: &Node, key: &str, item: &Item) -> R<Option<Vec<String>>> {
    let Some(v) = node.get(key) else {
        return Ok(None);
    };
    let Kind::Seq(values) = &v.kind else {
        return fail(Code::YamlValidate, "Value is not a sequence", item, v.line);
    };
    values
        .iter()
        .map(|x| match &x.kind {
            Kind::Scalar { value, .. } => Ok(value.clone()),
            Kind::Null => Ok(String::new()),
            _ => fail(
                Code::YamlValidate,
                "sequence value is not scalar",
                item,
                x.line,
            ),
        })
        .collect::<R<Vec<_>>>()
        .map(Some)
}

/// Reads an item's `append` flag and `override` keys; both at once is an
/// error, as in Falco.
fn append_and_overrides(
    node: &Node,
    appendable: &[&str],
    replaceable: &[&str],
    item: &Item,
) -> R<(bool, BTreeSet<String>, BTreeSet<String>)> {
    let append = optional_bool(node, "append", item)?.unwrap_or(false);
    let (oa, or) = overrides(node, appendable, replaceable, item)?;
    if append && !(oa.is_empty() && or.is_empty()) {
        return fail(
            Code::YamlValidate,
            "Keys 'override' and 'append: true' cannot be used together.",
            item,
            node.line,
        );
    }
    Ok((append, oa, or))
}

/// `override: {key: append|replace}`.
fn overrides(
    node: &Node,
    appendable: &[&str],
    replaceable: &[&str],
    item: &Item,
) -> R<(BTreeSet<String>, BTreeSet<String>)> {
    let (mut append, mut replace) = (BTreeSet::new(), BTreeSet::new());
    let Some(v) = node.get("override") else {
        return Ok((append, replace));
    };
    let Kind::Map(entries) = &v.kind else {
        return fail(
            Code::YamlValidate,
            "Value of override must be a mapping",
            item,
            v.line,
        );
    };
    for (k, op) in entries {
        let key = k.as_str().unwrap_or_default().to_string();
        match op.as_str() {
            Some("append") if appendable.contains(&key.as_str()) => {
                append.insert(key);
            }
            Some("append") => {
                return fail(
                    Code::YamlValidate,
                    format!("Key '{key}' cannot be appended to, use 'replace' instead"),
                    item,
                    k.line,
                )
            }
            Some("replace") if replaceable.contains(&key.as_str()) => {
                replace.insert(key);
            }
            Some("replace") => {
                return fail(
                    Code::YamlValidate,
                    format!("Key '{key}' cannot be replaced"),
                    item,
                    k.line,
                )
            }
            other => {
                return fail(
                    Code::YamlValidate,
                    format!(
                        "Invalid override operation for key '{key}': '{}'",
                        other.unwrap_or_default()
                    ),
                    item,
                    op.line,
                )
            }
        }
    }
    Ok((append, replace))
}

fn entry(node: &Node, item: &Item) -> R<Entry> {
    match &node.kind {
        Kind::Scalar { value, .. } => Ok(Entry::Item(value.clone())),
        Kind::Null => Ok(Entry::Item(String::new())),
        Kind::Seq(items) => items
            .iter()
            .map(|x| entry(x, item))
            .collect::<R<_>>()
            .map(Entry::List),
        Kind::Map(_) => fail(
            Code::YamlValidate,
            "Could not decode scalar value",
            item,
            node.line,
        ),
    }
}

fn read_exceptions(
    node: &Node,
    append: bool,
    file: &str,
    parent: &Item,
) -> R<Option<Vec<ExceptionInfo>>> {
    let Some(exs) = node.get("exceptions") else {
        return Ok(None);
    };
    if exs.is_null() {
        return Ok(Some(Vec::new()));
    }
    let Kind::Seq(items) = &exs.kind else {
        return fail(
            Code::YamlValidate,
            "Rule exceptions must be a sequence",
            parent,
            exs.line,
        );
    };
    let mut out: Vec<ExceptionInfo> = Vec::new();
    for ex in items {
        let anon = Item::new("exception", "");
        if !matches!(ex.kind, Kind::Map(_)) {
            return fail(
                Code::YamlValidate,
                "Rule exception must be a mapping",
                &anon,
                ex.line,
            );
        }
        let name = required_str(ex, "name", &anon)?;
        let item = Item::new("exception", name.clone());
        if out.iter().any(|e| e.name == name) {
            return fail(
                Code::YamlValidate,
                "Exceptions names in the same object must be unique",
                &item,
                ex.line,
            );
        }
        let fields = match ex.get("fields") {
            Some(f) => Some(entry(f, &item)?),
            None if append => None,
            None => {
                return fail(
                    Code::YamlValidate,
                    "Item has no mapping for key 'fields'",
                    &item,
                    ex.line,
                )
            }
        };
        let comps = ex.get("comps").map(|c| entry(c, &item)).transpose()?;
        let values = match ex.get("values") {
            None => Vec::new(),
            Some(v) => match &v.kind {
                Kind::Seq(vals) => vals.iter().map(|x| entry(x, &item)).collect::<R<_>>()?,
                Kind::Null => Vec::new(),
                _ => {
                    return fail(
                        Code::YamlValidate,
                        "Rule exception values must be a sequence",
                        &item,
                        v.line,
                    )
                }
            },
        };
        out.push(ExceptionInfo {
            name,
            fields,
            comps,
            values,
            line: ex.line,
            file: file.to_string(),
        });
    }
    Ok(Some(out))
}

/// Falco's operators (for exception `comps`).
const OPERATORS: [&str; 20] = [
    "exists",
    "<=",
    "<",
    ">=",
    ">",
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
    "intersects",
    "in",
    "pmatch",
];

/// Defaults `comps` and checks the shape of an exception (fields are
/// checked against the source when the rule is compiled).
fn validate_exception(ex: &mut ExceptionInfo) -> R<()> {
    let item = Item::new("exception", ex.name.clone());
    match &ex.fields {
        None => fail(
            Code::Validate,
            "Rule exception item must have fields property with a list of fields",
            &item,
            ex.line,
        ),
        Some(Entry::List(fields)) => {
            let comps = ex
                .comps
                .get_or_insert_with(|| Entry::List(vec![Entry::Item("=".into()); fields.len()]));
            let Entry::List(comps) = comps else {
                return fail(
                    Code::Validate,
                    "Fields and comps lists must have equal length",
                    &item,
                    ex.line,
                );
            };
            if comps.len() != fields.len() {
                return fail(
                    Code::Validate,
                    "Fields and comps lists must have equal length",
                    &item,
                    ex.line,
                );
            }
            for c in comps.iter() {
                let Entry::Item(op) = c else {
                    return fail(
                        Code::Validate,
                        "Fields and comps must both be strings",
                        &item,
                        ex.line,
                    );
                };
                if !OPERATORS.contains(&op.as_str()) {
                    return fail(
                        Code::Validate,
                        format!("'{op}' is not a supported comparison operator"),
                        &item,
                        ex.line,
                    );
                }
            }
            Ok(())
        }
        Some(Entry::Item(_)) => {
            let comp = ex.comps.get_or_insert_with(|| Entry::Item("in".into()));
            match comp {
                Entry::List(_) => fail(
                    Code::Validate,
                    "Fields and comps must both be strings",
                    &item,
                    ex.line,
                ),
                Entry::Item(op) if !matches!(op.as_str(), "in" | "pmatch" | "intersects") => fail(
                    Code::Validate,
                    "When fields is a single value, comps must be one of (in, pmatch, intersects)",
                    &item,
                    ex.line,
                ),
                Entry::Item(_) => Ok(()),
            }
        }
    }
}

fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    if let Ok(n) = text.trim().parse::<u64>() {
        return Some((0, n, 0));
    }
    let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
    let v = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(v)
}

impl Collection {
    /// Reads one rules file into the collection. Stops at the file's first
    /// error, like Falco.
    pub fn read_file(&mut self, file: &str, content: &str) {
        let docs = match yaml::load(content) {
            Ok(docs) => docs,
            Err(e) => {
                self.push(
                    file,
                    Fail {
                        code: Code::YamlParse,
                        message: format!("{} at line {}, column {}", e.message, e.line, e.col),
                        item: Item::new("rules content", ""),
                        line: e.line,
                    },
                );
                self.read_failed = true;
                return;
            }
        };
        for doc in docs.iter().filter(|d| !d.is_null()) {
            if let Err(f) = self.read_doc(file, doc) {
                self.push(file, f);
                self.read_failed = true;
                return;
            }
        }
    }

    fn push(&mut self, file: &str, f: Fail) {
        self.diagnostics.push(Diagnostic {
            file: file.to_string(),
            line: f.line,
            code: f.code,
            message: f.message,
            item: f.item,
        });
    }

    fn warn(&mut self, file: &str, code: Code, message: &str, item: Item, line: usize) {
        self.push(
            file,
            Fail {
                code,
                message: message.into(),
                item,
                line,
            },
        );
    }

    fn read_doc(&mut self, file: &str, doc: &Node) -> R<()> {
        let content = Item::new("rules content", "");
        let items = match &doc.kind {
            Kind::Seq(items) => items,
            Kind::Map(_) => {
                return fail(
                    Code::YamlValidate,
                    "Rules content is not yaml array of objects",
                    &content,
                    doc.line,
                )
            }
            _ => {
                return fail(
                    Code::YamlValidate,
                    "Rules content is not yaml",
                    &content,
                    doc.line,
                )
            }
        };
        for node in items.iter().filter(|n| !n.is_null()) {
            if !matches!(node.kind, Kind::Map(_)) {
                let item = Item::new("rules content item", "");
                return fail(
                    Code::YamlValidate,
                    "Unexpected element type. Each element should be a yaml associative array.",
                    &item,
                    node.line,
                );
            }
            self.read_item(file, node)?;
        }
        Ok(())
    }

    fn read_item(&mut self, file: &str, node: &Node) -> R<()> {
        if let Some(v) = node.get("required_engine_version") {
            let item = Item::new("required_engine_version", "");
            let text = scalar(v, "required_engine_version", &item)?;
            let Some(required) = parse_version(&text) else {
                return fail(
                    Code::YamlValidate,
                    format!("Can't decode YAML scalar value: unable to parse engine version '{text}' as a number or a \"x.y.z\" semver string"),
                    &item,
                    v.line,
                );
            };
            let ours = ENGINE_VERSION;
            if required.0 != ours.0 || required > ours {
                let (a, b, c) = ours;
                return fail(
                    Code::Validate,
                    format!(
                        "Rules require engine version {text}, but engine version is {a}.{b}.{c}"
                    ),
                    &item,
                    v.line,
                );
            }
            Ok(())
        } else if let Some(v) = node.get("required_plugin_versions") {
            let item = Item::new("required_plugin_versions", "");
            let Kind::Seq(plugins) = &v.kind else {
                return fail(
                    Code::YamlValidate,
                    "Value of required_plugin_versions must be a sequence",
                    &item,
                    v.line,
                );
            };
            for p in plugins {
                if !matches!(p.kind, Kind::Map(_)) {
                    return fail(
                        Code::YamlValidate,
                        "Plugin version must be a mapping",
                        &item,
                        p.line,
                    );
                }
                let name = required_str(p, "name", &item)?;
                required_str(p, "version", &Item::new("required_plugin_versions", name))?;
            }
            Ok(())
        } else if node.get("list").is_some() {
            self.read_list(file, node)
        } else if node.get("macro").is_some() {
            self.read_macro(file, node)
        } else if node.get("rule").is_some() {
            self.read_rule(file, node)
        } else {
            self.warn(
                file,
                Code::UnknownItem,
                "Unknown top level item",
                Item::new("rules content item", ""),
                node.line,
            );
            Ok(())
        }
    }

    fn next(&mut self) -> usize {
        self.next_index += 1;
        self.next_index
    }

    fn read_list(&mut self, file: &str, node: &Node) -> R<()> {
        let name = required_str(node, "list", &Item::new("list", ""))?;
        let item = Item::new("list", name.clone());
        let items = string_seq(node, "items", &item)?.map_or_else(
            || {
                fail(
                    Code::YamlValidate,
                    "Item has no mapping for key 'items'",
                    &item,
                    node.line,
                )
            },
            Ok,
        )?;
        let (append_flag, oa, _) = append_and_overrides(node, &["items"], &["items"], &item)?;
        let id = self.next();
        if append_flag || oa.contains("items") {
            let Some(prev) = self.lists.iter_mut().find(|l| l.name == name) else {
                return fail(
                    Code::Validate,
                    "List has 'append' key but no list by that name already exists",
                    &item,
                    node.line,
                );
            };
            prev.items.extend(items);
            prev.visibility = id;
            // Diagnostics about the list now concern the latest change.
            prev.file = file.into();
            prev.line = node.line;
            return Ok(());
        }
        let info = ListInfo {
            name,
            items,
            index: id,
            visibility: id,
            file: file.into(),
            line: node.line,
        };
        match self.lists.iter_mut().find(|l| l.name == info.name) {
            Some(prev) => {
                *prev = ListInfo {
                    index: prev.index,
                    ..info
                }
            }
            None => self.lists.push(info),
        }
        Ok(())
    }

    fn read_macro(&mut self, file: &str, node: &Node) -> R<()> {
        let name = required_str(node, "macro", &Item::new("macro", ""))?;
        let item = Item::new("macro", name.clone());
        let cond = required_str(node, "condition", &item)?;
        let (append_flag, oa, _) =
            append_and_overrides(node, &["condition"], &["condition"], &item)?;
        let id = self.next();
        if append_flag || oa.contains("condition") {
            let Some(prev) = self.macros.iter_mut().find(|m| m.name == name) else {
                return fail(
                    Code::Validate,
                    "Macro has 'append' key but no macro by that name already exists",
                    &item,
                    node.line,
                );
            };
            prev.cond.push(' ');
            prev.cond.push_str(&cond);
            prev.visibility = id;
            prev.file = file.into();
            prev.line = node.line;
            return Ok(());
        }
        let info = MacroInfo {
            name,
            cond,
            index: id,
            visibility: id,
            file: file.into(),
            line: node.line,
        };
        match self.macros.iter_mut().find(|m| m.name == info.name) {
            Some(prev) => {
                *prev = MacroInfo {
                    index: prev.index,
                    ..info
                }
            }
            None => self.macros.push(info),
        }
        Ok(())
    }

    fn read_rule(&mut self, file: &str, node: &Node) -> R<()> {
        let name = required_str(node, "rule", &Item::new("rule", ""))?;
        let item = Item::new("rule", name.clone());
        const APPENDABLE: [&str; 5] = ["condition", "output", "desc", "tags", "exceptions"];
        const REPLACEABLE: [&str; 9] = [
            "condition",
            "output",
            "desc",
            "priority",
            "tags",
            "exceptions",
            "enabled",
            "warn_evttypes",
            "skip-if-unknown-filter",
        ];
        let (append_flag, oa, or) = append_and_overrides(node, &APPENDABLE, &REPLACEABLE, &item)?;
        if !oa.is_empty() || !or.is_empty() {
            for key in APPENDABLE.iter().chain(REPLACEABLE.iter()) {
                if node.get(key).is_some() && !oa.contains(*key) && !or.contains(*key) {
                    return fail(
                        Code::YamlValidate,
                        format!("Unexpected key '{key}': no corresponding entry under 'override' is defined."),
                        &item,
                        node.line,
                    );
                }
            }
            for key in oa.iter().chain(or.iter()) {
                if node.get(key).is_none() {
                    let kind = if oa.contains(key) {
                        "append"
                    } else {
                        "replace"
                    };
                    return fail(
                        Code::YamlValidate,
                        format!("An {kind} override for '{key}' was specified but '{key}' is not defined"),
                        &item,
                        node.line,
                    );
                }
            }
            if !oa.is_empty() {
                self.update_rule(file, node, &item, &oa, true)?;
            }
            if !or.is_empty() {
                self.update_rule(file, node, &item, &or, false)?;
            }
            return Ok(());
        }
        if append_flag {
            let keys: BTreeSet<String> = ["condition", "exceptions"]
                .iter()
                .filter(|k| node.get(k).is_some())
                .map(|k| k.to_string())
                .collect();
            if self.rules.iter().all(|r| r.name != name) {
                return fail(
                    Code::Validate,
                    "Rule has 'append' key but no rule by that name already exists",
                    &item,
                    node.line,
                );
            }
            if keys.is_empty() {
                return fail(
                    Code::Validate,
                    "Appended rule must have exceptions or condition property",
                    &item,
                    node.line,
                );
            }
            return self.update_rule(file, node, &item, &keys, true);
        }
        let has_body = ["condition", "output", "desc", "priority"]
            .iter()
            .any(|k| node.get(k).is_some());
        if !has_body {
            let enabled = optional_bool(node, "enabled", &item)?.map_or_else(
                || {
                    fail(
                        Code::YamlValidate,
                        "Item has no mapping for key 'enabled'",
                        &item,
                        node.line,
                    )
                },
                Ok,
            )?;
            let Some(prev) = self.rules.iter_mut().find(|r| r.name == name) else {
                return fail(
                    Code::Validate,
                    "Rule has 'enabled' key but no rule by that name already exists",
                    &item,
                    node.line,
                );
            };
            prev.enabled = enabled;
            return Ok(());
        }
        let cond = required_str(node, "condition", &item)?;
        let output = required_str(node, "output", &item)?.trim().to_string();
        let desc = required_str(node, "desc", &item)?;
        let priority = self.priority(node, &item)?;
        let mut exceptions = read_exceptions(node, false, file, &item)?.unwrap_or_default();
        for ex in &mut exceptions {
            validate_exception(ex)?;
        }
        let source = optional_str(node, "source", &item)?.unwrap_or_else(|| "syscall".into());
        let id = self.next();
        let info = RuleInfo {
            name,
            desc,
            cond,
            output,
            priority,
            enabled: optional_bool(node, "enabled", &item)?.unwrap_or(true),
            warn_evttypes: optional_bool(node, "warn_evttypes", &item)?.unwrap_or(true),
            skip_if_unknown_filter: optional_bool(node, "skip-if-unknown-filter", &item)?
                .unwrap_or(false),
            tags: string_seq(node, "tags", &item)?
                .unwrap_or_default()
                .into_iter()
                .collect(),
            source,
            exceptions,
            index: id,
            file: file.into(),
            line: node.line,
        };
        match self.rules.iter_mut().find(|r| r.name == info.name) {
            Some(prev) if prev.source != info.source => fail(
                Code::Validate,
                "Rule has been re-defined with a different source",
                &item,
                node.line,
            ),
            Some(prev) => {
                *prev = RuleInfo {
                    index: prev.index,
                    ..info
                };
                Ok(())
            }
            None => {
                self.rules.push(info);
                Ok(())
            }
        }
    }

    fn priority(&self, node: &Node, item: &Item) -> R<Priority> {
        let text = required_str(node, "priority", item)?;
        text.parse()
            .or_else(|_| fail(Code::YamlValidate, "Invalid priority", item, node.line))
    }

    /// Applies an append (`append: true` or `override: append`) or a
    /// selective replace of `keys` to an existing rule.
    fn update_rule(
        &mut self,
        file: &str,
        node: &Node,
        item: &Item,
        keys: &BTreeSet<String>,
        append: bool,
    ) -> R<()> {
        let has = |k: &str| keys.contains(k);
        let exceptions = if has("exceptions") {
            read_exceptions(node, true, file, item)?
        } else {
            None
        };
        let priority = if has("priority") {
            Some(self.priority(node, item)?)
        } else {
            None
        };
        let get_bool = |k: &str| {
            if has(k) {
                optional_bool(node, k, item)
            } else {
                Ok(None)
            }
        };
        let (enabled, warn, skip) = (
            get_bool("enabled")?,
            get_bool("warn_evttypes")?,
            get_bool("skip-if-unknown-filter")?,
        );
        let get_str = |k: &str| {
            if has(k) {
                required_str(node, k, item).map(Some)
            } else {
                Ok(None)
            }
        };
        let (cond, output, desc) = (get_str("condition")?, get_str("output")?, get_str("desc")?);
        let tags = if has("tags") {
            string_seq(node, "tags", item)?
        } else {
            None
        };
        let Some(prev) = self.rules.iter_mut().find(|r| r.name == item.name) else {
            let what = if append { "append" } else { "override" };
            return fail(
                Code::Validate,
                format!("Rule has '{what}' key but no rule by that name already exists"),
                item,
                node.line,
            );
        };
        let join = |prev: &mut String, new: Option<String>| {
            if let Some(new) = new.filter(|n| !n.is_empty()) {
                if append {
                    prev.push(' ');
                    prev.push_str(&new);
                } else {
                    *prev = new;
                }
            }
        };
        prev.file = file.into();
        prev.line = node.line;
        join(&mut prev.cond, cond);
        join(&mut prev.output, output);
        join(&mut prev.desc, desc);
        if let Some(tags) = tags {
            if !append {
                prev.tags.clear();
            }
            prev.tags.extend(tags);
        }
        prev.priority = priority.unwrap_or(prev.priority);
        prev.enabled = enabled.unwrap_or(prev.enabled);
        prev.warn_evttypes = warn.unwrap_or(prev.warn_evttypes);
        prev.skip_if_unknown_filter = skip.unwrap_or(prev.skip_if_unknown_filter);
        if let Some(new) = exceptions {
            if !append {
                prev.exceptions = new;
            } else {
                for mut ex in new {
                    let ex_item = Item::new("exception", ex.name.clone());
                    match prev.exceptions.iter_mut().find(|e| e.name == ex.name) {
                        Some(existing) => {
                            if ex.fields.is_some() {
                                return fail(Code::Validate, "Can not append exception fields to existing exception, only values", &ex_item, ex.line);
                            }
                            if ex.comps.is_some() {
                                return fail(Code::Validate, "Can not append exception comps to existing exception, only values", &ex_item, ex.line);
                            }
                            existing.values.extend(ex.values);
                        }
                        None => {
                            if ex.fields.is_none() {
                                return fail(Code::Validate, "Rule exception must have fields property with a list of fields", &ex_item, ex.line);
                            }
                            if ex.values.is_empty() {
                                return fail(Code::Validate, "Rule exception must have values property with a list of values", &ex_item, ex.line);
                            }
                            validate_exception(&mut ex)?;
                            prev.exceptions.push(ex);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
