//! Which rule of a policy an audit event matches, and so the level the API
//! server would log it at (first match wins; the default is `None`).

use serde_json::Value as Json;

use super::model::{GroupResources, Level, Policy, PolicyRule};
use crate::k8saudit::AuditEvent;

/// The request attributes a policy looks at, as read from an audit event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestAttributes {
    /// Authenticated user name (`user.username`).
    pub user: Option<String>,
    /// The user's groups.
    pub groups: Vec<String>,
    /// API verb.
    pub verb: String,
    /// For resource requests: the `objectRef`.
    pub resource: Option<ResourceRef>,
    /// Request path without the query (`requestURI`).
    pub path: String,
    /// Audit stage of the event.
    pub stage: String,
}

/// The object a resource request is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceRef {
    /// API group, empty for core.
    pub group: String,
    /// Resource (`pods`).
    pub resource: String,
    /// Subresource (`log`, `exec`), empty when none.
    pub subresource: String,
    /// Namespace, empty for cluster-scoped resources.
    pub namespace: String,
    /// Object name, empty for collections.
    pub name: String,
}

impl RequestAttributes {
    /// Reads the attributes of `event`. A request is a resource request
    /// when its event has an `objectRef` naming a resource.
    pub fn from_event(event: &AuditEvent) -> RequestAttributes {
        let s = |path: &[&str]| event.str_at(path).unwrap_or("").to_owned();
        let groups = event
            .json()
            .pointer("/user/groups")
            .and_then(Json::as_array)
            .map(|g| {
                g.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let resource = event
            .str_at(&["objectRef", "resource"])
            .filter(|r| !r.is_empty())
            .map(|_| ResourceRef {
                group: s(&["objectRef", "apiGroup"]),
                resource: s(&["objectRef", "resource"]),
                subresource: s(&["objectRef", "subresource"]),
                namespace: s(&["objectRef", "namespace"]),
                name: s(&["objectRef", "name"]),
            });
        let uri = s(&["requestURI"]);
        RequestAttributes {
            user: event.str_at(&["user", "username"]).map(str::to_owned),
            groups,
            verb: s(&["verb"]),
            resource,
            path: uri.split('?').next().unwrap_or("").to_owned(),
            stage: s(&["stage"]),
        }
    }
}

/// The outcome of evaluating a policy for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The level the request is logged at.
    pub level: Level,
    /// Index of the matching rule, `None` when no rule matched.
    pub rule: Option<usize>,
    /// 1-based line of the matching rule.
    pub rule_line: Option<usize>,
    /// Stages omitted for this request (policy's plus rule's).
    pub omit_stages: Vec<String>,
    /// Whether managed fields are dropped from logged bodies.
    pub omit_managed_fields: bool,
}

impl Decision {
    /// Whether an event at `stage` would be written at all.
    pub fn logs_stage(&self, stage: &str) -> bool {
        self.level != Level::None && !self.omit_stages.iter().any(|s| s == stage)
    }
}

impl Policy {
    /// The decision for a request: the first rule that matches, else `None`.
    pub fn evaluate(&self, attrs: &RequestAttributes) -> Decision {
        for (i, rule) in self.rules.iter().enumerate() {
            if rule_matches(rule, attrs) {
                let mut omit = self.omit_stages.clone();
                for stage in &rule.omit_stages {
                    if !omit.contains(stage) {
                        omit.push(stage.clone());
                    }
                }
                return Decision {
                    level: rule.level,
                    rule: Some(i),
                    rule_line: Some(rule.line),
                    omit_stages: omit,
                    omit_managed_fields: rule
                        .omit_managed_fields
                        .unwrap_or(self.omit_managed_fields),
                };
            }
        }
        Decision {
            level: Level::None,
            rule: None,
            rule_line: None,
            omit_stages: self.omit_stages.clone(),
            omit_managed_fields: self.omit_managed_fields,
        }
    }

    /// [`Policy::evaluate`] for the request an audit event records.
    pub fn evaluate_event(&self, event: &AuditEvent) -> Decision {
        self.evaluate(&RequestAttributes::from_event(event))
    }
}

fn has(list: &[String], value: &str) -> bool {
    list.iter().any(|s| s == value)
}

fn rule_matches(rule: &PolicyRule, attrs: &RequestAttributes) -> bool {
    if !rule.users.is_empty() && !attrs.user.as_deref().is_some_and(|u| has(&rule.users, u)) {
        return false;
    }
    if !rule.user_groups.is_empty() && !attrs.groups.iter().any(|g| has(&rule.user_groups, g)) {
        return false;
    }
    if !rule.verbs.is_empty() && !has(&rule.verbs, &attrs.verb) {
        return false;
    }
    if !rule.namespaces.is_empty() || !rule.resources.is_empty() {
        return attrs
            .resource
            .as_ref()
            .is_some_and(|r| matches_resource(rule, r));
    }
    if !rule.non_resource_urls.is_empty() {
        return attrs.resource.is_none()
            && rule
                .non_resource_urls
                .iter()
                .any(|spec| path_matches(&attrs.path, spec));
    }
    true
}

fn path_matches(path: &str, spec: &str) -> bool {
    match spec.strip_suffix('*') {
        _ if spec == "*" || spec == path => true,
        Some(prefix) => path.starts_with(prefix),
        None => false,
    }
}

fn matches_resource(rule: &PolicyRule, r: &ResourceRef) -> bool {
    if !rule.namespaces.is_empty() && !has(&rule.namespaces, &r.namespace) {
        return false;
    }
    rule.resources.is_empty() || rule.resources.iter().any(|gr| matches_group(gr, r))
}

fn matches_group(gr: &GroupResources, r: &ResourceRef) -> bool {
    if gr.group != r.group {
        return false;
    }
    if gr.resources.is_empty() {
        return true;
    }
    if !gr.resource_names.is_empty() && !has(&gr.resource_names, &r.name) {
        return false;
    }
    let combined = if r.subresource.is_empty() {
        r.resource.clone()
    } else {
        format!("{}/{}", r.resource, r.subresource)
    };
    gr.resources.iter().any(|res| {
        res == "*"
            || *res == combined
            || (!r.subresource.is_empty() && res.strip_prefix("*/") == Some(&r.subresource))
            || res.strip_suffix("/*") == Some(&r.resource)
    })
}
