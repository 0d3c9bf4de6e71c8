//! The shipped Kubernetes DaemonSet (deploy/kubernetes/harrier.yaml) and
//! image (deploy/Dockerfile), run for real on this machine: the container's
//! exact command line, environment, ConfigMaps and mounts are laid out in a
//! temporary directory the way the kubelet would mount them, then harrier
//! runs with them against the live eBPF probe. It must raise an alert that
//! names the node, serve its probes' endpoint on the port the manifest
//! declares, and stop cleanly on SIGTERM within the grace period.
//!
//! Needs root and a BTF kernel; without them the test says SKIPPED.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_yaml::Value;

const NODE_NAME: &str = "test-node-7";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every document of the manifest.
fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(repo().join("deploy/kubernetes/harrier.yaml")).unwrap();
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
    fn lay_out(docs: &[Value], pod: &Value, dir: &Path) -> Mounts {
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn ebpf_available() -> Result<(), String> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let root = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .is_some_and(|l| l.split_whitespace().nth(2) == Some("0"));
    if !root {
        return Err("not root".into());
    }
    if !Path::new("/sys/kernel/btf/vmlinux").exists() {
        return Err("the kernel has no BTF".into());
    }
    Ok(())
}

#[test]
fn the_manifest_wires_ports_probes_and_node_identity() {
    let docs = manifest();
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
    let docs = manifest();
    let ds = of_kind(&docs, "DaemonSet", "harrier");
    let pod = &ds["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    let dir = std::env::temp_dir().join(format!("harrier-deploy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mounts = Mounts::lay_out(&docs, pod, &dir);

    let args: Vec<String> = c["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| mounts.local(str_of(a)))
        .collect();
    let config = args[args.iter().position(|a| a == "--config").unwrap() + 1].clone();
    mounts.rewrite_file(&config);
    let port = free_port();
    let text = std::fs::read_to_string(&config).unwrap();
    let listen = format!("127.0.0.1:{port}");
    std::fs::write(&config, text.replace("0.0.0.0:8765", &listen)).unwrap();

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_harrier"));
    cmd.args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for e in c["env"].as_sequence().unwrap() {
        let name = str_of(&e["name"]);
        let value = match e.get("value") {
            Some(v) => mounts.local(str_of(v)),
            None => {
                assert_eq!(e["valueFrom"]["fieldRef"]["fieldPath"], "spec.nodeName");
                NODE_NAME.to_string()
            }
        };
        cmd.env(name, value);
    }
    // HOST_ROOT=/host: the pod sees the node's /proc and /etc under it.
    let host = dir.join("host");
    std::fs::create_dir_all(&host).unwrap();
    std::os::unix::fs::symlink(mounts.local("/host/proc"), host.join("proc")).unwrap();
    std::os::unix::fs::symlink(mounts.local("/host/etc"), host.join("etc")).unwrap();
    cmd.env("HOST_ROOT", &host);

    let mut harrier = cmd.spawn().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let stdout = harrier.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });

    // The probe takes a few seconds to load: read the shadow file until an
    // alert comes back.
    let deadline = Instant::now() + Duration::from_secs(90);
    let alert = loop {
        assert!(Instant::now() < deadline, "no alert within 90 s");
        if let Ok(Some(status)) = harrier.try_wait() {
            let mut err = String::new();
            harrier
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("harrier exited early ({status}): {err}");
        }
        Command::new("cat")
            .arg("/etc/shadow")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            if v["rule"] == "Sensitive File Read"
                && v["output_fields"]["proc.cmdline"] == "cat /etc/shadow"
            {
                break v;
            }
        }
    };
    assert_eq!(alert["hostname"], NODE_NAME, "{alert}");

    let health = http_get(&listen, "/healthz").unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let metrics = http_get(&listen, "/metrics").unwrap();
    assert!(metrics.contains("harrier_alerts_total{"), "{metrics}");

    let grace = pod["terminationGracePeriodSeconds"].as_u64().unwrap();
    let term = Command::new("kill")
        .args(["-TERM", &harrier.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = harrier.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(grace),
            "still running {grace} s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut err = String::new();
    harrier
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}\n{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
