//! An audit `Policy` parsed and, when it parses, evaluated for a few
//! requests (those of the fixed audit events and some made by hand).

use super::events::audit_events;
use crate::k8saudit::policy::{Policy, RequestAttributes, ResourceRef, STAGES};

/// Parses `data` as a policy; problems must name a line of the input.
pub fn audit_policy(data: &[u8]) {
    let text = super::text(data);
    let lines = yaml_lines(&text);
    let policy = match Policy::parse(&text) {
        Ok(policy) => policy,
        Err(problems) => {
            assert!(!problems.is_empty(), "rejected without a reason");
            for p in problems {
                assert!(p.line <= lines + 1, "{p:?} past line {lines}");
                assert!(!p.message.is_empty(), "{p:?} says nothing");
            }
            return;
        }
    };
    policy.warnings();
    for attrs in requests() {
        let decision = policy.evaluate(&attrs);
        if let Some(i) = decision.rule {
            assert!(i < policy.rules.len(), "{decision:?} names no rule");
        }
        for stage in STAGES {
            decision.logs_stage(stage);
        }
    }
}

/// Lines as YAML counts them: `\n`, `\r\n` and a lone `\r` each end one.
fn yaml_lines(text: &str) -> usize {
    let crlf = text.matches("\r\n").count();
    1 + text.matches('\n').count() + text.matches('\r').count() - crlf
}

fn requests() -> Vec<RequestAttributes> {
    let mut out: Vec<RequestAttributes> = audit_events()
        .iter()
        .map(RequestAttributes::from_event)
        .collect();
    out.push(RequestAttributes {
        user: Some("system:kube-proxy".into()),
        groups: vec!["system:nodes".into()],
        verb: "watch".into(),
        resource: Some(ResourceRef {
            group: String::new(),
            resource: "endpoints".into(),
            namespace: "kube-system".into(),
            name: "kube-dns".into(),
            ..ResourceRef::default()
        }),
        stage: "RequestReceived".into(),
        ..RequestAttributes::default()
    });
    out.push(RequestAttributes {
        verb: "get".into(),
        path: "/healthz/etcd".into(),
        stage: "ResponseComplete".into(),
        ..RequestAttributes::default()
    });
    out
}
