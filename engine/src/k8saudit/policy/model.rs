//! The `Policy` document and its schema checks, following the API server's
//! decoding and validation (`k8s.io/apiserver/pkg/apis/audit`).

use std::fmt;

use super::yaml::{self, Node, NodeKind};

/// How much of a request the API server records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Not logged.
    None,
    /// Request metadata only.
    Metadata,
    /// Metadata and the request body.
    Request,
    /// Metadata, request and response bodies.
    RequestResponse,
}

impl Level {
    /// Parses the API's spelling.
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "None" => Level::None,
            "Metadata" => Level::Metadata,
            "Request" => Level::Request,
            "RequestResponse" => Level::RequestResponse,
            _ => return None,
        })
    }

    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "None",
            Level::Metadata => "Metadata",
            Level::Request => "Request",
            Level::RequestResponse => "RequestResponse",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stages an audit event is emitted at.
pub const STAGES: [&str; 4] = [
    "RequestReceived",
    "ResponseStarted",
    "ResponseComplete",
    "Panic",
];

/// API group and resources a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupResources {
    /// API group; empty for the core group.
    pub group: String,
    /// Resources (`pods`, `pods/log`, `*`, `*/scale`, `pods/*`); empty = all.
    pub resources: Vec<String>,
    /// Object names; empty = all.
    pub resource_names: Vec<String>,
}

/// One rule of a policy. Empty lists match everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRule {
    /// The level events matching this rule are logged at.
    pub level: Level,
    /// User names.
    pub users: Vec<String>,
    /// User groups (any of the user's groups).
    pub user_groups: Vec<String>,
    /// Verbs.
    pub verbs: Vec<String>,
    /// Resources by group.
    pub resources: Vec<GroupResources>,
    /// Namespaces; `""` matches cluster-scoped resources.
    pub namespaces: Vec<String>,
    /// Non-resource URL paths, `*` allowed as the last character.
    pub non_resource_urls: Vec<String>,
    /// Stages not logged for this rule (added to the policy's).
    pub omit_stages: Vec<String>,
    /// Overrides the policy's `omitManagedFields` when set.
    pub omit_managed_fields: Option<bool>,
    /// 1-based line of the rule in the policy file.
    pub line: usize,
}

/// A kube-apiserver audit policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The rules, first match wins.
    pub rules: Vec<PolicyRule>,
    /// Stages not logged for any request.
    pub omit_stages: Vec<String>,
    /// Whether managed fields are dropped from logged bodies by default.
    pub omit_managed_fields: bool,
}

/// A problem found in a policy file, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    /// 1-based line (0 when the whole document is concerned).
    pub line: usize,
    /// Dotted path of the offending field (`rules[2].level`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.path.is_empty()) {
            (0, true) => f.write_str(&self.message),
            (0, false) => write!(f, "{}: {}", self.path, self.message),
            (line, true) => write!(f, "line {line}: {}", self.message),
            (line, false) => write!(f, "line {line}: {}: {}", self.path, self.message),
        }
    }
}

struct Checker {
    problems: Vec<PolicyProblem>,
}

impl Checker {
    fn problem(&mut self, line: usize, path: &str, message: impl Into<String>) {
        self.problems.push(PolicyProblem {
            line,
            path: path.to_owned(),
            message: message.into(),
        });
    }

    /// The entries of a mapping node, or a problem.
    fn map<'n>(&mut self, node: &'n Node, path: &str) -> &'n [(Node, Node)] {
        match &node.kind {
            NodeKind::Map(entries) => entries,
            _ => {
                let what = node.describe();
                self.problem(node.line, path, format!("expected a mapping, found {what}"));
                &[]
            }
        }
    }

    /// A list of strings; null counts as empty.
    fn strings(&mut self, node: &Node, path: &str) -> Vec<String> {
        if node.is_null() {
            return Vec::new();
        }
        let NodeKind::Seq(items) = &node.kind else {
            let what = node.describe();
            self.problem(
                node.line,
                path,
                format!("expected a list of strings, found {what}"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) => out.push(s.to_owned()),
                None => {
                    let what = item.describe();
                    self.problem(
                        item.line,
                        &format!("{path}[{i}]"),
                        format!("expected a string, found {what}"),
                    );
                }
            }
        }
        out
    }

    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match (&node.kind, node.as_str()) {
            (NodeKind::Scalar { quoted: false, .. }, Some("true" | "True" | "TRUE")) => Some(true),
            (NodeKind::Scalar { quoted: false, .. }, Some("false" | "False" | "FALSE")) => {
                Some(false)
            }
            _ if node.is_null() => None,
            _ => {
                self.problem(node.line, path, "expected true or false");
                None
            }
        }
    }

    fn stages(&mut self, node: &Node, path: &str) -> Vec<String> {
        let stages = self.strings(node, path);
        let items: Vec<usize> = match &node.kind {
            NodeKind::Seq(items) => items.iter().map(|n| n.line).collect(),
            _ => Vec::new(),
        };
        for (i, stage) in stages.iter().enumerate() {
            if !STAGES.contains(&stage.as_str()) {
                let line = items.get(i).copied().unwrap_or(node.line);
                self.problem(
                    line,
                    &format!("{path}[{i}]"),
                    format!(
                        "unsupported stage {stage:?}: expected one of {}",
                        STAGES.join(", ")
                    ),
                );
            }
        }
        stages
    }
}

impl Policy {
    /// Parses and checks a policy. On failure every problem found is
    /// returned, each with its line.
    pub fn parse(text: &str) -> Result<Policy, Vec<PolicyProblem>> {
        let docs = yaml::load(text).map_err(|err| {
            vec![PolicyProblem {
                line: err.line,
                path: String::new(),
                message: format!(
                    "YAML syntax error at column {}: {}",
                    err.column, err.message
                ),
            }]
        })?;
        let mut checker = Checker {
            problems: Vec::new(),
        };
        let policy = match docs.as_slice() {
            [doc] => parse_policy(&mut checker, doc),
            [] => {
                checker.problem(0, "", "empty document: expected an audit Policy");
                None
            }
            [_, second, ..] => {
                checker.problem(
                    second.line,
                    "",
                    "several YAML documents: expected one Policy",
                );
                None
            }
        };
        match policy {
            Some(policy) if checker.problems.is_empty() => Ok(policy),
            _ => Err(checker.problems),
        }
    }
}

impl PolicyRule {
    /// Whether the rule has no condition at all, so it matches every request.
    pub fn matches_everything(&self) -> bool {
        self.users.is_empty()
            && self.user_groups.is_empty()
            && self.verbs.is_empty()
            && self.resources.is_empty()
            && self.namespaces.is_empty()
            && self.non_resource_urls.is_empty()
    }
}

impl Policy {
    /// Things the API server accepts but that are likely mistakes: rules
    /// after a catch-all rule are never reached (first match wins).
    pub fn warnings(&self) -> Vec<PolicyProblem> {
        let Some(catch_all) = self.rules.iter().position(PolicyRule::matches_everything) else {
            return Vec::new();
        };
        let by = &self.rules[catch_all];
        self.rules[catch_all + 1..]
            .iter()
            .enumerate()
            .map(|(i, rule)| PolicyProblem {
                line: rule.line,
                path: format!("rules[{}]", catch_all + 1 + i),
                message: format!(
                    "never reached: rules[{catch_all}] (line {}) matches every request first",
                    by.line
                ),
            })
            .collect()
    }
}

fn parse_policy(c: &mut Checker, doc: &Node) -> Option<Policy> {
    let entries = c.map(doc, "");
    if !matches!(doc.kind, NodeKind::Map(_)) {
        return None;
    }
    let mut rules_node = None;
    let mut policy = Policy {
        rules: Vec::new(),
        omit_stages: Vec::new(),
        omit_managed_fields: false,
    };
    for (key, value) in entries {
        let name = key.as_str().unwrap_or("");
        match name {
            "apiVersion" => match value.as_str() {
                Some("audit.k8s.io/v1") => {}
                Some(v @ ("audit.k8s.io/v1beta1" | "audit.k8s.io/v1alpha1")) => c.problem(
                    value.line,
                    "apiVersion",
                    format!("{v} is no longer served by the API server: use audit.k8s.io/v1"),
                ),
                _ => c.problem(value.line, "apiVersion", "expected audit.k8s.io/v1"),
            },
            "kind" => {
                if value.as_str() != Some("Policy") {
                    c.problem(value.line, "kind", "expected Policy");
                }
            }
            "metadata" => {
                c.map(value, "metadata");
            }
            "rules" => rules_node = Some(value),
            "omitStages" => policy.omit_stages = c.stages(value, "omitStages"),
            "omitManagedFields" => {
                policy.omit_managed_fields = c.boolean(value, "omitManagedFields").unwrap_or(false)
            }
            other => c.problem(
                key.line,
                other,
                format!("unknown field {other:?} in Policy"),
            ),
        }
    }
    if !entries.iter().any(|(k, _)| k.as_str() == Some("kind")) {
        c.problem(doc.line, "kind", "missing kind: Policy");
    }
    if !entries
        .iter()
        .any(|(k, _)| k.as_str() == Some("apiVersion"))
    {
        c.problem(
            doc.line,
            "apiVersion",
            "missing apiVersion: audit.k8s.io/v1",
        );
    }
    match rules_node {
        None => c.problem(
            doc.line,
            "rules",
            "missing rules: a policy needs at least one rule",
        ),
        Some(node) => match &node.kind {
            NodeKind::Seq(items) if !items.is_empty() => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(rule) = parse_rule(c, item, &format!("rules[{i}]")) {
                        policy.rules.push(rule);
                    }
                }
            }
            NodeKind::Seq(_) => c.problem(node.line, "rules", "a policy needs at least one rule"),
            _ if node.is_null() => {
                c.problem(node.line, "rules", "a policy needs at least one rule")
            }
            _ => {
                let what = node.describe();
                c.problem(
                    node.line,
                    "rules",
                    format!("expected a list of rules, found {what}"),
                )
            }
        },
    }
    Some(policy)
}

fn parse_rule(c: &mut Checker, node: &Node, path: &str) -> Option<PolicyRule> {
    let entries = c.map(node, path);
    let mut rule = PolicyRule {
        level: Level::None,
        users: Vec::new(),
        user_groups: Vec::new(),
        verbs: Vec::new(),
        resources: Vec::new(),
        namespaces: Vec::new(),
        non_resource_urls: Vec::new(),
        omit_stages: Vec::new(),
        omit_managed_fields: None,
        line: node.line,
    };
    let mut level_seen = false;
    for (key, value) in entries {
        let name = key.as_str().unwrap_or("");
        let field = format!("{path}.{name}");
        match name {
            "level" => {
                level_seen = true;
                match value.as_str().and_then(Level::parse) {
                    Some(level) => rule.level = level,
                    None => c.problem(
                        value.line,
                        &field,
                        format!(
                            "unknown level {:?}: expected None, Metadata, Request or RequestResponse",
                            value.as_str().unwrap_or(value.describe())
                        ),
                    ),
                }
            }
            "users" => rule.users = c.strings(value, &field),
            "userGroups" => rule.user_groups = c.strings(value, &field),
            "verbs" => rule.verbs = c.strings(value, &field),
            "namespaces" => rule.namespaces = c.strings(value, &field),
            "nonResourceURLs" => {
                rule.non_resource_urls = c.strings(value, &field);
                check_urls(c, value, &field, &rule.non_resource_urls);
            }
            "resources" => rule.resources = parse_resources(c, value, &field),
            "omitStages" => rule.omit_stages = c.stages(value, &field),
            "omitManagedFields" => rule.omit_managed_fields = c.boolean(value, &field),
            other => c.problem(
                key.line,
                &field,
                format!("unknown field {other:?} in a policy rule"),
            ),
        }
    }
    if !level_seen && matches!(node.kind, NodeKind::Map(_)) {
        c.problem(node.line, &format!("{path}.level"), "missing level");
    }
    if !rule.non_resource_urls.is_empty()
        && (!rule.resources.is_empty() || !rule.namespaces.is_empty())
    {
        c.problem(
            node.line,
            path,
            "rules cannot apply to both regular resources and non-resource URLs",
        );
    }
    matches!(node.kind, NodeKind::Map(_)).then_some(rule)
}

fn check_urls(c: &mut Checker, node: &Node, path: &str, urls: &[String]) {
    let lines: Vec<usize> = match &node.kind {
        NodeKind::Seq(items) => items.iter().map(|n| n.line).collect(),
        _ => Vec::new(),
    };
    for (i, url) in urls.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(node.line);
        let item = format!("{path}[{i}]");
        if url == "*" {
            continue;
        }
        if !url.starts_with('/') {
            c.problem(
                line,
                &item,
                format!("non-resource URL {url:?} must begin with a '/' character"),
            );
        }
        // Any '*' but a final one (slicing off the last byte would split a
        // multi-byte last character).
        if url.strip_suffix('*').unwrap_or(url).contains('*') {
            c.problem(
                line,
                &item,
                format!("non-resource URL {url:?}: a '*' wildcard must be the final character"),
            );
        }
    }
}

fn parse_resources(c: &mut Checker, node: &Node, path: &str) -> Vec<GroupResources> {
    if node.is_null() {
        return Vec::new();
    }
    let NodeKind::Seq(items) = &node.kind else {
        let what = node.describe();
        c.problem(
            node.line,
            path,
            format!("expected a list of group resources, found {what}"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let mut gr = GroupResources::default();
        for (key, value) in c.map(item, &item_path) {
            let name = key.as_str().unwrap_or("");
            let field = format!("{item_path}.{name}");
            match name {
                "group" => match value.as_str() {
                    Some(g) => gr.group = g.to_owned(),
                    None => c.problem(value.line, &field, "expected a string"),
                },
                "resources" => gr.resources = c.strings(value, &field),
                "resourceNames" => gr.resource_names = c.strings(value, &field),
                other => c.problem(
                    key.line,
                    &field,
                    format!("unknown field {other:?} in group resources"),
                ),
            }
        }
        if gr.group.contains('/') {
            c.problem(
                item.line,
                &format!("{item_path}.group"),
                format!("group {:?} must not contain '/'", gr.group),
            );
        }
        if !gr.resource_names.is_empty() && gr.resources.is_empty() {
            c.problem(
                item.line,
                &format!("{item_path}.resourceNames"),
                "using resourceNames requires at least one resource",
            );
        }
        out.push(gr);
    }
    out
}
