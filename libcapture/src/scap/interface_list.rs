//! Interface list blocks (IL v1, IL_V2): network interface addresses.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::block_type;
use super::cursor::Cursor;
use super::error::{Error, ErrorKind};
use super::proc_list::lossy;
use crate::meta::{Interface, InterfaceAddr};

/// Entry type: IPv4 with link speed.
pub const IF_IPV4: u16 = 1;
/// Entry type: IPv6 with link speed.
pub const IF_IPV6: u16 = 2;
/// Entry type: IPv4 without link speed (2014 captures).
pub const IF_IPV4_NO_LINKSPEED: u16 = 3;
/// Entry type: IPv6 without link speed (2014 captures).
pub const IF_IPV6_NO_LINKSPEED: u16 = 4;

/// An interface-list block.
#[derive(Debug, Clone)]
pub struct InterfaceList<'a> {
    v2: bool,
    body: Cursor<'a>,
}

impl<'a> InterfaceList<'a> {
    pub(crate) fn parse(block_type: u32, body: Cursor<'a>) -> Result<Self, Error> {
        let list = InterfaceList {
            v2: block_type == block_type::INTERFACE_LIST_V2,
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

    /// The addresses, in file order.
    pub fn entries(&self) -> InterfaceEntries<'a> {
        InterfaceEntries {
            v2: self.v2,
            cur: self.body.clone(),
            failed: false,
        }
    }
}

/// Iterator over the entries of an [`InterfaceList`].
#[derive(Debug, Clone)]
pub struct InterfaceEntries<'a> {
    v2: bool,
    cur: Cursor<'a>,
    failed: bool,
}

impl<'a> Iterator for InterfaceEntries<'a> {
    type Item = Result<InterfaceEntry<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.cur.remaining() < 4 {
            return None;
        }
        let entry = InterfaceEntry::parse(&mut self.cur, self.v2);
        self.failed = entry.is_err();
        Some(entry)
    }
}

/// One interface address, borrowing its name from the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterfaceEntry<'a> {
    /// Raw entry type (1–4).
    pub if_type: u16,
    /// Address, netmask and broadcast address.
    pub addr: InterfaceAddr,
    /// Link speed (0 for types 3 and 4).
    pub linkspeed: u64,
    /// Interface name bytes.
    pub name: &'a [u8],
}

impl<'a> InterfaceEntry<'a> {
    fn parse(outer: &mut Cursor<'a>, v2: bool) -> Result<Self, Error> {
        if !v2 {
            return Self::parse_fields(outer);
        }
        // IL_V2's entry length, unlike the other lists', excludes itself.
        let len_at = outer.clone();
        let entry_len = outer.u32("entry_len")?;
        let body_len = usize::try_from(entry_len)
            .ok()
            .filter(|&n| n <= outer.remaining())
            .ok_or_else(|| len_at.error(ErrorKind::BadEntryLength { length: entry_len }))?;
        let mut cur = outer.sub(body_len, "entry")?;
        Self::parse_fields(&mut cur)
    }

    fn parse_fields(cur: &mut Cursor<'a>) -> Result<Self, Error> {
        let type_at = cur.clone();
        let if_type = cur.u16("type")?;
        let name_len = cur.u16("ifnamelen")?;
        let addr = match if_type {
            IF_IPV4 | IF_IPV4_NO_LINKSPEED => InterfaceAddr::V4 {
                addr: Ipv4Addr::from(cur.array::<4>("addr")?),
                netmask: Ipv4Addr::from(cur.array::<4>("netmask")?),
                broadcast: Ipv4Addr::from(cur.array::<4>("bcast")?),
            },
            IF_IPV6 | IF_IPV6_NO_LINKSPEED => InterfaceAddr::V6 {
                addr: Ipv6Addr::from(cur.array::<16>("addr")?),
                netmask: Ipv6Addr::from(cur.array::<16>("netmask")?),
                broadcast: Ipv6Addr::from(cur.array::<16>("bcast")?),
            },
            other => return Err(type_at.error(ErrorKind::BadInterfaceType { if_type: other })),
        };
        let linkspeed = if matches!(if_type, IF_IPV4 | IF_IPV6) {
            cur.u64("linkspeed")?
        } else {
            0
        };
        let name = cur.bytes(usize::from(name_len), "ifname")?;
        Ok(InterfaceEntry {
            if_type,
            addr,
            linkspeed,
            name,
        })
    }

    /// The owned form.
    pub fn to_meta(&self) -> Interface {
        Interface {
            name: lossy(self.name),
            addr: self.addr,
            linkspeed: self.linkspeed,
        }
    }
}
