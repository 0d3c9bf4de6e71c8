//! The ptrace loop: one tracer thread follows a process tree, turns the
//! syscall stops into events and writes them to its ring.
//!
//! ```text
//!  spawned tree (seccomp filter)             attached process (no filter)
//!  seccomp stop ─ selected? ─ PTRACE_SYSCALL  syscall-enter stop ─ PTRACE_SYSCALL
//!        │                                          │
//!  syscall-exit stop: encode, write ─ PTRACE_CONT  syscall-exit stop: encode if selected
//!  fork/vfork/clone/exec events, new-child stops, signal stops, exits (procexit)
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::created;
use super::encode::{read_string, Completed, Encoder};
use super::ia32::{self, Call};
use super::procinfo::{self, ProcInfo};
use crate::ring::{Error, Result, RingProducer, WriteOutcome};
use crate::sys::{self, Ptrace, SyscallStop};
use crate::EventCode;

const NR_CLONE: u64 = 56;
const NR_FORK: u64 = 57;
const NR_VFORK: u64 = 58;
const NR_EXECVE: u64 = 59;
const NR_EXIT: u64 = 60;
const NR_EXIT_GROUP: u64 = 231;
const NR_EXECVEAT: u64 = 322;
const NR_CLONE3: u64 = 435;

const PTRACE_EVENT_FORK: i32 = 1;
const PTRACE_EVENT_VFORK: i32 = 2;
const PTRACE_EVENT_CLONE: i32 = 3;
const PTRACE_EVENT_EXEC: i32 = 4;
const PTRACE_EVENT_SECCOMP: i32 = 7;
const PTRACE_EVENT_STOP: i32 = 128;

/// Options for every tracee: follow the whole tree, mark syscall stops.
pub(crate) const FOLLOW_OPTIONS: u64 = (libc::PTRACE_O_TRACESYSGOOD
    | libc::PTRACE_O_TRACEFORK
    | libc::PTRACE_O_TRACEVFORK
    | libc::PTRACE_O_TRACECLONE
    | libc::PTRACE_O_TRACEEXEC) as u64;
/// Extra options for a spawned tree: seccomp stops, and kill the tree if
/// the tracer dies (a filtered tracee cannot run without its tracer).
pub(crate) const SPAWN_OPTIONS: u64 =
    FOLLOW_OPTIONS | (libc::PTRACE_O_TRACESECCOMP | libc::PTRACE_O_EXITKILL) as u64;

/// What the owner of a tracer asks of it.
#[derive(Debug, Default)]
pub(crate) struct StopRequest {
    /// Stop: detach an attached tree; serve a spawned tree, without events, until it exits.
    pub(crate) stop: AtomicBool,
    /// Give up at once: the tracer thread ends, and the kernel kills a
    /// spawned tree (`PTRACE_O_EXITKILL`), as if the tracer had crashed.
    pub(crate) abandon: AtomicBool,
}

/// How the tree is traced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Spawned under a seccomp filter: only selected syscalls stop.
    Filtered,
    /// Attached with PTRACE_SEIZE: every syscall stops (no filter can be injected).
    EverySyscall,
}

/// A syscall between its entry and exit stop.
#[derive(Debug, Clone)]
struct Pending {
    /// x86_64 number (`ia32::NR_NONE`: an ia32 call with no x86_64 counterpart).
    nr: u64,
    args: [u64; 6],
    /// The ia32 number of a call made with `int $0x80`.
    ia32: Option<u32>,
    filename: Option<Vec<u8>>,
    /// An `O_CREAT` open whose target was missing at entry.
    creates: bool,
}

#[derive(Debug, Default)]
struct Thread {
    tgid: i32,
    pending: Option<Pending>,
    /// EverySyscall mode: the thread is between entry and exit of an unselected syscall.
    in_syscall: bool,
}

/// Where a new thread came from: the parent's clone-family syscall.
#[derive(Debug, Clone, Copy)]
struct Origin {
    code: EventCode,
    flags: u64,
}

/// What the tracer reports when it ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Raw wait status of the root process, if it ended while traced.
    pub root_status: Option<i32>,
    /// Whether the tracer detached (attached processes keep running).
    pub detached: bool,
    /// Events written to the ring.
    pub written: u64,
    /// Events dropped (ring full in dropping mode, or consumer gone).
    pub dropped: u64,
}

pub(crate) struct Tracer {
    pub(crate) producer: RingProducer,
    pub(crate) mode: Mode,
    pub(crate) root: i32,
    pub(crate) stop: Arc<StopRequest>,
    threads: HashMap<i32, Thread>,
    origins: HashMap<i32, Origin>,
    /// New threads stopped before their parent's fork event arrived.
    waiting: HashSet<i32>,
    encoder: Encoder,
    outcome: Outcome,
}

fn errno_of(err: &sys::SysError) -> i32 {
    err.source.raw_os_error().unwrap_or(0)
}

impl Tracer {
    pub(crate) fn new(
        producer: RingProducer,
        mode: Mode,
        root: i32,
        stop: Arc<StopRequest>,
    ) -> Tracer {
        Tracer {
            producer,
            mode,
            root,
            stop,
            threads: HashMap::new(),
            origins: HashMap::new(),
            waiting: HashSet::new(),
            encoder: Encoder::new(),
            outcome: Outcome::default(),
        }
    }

    /// Registers an already-traced thread (the spawned root, attached threads).
    pub(crate) fn adopt(&mut self, tid: i32, tgid: i32) {
        self.threads.insert(
            tid,
            Thread {
                tgid,
                ..Thread::default()
            },
        );
    }

    /// Traces until every tracee is gone, or until asked to stop (attached
    /// trees are then detached and keep running).
    pub(crate) fn run(mut self) -> Result<Outcome> {
        let mut stopping = false;
        loop {
            if self.mode == Mode::Filtered && self.stop.abandon.load(Ordering::Acquire) {
                break;
            }
            if self.stop.stop.load(Ordering::Acquire) && !stopping {
                stopping = true;
                if self.mode == Mode::EverySyscall {
                    self.detach_all();
                    break;
                }
                // A filtered tree cannot run without its tracer: keep serving
                // it until it exits, without writing events (`capturing`).
            }
            if self.threads.is_empty() && self.waiting.is_empty() {
                break;
            }
            match sys::wait_any(-1, false) {
                Ok(Some((tid, status))) => self.on_wait(tid, status),
                Ok(None) => {}
                Err(e) if errno_of(&e) == libc::EINTR => {}
                Err(e) if errno_of(&e) == libc::ECHILD => break,
                Err(e) => return Err(Error::sys("tracer", e)),
            }
        }
        self.producer.finish();
        Ok(self.outcome)
    }

    fn capturing(&self) -> bool {
        !self.stop.stop.load(Ordering::Relaxed)
    }

    fn on_wait(&mut self, tid: i32, status: i32) {
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            self.thread_gone(tid, status);
            return;
        }
        if !libc::WIFSTOPPED(status) {
            return;
        }
        let sig = libc::WSTOPSIG(status);
        let event = (status >> 16) & 0xff;
        if !self.threads.contains_key(&tid) {
            self.new_thread(tid);
            return;
        }
        match event {
            PTRACE_EVENT_SECCOMP => self.on_entry(tid),
            PTRACE_EVENT_FORK | PTRACE_EVENT_VFORK | PTRACE_EVENT_CLONE => self.on_fork(tid),
            PTRACE_EVENT_EXEC => self.on_exec(tid),
            PTRACE_EVENT_STOP => self.resume(tid, 0),
            0 if sig == libc::SIGTRAP | 0x80 => self.on_syscall_stop(tid),
            0 if sys::has_siginfo(tid) => self.resume(tid, sig),
            // A group stop (no siginfo): let the thread go on.
            _ => self.resume(tid, 0),
        }
    }

    fn resume(&mut self, tid: i32, sig: i32) {
        let pending = self.threads.get(&tid).is_some_and(|t| t.pending.is_some());
        let req = if self.mode == Mode::EverySyscall || pending {
            Ptrace::Syscall(sig)
        } else {
            Ptrace::Cont(sig)
        };
        // ESRCH: the thread was killed meanwhile; its exit is reported next.
        let _ = sys::ptrace(tid, req);
    }

    /// A syscall-entry or seccomp stop.
    fn on_entry(&mut self, tid: i32) {
        if let Ok(SyscallStop::Entry { arch, nr, args }) = sys::syscall_info(tid) {
            self.begin(tid, ia32::entry_call(tid, arch, nr, args));
        }
        self.resume(tid, 0);
    }

    /// An ia32 call without an x86_64 counterpart is always reported, as the probe does.
    fn begin(&mut self, tid: i32, call: Call) {
        let Call { nr, args, ia32 } = call;
        let selected = nr == ia32::NR_NONE || self.producer.syscall_enabled(nr);
        if nr == NR_EXIT || nr == NR_EXIT_GROUP || !selected {
            return;
        }
        let filename = match nr {
            NR_EXECVE => read_string(tid, args[0], 4096),
            NR_EXECVEAT => read_string(tid, args[1], 4096),
            _ => None,
        };
        let creates = created::creates(tid, nr, &args);
        if let Some(t) = self.threads.get_mut(&tid) {
            t.pending = Some(Pending {
                nr,
                args,
                ia32,
                filename,
                creates,
            });
        }
    }

    fn on_syscall_stop(&mut self, tid: i32) {
        match sys::syscall_info(tid) {
            Ok(SyscallStop::Entry { arch, nr, args }) => {
                if let Some(t) = self.threads.get_mut(&tid) {
                    t.in_syscall = true;
                }
                self.begin(tid, ia32::entry_call(tid, arch, nr, args));
            }
            Ok(SyscallStop::Exit { rval }) => {
                let done = self.threads.get_mut(&tid).and_then(|t| {
                    t.in_syscall = false;
                    t.pending.take().map(|p| (t.tgid, p))
                });
                if let Some((tgid, p)) = done {
                    self.complete(Completed {
                        tid,
                        tgid,
                        nr: p.nr,
                        args: p.args,
                        ia32: p.ia32,
                        ret: rval,
                        filename: p.filename,
                        creates: p.creates,
                    });
                }
            }
            _ => {}
        }
        self.resume(tid, 0);
    }

    fn complete(&mut self, call: Completed) {
        if !self.capturing() {
            return;
        }
        self.encoder.snaplen = self.producer.settings().snaplen;
        let ts = sys::now_ns();
        let encoded = match call.nr {
            NR_EXECVE | NR_EXECVEAT => self.encoder.execve(ts, &call, call.nr == NR_EXECVEAT),
            NR_CLONE | NR_FORK | NR_VFORK | NR_CLONE3 => {
                let origin = origin_of(call.tid, call.nr, &call.args);
                let info = ProcInfo::read(call.tid);
                self.encoder
                    .clone_event(ts, origin.code, call.ret, origin.flags, &info)
            }
            _ => self.encoder.syscall_exit(ts, &call),
        };
        match encoded {
            Ok(_) => self.write_encoded(),
            // The tracee's memory or /proc vanished mid-read: counted like the module's page faults.
            Err(_) => self.producer.count_page_fault(),
        }
    }

    fn write_encoded(&mut self) {
        match self.producer.write(&self.encoder.out) {
            WriteOutcome::Written => self.outcome.written += 1,
            WriteOutcome::Dropped => self.outcome.dropped += 1,
            WriteOutcome::Skipped => {}
        }
    }

    /// Fork/vfork/clone event of `parent`: note where the child came from.
    fn on_fork(&mut self, parent: i32) {
        let child = sys::event_msg(parent).map(|m| m as i32).unwrap_or(0);
        let pending = self.threads.get(&parent).and_then(|t| t.pending.clone());
        if let Some(p) = pending.filter(|_| child > 0) {
            let origin = origin_of(parent, p.nr, &p.args);
            self.origins.insert(child, origin);
        }
        if child > 0 && self.waiting.remove(&child) {
            self.announce_child(child);
        }
        self.resume(parent, 0);
    }

    /// The first stop of a thread the tracer has not seen.
    fn new_thread(&mut self, tid: i32) {
        let tgid = procinfo::tgid_of(tid);
        self.threads.insert(
            tid,
            Thread {
                tgid,
                ..Thread::default()
            },
        );
        let parent_known = self.origins.contains_key(&tid)
            || self
                .threads
                .values()
                .any(|t| t.pending.as_ref().is_some_and(|p| is_clone(p.nr)));
        if self.origins.contains_key(&tid) || !parent_known {
            self.announce_child(tid);
        } else {
            // The parent's fork event is still to come: hold the child until it does.
            self.waiting.insert(tid);
        }
    }

    fn announce_child(&mut self, tid: i32) {
        if let Some(origin) = self.origins.remove(&tid) {
            if self.capturing() {
                let info = ProcInfo::read(tid);
                if self
                    .encoder
                    .clone_event(sys::now_ns(), origin.code, 0, origin.flags, &info)
                    .is_ok()
                {
                    self.write_encoded();
                }
            }
        }
        self.resume(tid, 0);
    }

    /// PTRACE_EVENT_EXEC: a non-leader thread that execs takes the leader's
    /// tid. The leader it replaces has ended (exit code 0, as exec ends the
    /// other threads), which ptrace does not report: its procexit is written
    /// here, before the exec's exit event, where the kernel ends it.
    fn on_exec(&mut self, tid: i32) {
        let former = sys::event_msg(tid).map(|m| m as i32).unwrap_or(tid);
        if former != tid {
            if let Some(state) = self.threads.remove(&former) {
                let leader_known = self.threads.insert(tid, state).is_some();
                if leader_known
                    && self.capturing()
                    && self.encoder.procexit(sys::now_ns(), tid, 0).is_ok()
                {
                    self.write_encoded();
                }
            }
        }
        self.resume(tid, 0);
    }

    fn thread_gone(&mut self, tid: i32, status: i32) {
        self.waiting.remove(&tid);
        if self.threads.remove(&tid).is_none() {
            return;
        }
        if tid == self.root {
            self.outcome.root_status = Some(status);
        }
        if self.capturing() && self.encoder.procexit(sys::now_ns(), tid, status).is_ok() {
            self.write_encoded();
        }
    }

    /// Stops every thread and detaches it; the process keeps running.
    ///
    /// New children held until their parent's fork event are already in a
    /// reported stop: they are detached at once (no further stop will be
    /// reported for them, and a vfork parent cannot stop until its child
    /// runs on). Every stop reported meanwhile is detached too, known thread
    /// or not (a child auto-attached since the interrupt). A thread that has
    /// not stopped after [`DETACH_GRACE`] is left to the kernel, which
    /// detaches it when this thread ends (attached trees have no
    /// `PTRACE_O_EXITKILL`).
    fn detach_all(&mut self) {
        let held: Vec<i32> = self.waiting.drain().collect();
        for &tid in &held {
            let _ = sys::ptrace(tid, Ptrace::Detach(0));
        }
        let mut left: HashSet<i32> = self.threads.keys().copied().collect();
        for tid in &held {
            left.remove(tid);
        }
        for &tid in &left {
            let _ = sys::ptrace(tid, Ptrace::Interrupt);
        }
        let deadline = std::time::Instant::now() + DETACH_GRACE;
        while !left.is_empty() && std::time::Instant::now() < deadline {
            let (tid, status) = match sys::wait_any(-1, true) {
                Ok(Some(stop)) => stop,
                Ok(None) => {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    continue;
                }
                Err(_) => break,
            };
            if libc::WIFSTOPPED(status) {
                let sig = libc::WSTOPSIG(status);
                let event = (status >> 16) & 0xff;
                let deliver = event == 0 && sig != (libc::SIGTRAP | 0x80) && sys::has_siginfo(tid);
                let _ = sys::ptrace(tid, Ptrace::Detach(if deliver { sig } else { 0 }));
            }
            left.remove(&tid);
        }
        self.threads.clear();
        self.outcome.detached = true;
    }
}

/// How long detaching waits for the attached threads to stop.
const DETACH_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

fn is_clone(nr: u64) -> bool {
    matches!(nr, NR_CLONE | NR_FORK | NR_VFORK | NR_CLONE3)
}

/// The clone-family event code and kernel clone flags of a syscall.
fn origin_of(tid: i32, nr: u64, args: &[u64; 6]) -> Origin {
    match nr {
        NR_FORK => Origin {
            code: EventCode::FORK_20_X,
            flags: 0,
        },
        NR_VFORK => Origin {
            code: EventCode::VFORK_20_X,
            flags: 0x4000 | 0x100,
        },
        NR_CLONE3 => {
            let raw = super::encode::read_bytes(tid, args[0], 8);
            let flags = raw.try_into().map_or(0, u64::from_le_bytes);
            Origin {
                code: EventCode::CLONE3_X,
                flags,
            }
        }
        _ => Origin {
            code: EventCode::CLONE_20_X,
            flags: args[0],
        },
    }
}
