//! The webhook over HTTPS: a rustls server with a certificate from a test
//! CA made by `openssl`; `ca_file` trusts it, the system store does not.

use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use engine::alert::Priority;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::output::Outputs;
use crate::receiver::{read_request, Request};
use crate::{alert, config, sink_yaml, temp_dir};

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A CA and a leaf for 127.0.0.1 signed by it; `false` without openssl.
fn make_certs(dir: &Path) -> bool {
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        dir,
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=harrier test CA",
            ],
        ]
        .concat(),
    ) && openssl(
        dir,
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "leaf.key",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    ) && openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    )
}

/// A client certificate signed by the test CA.
fn make_client_cert(dir: &Path) -> bool {
    std::fs::write(
        dir.join("client.ext"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "client.key",
            "-out",
            "client.csr",
            "-subj",
            "/CN=harrier",
        ],
    ) && openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "client.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "client.pem",
            "-days",
            "2",
            "-extfile",
            "client.ext",
        ],
    )
}

/// Serves HTTPS on a free port (asking for a client certificate from the
/// test CA when `mutual`); records requests.
fn https_receiver(dir: &Path, mutual: bool) -> (String, Arc<Mutex<Vec<Request>>>) {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("leaf.pem"))
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("leaf.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = if mutual {
        let mut roots = rustls::RootCertStore::empty();
        for ca in CertificateDer::pem_file_iter(dir.join("ca.pem")).unwrap() {
            roots.add(ca.unwrap()).unwrap();
        }
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let config = Arc::new(builder.with_single_cert(certs, key).unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/alerts", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let (config, seen) = (Arc::clone(&config), Arc::clone(&seen));
            std::thread::spawn(move || {
                tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut reader = BufReader::new(rustls::StreamOwned::new(conn, tcp));
                while let Some(req) = read_request(&mut reader) {
                    seen.lock().unwrap().push(req);
                    let tls = reader.get_mut();
                    if tls
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                        .and_then(|()| tls.flush())
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (url, requests)
}

#[test]
fn webhook_over_tls_trusts_ca_file_and_only_it() {
    let dir = temp_dir("tls");
    if !make_certs(&dir) {
        println!("SKIPPED: webhook_over_tls_trusts_ca_file_and_only_it: `openssl` is not available to make test certificates");
        return;
    }
    let (url, requests) = https_receiver(&dir, false);
    let mut cfg = config(&[]);
    cfg.outputs.push(sink_yaml(&format!(
        "kind: webhook\nurl: {url}\nca_file: {}\n",
        dir.join("ca.pem").display()
    )));
    cfg.outputs.push(sink_yaml(&format!(
        "kind: webhook\nname: system-roots\nurl: {url}\n"
    )));
    let outputs = Outputs::from_config(&cfg).unwrap();
    let a = alert(5, Priority::Critical);
    outputs.emit(&a);
    let report = outputs.shutdown(Duration::from_millis(1500));
    let trusted = report.sink("webhook").unwrap();
    assert_eq!((trusted.delivered, trusted.failed), (1, 0), "{report}");
    let untrusted = report.sink("system-roots").unwrap();
    assert_eq!(
        (untrusted.delivered, untrusted.failed),
        (0, 1),
        "unknown issuer must not be accepted: {report}"
    );
    let reqs = requests.lock().unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, "/alerts");
    assert_eq!(
        String::from_utf8(reqs[0].body.clone()).unwrap(),
        a.json_line()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn webhook_presents_a_client_certificate_for_mutual_tls() {
    let dir = temp_dir("mtls");
    if !make_certs(&dir) || !make_client_cert(&dir) {
        println!("SKIPPED: webhook_presents_a_client_certificate_for_mutual_tls: `openssl` is not available to make test certificates");
        return;
    }
    let (url, requests) = https_receiver(&dir, true);
    let ca = dir.join("ca.pem");
    let mut cfg = config(&[]);
    cfg.outputs.push(sink_yaml(&format!(
        "kind: webhook\nurl: {url}\nca_file: {}\nclient_cert: {}\nclient_key: {}\n",
        ca.display(),
        dir.join("client.pem").display(),
        dir.join("client.key").display()
    )));
    cfg.outputs.push(sink_yaml(&format!(
        "kind: webhook\nname: anonymous\nurl: {url}\nca_file: {}\n",
        ca.display()
    )));
    let outputs = Outputs::from_config(&cfg).unwrap();
    outputs.emit(&alert(6, Priority::Alert));
    let report = outputs.shutdown(Duration::from_millis(1500));
    let with_cert = report.sink("webhook").unwrap();
    assert_eq!((with_cert.delivered, with_cert.failed), (1, 0), "{report}");
    let anonymous = report.sink("anonymous").unwrap();
    assert_eq!(
        (anonymous.delivered, anonymous.failed),
        (0, 1),
        "the server requires a client certificate: {report}"
    );
    assert_eq!(requests.lock().unwrap().len(), 1);

    let mut half = config(&[]);
    half.outputs.push(sink_yaml(&format!(
        "kind: webhook\nurl: {url}\nclient_cert: {}\n",
        dir.join("client.pem").display()
    )));
    let err = Outputs::from_config(&half).err().unwrap();
    assert!(
        err.to_string().contains("client_cert needs ca_file"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
