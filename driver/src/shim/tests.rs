use std::ffi::OsString;
use std::os::fd::AsFd;

use super::*;
use crate::ring::{Device, RingProducer};
use crate::{EventCode, EventRef, ParamValue};

/// Runs `argv` under the shim and returns `(outcome, events)`, or `None`
/// (after printing why) where ptrace is not allowed.
pub(crate) fn trace(argv: &[&str], syscalls: &str) -> Option<(Outcome, Vec<Vec<u8>>)> {
    let producer = RingProducer::create_memfd("shim-test", 1 << 20).unwrap();
    let fd = producer.fd().as_fd().try_clone_to_owned().unwrap();
    let device = Device::from_shim_fd("shim-test".into(), fd).unwrap();
    let options = ShimOptions {
        syscalls: SyscallMask::parse(syscalls).unwrap(),
        cpu: None,
    };
    device.set_syscalls(&options.syscalls).unwrap();
    let target = Target::Spawn(argv.iter().map(OsString::from).collect());
    let shim = match Shim::start(target, producer, options) {
        Ok(shim) => shim,
        Err(e) => {
            println!("SKIPPED: cannot trace: {e}");
            return None;
        }
    };
    let mut events = Vec::new();
    loop {
        let done = device.producer_done();
        let block = device.ring().block();
        for ev in block.events() {
            events.push(ev.unwrap().1.to_vec());
        }
        device.ring().advance(block.len());
        if done && device.ring().readable() == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    Some((shim.wait().unwrap(), events))
}

fn names(events: &[Vec<u8>]) -> Vec<String> {
    events
        .iter()
        .map(|e| EventRef::parse(e).unwrap().info().unwrap().name.to_string())
        .collect()
}

#[test]
fn a_spawned_command_produces_exec_open_and_exit_events() {
    let Some((outcome, events)) = trace(
        &["/bin/sh", "-c", "exec cat /etc/hostname > /dev/null"],
        "default",
    ) else {
        return;
    };
    assert_eq!(outcome.root_status.map(|s| libc::WEXITSTATUS(s)), Some(0));
    let names = names(&events);
    assert!(names.iter().any(|n| n == "execve"), "{names:?}");
    let open = events
        .iter()
        .map(|e| EventRef::parse(e).unwrap())
        .find(|e| {
            e.code() == EventCode::OPENAT_2_X
                && e.param(2).unwrap().unwrap() == ParamValue::Str(b"/etc/hostname")
        })
        .expect("openat of /etc/hostname");
    assert!(matches!(open.param(0).unwrap().unwrap(), ParamValue::Fd(fd) if fd >= 0));
    assert_eq!(names.last().map(String::as_str), Some("procexit"));
}
