//! User/group list blocks (UL v1, UL_V2).

use super::block_type;
use super::cursor::Cursor;
use super::error::{Error, ErrorKind};
use super::proc_list::lossy;
use crate::meta::{GroupInfo, UserInfo};

/// A user/group-list block.
#[derive(Debug, Clone)]
pub struct UserList<'a> {
    v2: bool,
    body: Cursor<'a>,
}

impl<'a> UserList<'a> {
    pub(crate) fn parse(block_type: u32, body: Cursor<'a>) -> Result<Self, Error> {
        let list = UserList {
            v2: block_type == block_type::USER_LIST_V2,
            body,
        };
        for entry in list.entries() {
            entry?;
        }
        Ok(list)
    }

    /// Block version, 1 or 2.
    pub fn version(&self) -> u8 {
        if self.v2 {
            2
        } else {
            1
        }
    }

    /// Users and groups, in file order.
    pub fn entries(&self) -> UserEntries<'a> {
        UserEntries {
            v2: self.v2,
            cur: self.body.clone(),
            failed: false,
        }
    }
}

/// Iterator over the entries of a [`UserList`].
#[derive(Debug, Clone)]
pub struct UserEntries<'a> {
    v2: bool,
    cur: Cursor<'a>,
    failed: bool,
}

impl<'a> Iterator for UserEntries<'a> {
    type Item = Result<UserEntry<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.cur.remaining() < 4 {
            return None;
        }
        let entry = UserEntry::parse(&mut self.cur, self.v2);
        self.failed = entry.is_err();
        Some(entry)
    }
}

/// A user or a group, borrowing its strings from the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserEntry<'a> {
    /// A user account.
    User {
        /// User id.
        uid: u32,
        /// Primary group id.
        gid: u32,
        /// Login name.
        name: &'a [u8],
        /// Home directory.
        homedir: &'a [u8],
        /// Shell.
        shell: &'a [u8],
    },
    /// A group.
    Group {
        /// Group id.
        gid: u32,
        /// Group name.
        name: &'a [u8],
    },
}

impl<'a> UserEntry<'a> {
    fn parse(outer: &mut Cursor<'a>, v2: bool) -> Result<Self, Error> {
        if !v2 {
            return Self::parse_fields(outer);
        }
        let len_at = outer.clone();
        let entry_len = outer.u32("entry_len")?;
        let body_len = usize::try_from(entry_len)
            .ok()
            .and_then(|n| n.checked_sub(4))
            .filter(|&n| n <= outer.remaining())
            .ok_or_else(|| len_at.error(ErrorKind::BadEntryLength { length: entry_len }))?;
        let mut cur = outer.sub(body_len, "entry")?;
        Self::parse_fields(&mut cur)
    }

    fn parse_fields(cur: &mut Cursor<'a>) -> Result<Self, Error> {
        // Any non-zero kind is a group, as in libscap.
        if cur.u8("kind")? == 0 {
            Ok(UserEntry::User {
                uid: cur.u32("uid")?,
                gid: cur.u32("gid")?,
                name: cur.lstr16("name")?,
                homedir: cur.lstr16("homedir")?,
                shell: cur.lstr16("shell")?,
            })
        } else {
            Ok(UserEntry::Group {
                gid: cur.u32("gid")?,
                name: cur.lstr16("name")?,
            })
        }
    }

    /// The owned user, if this is one.
    pub fn to_user(&self) -> Option<UserInfo> {
        match *self {
            UserEntry::User {
                uid,
                gid,
                name,
                homedir,
                shell,
            } => Some(UserInfo {
                uid,
                gid,
                name: lossy(name),
                homedir: lossy(homedir),
                shell: lossy(shell),
            }),
            UserEntry::Group { .. } => None,
        }
    }

    /// The owned group, if this is one.
    pub fn to_group(&self) -> Option<GroupInfo> {
        match *self {
            UserEntry::Group { gid, name } => Some(GroupInfo {
                gid,
                name: lossy(name),
            }),
            UserEntry::User { .. } => None,
        }
    }
}
