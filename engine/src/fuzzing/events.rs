//! Fixed events the fuzzed filters, rules and policies are evaluated
//! against: a few syscall events built with the driver's encoder and
//! processed by an [`Inspector`], and a few hand-written audit events.

use driver::param::SockTuple;
use driver::{EventBuilder, EventCode, EventRef};
use libcapture::meta::{Snapshot, ThreadInfo, UserInfo};

use crate::k8saudit::{parse_document, AuditEvent, Location};
use crate::syscall::{Inspector, Limits, SyscallEvent};

/// Audit events: an exec into a pod, a privileged pod creation and a
/// cluster role binding (the shapes most `ka.*` fields read).
const AUDIT_EVENTS: &str = r#"[
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"e1",
 "stage":"ResponseStarted","verb":"create",
 "requestURI":"/api/v1/namespaces/shop/pods/cart/exec?command=sh&container=cart&tty=true",
 "user":{"username":"dev-alice","groups":["developers","system:authenticated"]},
 "impersonatedUser":{"username":"bob"},"sourceIPs":["127.0.0.1"],"userAgent":"kubectl/v1.31.0",
 "objectRef":{"resource":"pods","namespace":"shop","name":"cart","apiVersion":"v1","subresource":"exec"},
 "responseStatus":{"metadata":{},"code":101},
 "annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC"},
 "requestReceivedTimestamp":"2026-11-27T05:00:00.000000Z","stageTimestamp":"2026-11-27T05:00:00.120000Z"},
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"e2",
 "stage":"ResponseComplete","verb":"create","requestURI":"/api/v1/namespaces/default/pods",
 "user":{"username":"system:serviceaccount:ci:deployer","groups":["system:serviceaccounts"]},
 "objectRef":{"resource":"pods","namespace":"default","name":"miner","apiVersion":"v1"},
 "responseStatus":{"code":201},
 "requestObject":{"kind":"Pod","metadata":{"name":"miner","namespace":"default","labels":{"app":"x"}},
  "spec":{"hostNetwork":true,"hostPID":true,"hostIPC":true,"serviceAccountName":"default",
   "securityContext":{"runAsUser":0,"runAsGroup":0,"fsGroup":0,"supplementalGroups":[0,1],"sysctls":[{"name":"kernel.x","value":"1"}]},
   "volumes":[{"name":"root","hostPath":{"path":"/","type":""}},{"name":"c","configMap":{"name":"cm"}}],
   "containers":[{"name":"a","image":"docker.io/library/busybox:1.36","command":["sh"],"args":["-c","id"],
     "ports":[{"containerPort":8080,"hostPort":80,"protocol":"TCP"}],
     "securityContext":{"privileged":true,"allowPrivilegeEscalation":true,"readOnlyRootFilesystem":false,
      "runAsNonRoot":false,"runAsUser":0,"capabilities":{"add":["SYS_ADMIN","NET_ADMIN"],"drop":["ALL"]}},
     "volumeMounts":[{"name":"root","mountPath":"/host"}],"env":[{"name":"AWS_SECRET","value":"x"}]},
    {"name":"b","image":"registry.example.com:5000/team/app@sha256:0123"}]}},
 "responseObject":{"kind":"Pod","metadata":{"name":"miner"}},
 "requestReceivedTimestamp":"2026-11-27T05:00:01.000000Z","stageTimestamp":"2026-11-27T05:00:01.5Z"},
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"e3",
 "stage":"ResponseComplete","verb":"create",
 "requestURI":"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
 "user":{"username":"admin","groups":["system:masters"]},
 "objectRef":{"resource":"clusterrolebindings","apiGroup":"rbac.authorization.k8s.io","name":"crb"},
 "requestObject":{"kind":"ClusterRoleBinding","roleRef":{"kind":"ClusterRole","name":"cluster-admin"},
  "subjects":[{"kind":"User","name":"mallory"},{"kind":"Group","name":"devs"},
   {"kind":"ServiceAccount","name":"sa","namespace":"kube-system"}],
  "rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}],"data":{"k":"v"}},
 "responseStatus":{"code":201},
 "stageTimestamp":"2026-11-27T05:00:02Z"}
]"#;

/// The fixed audit events.
pub fn audit_events() -> Vec<AuditEvent> {
    parse_document(AUDIT_EVENTS.as_bytes(), &Location::new("fixed", 1))
        .into_iter()
        .filter_map(Result::ok)
        .collect()
}

fn thread(tid: u64, ptid: u64, comm: &str, uid: u32) -> ThreadInfo {
    ThreadInfo {
        tid,
        pid: tid,
        ptid,
        comm: comm.into(),
        exe: comm.into(),
        exepath: format!("/usr/bin/{comm}"),
        cwd: "/home/alice".into(),
        uid,
        gid: uid,
        ..ThreadInfo::default()
    }
}

fn snapshot() -> Snapshot {
    Snapshot {
        users: vec![UserInfo {
            uid: 1000,
            gid: 1000,
            name: "alice".into(),
            homedir: "/home/alice".into(),
            shell: "/bin/bash".into(),
        }],
        threads: vec![
            thread(100, 1, "bash", 1000),
            thread(101, 100, "cat", 1000),
            thread(200, 1, "nginx", 33),
        ],
        ..Snapshot::default()
    }
}

/// Encoded syscall events: an open of `/etc/shadow`, an `execve` of `sh`
/// by a web server, and a `connect` to port 4444.
fn syscall_bytes() -> Vec<Vec<u8>> {
    let mut events = Vec::new();
    let mut buf = Vec::new();
    let built = EventBuilder::new(EventCode::OPEN_X, 1_000, 101)
        .fd(3)
        .path("/etc/shadow")
        .flags32(1)
        .u32(0)
        .u32(0)
        .u64(0)
        .finish(&mut buf);
    if built.is_ok() {
        events.push(std::mem::take(&mut buf));
    }
    let built = EventBuilder::new(EventCode::EXECVE_19_X, 2_000, 200)
        .errno(0)
        .str("sh")
        .bytes(b"-c\0id\0")
        .pid(200)
        .pid(200)
        .pid(1)
        .str("/")
        .u64(1024)
        .u64(0)
        .u64(0)
        .u32(0)
        .u32(0)
        .u32(0)
        .str("sh")
        .finish(&mut buf);
    if built.is_ok() {
        events.push(std::mem::take(&mut buf));
    }
    let tuple = SockTuple::Inet {
        src: [10, 0, 0, 2].into(),
        sport: 40_000,
        dst: [10, 0, 0, 1].into(),
        dport: 4444,
    };
    let built = EventBuilder::new(EventCode::CONNECT_X, 3_000, 100)
        .errno(0)
        .socktuple(&tuple)
        .fd(4)
        .finish(&mut buf);
    if built.is_ok() {
        events.push(buf);
    }
    events
}

/// Calls `f` with each fixed syscall event, in order, through one inspector.
pub fn with_syscall_events(mut f: impl FnMut(&SyscallEvent<'_>)) {
    let mut inspector = Inspector::from_snapshot(&snapshot(), Limits::default());
    for bytes in syscall_bytes() {
        if let Ok(evt) = EventRef::parse(&bytes) {
            let evt = inspector.process(evt, 0, None);
            f(&evt);
        }
    }
}
