//! Policy checks and levels, hand-checked against the Kubernetes
//! documentation ("Auditing": audit policy, first match wins, default None).

use super::*;

/// The example policy of the Kubernetes auditing documentation.
const DOCS_POLICY: &str = r#"apiVersion: audit.k8s.io/v1 # This is required.
kind: Policy
omitStages:
  - "RequestReceived"
rules:
  - level: RequestResponse
    resources:
    - group: ""
      resources: ["pods"]
  - level: Metadata
    resources:
    - group: ""
      resources: ["pods/log", "pods/status"]
  - level: None
    resources:
    - group: ""
      resources: ["configmaps"]
      resourceNames: ["controller-leader"]
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
    resources:
    - group: "" # core API group
      resources: ["endpoints", "services"]
  - level: None
    userGroups: ["system:authenticated"]
    nonResourceURLs:
    - "/api*" # Wildcard matching.
    - "/version"
  - level: Request
    resources:
    - group: "" # core API group
      resources: ["configmaps"]
    namespaces: ["kube-system"]
  - level: Metadata
    resources:
    - group: "" # core API group
      resources: ["secrets", "configmaps"]
  - level: Request
    resources:
    - group: "" # core API group
    - group: "extensions"
  - level: Metadata
    omitStages:
      - "RequestReceived"
"#;

fn resource(
    user: &str,
    verb: &str,
    group: &str,
    res: &str,
    sub: &str,
    ns: &str,
    name: &str,
) -> RequestAttributes {
    RequestAttributes {
        user: Some(user.into()),
        groups: vec!["system:authenticated".into()],
        verb: verb.into(),
        resource: Some(ResourceRef {
            group: group.into(),
            resource: res.into(),
            subresource: sub.into(),
            namespace: ns.into(),
            name: name.into(),
        }),
        path: String::new(),
        stage: "ResponseComplete".into(),
    }
}

fn non_resource(user: &str, groups: &[&str], path: &str) -> RequestAttributes {
    RequestAttributes {
        user: Some(user.into()),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        verb: "get".into(),
        resource: None,
        path: path.into(),
        stage: "ResponseComplete".into(),
    }
}

#[test]
fn docs_policy_levels_match_hand_checked_table() {
    let policy = Policy::parse(DOCS_POLICY).unwrap();
    assert_eq!(policy.rules.len(), 9);
    let table: Vec<(RequestAttributes, Level, Option<usize>)> = vec![
        // pods in the core group: the first rule.
        (
            resource("alice", "get", "", "pods", "", "default", "p"),
            Level::RequestResponse,
            Some(0),
        ),
        // pods/log is not "pods": the second rule.
        (
            resource("alice", "get", "", "pods", "log", "default", "p"),
            Level::Metadata,
            Some(1),
        ),
        (
            resource("alice", "patch", "", "pods", "status", "default", "p"),
            Level::Metadata,
            Some(1),
        ),
        // The leader-election configmap by name: not logged.
        (
            resource(
                "kcm",
                "update",
                "",
                "configmaps",
                "",
                "kube-system",
                "controller-leader",
            ),
            Level::None,
            Some(2),
        ),
        // kube-proxy watching endpoints: not logged; another user falls to the core catch-all.
        (
            resource(
                "system:kube-proxy",
                "watch",
                "",
                "endpoints",
                "",
                "default",
                "",
            ),
            Level::None,
            Some(3),
        ),
        (
            resource("bob", "watch", "", "endpoints", "", "default", ""),
            Level::Request,
            Some(7),
        ),
        (
            resource(
                "system:kube-proxy",
                "list",
                "",
                "services",
                "",
                "default",
                "",
            ),
            Level::Request,
            Some(7),
        ),
        // Other configmaps: Request in kube-system, Metadata elsewhere.
        (
            resource("alice", "get", "", "configmaps", "", "kube-system", "x"),
            Level::Request,
            Some(5),
        ),
        (
            resource("alice", "get", "", "configmaps", "", "default", "x"),
            Level::Metadata,
            Some(6),
        ),
        (
            resource("alice", "get", "", "secrets", "", "default", "s"),
            Level::Metadata,
            Some(6),
        ),
        // Subresources of pods other than log/status: core catch-all.
        (
            resource("alice", "create", "", "pods", "exec", "default", "p"),
            Level::Request,
            Some(7),
        ),
        // extensions group: Request; apps group: the final catch-all.
        (
            resource(
                "alice",
                "create",
                "extensions",
                "deployments",
                "",
                "default",
                "d",
            ),
            Level::Request,
            Some(7),
        ),
        (
            resource("alice", "create", "apps", "deployments", "", "default", "d"),
            Level::Metadata,
            Some(8),
        ),
        // Non-resource URLs: "/api*" is a prefix match, "/version" exact.
        (
            non_resource("alice", &["system:authenticated"], "/apis/apps/v1"),
            Level::None,
            Some(4),
        ),
        (
            non_resource("alice", &["system:authenticated"], "/api"),
            Level::None,
            Some(4),
        ),
        (
            non_resource("alice", &["system:authenticated"], "/version"),
            Level::None,
            Some(4),
        ),
        (
            non_resource("alice", &["system:authenticated"], "/version/x"),
            Level::Metadata,
            Some(8),
        ),
        (
            non_resource("alice", &["system:authenticated"], "/healthz"),
            Level::Metadata,
            Some(8),
        ),
        // Unauthenticated users are not in the group.
        (
            non_resource("system:anonymous", &["system:unauthenticated"], "/api"),
            Level::Metadata,
            Some(8),
        ),
    ];
    for (i, (attrs, level, rule)) in table.iter().enumerate() {
        let d = policy.evaluate(attrs);
        assert_eq!((d.level, d.rule), (*level, *rule), "case {i}: {attrs:?}");
    }
    let d = policy.evaluate(&table[0].0);
    assert_eq!(d.rule_line, Some(6));
    assert!(!d.logs_stage("RequestReceived"));
    assert!(d.logs_stage("ResponseComplete"));
}

const WILDCARDS: &str = r#"apiVersion: audit.k8s.io/v1
kind: Policy
omitManagedFields: true
rules:
- level: None
  resources:
  - group: ""
    resources: ["*/scale"]
- level: RequestResponse
  omitManagedFields: false
  resources:
  - group: "apps"
    resources: ["deployments/*"]
- level: Request
  namespaces: [""]
- level: Metadata
  resources:
  - group: ""
    resources: ["secrets"]
    resourceNames: ["db"]
  omitStages: ["ResponseStarted"]
- level: RequestResponse
  resources:
  - group: "batch"
    resources: ["*"]
- level: Metadata
  nonResourceURLs: ["*"]
"#;

#[test]
fn wildcards_names_and_cluster_scope() {
    let policy = Policy::parse(WILDCARDS).unwrap();
    let table: Vec<(RequestAttributes, Level, Option<usize>)> = vec![
        (
            resource(
                "u",
                "update",
                "",
                "replicationcontrollers",
                "scale",
                "ns",
                "rc",
            ),
            Level::None,
            Some(0),
        ),
        // "*/scale" needs a subresource; "deployments/*" matches the resource itself.
        (
            resource("u", "get", "apps", "deployments", "scale", "ns", "d"),
            Level::RequestResponse,
            Some(1),
        ),
        (
            resource("u", "get", "apps", "deployments", "", "ns", "d"),
            Level::RequestResponse,
            Some(1),
        ),
        // namespaces: [""] matches cluster-scoped resources only.
        (
            resource("u", "get", "", "nodes", "", "", "n1"),
            Level::Request,
            Some(2),
        ),
        (
            resource("u", "get", "", "secrets", "", "ns", "db"),
            Level::Metadata,
            Some(3),
        ),
        (
            resource("u", "get", "", "secrets", "", "ns", "other"),
            Level::None,
            None,
        ),
        // "*" covers subresources too.
        (
            resource("u", "create", "batch", "jobs", "status", "ns", "j"),
            Level::RequestResponse,
            Some(4),
        ),
        (non_resource("u", &[], "/metrics"), Level::Metadata, Some(5)),
    ];
    for (i, (attrs, level, rule)) in table.iter().enumerate() {
        let d = policy.evaluate(attrs);
        assert_eq!((d.level, d.rule), (*level, *rule), "case {i}: {attrs:?}");
    }
    assert!(policy.evaluate(&table[0].0).omit_managed_fields);
    assert!(!policy.evaluate(&table[1].0).omit_managed_fields);
    let secret = policy.evaluate(&table[4].0);
    assert!(!secret.logs_stage("ResponseStarted"));
    assert!(!policy.evaluate(&table[5].0).logs_stage("ResponseComplete"));
}

#[test]
fn rules_after_a_catch_all_are_flagged_as_unreachable() {
    assert!(Policy::parse(DOCS_POLICY).unwrap().warnings().is_empty());
    let policy = Policy::parse(
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  verbs: [watch]\n- level: Metadata\n- level: RequestResponse\n  resources:\n  - group: \"\"\n",
    )
    .unwrap();
    let warnings: Vec<String> = policy.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["line 7: rules[2]: never reached: rules[1] (line 6) matches every request first"]
    );
}

fn problems(text: &str) -> Vec<String> {
    Policy::parse(text)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn broken_policies_are_flagged_with_lines() {
    let p =
        problems("apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [\"RequestReceived\"]\n");
    assert_eq!(
        p,
        ["line 1: rules: missing rules: a policy needs at least one rule"]
    );

    let p = problems(
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages:\n  - RequestRecieved\nrules:\n- level: Metadata\n",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("line 4: omitStages[0]: unsupported stage \"RequestRecieved\""),
        "{p:?}"
    );

    let p = problems(
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n- level: Verbose\n  verbs: [get]\n  colour: blue\n",
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with("line 5: rules[1].level: unknown level \"Verbose\""),
        "{p:?}"
    );
    assert!(
        p[1].starts_with("line 7: rules[1].colour: unknown field \"colour\""),
        "{p:?}"
    );

    let p = problems("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- verbs: [get]\n- level: None\n  omitStages: Panic\n");
    assert!(
        p.iter()
            .any(|m| m.starts_with("line 4: rules[0].level: missing level")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.starts_with("line 6: rules[1].omitStages: expected a list")),
        "{p:?}"
    );

    let p = problems(
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: [\"healthz\", \"/a*b\"]\n  namespaces: [x]\n",
    );
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p[0].contains("must begin with a '/'"), "{p:?}");
    assert!(p[1].contains("final character"), "{p:?}");
    assert!(
        p[2].starts_with("line 4: rules[0]: rules cannot apply to both"),
        "{p:?}"
    );

    let p = problems("kind: Policy\nrules: [\n");
    assert!(p[0].contains("YAML syntax error"), "{p:?}");
    let p = problems("apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: None\n");
    assert!(p[0].starts_with("line 1: apiVersion:"), "{p:?}");
}

#[test]
fn non_resource_urls_ending_in_a_multibyte_character_are_checked() {
    // The wildcard check sliced off the last byte, inside 'é'.
    let policy = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: [\"/caf\u{e9}\", \"/*\u{e9}\", \"/\u{e9}*\"]\n";
    let p = problems(
        policy
            .replace("[\"/caf\u{e9}\", ", "[\"/caf\u{e9}*x\", ")
            .as_str(),
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with("line 5: rules[0].nonResourceURLs[0]"),
        "{p:?}"
    );
    assert!(
        p[1].starts_with("line 5: rules[0].nonResourceURLs[1]"),
        "{p:?}"
    );
    assert!(p.iter().all(|m| m.contains("final character")), "{p:?}");
    let ok = Policy::parse(policy.replace(", \"/*\u{e9}\"", "").as_str()).unwrap();
    assert_eq!(ok.rules[0].non_resource_urls, ["/caf\u{e9}", "/\u{e9}*"]);
}
