//! Builds the CO-RE probe under `bpf/` into a libbpf skeleton (feature `bpf`).

fn main() {
    #[cfg(feature = "bpf")]
    probe::build();
}

#[cfg(feature = "bpf")]
mod probe {
    use std::env;
    use std::ffi::OsString;
    use std::path::{Path, PathBuf};
    use std::process::{self, Command};

    use libbpf_cargo::SkeletonBuilder;

    pub fn build() {
        let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
        let bpf_dir = manifest.join("../bpf");
        let arch = match env::var("CARGO_CFG_TARGET_ARCH").as_deref() {
            Ok("x86_64") => "x86_64",
            Ok(other) => fail(&format!(
                "the bpf probe supports x86_64 only (target arch {other}); build with --no-default-features"
            )),
            Err(_) => "x86_64",
        };
        let clang = env::var("BPF_CLANG").unwrap_or_else(|_| "clang".into());
        check_clang(&clang);
        let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("probe.skel.rs");
        let vmlinux = bpf_dir.join("vmlinux").join(arch);
        let result = SkeletonBuilder::new()
            .source(bpf_dir.join("probe.bpf.c"))
            .clang(&clang)
            .clang_args([
                OsString::from("-I"),
                vmlinux.into_os_string(),
                OsString::from("-I"),
                bpf_dir.clone().into_os_string(),
                OsString::from("-Wall"),
                OsString::from("-Wno-unused-function"),
                OsString::from("-mcpu=v3"),
            ])
            .build_and_generate(&out);
        if let Err(err) = result {
            fail(&format!("building the bpf probe failed: {err:#}"));
        }
        rerun_if_changed(&bpf_dir);
        println!("cargo:rerun-if-env-changed=BPF_CLANG");
    }

    fn check_clang(clang: &str) {
        if Command::new(clang).arg("--version").output().is_err() {
            fail(&format!(
                "`{clang}` not found: the bpf probe needs clang and libelf-dev \
                 (Debian: apt-get install clang libelf-dev), or build without the probe \
                 with --no-default-features"
            ));
        }
    }

    fn rerun_if_changed(dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                rerun_if_changed(&path);
            } else if path.extension().is_some_and(|e| e == "c" || e == "h") {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }

    fn fail(message: &str) -> ! {
        eprintln!("error: {message}");
        println!("cargo:warning={message}");
        process::exit(1);
    }
}
