//! The field table of the `k8s_audit` source and the mapping from field
//! names to extractors.

use super::{ContainerGroup, ContainerProp, Extractor, SubjectKind};
use crate::field::{ArgKind, FieldInfo, FieldType};

/// Every field of the `k8s_audit` source: 100 `ka.*` fields, then the
/// json plugin's fields and aliases, then the `evt.*` time fields.
pub static FIELDS: &[FieldInfo] = &[
    FieldInfo::new("ka.auditid", FieldType::CharBuf, "The unique id of the audit event"),
    FieldInfo::new("ka.stage", FieldType::CharBuf, "Stage of the request (e.g. RequestReceived, ResponseComplete, etc.)"),
    FieldInfo::new("ka.auth.decision", FieldType::CharBuf, "The authorization decision"),
    FieldInfo::new("ka.auth.reason", FieldType::CharBuf, "The authorization reason"),
    FieldInfo::new("ka.auth.openshift.decision", FieldType::CharBuf, "The authentication decision of the openshift apiserver extension. Only available on openshift clusters"),
    FieldInfo::new("ka.auth.openshift.username", FieldType::CharBuf, "The user name performing the openshift authentication operation. Only available on openshift clusters"),
    FieldInfo::new("ka.validations.admission.policy.failure", FieldType::CharBuf, "The validation failure reason from Validation Admission Policy"),
    FieldInfo::new("ka.security.pod.violations", FieldType::CharBuf, "The violation reason for pod security policy"),
    FieldInfo::new("ka.user.name", FieldType::CharBuf, "The user name performing the request"),
    FieldInfo::new("ka.user.groups", FieldType::CharBuf, "The groups to which the user belongs")
        .list(),
    FieldInfo::new("ka.impuser.name", FieldType::CharBuf, "The impersonated user name"),
    FieldInfo::new("ka.verb", FieldType::CharBuf, "The action being performed"),
    FieldInfo::new("ka.uri", FieldType::CharBuf, "The request URI as sent from client to server"),
    FieldInfo::new("ka.uri.param", FieldType::CharBuf, "The value of a given query parameter in the uri (e.g. when uri=/foo?key=val, ka.uri.param[key] is val).")
        .with_arg(ArgKind::RequiredKey),
    FieldInfo::new("ka.target.name", FieldType::CharBuf, "The target object name"),
    FieldInfo::new("ka.target.namespace", FieldType::CharBuf, "The target object namespace"),
    FieldInfo::new("ka.target.resource", FieldType::CharBuf, "The target object resource"),
    FieldInfo::new("ka.target.subresource", FieldType::CharBuf, "The target object subresource"),
    FieldInfo::new("ka.target.pod.name", FieldType::CharBuf, "The target pod name"),
    FieldInfo::new("ka.req.binding.subjects", FieldType::CharBuf, "When the request object refers to a cluster role binding, the subject (e.g. account/users) being linked by the binding")
        .list(),
    FieldInfo::new("ka.req.binding.subjects.user_names", FieldType::CharBuf, "When the request object refers to a cluster role binding, the subject user names being linked by the binding")
        .list(),
    FieldInfo::new("ka.req.binding.subjects.serviceaccount_names", FieldType::CharBuf, "When the request object refers to a cluster role binding, the subject service account names being linked by the binding")
        .list(),
    FieldInfo::new("ka.req.binding.subjects.serviceaccount_ns_names", FieldType::CharBuf, "When the request object refers to a cluster role binding, the subject serviceaccount namespaced names being linked by the binding, e.g. a list containing: mynamespace:myserviceaccount")
        .list(),
    FieldInfo::new("ka.req.binding.subjects.group_names", FieldType::CharBuf, "When the request object refers to a cluster role binding, the subject group names being linked by the binding")
        .list(),
    FieldInfo::new("ka.req.binding.role", FieldType::CharBuf, "When the request object refers to a cluster role binding, the role being linked by the binding"),
    FieldInfo::new("ka.req.binding.subject.has_name", FieldType::CharBuf, "Deprecated, always returns \"N/A\". Only provided for backwards compatibility")
        .with_arg(ArgKind::RequiredKey),
    FieldInfo::new("ka.req.configmap.name", FieldType::CharBuf, "If the request object refers to a configmap, the configmap name"),
    FieldInfo::new("ka.req.configmap.obj", FieldType::CharBuf, "If the request object refers to a configmap, the entire configmap object"),
    FieldInfo::new("ka.req.pod.containers.name", FieldType::CharBuf, "When the request object refers to a pod, the containers' names.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.image", FieldType::CharBuf, "When the request object refers to a pod, the containers' images.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.image.repository", FieldType::CharBuf, "When the request object refers to a pod, the containers' image repositories (the image without tag and digest).")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.command", FieldType::CharBuf, "When the request object refers to a pod, the containers' commands.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.args", FieldType::CharBuf, "When the request object refers to a pod, the containers' args.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.host_port", FieldType::CharBuf, "When the request object refers to a pod, the containers' hostPort values.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.privileged", FieldType::CharBuf, "When the request object refers to a pod, the containers' privileged flags.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.allow_privilege_escalation", FieldType::CharBuf, "When the request object refers to a pod, the containers' allowPrivilegeEscalation flags.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.read_only_fs", FieldType::CharBuf, "When the request object refers to a pod, the containers' readOnlyRootFilesystem flags.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.run_as_user", FieldType::CharBuf, "When the request object refers to a pod, the containers' runAsUser uids.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.eff_run_as_user", FieldType::CharBuf, "When the request object refers to a pod, the containers' effective initial uids, combining pod and container security contexts (0 if none is set).")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.run_as_group", FieldType::CharBuf, "When the request object refers to a pod, the containers' runAsGroup gids.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.eff_run_as_group", FieldType::CharBuf, "When the request object refers to a pod, the containers' effective initial gids, combining pod and container security contexts (0 if none is set).")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.proc_mount", FieldType::CharBuf, "When the request object refers to a pod, the containers' procMount types.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.containers.add_capabilities", FieldType::CharBuf, "When the request object refers to a pod, the containers' capabilities to add.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.name", FieldType::CharBuf, "When the request object refers to a pod, the init containers' names.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.image", FieldType::CharBuf, "When the request object refers to a pod, the init containers' images.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.image.repository", FieldType::CharBuf, "When the request object refers to a pod, the init containers' image repositories (the image without tag and digest).")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.command", FieldType::CharBuf, "When the request object refers to a pod, the init containers' commands.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.args", FieldType::CharBuf, "When the request object refers to a pod, the init containers' args.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.host_port", FieldType::CharBuf, "When the request object refers to a pod, the init containers' hostPort values.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.privileged", FieldType::CharBuf, "When the request object refers to a pod, the init containers' privileged flags.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.allow_privilege_escalation", FieldType::CharBuf, "When the request object refers to a pod, the init containers' allowPrivilegeEscalation flags.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.read_only_fs", FieldType::CharBuf, "When the request object refers to a pod, the init containers' readOnlyRootFilesystem flags.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.run_as_user", FieldType::CharBuf, "When the request object refers to a pod, the init containers' runAsUser uids.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.eff_run_as_user", FieldType::CharBuf, "When the request object refers to a pod, the init containers' effective initial uids, combining pod and container security contexts (0 if none is set).")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.run_as_group", FieldType::CharBuf, "When the request object refers to a pod, the init containers' runAsGroup gids.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.eff_run_as_group", FieldType::CharBuf, "When the request object refers to a pod, the init containers' effective initial gids, combining pod and container security contexts (0 if none is set).")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.proc_mount", FieldType::CharBuf, "When the request object refers to a pod, the init containers' procMount types.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.initContainers.add_capabilities", FieldType::CharBuf, "When the request object refers to a pod, the init containers' capabilities to add.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.name", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' names.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.image", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' images.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.image.repository", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' image repositories (the image without tag and digest).")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.command", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' commands.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.args", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' args.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.privileged", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' privileged flags.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.allow_privilege_escalation", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' allowPrivilegeEscalation flags.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.read_only_fs", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' readOnlyRootFilesystem flags.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.run_as_user", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' runAsUser uids.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.eff_run_as_user", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' effective initial uids, combining pod and container security contexts (0 if none is set).")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.run_as_group", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' runAsGroup gids.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.eff_run_as_group", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' effective initial gids, combining pod and container security contexts (0 if none is set).")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.proc_mount", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' procMount types.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.ephemeralContainers.add_capabilities", FieldType::CharBuf, "When the request object refers to a pod, the ephemeral containers' capabilities to add.")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.container.image", FieldType::CharBuf, "Deprecated by ka.req.pod.containers.image. Returns the image of the first container only"),
    FieldInfo::new("ka.req.container.image.repository", FieldType::CharBuf, "Deprecated by ka.req.pod.containers.image.repository. Returns the repository of the first container only"),
    FieldInfo::new("ka.req.pod.host_ipc", FieldType::CharBuf, "When the request object refers to a pod, the value of the hostIPC flag."),
    FieldInfo::new("ka.req.pod.host_network", FieldType::CharBuf, "When the request object refers to a pod, the value of the hostNetwork flag."),
    FieldInfo::new("ka.req.container.host_network", FieldType::CharBuf, "Deprecated alias for ka.req.pod.host_network"),
    FieldInfo::new("ka.req.pod.host_pid", FieldType::CharBuf, "When the request object refers to a pod, the value of the hostPID flag."),
    FieldInfo::new("ka.req.container.privileged", FieldType::CharBuf, "Deprecated by ka.req.pod.containers.privileged. Returns true if any container has privileged=true"),
    FieldInfo::new("ka.req.pod.run_as_user", FieldType::CharBuf, "When the request object refers to a pod, the runAsUser uid specified in the security context for the pod."),
    FieldInfo::new("ka.req.pod.run_as_group", FieldType::CharBuf, "When the request object refers to a pod, the runAsGroup gid specified in the security context for the pod."),
    FieldInfo::new("ka.req.role.rules", FieldType::CharBuf, "When the request object refers to a role/cluster role, the rules associated with the role")
        .list(),
    FieldInfo::new("ka.req.role.rules.apiGroups", FieldType::CharBuf, "When the request object refers to a role/cluster role, the api groups associated with the role's rules")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.role.rules.nonResourceURLs", FieldType::CharBuf, "When the request object refers to a role/cluster role, the non resource urls associated with the role's rules")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.role.rules.verbs", FieldType::CharBuf, "When the request object refers to a role/cluster role, the verbs associated with the role's rules")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.role.rules.resources", FieldType::CharBuf, "When the request object refers to a role/cluster role, the resources associated with the role's rules")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.fs_group", FieldType::CharBuf, "When the request object refers to a pod, the fsGroup gid specified by the security context."),
    FieldInfo::new("ka.req.pod.supplemental_groups", FieldType::CharBuf, "When the request object refers to a pod, the supplementalGroup gids specified by the security context.")
        .list(),
    FieldInfo::new("ka.req.service.type", FieldType::CharBuf, "When the request object refers to a service, the service type"),
    FieldInfo::new("ka.req.service.ports", FieldType::CharBuf, "When the request object refers to a service, the service's ports")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.volumes.hostpath", FieldType::CharBuf, "When the request object refers to a pod, all hostPath paths specified for all volumes")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.volume.hostpath", FieldType::CharBuf, "Deprecated by ka.req.pod.volumes.hostpath. Return true if the provided (host) path prefix is used by any volume")
        .with_arg(ArgKind::RequiredKey),
    FieldInfo::new("ka.req.pod.volumes.flexvolume_driver", FieldType::CharBuf, "When the request object refers to a pod, all flexvolume drivers specified for all volumes")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.req.pod.volumes.volume_type", FieldType::CharBuf, "When the request object refers to a pod, all volume types for all volumes")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.resp.name", FieldType::CharBuf, "The response object name"),
    FieldInfo::new("ka.response.code", FieldType::CharBuf, "The response code"),
    FieldInfo::new("ka.response.reason", FieldType::CharBuf, "The response reason (usually present only for failures)"),
    FieldInfo::new("ka.useragent", FieldType::CharBuf, "The useragent of the client who made the request to the apiserver"),
    FieldInfo::new("ka.sourceips", FieldType::CharBuf, "The IP addresses of the client who made the request to the apiserver")
        .list()
        .with_arg(ArgKind::OptionalIndex),
    FieldInfo::new("ka.cluster.name", FieldType::CharBuf, "The name of the k8s cluster"),
    FieldInfo::new("json.value", FieldType::CharBuf, "Extracts a value from the event's JSON using a JSON pointer (RFC 6901), e.g. json.value[/user/username]")
        .with_arg(ArgKind::RequiredKey),
    FieldInfo::new("json.obj", FieldType::CharBuf, "The full event as JSON"),
    FieldInfo::new("json.rawtime", FieldType::AbsTime, "The time of the event, identical to evt.rawtime"),
    FieldInfo::new("jevt.value", FieldType::CharBuf, "Alias for json.value, kept for compatibility")
        .with_arg(ArgKind::RequiredKey),
    FieldInfo::new("jevt.obj", FieldType::CharBuf, "Alias for json.obj, kept for compatibility"),
    FieldInfo::new("jevt.rawtime", FieldType::AbsTime, "Alias for json.rawtime, kept for compatibility"),
    FieldInfo::new("evt.time", FieldType::CharBuf, "Event timestamp as a time string (HH:MM:SS.nnnnnnnnn, UTC)"),
    FieldInfo::new("evt.time.s", FieldType::CharBuf, "Event timestamp as a time string without nanoseconds (HH:MM:SS)"),
    FieldInfo::new("evt.time.iso8601", FieldType::CharBuf, "Event timestamp in ISO 8601 format, including nanoseconds and the Z time zone"),
    FieldInfo::new("evt.datetime", FieldType::CharBuf, "Event timestamp as a date and time string (YYYY-MM-DD HH:MM:SS.nnnnnnnnn)"),
    FieldInfo::new("evt.datetime.s", FieldType::CharBuf, "Event timestamp as a date and time string without nanoseconds"),
    FieldInfo::new("evt.rawtime", FieldType::AbsTime, "Absolute event timestamp: nanoseconds from the epoch"),
    FieldInfo::new("evt.rawtime.s", FieldType::Uint64, "Integer part of the event timestamp (seconds since the epoch)"),
    FieldInfo::new("evt.rawtime.ns", FieldType::Uint64, "Fractional part of the event timestamp (nanoseconds)"),
    FieldInfo::new("evt.source", FieldType::CharBuf, "The name of the source that produced the event (k8s_audit)"),
];

/// Number of `ka.*` fields at the start of [`FIELDS`].
pub const KA_FIELD_COUNT: usize = 100;

const CONTAINER_PROPS: &[(&str, ContainerProp)] = &[
    ("name", ContainerProp::Name),
    ("image", ContainerProp::Image),
    ("image.repository", ContainerProp::Repository),
    ("command", ContainerProp::Command),
    ("args", ContainerProp::Args),
    ("host_port", ContainerProp::HostPort),
    ("privileged", ContainerProp::Privileged),
    (
        "allow_privilege_escalation",
        ContainerProp::AllowPrivilegeEscalation,
    ),
    ("read_only_fs", ContainerProp::ReadOnlyFs),
    ("run_as_user", ContainerProp::RunAsUser),
    ("eff_run_as_user", ContainerProp::EffRunAsUser),
    ("run_as_group", ContainerProp::RunAsGroup),
    ("eff_run_as_group", ContainerProp::EffRunAsGroup),
    ("proc_mount", ContainerProp::ProcMount),
    ("add_capabilities", ContainerProp::AddCapabilities),
];

const fn path(path: &'static [&'static str]) -> Option<Extractor> {
    Some(Extractor::Path { path, list: false })
}

const fn list(path: &'static [&'static str]) -> Option<Extractor> {
    Some(Extractor::Path { path, list: true })
}

/// The extractor of the field `name` (a name from [`FIELDS`]) with its
/// argument: `arg` is the key (empty when none), `index` the parsed index.
pub(super) fn extractor_for(name: &str, arg: &str, index: Option<usize>) -> Option<Extractor> {
    if let Some(rest) = name.strip_prefix("ka.req.pod.") {
        if let Some(ex) = container_extractor(rest, index) {
            return Some(ex);
        }
    }
    match name {
        "ka.auditid" => path(&["auditID"]),
        "ka.stage" => path(&["stage"]),
        "ka.auth.decision" => path(&["annotations", "authorization.k8s.io/decision"]),
        "ka.auth.reason" => path(&["annotations", "authorization.k8s.io/reason"]),
        "ka.auth.openshift.decision" => {
            path(&["annotations", "authentication.openshift.io/decision"])
        }
        "ka.auth.openshift.username" => {
            path(&["annotations", "authentication.openshift.io/username"])
        }
        "ka.validations.admission.policy.failure" => path(&[
            "annotations",
            "validation.policy.admission.k8s.io/validation_failure",
        ]),
        "ka.security.pod.violations" => {
            path(&["annotations", "pod-security.kubernetes.io/audit-violations"])
        }
        "ka.user.name" => path(&["user", "username"]),
        "ka.user.groups" => list(&["user", "groups"]),
        "ka.impuser.name" => path(&["impersonatedUser", "username"]),
        "ka.verb" => path(&["verb"]),
        "ka.uri" => path(&["requestURI"]),
        "ka.uri.param" => Some(Extractor::UriParam(arg.into())),
        "ka.target.name" | "ka.req.configmap.name" => path(&["objectRef", "name"]),
        "ka.target.namespace" => path(&["objectRef", "namespace"]),
        "ka.target.resource" => path(&["objectRef", "resource"]),
        "ka.target.subresource" => path(&["objectRef", "subresource"]),
        "ka.target.pod.name" => Some(Extractor::TargetPodName),
        "ka.req.binding.subjects" => list(&["requestObject", "subjects"]),
        "ka.req.binding.subjects.user_names" => Some(Extractor::Subjects(SubjectKind::User)),
        "ka.req.binding.subjects.serviceaccount_names" => {
            Some(Extractor::Subjects(SubjectKind::ServiceAccount))
        }
        "ka.req.binding.subjects.serviceaccount_ns_names" => {
            Some(Extractor::Subjects(SubjectKind::ServiceAccountNs))
        }
        "ka.req.binding.subjects.group_names" => Some(Extractor::Subjects(SubjectKind::Group)),
        "ka.req.binding.role" => path(&["requestObject", "roleRef", "name"]),
        "ka.req.binding.subject.has_name" => Some(Extractor::NotAvailable),
        "ka.req.configmap.obj" => path(&["requestObject", "data"]),
        "ka.req.container.image" => Some(Extractor::FirstContainer { repository: false }),
        "ka.req.container.image.repository" => Some(Extractor::FirstContainer { repository: true }),
        "ka.req.pod.host_ipc" => path(&["requestObject", "spec", "hostIPC"]),
        "ka.req.pod.host_network" | "ka.req.container.host_network" => {
            path(&["requestObject", "spec", "hostNetwork"])
        }
        "ka.req.pod.host_pid" => path(&["requestObject", "spec", "hostPID"]),
        "ka.req.container.privileged" => Some(Extractor::AnyPrivileged),
        "ka.req.pod.run_as_user" => {
            path(&["requestObject", "spec", "securityContext", "runAsUser"])
        }
        "ka.req.pod.run_as_group" => {
            path(&["requestObject", "spec", "securityContext", "runAsGroup"])
        }
        "ka.req.pod.fs_group" => path(&["requestObject", "spec", "securityContext", "fsGroup"]),
        "ka.req.pod.supplemental_groups" => list(&[
            "requestObject",
            "spec",
            "securityContext",
            "supplementalGroups",
        ]),
        "ka.req.role.rules" => list(&["requestObject", "rules"]),
        "ka.req.role.rules.apiGroups" => rules("apiGroups", index),
        "ka.req.role.rules.nonResourceURLs" => rules("nonResourceURLs", index),
        "ka.req.role.rules.verbs" => rules("verbs", index),
        "ka.req.role.rules.resources" => rules("resources", index),
        "ka.req.service.type" => path(&["requestObject", "spec", "type"]),
        "ka.req.service.ports" => Some(Extractor::ArrayAt {
            path: &["requestObject", "spec", "ports"],
            index,
        }),
        "ka.req.pod.volumes.hostpath" => Some(Extractor::Volumes {
            sub: &["hostPath", "path"],
            index,
        }),
        "ka.req.volume.hostpath" => Some(Extractor::VolumeHostpathMounted(arg.into())),
        "ka.req.pod.volumes.flexvolume_driver" => Some(Extractor::Volumes {
            sub: &["flexVolume", "driver"],
            index,
        }),
        "ka.req.pod.volumes.volume_type" => Some(Extractor::VolumeTypes(index)),
        "ka.resp.name" => path(&["responseObject", "metadata", "name"]),
        "ka.response.code" => path(&["responseStatus", "code"]),
        "ka.response.reason" => path(&["responseStatus", "reason"]),
        "ka.useragent" => path(&["userAgent"]),
        "ka.sourceips" => Some(Extractor::ArrayAt {
            path: &["sourceIPs"],
            index,
        }),
        "ka.cluster.name" => path(&["annotations", "cluster_name"]),
        "json.value" | "jevt.value" => Some(Extractor::JsonPointer(arg.into())),
        "json.obj" | "jevt.obj" => Some(Extractor::JsonObj),
        "json.rawtime" | "jevt.rawtime" | "evt.rawtime" => Some(Extractor::RawTime),
        "evt.rawtime.s" => Some(Extractor::RawTimePart { seconds: true }),
        "evt.rawtime.ns" => Some(Extractor::RawTimePart { seconds: false }),
        "evt.time" => Some(Extractor::TimeText(super::TimeFormat::Time)),
        "evt.time.s" => Some(Extractor::TimeText(super::TimeFormat::TimeSeconds)),
        "evt.time.iso8601" => Some(Extractor::TimeText(super::TimeFormat::Iso8601)),
        "evt.datetime" => Some(Extractor::TimeText(super::TimeFormat::DateTime)),
        "evt.datetime.s" => Some(Extractor::TimeText(super::TimeFormat::DateTimeSeconds)),
        "evt.source" => Some(Extractor::SourceName),
        _ => None,
    }
}

fn rules(key: &'static str, index: Option<usize>) -> Option<Extractor> {
    Some(Extractor::RoleRules { key, index })
}

/// `containers.image`, `initContainers.privileged`, ... (after `ka.req.pod.`).
fn container_extractor(rest: &str, index: Option<usize>) -> Option<Extractor> {
    let (group_key, prop_key) = rest.split_once('.')?;
    let group = match group_key {
        "containers" => ContainerGroup::Containers,
        "initContainers" => ContainerGroup::Init,
        "ephemeralContainers" => ContainerGroup::Ephemeral,
        _ => return None,
    };
    let prop = CONTAINER_PROPS
        .iter()
        .find(|(key, _)| *key == prop_key)
        .map(|(_, prop)| *prop)?;
    Some(Extractor::Container { group, prop, index })
}
