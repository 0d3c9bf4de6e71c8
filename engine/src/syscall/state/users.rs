//! Users and groups known to the inspection state.

use libcapture::meta::{GroupInfo, UserInfo};

use super::hash::FxHashMap;

/// Users and groups by id, seeded from a capture's user list and updated by
/// user/group added and deleted events.
#[derive(Debug, Clone, Default)]
pub struct Users {
    users: FxHashMap<u32, UserInfo>,
    groups: FxHashMap<u32, GroupInfo>,
}

impl Users {
    /// Adds or replaces a user.
    pub fn add_user(&mut self, user: UserInfo) {
        self.users.insert(user.uid, user);
    }

    /// Adds or replaces a group.
    pub fn add_group(&mut self, group: GroupInfo) {
        self.groups.insert(group.gid, group);
    }

    /// Removes a user.
    pub fn remove_user(&mut self, uid: u32) {
        self.users.remove(&uid);
    }

    /// Removes a group.
    pub fn remove_group(&mut self, gid: u32) {
        self.groups.remove(&gid);
    }

    /// The user with `uid`.
    pub fn user(&self, uid: u32) -> Option<&UserInfo> {
        self.users.get(&uid)
    }

    /// The group with `gid`.
    pub fn group(&self, gid: u32) -> Option<&GroupInfo> {
        self.groups.get(&gid)
    }

    /// Number of users.
    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// Number of groups.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }
}
