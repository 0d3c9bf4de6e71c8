//! Collecting metadata blocks into an owned [`Snapshot`].

use std::collections::HashMap;

use super::error::Error;
use super::reader::{Block, ScapFile};
use crate::meta::{Snapshot, ThreadInfo};

/// Folds metadata blocks into a [`Snapshot`], in file order.
///
/// Fd lists are attached to the thread with their tid; an fd list for a tid
/// no process list mentioned gets a thread of its own (libscap 0.29.3
/// rejects such files; current libs accept them).
#[derive(Debug, Default)]
pub struct SnapshotBuilder {
    snapshot: Snapshot,
    by_tid: HashMap<u64, usize>,
}

impl SnapshotBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one block; section headers and events are ignored.
    pub fn absorb(&mut self, block: &Block<'_>) -> Result<(), Error> {
        let snap = &mut self.snapshot;
        match block {
            Block::MachineInfo(mi) => snap.machine = Some(mi.to_meta()),
            Block::InterfaceList(list) => {
                for entry in list.entries() {
                    snap.interfaces.push(entry?.to_meta());
                }
            }
            Block::UserList(list) => {
                for entry in list.entries() {
                    let entry = entry?;
                    snap.users.extend(entry.to_user());
                    snap.groups.extend(entry.to_group());
                }
            }
            Block::ProcList(list) => {
                for entry in list.entries() {
                    let thread = entry?.to_meta();
                    self.upsert(thread);
                }
            }
            Block::FdList(list) => {
                let index = self.thread_index(list.tid);
                for entry in list.entries() {
                    self.snapshot.threads[index].fds.push(entry?.to_meta());
                }
            }
            Block::SectionHeader(_) | Block::Event(_) | Block::Unknown(_) => {}
        }
        Ok(())
    }

    fn upsert(&mut self, thread: ThreadInfo) {
        match self.by_tid.get(&thread.tid) {
            Some(&i) => {
                let fds = std::mem::take(&mut self.snapshot.threads[i].fds);
                self.snapshot.threads[i] = ThreadInfo { fds, ..thread };
            }
            None => {
                self.by_tid.insert(thread.tid, self.snapshot.threads.len());
                self.snapshot.threads.push(thread);
            }
        }
    }

    fn thread_index(&mut self, tid: u64) -> usize {
        if let Some(&i) = self.by_tid.get(&tid) {
            return i;
        }
        self.upsert(ThreadInfo {
            tid,
            pid: tid,
            ..ThreadInfo::default()
        });
        self.snapshot.threads.len() - 1
    }

    /// The snapshot so far.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The collected snapshot.
    pub fn finish(self) -> Snapshot {
        self.snapshot
    }
}

impl ScapFile {
    /// The metadata of the file's first section: every metadata block
    /// before the first event (or the next section header).
    pub fn snapshot(&self) -> Result<Snapshot, Error> {
        let mut builder = SnapshotBuilder::new();
        for (i, block) in self.blocks().enumerate() {
            let block = match block {
                Ok(block) => block,
                // Damage in the first event does not affect the metadata before it.
                Err(e) if e.block_type.is_some_and(super::event::is_event_block) => break,
                Err(e) => return Err(e),
            };
            if matches!(block, Block::Event(_))
                || (i > 0 && matches!(block, Block::SectionHeader(_)))
            {
                break;
            }
            builder.absorb(&block)?;
        }
        Ok(builder.finish())
    }
}
