//! The shipped Kubernetes DaemonSet (deploy/kubernetes/harrier.yaml) and
//! image (deploy/Dockerfile), run for real on this machine: the container's
//! exact command line, environment, ConfigMaps and mounts are laid out in a
//! temporary directory the way the kubelet would mount them, then harrier
//! runs with them against the live eBPF probe. It must raise an alert that
//! names the node, serve its probes' endpoint on the port the manifest
//! declares, and stop cleanly on SIGTERM within the grace period.
//!
//! Needs root and a BTF kernel; without them the test says SKIPPED.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_yaml::Value;

mod support;
use support::{free_port, is_root, send_signal};

const NODE_NAME: &str = "test-node-7";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every document of a manifest under deploy/kubernetes.
fn manifest(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(repo().join("deploy/kubernetes").join(name)).unwrap();
    serde_yaml::Deserializer::from_str(&text)
        .map(|doc| serde::Deserialize::deserialize(doc).unwrap())
        .collect()
}

fn of_kind<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in the manifest"))
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v:?}"))
}

/// Where the image puts files (`COPY SRC DEST` lines of deploy/Dockerfile
/// that copy from the build context): image path → repository path.
fn image_files() -> Vec<(String, PathBuf)> {
    let text = std::fs::read_to_string(repo().join("deploy/Dockerfile")).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("COPY "))
        .filter(|rest| !rest.starts_with("--from") && !rest.starts_with(". "))
        .map(|rest| {
            let parts: Vec<&str> = rest.split_whitespace().collect();
            let [src, dest] = parts[..] else {
                panic!("COPY {rest}")
            };
            (dest.trim_end_matches('/').to_string(), repo().join(src))
        })
        .collect()
}

/// The pod's file system as seen from this machine: container path prefix →
/// local path, longest prefix first.
struct Mounts(Vec<(String, PathBuf)>);

impl Mounts {
    /// `secrets` holds, per Secret name, a local directory with its keys.
    fn lay_out(
        docs: &[Value],
        pod: &Value,
        dir: &Path,
        secrets: &BTreeMap<&str, PathBuf>,
    ) -> Mounts {
        let container = &pod["containers"][0];
        let mut volumes = BTreeMap::new();
        for v in pod["volumes"].as_sequence().unwrap() {
            volumes.insert(str_of(&v["name"]).to_string(), v.clone());
        }
        let mut map = image_files();
        for m in container["volumeMounts"].as_sequence().unwrap() {
            let volume = &volumes[str_of(&m["name"])];
            let local = if let Some(cm) = volume.get("configMap") {
                let data = &of_kind(docs, "ConfigMap", str_of(&cm["name"]))["data"];
                let local = dir.join(str_of(&m["name"]));
                std::fs::create_dir_all(&local).unwrap();
                for (key, text) in data.as_mapping().unwrap() {
                    std::fs::write(local.join(str_of(key)), str_of(text)).unwrap();
                }
                local
            } else if let Some(secret) = volume.get("secret") {
                secrets[str_of(&secret["secretName"])].clone()
            } else {
                let host = str_of(&volume["hostPath"]["path"]);
                match host {
                    // The node's own /proc and /etc: this machine's.
                    "/proc" | "/etc" => PathBuf::from(host),
                    // State the pod writes: a scratch directory here.
                    _ => {
                        let local = dir.join(str_of(&m["name"]));
                        std::fs::create_dir_all(&local).unwrap();
                        local
                    }
                }
            };
            map.push((str_of(&m["mountPath"]).to_string(), local));
        }
        map.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
        Mounts(map)
    }

    /// A container path as a local one (unchanged when nothing is mounted there).
    fn local(&self, path: &str) -> String {
        for (prefix, local) in &self.0 {
            if let Some(rest) = path.strip_prefix(prefix.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    return format!("{}{rest}", local.display());
                }
            }
        }
        path.to_string()
    }

    /// Rewrites every container path in a text file (the config).
    fn rewrite_file(&self, local_file: &str) {
        let text = std::fs::read_to_string(local_file).unwrap();
        let rewritten: Vec<String> = text
            .lines()
            .map(|line| match line.split_once(": /") {
                Some((key, path)) => format!("{key}: {}", self.local(&format!("/{path}"))),
                None => line.to_string(),
            })
            .collect();
        std::fs::write(local_file, rewritten.join("\n")).unwrap();
    }
}

/// harrier started with a pod's container command line and environment.
struct Pod {
    child: Child,
    stdout: mpsc::Receiver<String>,
    grace: Duration,
    dir: PathBuf,
}

impl Pod {
    /// Lays out the pod's mounts under a fresh directory and starts it.
    /// `arg` rewrites each (already localised) argument, `env` gives the
    /// value of each `valueFrom` variable, and `config` rewrites the
    /// `--config` file after its paths were localised.
    fn start(
        tag: &str,
        docs: &[Value],
        pod: &Value,
        secrets: impl FnOnce(&Path) -> BTreeMap<&'static str, PathBuf>,
        arg: impl Fn(String) -> String,
        config: impl Fn(String) -> String,
    ) -> Pod {
        let dir = std::env::temp_dir().join(format!("harrier-deploy-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mounts = Mounts::lay_out(docs, pod, &dir, &secrets(&dir));
        let c = &pod["containers"][0];
        let args: Vec<String> = c["args"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|a| arg(mounts.local(str_of(a))))
            .collect();
        if let Some(at) = args.iter().position(|a| a == "--config") {
            let file = &args[at + 1];
            mounts.rewrite_file(file);
            let text = std::fs::read_to_string(file).unwrap();
            std::fs::write(file, config(text)).unwrap();
        }
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_harrier"));
        cmd.args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for e in c["env"].as_sequence().into_iter().flatten() {
            let value = match e.get("value") {
                Some(v) => mounts.local(str_of(v)),
                None => {
                    assert_eq!(e["valueFrom"]["fieldRef"]["fieldPath"], "spec.nodeName");
                    NODE_NAME.to_string()
                }
            };
            cmd.env(str_of(&e["name"]), value);
        }
        if c["env"]
            .as_sequence()
            .into_iter()
            .flatten()
            .any(|e| e["name"] == "HOST_ROOT")
        {
            // HOST_ROOT=/host: the node's /proc and /etc under one directory.
            let host = dir.join("host");
            std::fs::create_dir_all(&host).unwrap();
            std::os::unix::fs::symlink(mounts.local("/host/proc"), host.join("proc")).unwrap();
            std::os::unix::fs::symlink(mounts.local("/host/etc"), host.join("etc")).unwrap();
            cmd.env("HOST_ROOT", &host);
        }
        let mut child = cmd.spawn().unwrap();
        let (tx, stdout) = mpsc::channel::<String>();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let grace = Duration::from_secs(pod["terminationGracePeriodSeconds"].as_u64().unwrap());
        Pod {
            child,
            stdout,
            grace,
            dir,
        }
    }

    fn stderr(&mut self) -> String {
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            e.read_to_string(&mut err).unwrap();
        }
        err
    }

    /// Calls `trigger` until an alert of `rule` that `matches` arrives.
    fn alert(
        &mut self,
        rule: &str,
        mut trigger: impl FnMut(),
        matches: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            assert!(Instant::now() < deadline, "no {rule} alert within 90 s");
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("harrier exited early ({status}): {}", self.stderr());
            }
            trigger();
            while let Ok(line) = self.stdout.recv_timeout(Duration::from_millis(500)) {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                if v["rule"] == rule && matches(&v) {
                    return v;
                }
            }
        }
    }

    /// Sends SIGTERM, as the kubelet does, and expects a clean exit within
    /// the pod's grace period.
    fn terminate(mut self) {
        assert!(send_signal(self.child.id(), "TERM"));
        let stopped = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                stopped.elapsed() < self.grace,
                "still running {:?} after SIGTERM",
                self.grace
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(
            status.success(),
            "exit after SIGTERM: {status}\n{}",
            self.stderr()
        );
        std::fs::remove_dir_all(&self.dir).unwrap();
    }
}

fn http_get(addr: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: harrier\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    Some(body)
}

fn ebpf_available() -> Result<(), String> {
    if !is_root() {
        return Err("not root".into());
    }
    if !Path::new("/sys/kernel/btf/vmlinux").exists() {
        return Err("the kernel has no BTF".into());
    }
    Ok(())
}

#[test]
fn the_manifest_wires_ports_probes_and_node_identity() {
    let docs = manifest("harrier.yaml");
    let ds = of_kind(&docs, "DaemonSet", "harrier");
    let pod = &ds["spec"]["template"]["spec"];
    assert_eq!(pod["hostPID"], true, "the node's processes");
    let c = &pod["containers"][0];
    let env: BTreeMap<&str, &Value> = c["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| (str_of(&e["name"]), e))
        .collect();
    assert_eq!(
        env["HARRIER_HOSTNAME"]["valueFrom"]["fieldRef"]["fieldPath"],
        "spec.nodeName"
    );
    let metrics_port = c["ports"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "metrics")
        .and_then(|p| p["containerPort"].as_u64())
        .unwrap();
    for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
        assert_eq!(c[probe]["httpGet"]["port"], "metrics", "{probe}");
        assert_eq!(c[probe]["httpGet"]["path"], "/healthz", "{probe}");
    }
    let config = &of_kind(&docs, "ConfigMap", "harrier-config")["data"]["harrier.yaml"];
    let config: Value = serde_yaml::from_str(str_of(config)).unwrap();
    let listen = str_of(&config["metrics"]["listen"]);
    assert!(
        listen.ends_with(&format!(":{metrics_port}")),
        "metrics.listen {listen} vs containerPort {metrics_port}"
    );
    let service = of_kind(&docs, "Service", "harrier-metrics");
    assert_eq!(service["spec"]["ports"][0]["targetPort"], "metrics");
    assert_eq!(
        service["spec"]["selector"],
        ds["spec"]["template"]["metadata"]["labels"]
    );
    // The image's default rules directory is what the manifest loads first.
    let args: Vec<&str> = c["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(str_of)
        .collect();
    let image = image_files();
    assert!(
        image
            .iter()
            .any(|(dest, src)| args.contains(&dest.as_str()) && src.ends_with("rules/default/")),
        "{args:?} loads the image's rules ({image:?})"
    );
}

#[test]
fn the_daemonset_command_detects_names_the_node_and_stops_on_sigterm() {
    if let Err(why) = ebpf_available() {
        println!("SKIPPED: the DaemonSet runs the eBPF probe: {why}");
        return;
    }
    let docs = manifest("harrier.yaml");
    let pod = &of_kind(&docs, "DaemonSet", "harrier")["spec"]["template"]["spec"];
    let listen = format!("127.0.0.1:{}", free_port());
    let mut harrier = Pod::start(
        "node",
        &docs,
        pod,
        |_| BTreeMap::new(),
        |a| a,
        |config| config.replace("0.0.0.0:8765", &listen),
    );
    // The probe loads first: read the shadow file until the alert comes.
    let cat_shadow = || {
        Command::new("cat")
            .arg("/etc/shadow")
            .stdout(Stdio::null())
            .status()
            .unwrap();
    };
    let alert = harrier.alert("Sensitive File Read", cat_shadow, |v| {
        v["output_fields"]["proc.cmdline"] == "cat /etc/shadow"
    });
    assert_eq!(alert["hostname"], NODE_NAME, "{alert}");
    let health = http_get(&listen, "/healthz").unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let metrics = http_get(&listen, "/metrics").unwrap();
    assert!(metrics.contains("harrier_alerts_total{"), "{metrics}");
    harrier.terminate();
}

/// Runs `openssl` in `dir`; panics with its error output on failure.
fn openssl(dir: &Path, args: &str) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args.split_whitespace())
        .output()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(
        out.status.success(),
        "openssl {args}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and a server certificate for `dns` signed by it, as the Secret
/// `kubectl create secret tls` makes: `tls.crt` and `tls.key` in `dir`.
fn tls_secret(dir: &Path, dns: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    openssl(
        dir,
        &format!("req -x509 {ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca"),
    );
    openssl(
        dir,
        &format!("req {ec} -keyout tls.key -out tls.csr -subj /CN={dns}"),
    );
    std::fs::write(
        dir.join("ext"),
        format!(
            "subjectAltName=DNS:{dns}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        ),
    )
    .unwrap();
    openssl(
        dir,
        "x509 -req -in tls.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out tls.crt -days 2 -extfile ext",
    );
    dir.join("ca.pem")
}

/// One HTTPS request to `addr`, verifying the server as `dns` against `ca`;
/// the response, or `None` when the server is not up yet.
fn https(addr: &str, dns: &str, ca: &Path, request: &[u8]) -> Option<String> {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pki_types::CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from(dns.to_string()).unwrap();
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap();
    let sock = TcpStream::connect(addr).ok()?;
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    tls.write_all(request).unwrap();
    let mut response = Vec::new();
    // A server that closes without close_notify still sent its answer.
    let _ = tls.read_to_end(&mut response);
    Some(String::from_utf8_lossy(&response).into_owned())
}

#[test]
fn the_audit_webhook_deployment_takes_the_api_servers_batches() {
    let docs = manifest("harrier-audit.yaml");
    let deployment = of_kind(&docs, "Deployment", "harrier-audit");
    let pod = &deployment["spec"]["template"]["spec"];
    let service = of_kind(&docs, "Service", "harrier-audit");
    let dns = format!(
        "{}.{}.svc",
        str_of(&service["metadata"]["name"]),
        str_of(&service["metadata"]["namespace"])
    );
    let c = &pod["containers"][0];
    for probe in ["livenessProbe", "readinessProbe"] {
        assert_eq!(c[probe]["httpGet"]["port"], "audit", "{probe}");
        assert_eq!(c[probe]["httpGet"]["scheme"], "HTTPS", "{probe}");
    }
    assert_eq!(service["spec"]["ports"][0]["targetPort"], "audit");

    let token = "audit-webhook-token-for-tests";
    let ca = std::cell::RefCell::new(PathBuf::new());
    let addr = format!("127.0.0.1:{}", free_port());
    let metrics = format!("127.0.0.1:{}", free_port());
    let mut harrier = Pod::start(
        "audit",
        &docs,
        pod,
        |dir| {
            *ca.borrow_mut() = tls_secret(&dir.join("tls"), &dns);
            let token_dir = dir.join("token");
            std::fs::create_dir_all(&token_dir).unwrap();
            std::fs::write(token_dir.join("token"), token).unwrap();
            BTreeMap::from([
                ("harrier-audit-tls", dir.join("tls")),
                ("harrier-audit-token", token_dir),
            ])
        },
        |a| if a == "0.0.0.0:9765" { addr.clone() } else { a },
        |config| config.replace("0.0.0.0:8765", &metrics),
    );
    let ca = ca.into_inner();

    let event = std::fs::read_to_string(repo().join("rules/tests/exec-into-pod.json")).unwrap();
    let body = format!(
        r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{}]}}"#,
        event.trim()
    );
    let post = |auth: &str| {
        format!(
            "POST /k8s-audit HTTP/1.1\r\nHost: {dns}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n{auth}Connection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let mut accepted = false;
    let alert = harrier.alert(
        "Exec Or Attach Into Pod",
        || {
            let answer = https(
                &addr,
                &dns,
                &ca,
                post(&format!("Authorization: Bearer {token}\r\n")).as_bytes(),
            );
            accepted |= answer.is_some_and(|a| a.starts_with("HTTP/1.1 200"));
        },
        |v| v["source"] == "k8s_audit",
    );
    assert!(accepted, "the batch was answered 200");
    assert_eq!(
        alert["output_fields"]["ka.user.name"], "dev-alice",
        "{alert}"
    );
    let refused = https(&addr, &dns, &ca, post("").as_bytes()).unwrap();
    assert!(
        refused.starts_with("HTTP/1.1 401"),
        "without the token: {refused}"
    );
    harrier.terminate();
}
