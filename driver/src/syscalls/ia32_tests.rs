use super::*;
use crate::syscalls::{by_name, by_native};
use std::collections::HashMap;
use std::path::Path;

const UNISTD_32: &str = "/usr/include/x86_64-linux-gnu/asm/unistd_32.h";
const UNISTD_64: &str = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h";

fn header_numbers(path: &str) -> Option<HashMap<String, u32>> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut out = HashMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if let (Some("#define"), Some(name), Some(nr)) = (words.next(), words.next(), words.next())
        {
            if let (Some(name), Ok(nr)) = (name.strip_prefix("__NR_"), nr.parse()) {
                out.insert(name.to_string(), nr);
            }
        }
    }
    Some(out)
}

#[test]
fn the_table_is_sorted_and_every_target_is_a_known_x86_64_call() {
    assert!(
        ia32_all().len() > 400,
        "only {} ia32 calls",
        ia32_all().len()
    );
    assert!(ia32_all().windows(2).all(|w| w[0].nr < w[1].nr));
    for sc in ia32_all() {
        if let Some(nr) = sc.native {
            assert!(
                by_native(nr).is_some(),
                "{} -> unknown x86_64 {nr}",
                sc.name
            );
        }
    }
}

#[test]
fn well_known_calls_translate() {
    let native = |nr| ia32_by_nr(nr).and_then(|s| s.native);
    let x64 = |name| by_name(name).map(|s| s.nr);
    for (ia32, name) in [
        (1, "exit"),
        (3, "read"),
        (4, "write"),
        (5, "open"),
        (6, "close"),
        (11, "execve"),
        (120, "clone"),
        (140, "lseek"),
        (145, "readv"),
        (192, "mmap"),
        (197, "fstat"),
        (213, "setuid"),
        (252, "exit_group"),
        (295, "openat"),
        (359, "socket"),
        (362, "connect"),
        (358, "execveat"),
    ] {
        assert_eq!(native(ia32), x64(name), "ia32 {ia32} should run as {name}");
    }
    for unmapped in [IA32_SOCKETCALL, 117, 119, 90, 82] {
        assert_eq!(native(unmapped), None, "ia32 {unmapped}");
    }
    assert_eq!(
        ia32_by_nr(IA32_SOCKETCALL).map(|s| s.ppm_sc()),
        ppm_sc_by_name("socketcall")
    );
    assert_eq!(ia32_by_nr(5).map(|s| s.ppm_sc()), ppm_sc_by_name("open"));
}

#[test]
fn fixups_widen_offsets_and_pages() {
    let raw = [3, 0x1000, 2, 0x8000_0000, 1, 7];
    let fix = |name| ia32_all().iter().find(|s| s.name == name).unwrap().fixup();
    assert_eq!(fix("pread64").apply(raw)[3], 0x1_8000_0000);
    assert_eq!(fix("mmap2").apply(raw)[5], 7 * 4096);
    assert_eq!(fix("umount").apply(raw)[1], 0);
    assert_eq!(fix("read").apply(raw), raw.map(u64::from));
    // 16-bit ids: -1 stays -1, upper bits are not part of the id.
    let ids = [0xffff, 0x1_0005, 7, 9, 0, 0];
    assert_eq!(fix("setresuid").apply(ids)[..3], [0xffff_ffff, 5, 7]);
    assert_eq!(fix("fchown").apply(ids)[..3], [0xffff, 5, 7]);
    assert_eq!(fix("fchown32").apply(ids), ids.map(u64::from));
}

#[test]
fn socketcall_subcalls_run_as_their_x86_64_calls() {
    let name = |call| {
        socketcall_target(call)
            .and_then(|(nr, _)| by_native(nr))
            .map(|s| s.name)
    };
    assert_eq!(name(1), Some("socket"));
    assert_eq!(name(3), Some("connect"));
    assert_eq!(name(5), Some("accept"));
    assert_eq!(name(9), Some("sendto"));
    assert_eq!(name(17), Some("recvmsg"));
    assert_eq!(name(18), Some("accept4"));
    assert_eq!(socketcall_target(0), None);
    assert_eq!(socketcall_target(21), None);
}

/// Checked against the kernel headers of this machine, when installed.
#[test]
fn the_table_matches_the_kernel_headers() {
    let (Some(ia32), Some(x64)) = (header_numbers(UNISTD_32), header_numbers(UNISTD_64)) else {
        eprintln!("SKIPPED: {UNISTD_32} or {UNISTD_64} not installed");
        return;
    };
    assert_eq!(ia32.len(), ia32_all().len(), "calls in {UNISTD_32}");
    for sc in ia32_all() {
        assert_eq!(
            ia32.get(sc.name),
            Some(&sc.nr),
            "{} in {UNISTD_32}",
            sc.name
        );
        // A call x86_64 also has runs as it, except the old struct-taking forms.
        if let Some(&same) = x64
            .get(sc.name)
            .filter(|_| !matches!(sc.name, "mmap" | "select"))
        {
            assert_eq!(
                sc.native,
                Some(same),
                "{} should run as x86_64 {same}",
                sc.name
            );
        }
    }
}

/// The checked-in table is what the generator makes from the headers.
#[test]
fn the_table_is_the_generators_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/syscalls");
    if !Path::new(UNISTD_32).exists() {
        eprintln!("SKIPPED: {UNISTD_32} not installed");
        return;
    }
    let Ok(out) = std::process::Command::new("python3")
        .arg(root.join("gen_ia32_table.py"))
        .output()
    else {
        eprintln!("SKIPPED: python3 not found");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked_in = std::fs::read_to_string(root.join("ia32_table.rs")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), checked_in);
}
