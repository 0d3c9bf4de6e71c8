//! Inspection state: threads with their fd tables, users and groups, and
//! the machine, kept up to date event by event the way libsinsp does.
//!
//! [`State::update`] applies one event. Removals caused by an event (a
//! `close`, a process exit) take effect when the *next* event arrives, so
//! the fields of the closing event still see the fd or thread, as in sysdig.
//!
//! Memory is bounded: [`Limits`] caps the thread count and the fds per
//! process; what could not be stored is counted in [`Stats`].

mod container;
mod fd;
mod hash;
mod parse;
mod path;
mod thread;
mod users;

pub use container::{container_id_from_cgroups, container_id_from_path};
pub use fd::{open_flags, write_endpoint, Endpoints, Fd, FdTable, FdType, Role};
pub use hash::{FxHashMap, FxHasher};
pub use path::{concat_path, normalize_path};
pub use thread::{clone_flags, exe_flags, with_trailing_slash, Thread};
pub use users::Users;

use driver::event::EventRef;
use libcapture::meta::{MachineInfo, Snapshot};

/// Caps on the state's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most threads kept at once.
    pub max_threads: usize,
    /// Most fds kept per process.
    pub max_fds_per_process: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_threads: 262_144,
            max_fds_per_process: 65_536,
        }
    }
}

/// Counters of what the state did and could not do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Threads added (snapshot, clone, or first seen in an event).
    pub threads_added: u64,
    /// Threads removed after they exited.
    pub threads_removed: u64,
    /// Threads not stored because `max_threads` was reached.
    pub threads_dropped: u64,
    /// Fds added.
    pub fds_added: u64,
    /// Fds removed.
    pub fds_removed: u64,
    /// Fds not stored because `max_fds_per_process` was reached.
    pub fds_dropped: u64,
}

/// What [`State::update`] found out about one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventContext {
    /// The fd the event refers to (`fd.num`), if any.
    pub fd: Option<i64>,
    /// Whether the thread's stored enter event belongs to this exit event.
    pub has_enter: bool,
    /// Whether the event renamed the fd it uses (`fd.name_changed`).
    pub fd_name_changed: bool,
    /// The event's fd exists only for this event (a failed open or
    /// connect): see [`State::transient_fd`].
    pub transient_fd: bool,
}

/// Removals that wait for the next event.
#[derive(Debug, Clone, Default)]
struct Pending {
    close: Option<(i64, i64)>,
    exit: Option<i64>,
}

/// The whole inspection state.
#[derive(Debug, Clone, Default)]
pub struct State {
    threads: FxHashMap<i64, Thread>,
    users: Users,
    machine: Option<MachineInfo>,
    pending: Pending,
    transient: Option<Fd>,
    limits: Limits,
    stats: Stats,
}

impl State {
    /// Empty state with `limits`.
    pub fn new(limits: Limits) -> State {
        State {
            limits,
            ..State::default()
        }
    }

    /// State seeded from a capture's metadata (or a `/proc` scan).
    pub fn from_snapshot(snapshot: &Snapshot, limits: Limits) -> State {
        let mut state = State::new(limits);
        state.load_snapshot(snapshot);
        state
    }

    /// Adds a snapshot's machine, users, groups and threads (with fds).
    pub fn load_snapshot(&mut self, snapshot: &Snapshot) {
        if snapshot.machine.is_some() {
            self.machine.clone_from(&snapshot.machine);
        }
        for user in &snapshot.users {
            self.users.add_user(user.clone());
        }
        for group in &snapshot.groups {
            self.users.add_group(group.clone());
        }
        for info in &snapshot.threads {
            self.add_thread(Thread::from_meta(info));
        }
    }

    /// Adds or replaces a thread; returns false if the thread cap is reached.
    pub fn add_thread(&mut self, mut thread: Thread) -> bool {
        if !self.threads.contains_key(&thread.tid) && self.threads.len() >= self.limits.max_threads
        {
            self.stats.threads_dropped += 1;
            return false;
        }
        let fds = thread.fds.len();
        if fds > self.limits.max_fds_per_process {
            self.stats.fds_dropped += (fds - self.limits.max_fds_per_process) as u64;
            thread.fds = FdTable::default();
        } else {
            self.stats.fds_added += fds as u64;
        }
        self.stats.threads_added += 1;
        self.threads.insert(thread.tid, thread);
        true
    }

    /// The thread `tid`.
    #[inline]
    pub fn thread(&self, tid: i64) -> Option<&Thread> {
        self.threads.get(&tid)
    }

    /// The main thread of `tid`'s process (the thread itself if it is one).
    pub fn main_thread(&self, tid: i64) -> Option<&Thread> {
        let t = self.thread(tid)?;
        if t.is_main_thread() {
            Some(t)
        } else {
            self.thread(t.pid).or(Some(t))
        }
    }

    /// The parent process of `tid`.
    pub fn parent(&self, tid: i64) -> Option<&Thread> {
        let t = self.main_thread(tid)?;
        self.thread(t.ptid).filter(|p| p.tid != t.tid)
    }

    /// Number of threads.
    pub fn thread_count(&self) -> usize {
        self.threads.len()
    }

    /// Iterates over every thread.
    pub fn threads(&self) -> impl Iterator<Item = &Thread> {
        self.threads.values()
    }

    /// Users and groups.
    pub fn users(&self) -> &Users {
        &self.users
    }

    /// The machine the events come from, when known.
    pub fn machine(&self) -> Option<&MachineInfo> {
        self.machine.as_ref()
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The tid whose fd table `tid` uses (its process leader when they share).
    #[inline]
    fn fd_owner(&self, tid: i64) -> i64 {
        match self.threads.get(&tid) {
            Some(t) if t.shares_fds() && self.threads.contains_key(&t.pid) => t.pid,
            _ => tid,
        }
    }

    /// The fd table `tid` uses.
    pub fn fd_table(&self, tid: i64) -> Option<&FdTable> {
        self.threads.get(&self.fd_owner(tid)).map(|t| &t.fds)
    }

    /// Fd `fd` of thread `tid`.
    #[inline]
    pub fn fd(&self, tid: i64, fd: i64) -> Option<&Fd> {
        self.fd_table(tid)?.get(fd)
    }

    fn fd_table_mut(&mut self, tid: i64) -> Option<&mut FdTable> {
        let owner = self.fd_owner(tid);
        self.threads.get_mut(&owner).map(|t| &mut t.fds)
    }

    /// Stores `fd` as number `num` of `tid`'s process.
    pub fn add_fd(&mut self, tid: i64, num: i64, fd: Fd) {
        let cap = self.limits.max_fds_per_process;
        let Some(table) = self.fd_table_mut(tid) else {
            return;
        };
        if table.len() >= cap && table.get(num).is_none() {
            self.stats.fds_dropped += 1;
            return;
        }
        table.insert(num, fd);
        self.stats.fds_added += 1;
    }

    fn remove_fd(&mut self, tid: i64, num: i64) {
        if let Some(table) = self.fd_table_mut(tid) {
            if table.remove(num).is_some() {
                self.stats.fds_removed += 1;
            }
        }
    }

    fn remove_thread(&mut self, tid: i64) {
        let Some(t) = self.threads.get(&tid) else {
            return;
        };
        // A process leader that exits before its threads keeps its entry
        // (its fd table is the process's) until the last thread is gone.
        if t.is_main_thread()
            && self
                .threads
                .values()
                .any(|o| o.pid == tid && o.tid != tid && !o.dead)
        {
            return;
        }
        let pid = t.pid;
        self.threads.remove(&tid);
        self.stats.threads_removed += 1;
        if pid != tid {
            if let Some(leader) = self.threads.get(&pid) {
                if leader.dead {
                    self.remove_thread(pid);
                }
            }
        }
    }

    /// Applies the removals the previous event asked for.
    fn apply_pending(&mut self) {
        if let Some((tid, fd)) = self.pending.close.take() {
            self.remove_fd(tid, fd);
        }
        if let Some(tid) = self.pending.exit.take() {
            self.remove_thread(tid);
        }
    }

    /// Applies one event and reports what it refers to.
    pub fn update(&mut self, evt: &EventRef<'_>) -> EventContext {
        self.apply_pending();
        self.transient = None;
        parse::apply(self, evt)
    }

    /// The fd a failed open or connect described, for the fields of that
    /// event only (sysdig shows the path a failed open tried).
    pub fn transient_fd(&self) -> Option<&Fd> {
        self.transient.as_ref()
    }

    /// The stored enter event of `tid`, if it is the enter half of `exit_code`.
    pub fn enter_event(&self, tid: i64, exit_code: u16) -> Option<EventRef<'_>> {
        let t = self.threads.get(&tid)?;
        if !t.enter.valid || t.enter.code != exit_code.wrapping_sub(1) {
            return None;
        }
        EventRef::parse(&t.enter.bytes).ok()
    }
}
