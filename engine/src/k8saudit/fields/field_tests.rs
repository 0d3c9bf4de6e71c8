//! Every `ka.*` field against Falco's regression audit events (values
//! checked by hand against the JSON), plus synthetic events for the fields
//! those events never carry.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::*;
use crate::k8saudit::{open_replay, parse_document, Location};

fn shared() -> PathBuf {
    std::env::var_os("HARRIER_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        PathBuf::from,
    )
}

fn regression_event(name: &str) -> AuditEvent {
    let path = shared()
        .join("falco-regression/trace_files/k8s_audit")
        .join(name);
    let mut events = open_replay(&path).unwrap().filter_map(Result::ok);
    events
        .next()
        .unwrap_or_else(|| panic!("no event in {}", path.display()))
}

fn values(evt: &AuditEvent, field: &str) -> Vec<String> {
    let (name, arg) = match field.split_once('[') {
        Some((n, rest)) => (n, Some(rest.trim_end_matches(']'))),
        None => (field, None),
    };
    let compiled = K8sAuditSource.compile(name, arg).unwrap();
    let mut out = Values::new();
    K8sAuditSource.extract(&compiled.extractor, &evt, &mut out);
    out.iter().map(ToString::to_string).collect()
}

/// (event file, field, expected values; empty = not available).
const REGRESSION: &[(&str, &str, &[&str])] = &[
    ("exec_pod.json", "ka.auditid", &["ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6"]),
    ("exec_pod.json", "ka.stage", &["ResponseStarted"]),
    ("exec_pod.json", "ka.auth.decision", &["allow"]),
    ("exec_pod.json", "ka.auth.reason", &[""]),
    ("exec_pod.json", "ka.auth.openshift.decision", &[]),
    ("exec_pod.json", "ka.auth.openshift.username", &[]),
    ("exec_pod.json", "ka.validations.admission.policy.failure", &[]),
    ("exec_pod.json", "ka.security.pod.violations", &[]),
    ("exec_pod.json", "ka.user.name", &["minikube-user"]),
    ("exec_pod.json", "ka.user.groups", &["system:masters", "system:authenticated"]),
    ("exec_pod.json", "ka.impuser.name", &[]),
    ("exec_pod.json", "ka.verb", &["create"]),
    ("exec_pod.json", "ka.uri", &["/api/v1/namespaces/default/pods/nginx-deployment-7998647bdf-phvq7/exec?command=bash&container=nginx1&container=nginx1&stdin=true&stdout=true&tty=true"]),
    ("exec_pod.json", "ka.uri.param[command]", &["bash"]),
    ("exec_pod.json", "ka.uri.param[container]", &["nginx1"]),
    ("exec_pod.json", "ka.uri.param[nope]", &[]),
    ("exec_pod.json", "ka.target.name", &["nginx-deployment-7998647bdf-phvq7"]),
    ("exec_pod.json", "ka.target.namespace", &["default"]),
    ("exec_pod.json", "ka.target.resource", &["pods"]),
    ("exec_pod.json", "ka.target.subresource", &["exec"]),
    ("exec_pod.json", "ka.target.pod.name", &["nginx-deployment-7998647bdf-phvq7"]),
    ("exec_pod.json", "ka.response.code", &["101"]),
    ("exec_pod.json", "ka.response.reason", &[]),
    ("exec_pod.json", "ka.resp.name", &[]),
    ("exec_pod.json", "ka.sourceips", &["192.168.99.1"]),
    ("exec_pod.json", "ka.sourceips[1]", &[]),
    ("exec_pod.json", "ka.useragent", &[]),
    ("exec_pod.json", "ka.cluster.name", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.target.pod.name", &["nginx-deployment-544b59f8b8-ffkxm"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.resp.name", &["nginx-deployment-544b59f8b8-ffkxm"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.target.name", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.response.code", &["201"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.sourceips", &["::1"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.name", &["nginx1", "mysql"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.name[1]", &["mysql"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.image", &["nginx", "mysql:latest"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.image[2]", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.image.repository", &["nginx", "mysql"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.container.image", &["nginx"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.container.image.repository", &["nginx"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.privileged", &["false", "true"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.privileged[0]", &["false"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.container.privileged", &["true"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.allow_privilege_escalation", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.read_only_fs", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.proc_mount", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.run_as_user", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.run_as_group", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.eff_run_as_user", &["0", "0"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.eff_run_as_group", &["0", "0"]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.add_capabilities", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.host_port", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.command", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.containers.args", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.initContainers.name", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.host_ipc", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.host_network", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.host_pid", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.run_as_user", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.run_as_group", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.fs_group", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.supplemental_groups", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.pod.volumes.hostpath", &[]),
    ("create_nginx_pod_privileged_2nd_container.json", "ka.req.volume.hostpath[/etc]", &[]),
    ("create_nginx_pod_hostnetwork.json", "ka.req.pod.host_network", &["true"]),
    ("create_nginx_pod_hostnetwork.json", "ka.req.container.host_network", &["true"]),
    ("create_nginx_pod_sensitive_mount.json", "ka.req.pod.volumes.hostpath", &["/etc"]),
    ("create_nginx_pod_sensitive_mount.json", "ka.req.pod.volumes.hostpath[0]", &["/etc"]),
    ("create_nginx_pod_sensitive_mount.json", "ka.req.volume.hostpath[/etc]", &["true"]),
    ("create_nginx_pod_sensitive_mount.json", "ka.req.volume.hostpath[/et*]", &["true"]),
    ("create_nginx_pod_sensitive_mount.json", "ka.req.volume.hostpath[/proc*]", &["false"]),
    ("create_nginx_pod_sensitive_mount.json", "ka.req.pod.volumes.volume_type", &["hostPath"]),
    ("create_nginx_pod_sensitive_mount.json", "ka.req.pod.volumes.flexvolume_driver", &[]),
    ("create_clusterrolebinding.json", "ka.req.binding.subjects", &[r#"{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"minikube"}"#]),
    ("create_clusterrolebinding.json", "ka.req.binding.subjects.user_names", &["minikube"]),
    ("create_clusterrolebinding.json", "ka.req.binding.subjects.serviceaccount_names", &[]),
    ("create_clusterrolebinding.json", "ka.req.binding.subjects.serviceaccount_ns_names", &[]),
    ("create_clusterrolebinding.json", "ka.req.binding.subjects.group_names", &[]),
    ("create_clusterrolebinding.json", "ka.req.binding.role", &["system:basic-user"]),
    ("create_clusterrolebinding.json", "ka.req.binding.subject.has_name[cluster-admin]", &[]),
    ("create_cluster_role_wildcard_verbs.json", "ka.req.role.rules.verbs", &["*", "get"]),
    ("create_cluster_role_wildcard_verbs.json", "ka.req.role.rules.verbs[1]", &["get"]),
    ("create_cluster_role_wildcard_verbs.json", "ka.req.role.rules.resources", &["pods"]),
    ("create_cluster_role_wildcard_verbs.json", "ka.req.role.rules.apiGroups", &[""]),
    ("create_cluster_role_wildcard_verbs.json", "ka.req.role.rules.nonResourceURLs[1]", &["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/openapi", "/openapi/*", "/swagger-2.0.0.pb-v1", "/swagger.json", "/swaggerapi", "/swaggerapi/*", "/version", "/version/"]),
    ("create_nginx_service_nodeport.json", "ka.req.service.type", &["NodePort"]),
    ("create_nginx_service_nodeport.json", "ka.req.service.ports", &[r#"{"nodePort":30080,"port":80,"protocol":"TCP","targetPort":80}"#]),
    ("create_nginx_service_nodeport.json", "ka.resp.name", &[]),
    ("create_configmap.json", "ka.req.configmap.name", &["my-config"]),
    ("create_configmap.json", "jevt.value[/objectRef/resource]", &["configmaps"]),
    ("create_configmap.json", "json.value[/responseStatus/code]", &["201"]),
    ("create_configmap.json", "jevt.value[/nope]", &[]),
];

#[test]
fn every_ka_field_matches_the_regression_events() {
    let mut failures = Vec::new();
    for (file, field, want) in REGRESSION {
        let evt = regression_event(file);
        let got = values(&evt, field);
        if got != *want {
            failures.push(format!("{file} {field}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn configmap_obj_and_role_rules_are_json_text() {
    let evt = regression_event("create_configmap_sensitive_values.json");
    let obj = values(&evt, "ka.req.configmap.obj");
    assert_eq!(obj.len(), 1);
    assert!(
        obj[0].starts_with('{') && obj[0].contains("aws_access_key_id"),
        "{obj:?}"
    );
    let evt = regression_event("create_cluster_role_wildcard_verbs.json");
    let rules = values(&evt, "ka.req.role.rules");
    assert_eq!(rules.len(), 2);
    assert!(rules[0].contains(r#""verbs":["*"]"#), "{rules:?}");
}

const SYNTHETIC: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x1",
 "stage":"ResponseComplete","stageTimestamp":"2024-05-01T10:00:00.123456789Z",
 "verb":"create","requestURI":"/api/v1/namespaces/ns1/pods?dryRun=All&fieldManager=kubectl%20x",
 "userAgent":"kubectl/v1.30.0","sourceIPs":["10.0.0.1","10.0.0.2"],
 "user":{"username":"alice","groups":["devs"]},"impersonatedUser":{"username":"bob"},
 "annotations":{"authentication.openshift.io/decision":"allow",
   "authentication.openshift.io/username":"alice@corp",
   "validation.policy.admission.k8s.io/validation_failure":"[{\"message\":\"denied\"}]",
   "pod-security.kubernetes.io/audit-violations":"would violate PodSecurity",
   "cluster_name":"prod-eu"},
 "objectRef":{"resource":"pods","namespace":"ns1","name":"p1"},
 "responseStatus":{"code":403,"reason":"Forbidden"},
 "requestObject":{"kind":"Pod","spec":{
   "hostIPC":true,"hostPID":false,
   "securityContext":{"runAsUser":1000,"runAsGroup":3000,"fsGroup":2000,"supplementalGroups":[4,5]},
   "volumes":[{"name":"v","flexVolume":{"driver":"acme/fv"}},{"name":"h","hostPath":{"path":"/var/run/docker.sock"}}],
   "containers":[{"name":"app","image":"registry.io/app@sha256:abc","command":["sh","-c"],"args":["echo hi"],
     "ports":[{"containerPort":80,"hostPort":8080},{"containerPort":443}],
     "securityContext":{"runAsUser":0,"allowPrivilegeEscalation":true,"readOnlyRootFilesystem":false,
       "procMount":"Unmasked","capabilities":{"add":["NET_ADMIN","SYS_TIME"]}}}],
   "initContainers":[{"name":"init","image":"busybox:1.36","command":["true"],"args":["a"],
     "ports":[{"containerPort":9000}],
     "securityContext":{"privileged":true,"runAsGroup":7,"allowPrivilegeEscalation":false,
       "readOnlyRootFilesystem":true,"procMount":"Default","capabilities":{"add":["SYS_ADMIN"]}}}],
   "ephemeralContainers":[{"name":"debug","image":"alpine","command":["sh"],"args":["-x"],
     "securityContext":{"privileged":false,"runAsUser":99,"runAsGroup":98,"allowPrivilegeEscalation":true,
       "readOnlyRootFilesystem":true,"procMount":"Default","capabilities":{"add":["SYS_PTRACE"]}}}]}}}"#;

const SYNTHETIC_FIELDS: &[(&str, &[&str])] = &[
    ("ka.auth.openshift.decision", &["allow"]),
    ("ka.auth.openshift.username", &["alice@corp"]),
    (
        "ka.validations.admission.policy.failure",
        &[r#"[{"message":"denied"}]"#],
    ),
    ("ka.security.pod.violations", &["would violate PodSecurity"]),
    ("ka.cluster.name", &["prod-eu"]),
    ("ka.impuser.name", &["bob"]),
    ("ka.useragent", &["kubectl/v1.30.0"]),
    ("ka.uri.param[fieldManager]", &["kubectl x"]),
    ("ka.sourceips[1]", &["10.0.0.2"]),
    ("ka.response.reason", &["Forbidden"]),
    ("ka.target.pod.name", &["p1"]),
    ("ka.req.pod.host_ipc", &["true"]),
    ("ka.req.pod.host_pid", &["false"]),
    ("ka.req.pod.run_as_user", &["1000"]),
    ("ka.req.pod.run_as_group", &["3000"]),
    ("ka.req.pod.fs_group", &["2000"]),
    ("ka.req.pod.supplemental_groups", &["4", "5"]),
    ("ka.req.pod.volumes.flexvolume_driver", &["acme/fv"]),
    ("ka.req.pod.volumes.hostpath", &["/var/run/docker.sock"]),
    (
        "ka.req.pod.volumes.volume_type",
        &["flexVolume", "hostPath"],
    ),
    ("ka.req.pod.volumes.volume_type[1]", &["hostPath"]),
    ("ka.req.volume.hostpath[/var/run/docker.sock]", &["true"]),
    ("ka.req.pod.containers.name", &["app"]),
    (
        "ka.req.pod.containers.image.repository",
        &["registry.io/app"],
    ),
    ("ka.req.pod.containers.command", &[r#"["sh","-c"]"#]),
    ("ka.req.pod.containers.args", &[r#"["echo hi"]"#]),
    ("ka.req.pod.containers.host_port", &["8080", "443"]),
    ("ka.req.pod.containers.privileged", &[]),
    (
        "ka.req.pod.containers.allow_privilege_escalation",
        &["true"],
    ),
    ("ka.req.pod.containers.read_only_fs", &["false"]),
    ("ka.req.pod.containers.proc_mount", &["Unmasked"]),
    ("ka.req.pod.containers.run_as_user", &["0"]),
    ("ka.req.pod.containers.eff_run_as_user", &["0"]),
    ("ka.req.pod.containers.run_as_group", &[]),
    ("ka.req.pod.containers.eff_run_as_group", &["3000"]),
    (
        "ka.req.pod.containers.add_capabilities",
        &["NET_ADMIN", "SYS_TIME"],
    ),
    ("ka.req.container.privileged", &["false"]),
    ("ka.req.pod.initContainers.name", &["init"]),
    ("ka.req.pod.initContainers.image", &["busybox:1.36"]),
    ("ka.req.pod.initContainers.image.repository", &["busybox"]),
    ("ka.req.pod.initContainers.command", &[r#"["true"]"#]),
    ("ka.req.pod.initContainers.args", &[r#"["a"]"#]),
    ("ka.req.pod.initContainers.host_port", &["9000"]),
    ("ka.req.pod.initContainers.privileged", &["true"]),
    (
        "ka.req.pod.initContainers.allow_privilege_escalation",
        &["false"],
    ),
    ("ka.req.pod.initContainers.read_only_fs", &["true"]),
    ("ka.req.pod.initContainers.proc_mount", &["Default"]),
    ("ka.req.pod.initContainers.run_as_user", &[]),
    ("ka.req.pod.initContainers.eff_run_as_user", &["1000"]),
    ("ka.req.pod.initContainers.run_as_group", &["7"]),
    ("ka.req.pod.initContainers.eff_run_as_group", &["7"]),
    ("ka.req.pod.initContainers.add_capabilities", &["SYS_ADMIN"]),
    ("ka.req.pod.ephemeralContainers.name", &["debug"]),
    ("ka.req.pod.ephemeralContainers.image", &["alpine"]),
    (
        "ka.req.pod.ephemeralContainers.image.repository",
        &["alpine"],
    ),
    ("ka.req.pod.ephemeralContainers.command", &[r#"["sh"]"#]),
    ("ka.req.pod.ephemeralContainers.args", &[r#"["-x"]"#]),
    ("ka.req.pod.ephemeralContainers.privileged", &["false"]),
    (
        "ka.req.pod.ephemeralContainers.allow_privilege_escalation",
        &["true"],
    ),
    ("ka.req.pod.ephemeralContainers.read_only_fs", &["true"]),
    ("ka.req.pod.ephemeralContainers.proc_mount", &["Default"]),
    ("ka.req.pod.ephemeralContainers.run_as_user", &["99"]),
    ("ka.req.pod.ephemeralContainers.eff_run_as_user", &["99"]),
    ("ka.req.pod.ephemeralContainers.run_as_group", &["98"]),
    ("ka.req.pod.ephemeralContainers.eff_run_as_group", &["98"]),
    (
        "ka.req.pod.ephemeralContainers.add_capabilities",
        &["SYS_PTRACE"],
    ),
    ("ka.req.pod.ephemeralContainers.name[3]", &[]),
    ("json.value[/user/groups/0]", &["devs"]),
    ("jevt.rawtime", &["1714557600123456789"]),
    ("json.rawtime", &["1714557600123456789"]),
    ("evt.rawtime.s", &["1714557600"]),
    ("evt.rawtime.ns", &["123456789"]),
    ("evt.time", &["10:00:00.123456789"]),
    ("evt.time.s", &["10:00:00"]),
    ("evt.time.iso8601", &["2024-05-01T10:00:00.123456789Z"]),
    ("evt.datetime", &["2024-05-01 10:00:00.123456789"]),
    ("evt.datetime.s", &["2024-05-01 10:00:00"]),
    ("evt.source", &["k8s_audit"]),
];

fn synthetic() -> AuditEvent {
    let items = parse_document(SYNTHETIC.as_bytes(), &Location::new("synthetic", 1));
    items.into_iter().next().unwrap().unwrap()
}

#[test]
fn fields_missing_from_the_regression_events_read_synthetic_ones() {
    let evt = synthetic();
    let mut failures = Vec::new();
    for (field, want) in SYNTHETIC_FIELDS {
        let got = values(&evt, field);
        if got != *want {
            failures.push(format!("{field}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let obj = values(&evt, "json.obj");
    let reparsed: serde_json::Value = serde_json::from_str(&obj[0]).unwrap();
    assert_eq!(&reparsed, evt.json());
}

#[test]
fn every_field_of_the_table_is_tested() {
    let base = |f: &str| f.split('[').next().unwrap_or(f).to_owned();
    let tested: BTreeSet<String> = REGRESSION
        .iter()
        .map(|(_, f, _)| base(f))
        .chain(SYNTHETIC_FIELDS.iter().map(|(f, _)| base(f)))
        .chain(
            [
                "json.obj",
                "jevt.obj",
                "json.value",
                "evt.rawtime",
                "ka.req.role.rules",
                "ka.req.configmap.obj",
            ]
            .map(String::from),
        )
        .collect();
    let untested: Vec<&str> = FIELDS
        .iter()
        .map(|f| f.name)
        .filter(|n| !tested.contains(*n))
        .collect();
    assert!(untested.is_empty(), "fields without a test: {untested:?}");
    assert_eq!(
        FIELDS.iter().filter(|f| f.name.starts_with("ka.")).count(),
        KA_FIELD_COUNT
    );
    assert_eq!(KA_FIELD_COUNT, 100);
}

#[test]
fn compile_checks_arguments() {
    let src = K8sAuditSource;
    assert!(matches!(
        src.compile("ka.nope", None),
        Err(FieldError::Unknown(_))
    ));
    assert!(matches!(
        src.compile("ka.uri.param", None),
        Err(FieldError::BadArg { .. })
    ));
    assert!(matches!(
        src.compile("ka.verb", Some("1")),
        Err(FieldError::BadArg { .. })
    ));
    assert!(matches!(
        src.compile("ka.req.role.rules", Some("0")),
        Err(FieldError::BadArg { .. })
    ));
    assert!(matches!(
        src.compile("ka.req.pod.containers.image", Some("x")),
        Err(FieldError::BadArg { .. })
    ));
    let c = src.compile("ka.user.groups", None).unwrap();
    assert!(c.is_list);
    let c = src.compile("jevt.rawtime", None).unwrap();
    assert_eq!(c.ty, crate::field::FieldType::AbsTime);
    // A dotted key works where a key is accepted: `ka.uri.param.command`.
    let evt = regression_event("exec_pod.json");
    let c = src.compile("ka.uri.param.command", None).unwrap();
    let mut out = Values::new();
    src.extract(&c.extractor, &&evt, &mut out);
    assert_eq!(out[0].to_string(), "bash");
}
