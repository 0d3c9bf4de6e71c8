//! The user-space producer ("shim"): a ptrace tracer that produces the
//! kernel module's events into a ring where no module or eBPF probe may be
//! loaded.
//!
//! ```text
//!  Shim::spawn(cmd) ─ fork ─ child: PTRACE_TRACEME, SIGSTOP, seccomp filter
//!        │                    from the syscall mask, execve
//!        ▼
//!  tracer thread (owns the RingProducer) ── events ──▶ ring ──▶ any consumer
//!        ▲                                                      (ring::Device)
//!  Shim::attach(pid) ─ PTRACE_SEIZE every thread (no filter: every syscall stops)
//! ```
//!
//! * **Selection.** A spawned tree gets a seccomp filter generated from the
//!   syscall mask ([`filter::build`]): selected syscalls stop the tracee
//!   (`SECCOMP_RET_TRACE`), all others run at native speed. A running
//!   process cannot be given a filter from outside, so `attach` falls back to
//!   a stop at every syscall and filters in the tracer (much slower).
//! * **Events.** Exit events as the eBPF probe writes them, through the one
//!   [`EventBuilder`](crate::EventBuilder): parameters come from the
//!   syscall's arguments, return value, the tracee's memory
//!   (`process_vm_readv`) and `/proc`; clone/fork/vfork (parent and child
//!   side), execve with full process information, and `procexit`.
//!   Syscalls without a parameter mapping (those the probe has no exit
//!   program for) are generic events, as the probe writes them.
//! * **ia32 syscalls.** A 64-bit (or 32-bit) tracee can make 32-bit calls
//!   with `int $0x80`; the filter sends every non-x86_64 call to the tracer,
//!   whose entry stop then reports `arch` = `AUDIT_ARCH_I386`. The call is
//!   decoded into the x86_64 call the kernel runs (module `ia32`) through the
//!   driver's ia32 map, the table the eBPF probe is given too: number
//!   translated, arguments widened and fixed up, `socketcall` unpacked from
//!   the tracee's argument words; `compat_iovec` and `compat_msghdr` are read
//!   in their 32-bit layout. It is then encoded like a 64-bit call; one with
//!   no x86_64 counterpart (`ipc`, `sigreturn`, ...) is always a generic
//!   event with its own ppm_sc and ia32 number, as the probe writes it.
//! * **What only the probe sees.** Kernel socket addresses (socketpair's
//!   `source`/`peer`, the two addresses of unix tuples) are 0; so is the
//!   backlog of a unix listener outside the tracer's network namespace
//!   (the tracer's sock_diag queries see its own namespace only). Two
//!   values are read at another moment than the probe reads them, so a
//!   concurrent change can show: `PPM_O_F_CREATED` (whether the target
//!   existed is checked at the entry stop, module `created`) and accept
//!   queues (read at the exit stop).
//! * **Lifecycle.** The root's wait status is reported ([`Outcome`]). A
//!   spawned tree is killed if the tracer dies (`PTRACE_O_EXITKILL`: its
//!   filter would otherwise fail every selected syscall with `ENOSYS`).
//!   [`Shim::stop`] detaches an attached process, which keeps running
//!   untraced; a spawned tree is served until it exits, without events.
//!
//! # Minimum kernel version
//!
//! Linux 5.3 (`PTRACE_GET_SYSCALL_INFO`); 5.6 for socket tuples
//! (`pidfd_getfd`). Tracing needs `CAP_SYS_PTRACE` or a ptrace scope that
//! allows it; without `CAP_SYS_ADMIN` the filter is installed with
//! `no_new_privs`, so set-uid programs gain no privileges under the shim.

pub mod filter;

mod created;
mod encode;
mod ia32;
mod params;
mod procinfo;
mod socket;
mod tracer;

use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

pub use tracer::Outcome;

use crate::ring::{Error, Result, RingProducer, SyscallMask};
use crate::sys::{self, ChildSetup, Ptrace};
use tracer::{Mode, StopRequest, Tracer, FOLLOW_OPTIONS, SPAWN_OPTIONS};

/// What to trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Start this command (program and arguments) under the tracer.
    Spawn(Vec<OsString>),
    /// Attach to this running process and all its threads.
    Attach(i32),
}

/// Options of the shim producer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShimOptions {
    /// Syscalls that stop the tracee (spawned trees) and produce events.
    pub syscalls: SyscallMask,
    /// Pin the tracer thread and the spawned root to this CPU (tracer and
    /// tracee on one CPU measured 35–70% faster).
    pub cpu: Option<usize>,
}

impl Default for ShimOptions {
    fn default() -> Self {
        ShimOptions {
            syscalls: SyscallMask::security_default(),
            cpu: None,
        }
    }
}

/// A running tracer thread.
#[derive(Debug)]
pub struct Shim {
    thread: Option<JoinHandle<Result<Outcome>>>,
    stop: Arc<StopRequest>,
    root: i32,
    attached: bool,
}

impl Shim {
    /// Starts the tracer thread for `target`, writing into `producer`.
    /// Returns once the command is started or every thread attached.
    pub fn start(target: Target, producer: RingProducer, options: ShimOptions) -> Result<Shim> {
        sys::install_wakeup_handler();
        let stop = Arc::new(StopRequest::default());
        let (ready_tx, ready_rx) = mpsc::channel();
        let attached = matches!(target, Target::Attach(_));
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("harrier-shim".into())
            .spawn(move || {
                if let Some(cpu) = options.cpu {
                    sys::pin_to_cpu(cpu);
                }
                let started = match &target {
                    Target::Spawn(argv) => spawn(argv, &options.syscalls),
                    Target::Attach(pid) => attach(*pid),
                };
                let (root, threads) = match started {
                    Ok(v) => v,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        producer.finish();
                        return Ok(Outcome::default());
                    }
                };
                let mode = if attached {
                    Mode::EverySyscall
                } else {
                    Mode::Filtered
                };
                let mut tracer = Tracer::new(producer, mode, root, thread_stop);
                for (tid, tgid) in &threads {
                    tracer.adopt(*tid, *tgid);
                }
                let _ = ready_tx.send(Ok(root));
                // Set every tracee going (spawned root: past its SIGSTOP; attached: interrupted).
                for (tid, _) in threads {
                    let req = if attached {
                        Ptrace::Interrupt
                    } else {
                        Ptrace::Cont(0)
                    };
                    let _ = sys::ptrace(tid, req);
                }
                tracer.run()
            })
            .map_err(|e| Error::io("harrier-shim", "spawn thread", e))?;
        let root = match ready_rx.recv() {
            Ok(Ok(root)) => root,
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => {
                return match thread.join() {
                    Ok(Err(e)) => Err(e),
                    _ => Err(Error::io(
                        "harrier-shim",
                        "start",
                        std::io::Error::other("tracer thread ended"),
                    )),
                }
            }
        };
        Ok(Shim {
            thread: Some(thread),
            stop,
            root,
            attached,
        })
    }

    /// The traced root process.
    pub fn root_pid(&self) -> i32 {
        self.root
    }

    /// Whether the shim attached to a running process (rather than spawned one).
    pub fn is_attached(&self) -> bool {
        self.attached
    }

    /// Whether the tracer has ended (every tracee gone, or detached).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Asks the tracer to stop: attached processes are detached and keep
    /// running; a spawned tree is served, without events, until it exits.
    pub fn stop(&self) {
        self.stop.stop.store(true, Ordering::Release);
        self.wake();
    }

    fn wake(&self) {
        if let Some(thread) = &self.thread {
            if !thread.is_finished() {
                use std::os::unix::thread::JoinHandleExt;
                sys::wake_thread(thread.as_pthread_t());
            }
        }
    }

    /// Waits for the tracer to end and returns what it saw.
    pub fn wait(mut self) -> Result<Outcome> {
        self.join()
    }

    fn join(&mut self) -> Result<Outcome> {
        let Some(thread) = self.thread.take() else {
            return Ok(Outcome::default());
        };
        // A stop request may race with the tracer entering waitpid: repeat the wakeup.
        while !thread.is_finished() {
            if self.stop.stop.load(Ordering::Acquire) || self.stop.abandon.load(Ordering::Acquire) {
                use std::os::unix::thread::JoinHandleExt;
                sys::wake_thread(thread.as_pthread_t());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        thread.join().unwrap_or_else(|_| {
            Err(Error::io(
                "harrier-shim",
                "join",
                std::io::Error::other("tracer thread panicked"),
            ))
        })
    }
}

/// Dropping a running shim detaches an attached process; a spawned tree
/// cannot run without its tracer and is killed (`PTRACE_O_EXITKILL`), so a
/// drop never waits for a command that does not end.
impl Drop for Shim {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stop.abandon.store(true, Ordering::Release);
            self.stop();
            let _ = self.join();
        }
    }
}

/// Finds `program` on `PATH` the way `execvp` would.
fn resolve(program: &OsStr) -> Option<PathBuf> {
    let path = Path::new(program);
    if program.as_bytes().contains(&b'/') {
        return Some(path.to_path_buf());
    }
    let search = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    std::env::split_paths(&search)
        .map(|dir| dir.join(path))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn cstring(s: &[u8], what: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::Spawn {
        program: String::from_utf8_lossy(s).into_owned(),
        reason: format!("{what} contains a NUL byte"),
    })
}

/// Forks the traced child and waits for its first stop; returns
/// `(root, [(tid, tgid)])`.
fn spawn(argv: &[OsString], mask: &SyscallMask) -> Result<(i32, Vec<(i32, i32)>)> {
    let Some(program) = argv.first() else {
        return Err(Error::Spawn {
            program: String::new(),
            reason: "no command given".into(),
        });
    };
    let shown = program.to_string_lossy().into_owned();
    let path = resolve(program).ok_or_else(|| Error::Spawn {
        program: shown.clone(),
        reason: "not found on PATH or not executable".into(),
    })?;
    if !is_executable(&path) {
        let reason = if path.exists() {
            "not an executable file"
        } else {
            "no such file"
        };
        return Err(Error::Spawn {
            program: shown,
            reason: reason.into(),
        });
    }
    let cpath = cstring(path.as_os_str().as_bytes(), "the program path")?;
    let args = argv
        .iter()
        .map(|a| cstring(a.as_bytes(), "an argument"))
        .collect::<Result<Vec<_>>>()?;
    let env = std::env::vars_os()
        .map(|(k, v)| {
            let mut kv = k.as_bytes().to_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            cstring(&kv, "the environment")
        })
        .collect::<Result<Vec<_>>>()?;
    let filter = filter::build(mask);
    let setup = ChildSetup {
        program: &cpath,
        argv: &args,
        envp: &env,
        filter: Some(&filter),
    };
    let pid = sys::fork_traced(&setup).map_err(|e| Error::sys(&shown, e))?;
    // The child stops itself (SIGSTOP) right after PTRACE_TRACEME.
    match sys::wait_any(pid, false) {
        Ok(Some((_, status))) if libc::WIFSTOPPED(status) => {}
        Ok(_) => {
            return Err(Error::Spawn {
                program: shown,
                reason: "the child ended before it could be traced (is ptrace allowed?)".into(),
            })
        }
        Err(e) => return Err(Error::sys(&shown, e)),
    }
    sys::ptrace(pid, Ptrace::SetOptions(SPAWN_OPTIONS)).map_err(|e| Error::sys(&shown, e))?;
    Ok((pid, vec![(pid, pid)]))
}

/// Seizes every thread of `pid` (repeating until no new thread appears).
fn attach(pid: i32) -> Result<(i32, Vec<(i32, i32)>)> {
    let place = format!("pid {pid}");
    let mut seized: Vec<(i32, i32)> = Vec::new();
    loop {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
            .map_err(|e| Error::io(&place, "read /proc/<pid>/task", e))?;
        let mut new = 0;
        for entry in tasks.flatten() {
            let Some(tid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<i32>().ok())
            else {
                continue;
            };
            if seized.iter().any(|(t, _)| *t == tid) {
                continue;
            }
            match sys::ptrace(tid, Ptrace::Seize(FOLLOW_OPTIONS)) {
                Ok(()) => {
                    seized.push((tid, pid));
                    new += 1;
                }
                // The thread ended between the listing and the seize.
                Err(e) if e.source.raw_os_error() == Some(libc::ESRCH) => {}
                Err(e) => {
                    for (tid, _) in &seized {
                        let _ = sys::ptrace(*tid, Ptrace::Detach(0));
                    }
                    return Err(Error::sys(&place, e));
                }
            }
        }
        if new == 0 {
            break;
        }
    }
    if seized.is_empty() {
        return Err(Error::Spawn {
            program: place,
            reason: "no such process".into(),
        });
    }
    Ok((pid, seized))
}

#[cfg(test)]
mod tests;
