//! The inspector: applies events to the state in order and numbers them the
//! way sysdig does, producing the [`SyscallEvent`] view fields read.
//!
//! Numbering follows sysdig 0.29.3: every event read gets the next
//! `evt.num`, including internal ones it never shows (procinfo, container,
//! scap events), except meta events with codes 0.29.3 does not know
//! (user/group added, ≥ 336), which it skips before numbering.

use driver::event::EventRef;
use driver::{Category, EventCode, EventFlags, LEGACY_EVENT_COUNT};
use libcapture::meta::Snapshot;

use super::state::{EventContext, Fd, Limits, State, Thread};

/// Dump flag of EVF blocks: the event was kept only for state.
const STATE_ONLY: u32 = 1;

/// Processes events in order and keeps the inspection state.
#[derive(Debug, Default)]
pub struct Inspector {
    state: State,
    num: u64,
    first_ts: Option<u64>,
    hostname: String,
}

impl Inspector {
    /// An inspector with empty state.
    pub fn new(limits: Limits) -> Inspector {
        Inspector {
            state: State::new(limits),
            ..Inspector::default()
        }
    }

    /// An inspector seeded from a capture's metadata or a `/proc` scan.
    pub fn from_snapshot(snapshot: &Snapshot, limits: Limits) -> Inspector {
        let mut inspector = Inspector::new(limits);
        inspector.load_snapshot(snapshot);
        inspector
    }

    /// Adds a snapshot (e.g. the metadata of a new capture section).
    pub fn load_snapshot(&mut self, snapshot: &Snapshot) {
        self.state.load_snapshot(snapshot);
        if let Some(m) = &snapshot.machine {
            self.hostname.clone_from(&m.hostname);
        }
    }

    /// Sets the host name `evt.hostname` reports (live captures).
    pub fn set_hostname(&mut self, hostname: impl Into<String>) {
        self.hostname = hostname.into();
    }

    /// The state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The last `evt.num` handed out.
    pub fn last_num(&self) -> u64 {
        self.num
    }

    /// Applies `evt` (read from device `cpu`, with EVF dump `flags` if any)
    /// and returns its view for field extraction.
    pub fn process<'e>(
        &'e mut self,
        evt: EventRef<'e>,
        cpu: u16,
        flags: Option<u32>,
    ) -> SyscallEvent<'e> {
        let code = evt.code().0;
        let info = evt.info();
        // Internal and meta events (procinfo, container, user added...) are
        // state, not activity: sysdig does not show them.
        let internal = info.is_none_or(|i| {
            i.category.contains(Category::INTERNAL)
                || i.category.contains(Category::METAEVENT)
                || i.flags.contains(EventFlags::UNUSED)
        });
        let numbered = !(internal && usize::from(code) >= LEGACY_EVENT_COUNT) && info.is_some();
        if numbered {
            self.num += 1;
        }
        // Synthetic events of old captures carry ts 0; they do not start the clock.
        if self.first_ts.is_none() && evt.ts() != 0 {
            self.first_ts = Some(evt.ts());
        }
        let first_ts = self.first_ts.unwrap_or(0);
        let ctx = self.state.update(&evt);
        let visible = numbered && !internal && flags.unwrap_or(0) & STATE_ONLY == 0;
        SyscallEvent::new(
            evt,
            &self.state,
            EventMeta {
                num: self.num,
                cpu,
                visible,
                first_ts,
                hostname: &self.hostname,
            },
            ctx,
        )
    }
}

/// Per-event facts from the inspector.
#[derive(Debug, Clone, Copy)]
pub struct EventMeta<'e> {
    /// `evt.num`.
    pub num: u64,
    /// Device the event came from (`evt.cpu`).
    pub cpu: u16,
    /// Whether sysdig shows the event.
    pub visible: bool,
    /// Timestamp of the first event (for `evt.reltime`).
    pub first_ts: u64,
    /// Host name (`evt.hostname`).
    pub hostname: &'e str,
}

/// One event with the state it was applied to: what fields read.
#[derive(Debug, Clone, Copy)]
pub struct SyscallEvent<'e> {
    /// The raw event.
    pub evt: EventRef<'e>,
    /// The state after the event was applied.
    pub state: &'e State,
    /// Numbering and display facts.
    pub meta: EventMeta<'e>,
    /// What the state update found out (fd number, stored enter event).
    pub ctx: EventContext,
    /// The event's thread, if known.
    pub thread: Option<&'e Thread>,
    /// The fd the event uses, if known.
    pub fd: Option<&'e Fd>,
}

impl<'e> SyscallEvent<'e> {
    /// Builds the view, resolving the thread and fd once.
    pub fn new(
        evt: EventRef<'e>,
        state: &'e State,
        meta: EventMeta<'e>,
        ctx: EventContext,
    ) -> SyscallEvent<'e> {
        let tid = evt.tid() as i64;
        let thread = state.thread(tid);
        let fd = if ctx.transient_fd {
            state.transient_fd()
        } else {
            ctx.fd.and_then(|n| state.fd(tid, n))
        };
        SyscallEvent {
            evt,
            state,
            meta,
            ctx,
            thread,
            fd,
        }
    }

    /// Thread id (`thread.tid`).
    pub fn tid(&self) -> i64 {
        self.evt.tid() as i64
    }

    /// Whether sysdig would print this event.
    pub fn is_visible(&self) -> bool {
        self.meta.visible
    }

    /// The stored enter event of this exit event, if any.
    pub fn enter(&self) -> Option<EventRef<'e>> {
        if !self.ctx.has_enter {
            return None;
        }
        self.state.enter_event(self.tid(), self.evt.code().0)
    }

    /// The name sysdig 0.29.3 shows for the event type: the syscall's name
    /// for generic events, the table name otherwise.
    pub fn type_name(&self) -> &'static str {
        let code = self.evt.code();
        if code == EventCode::GENERIC_E || code == EventCode::GENERIC_X {
            if let Some(Ok(driver::ParamValue::SyscallId(sc))) = self.evt.param(0) {
                return driver::syscalls::legacy_ppm_sc_name(sc);
            }
            return "<unknown>";
        }
        self.evt.info().map_or("<unknown>", |i| i.name)
    }
}
