//! Socket parameters as the probe writes them: `PT_SOCKADDR` from a raw
//! `struct sockaddr`, and `PT_SOCKTUPLE` from the names of a tracee's socket
//! (`getsockname`/`getpeername` on a `pidfd_getfd` duplicate), with the
//! probe's rules for a socket without a peer.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;

use crate::param::{SockAddr, SockTuple};
use crate::sys;
use crate::EventBuilder;

/// Longest unix path the probe copies, NUL included (`UNIX_PATH_MAX`).
const UNIX_PATH_MAX: usize = 108;

/// A raw `struct sockaddr` as a `PT_SOCKADDR` value.
pub(crate) fn parse_sockaddr(raw: &[u8]) -> Option<SockAddr<'_>> {
    let family = u16::from_le_bytes(raw.get(..2)?.try_into().ok()?);
    match family {
        2 => {
            let port = u16::from_be_bytes(raw.get(2..4)?.try_into().ok()?);
            let o: [u8; 4] = raw.get(4..8)?.try_into().ok()?;
            Some(SockAddr::Inet {
                addr: Ipv4Addr::from(o),
                port,
            })
        }
        10 => {
            let port = u16::from_be_bytes(raw.get(2..4)?.try_into().ok()?);
            let o: [u8; 16] = raw.get(8..24)?.try_into().ok()?;
            Some(SockAddr::Inet6 {
                addr: Ipv6Addr::from(o),
                port,
            })
        }
        1 => {
            let path = raw.get(2..).unwrap_or_default();
            let path = if path.first() == Some(&0) {
                &path[1..]
            } else {
                path
            };
            let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
            Some(SockAddr::Unix(&path[..end]))
        }
        f => Some(SockAddr::Other {
            family: f as u8,
            rest: raw.get(2..).unwrap_or_default(),
        }),
    }
}

/// `(queued, backlog)` of the listening socket `fd` of process `pid`, the
/// probe's `sk_ack_backlog` and `sk_max_ack_backlog`: a TCP listener reports
/// both in `TCP_INFO`; a unix listener's backlog comes from sock_diag (its
/// queue length is always 0: unix sockets queue connections elsewhere) when
/// the process is in the tracer's network namespace. 0 otherwise.
pub(crate) fn listen_queue(pid: i32, fd: i64) -> (u32, u32) {
    let Some(own) = (fd >= 0)
        .then(|| sys::dup_tracee_fd(pid, fd as i32).ok())
        .flatten()
    else {
        return (0, 0);
    };
    if let Some(queue) = sys::tcp_listen_queue(own.as_fd()) {
        return queue;
    }
    let local = sys::socket_name(own.as_fd(), false).unwrap_or_default();
    if !matches!(parse_sockaddr(&local), Some(SockAddr::Unix(_))) || !same_netns(pid) {
        return (0, 0);
    }
    let ino = std::fs::File::from(own).metadata().map_or(0, |m| m.ino());
    (0, unix_listen_backlog(ino).unwrap_or(0))
}

/// Whether process `pid` is in the tracer's network namespace (where the
/// tracer's sock_diag queries look).
fn same_netns(pid: i32) -> bool {
    let ns = |p: &str| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    let own = ns("/proc/self/ns/net");
    own.is_some() && own == ns(&format!("/proc/{pid}/ns/net"))
}

/// `SOCK_DIAG_BY_FAMILY`, `NLM_F_REQUEST`, `NLMSG_ERROR`.
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLM_F_REQUEST: u16 = 1;
const NLMSG_ERROR: u16 = 2;
/// `UDIAG_SHOW_RQLEN` (request) and `UNIX_DIAG_RQLEN` (reply attribute).
const UDIAG_SHOW_RQLEN: u32 = 0x10;
const UNIX_DIAG_RQLEN: u16 = 4;
/// `TCP_LISTEN`, the state of a listening unix socket too.
const TCP_LISTEN: u8 = 10;
/// Sizes of `struct nlmsghdr`, `struct unix_diag_req` and `struct unix_diag_msg`.
const NLMSG_HDR: usize = 16;
const UNIX_DIAG_REQ: usize = 24;
const UNIX_DIAG_MSG: usize = 16;

/// The listen backlog of the listening unix socket with inode `ino`, asked
/// of sock_diag.
fn unix_listen_backlog(ino: u64) -> Option<u32> {
    let ino = u32::try_from(ino).ok()?;
    let mut reply = [0u8; 512];
    let n = sys::sock_diag(&unix_diag_request(ino), &mut reply).ok()?;
    unix_backlog_of_reply(reply.get(..n)?, ino)
}

/// A `unix_diag_req` for the socket with inode `ino`, showing its queue lengths.
fn unix_diag_request(ino: u32) -> Vec<u8> {
    let mut req = Vec::with_capacity(NLMSG_HDR + UNIX_DIAG_REQ);
    req.extend_from_slice(&((NLMSG_HDR + UNIX_DIAG_REQ) as u32).to_ne_bytes());
    req.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    req.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    req.extend_from_slice(&[0; 8]); // sequence number, port id
    req.extend_from_slice(&[1, 0, 0, 0]); // AF_UNIX, protocol, padding
    req.extend_from_slice(&u32::MAX.to_ne_bytes()); // every state
    req.extend_from_slice(&ino.to_ne_bytes());
    req.extend_from_slice(&UDIAG_SHOW_RQLEN.to_ne_bytes());
    // No cookie (INET_DIAG_NOCOOKIE): look the socket up by inode only.
    req.extend_from_slice(&u32::MAX.to_ne_bytes());
    req.extend_from_slice(&u32::MAX.to_ne_bytes());
    req
}

/// The backlog in a sock_diag reply about unix socket `ino`: the write
/// queue of `UNIX_DIAG_RQLEN`, which is the backlog for a listener. `None`
/// for an error reply, another socket, or one that is not listening.
fn unix_backlog_of_reply(reply: &[u8], ino: u32) -> Option<u32> {
    let u16_at = |at: usize| Some(u16::from_ne_bytes(reply.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_ne_bytes(reply.get(at..at + 4)?.try_into().ok()?));
    let len = (u32_at(0)? as usize).min(reply.len());
    if u16_at(4)? == NLMSG_ERROR {
        return None;
    }
    let msg = NLMSG_HDR;
    if *reply.get(msg + 2)? != TCP_LISTEN || u32_at(msg + 4)? != ino {
        return None;
    }
    let mut at = msg + UNIX_DIAG_MSG;
    while at + 4 <= len {
        let attr_len = usize::from(u16_at(at)?);
        if attr_len < 4 {
            return None;
        }
        if u16_at(at + 2)? == UNIX_DIAG_RQLEN && attr_len >= 12 {
            return u32_at(at + 8);
        }
        at += (attr_len + 3) & !3;
    }
    None
}

/// The socket tuple of fd `fd` of process `pid`, as the probe builds it
/// (see [`socket_tuple`]); empty for a non-socket or a family without tuples.
pub(crate) fn push_tuple(
    b: &mut EventBuilder,
    pid: i32,
    fd: i64,
    inbound: bool,
    fallback_peer: &[u8],
) {
    let Some(own) = (fd >= 0)
        .then(|| sys::dup_tracee_fd(pid, fd as i32).ok())
        .flatten()
    else {
        b.empty();
        return;
    };
    let local = sys::socket_name(own.as_fd(), false).unwrap_or_default();
    let peer = sys::socket_name(own.as_fd(), true).ok();
    match socket_tuple(&local, peer.as_deref(), inbound, fallback_peer) {
        Some(t) => b.socktuple(&t),
        None => b.empty(),
    };
}

/// A socket's tuple from its own name and its peer's (`None`: not
/// connected): local → peer for outbound calls, peer → local for inbound
/// ones (accept, recv).
///
/// * inet: an unconnected socket takes the peer from `fallback_peer` (the
///   call's address) when it is of the socket's family, else `0.0.0.0:0`.
/// * unix: the path is the peer's name when connected, the socket's own
///   otherwise; when that is unnamed, the path in `fallback_peer`. (The
///   probe's kernel socket addresses are not visible here: 0.)
fn socket_tuple<'a>(
    local: &'a [u8],
    peer: Option<&'a [u8]>,
    inbound: bool,
    fallback_peer: &'a [u8],
) -> Option<SockTuple<'a>> {
    let remote = || match peer.and_then(parse_sockaddr) {
        Some(addr) => Some(addr),
        None => parse_sockaddr(fallback_peer),
    };
    match parse_sockaddr(local)? {
        SockAddr::Inet { addr, port } => {
            let (raddr, rport) = match remote() {
                Some(SockAddr::Inet { addr, port }) => (addr, port),
                _ => (Ipv4Addr::UNSPECIFIED, 0),
            };
            let ((src, sport), (dst, dport)) = ordered((addr, port), (raddr, rport), inbound);
            Some(SockTuple::Inet {
                src,
                sport,
                dst,
                dport,
            })
        }
        SockAddr::Inet6 { addr, port } => {
            let (raddr, rport) = match remote() {
                Some(SockAddr::Inet6 { addr, port }) => (addr, port),
                _ => (Ipv6Addr::UNSPECIFIED, 0),
            };
            let ((src, sport), (dst, dport)) = ordered((addr, port), (raddr, rport), inbound);
            Some(SockTuple::Inet6 {
                src,
                sport,
                dst,
                dport,
            })
        }
        SockAddr::Unix(own) => {
            let named = match peer.map(parse_sockaddr) {
                Some(Some(SockAddr::Unix(path))) => path,
                Some(_) => &[],
                None => own,
            };
            let path = if named.is_empty() {
                // The probe's bounded string read of the user's sun_path.
                let raw = fallback_peer.get(2..).unwrap_or_default();
                let raw = &raw[..raw.len().min(UNIX_PATH_MAX - 1)];
                &raw[..raw.iter().position(|&c| c == 0).unwrap_or(raw.len())]
            } else {
                named
            };
            Some(SockTuple::Unix {
                src: 0,
                dst: 0,
                path,
            })
        }
        _ => None,
    }
}

/// `(local, remote)` in tuple order: the remote side first for inbound calls.
fn ordered<T>(local: T, remote: T, inbound: bool) -> (T, T) {
    if inbound {
        (remote, local)
    } else {
        (local, remote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    fn inet(a: [u8; 4], port: u16) -> Vec<u8> {
        let mut raw = vec![2, 0];
        raw.extend_from_slice(&port.to_be_bytes());
        raw.extend_from_slice(&a);
        raw.extend_from_slice(&[0; 8]);
        raw
    }

    fn unix(path: &[u8]) -> Vec<u8> {
        let mut raw = vec![1, 0];
        raw.extend_from_slice(path);
        raw
    }

    #[test]
    fn an_unconnected_inet_socket_takes_the_calls_address_or_none() {
        let local = inet([0, 0, 0, 0], 4000);
        let to = inet([127, 0, 0, 1], 53);
        assert_eq!(
            socket_tuple(&local, None, false, &to),
            Some(SockTuple::Inet {
                src: Ipv4Addr::UNSPECIFIED,
                sport: 4000,
                dst: Ipv4Addr::LOCALHOST,
                dport: 53
            })
        );
        // recv without an address: the peer is all zeros, first for inbound.
        assert_eq!(
            socket_tuple(&local, None, true, &[]),
            Some(SockTuple::Inet {
                src: Ipv4Addr::UNSPECIFIED,
                sport: 0,
                dst: Ipv4Addr::UNSPECIFIED,
                dport: 4000
            })
        );
        // A connected socket keeps its peer whatever the call names.
        let peer = inet([10, 0, 0, 1], 80);
        assert!(matches!(
            socket_tuple(&local, Some(&peer), false, &to),
            Some(SockTuple::Inet { dport: 80, .. })
        ));
    }

    #[test]
    fn unix_paths_follow_the_peer_then_the_socket_then_the_call() {
        let path = |t: Option<SockTuple<'_>>| match t {
            Some(SockTuple::Unix { path, .. }) => path.to_vec(),
            other => panic!("{other:?}"),
        };
        let listener = unix(b"/run/s.sock\0");
        let unnamed = unix(b"");
        // An accepted socket: named like its listener, its client unnamed.
        assert_eq!(
            path(socket_tuple(&listener, Some(&unnamed), true, &[])),
            b""
        );
        // A client connected to the listener.
        assert_eq!(
            path(socket_tuple(&unnamed, Some(&listener), false, &[])),
            b"/run/s.sock"
        );
        // Unconnected: the socket's own name, else the call's address.
        assert_eq!(
            path(socket_tuple(&listener, None, false, &[])),
            b"/run/s.sock"
        );
        let to = unix(b"/run/dgram\0junk");
        assert_eq!(
            path(socket_tuple(&unnamed, None, false, &to)),
            b"/run/dgram"
        );
    }

    #[test]
    fn a_tcp_listeners_queue_is_read_and_other_sockets_have_none() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        // The handshake ends in softirq context: wait for the queued connection.
        let mut queue = None;
        for _ in 0..100 {
            queue = sys::tcp_listen_queue(listener.as_fd());
            if queue.is_some_and(|(len, _)| len == 1) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let (len, max) = queue.unwrap();
        assert_eq!(len, 1);
        assert!(max > 0, "the listen backlog");
        let (accepted, _) = listener.accept().unwrap();
        assert_eq!(sys::tcp_listen_queue(listener.as_fd()), Some((0, max)));
        assert_eq!(
            sys::tcp_listen_queue(accepted.as_fd()),
            None,
            "not listening"
        );
        drop(client);
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        assert_eq!(sys::tcp_listen_queue(a.as_fd()), None, "not TCP");
    }

    #[test]
    fn a_unix_listeners_backlog_comes_from_sock_diag() {
        let path = std::env::temp_dir().join(format!("harrier-diag-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let _client = std::os::unix::net::UnixStream::connect(&path).unwrap();
        let me = std::process::id() as i32;
        let (len, max) = listen_queue(me, i64::from(listener.as_raw_fd()));
        assert_eq!(len, 0, "unix listeners keep no accept-queue count");
        assert!(max > 0, "the listen backlog");
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        assert_eq!(
            listen_queue(me, i64::from(a.as_raw_fd())),
            (0, 0),
            "not listening"
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn sock_diag_replies_are_read_defensively() {
        let mut reply = unix_diag_request(77)[..NLMSG_HDR].to_vec();
        reply.extend_from_slice(&[1, 1, TCP_LISTEN, 0]);
        reply.extend_from_slice(&77u32.to_ne_bytes());
        reply.extend_from_slice(&[0xff; 8]);
        // An attribute before the one wanted, then UNIX_DIAG_RQLEN (0, 5).
        reply.extend_from_slice(&[6, 0, 0, 0, b'a', 0, 0, 0]);
        reply.extend_from_slice(&[12, 0, 4, 0, 0, 0, 0, 0, 5, 0, 0, 0]);
        let len = reply.len() as u32;
        reply[..4].copy_from_slice(&len.to_ne_bytes());
        assert_eq!(unix_backlog_of_reply(&reply, 77), Some(5));
        assert_eq!(unix_backlog_of_reply(&reply, 78), None, "another socket");
        assert_eq!(unix_backlog_of_reply(&reply[..40], 77), None, "cut short");
        let mut looping = reply.clone();
        looping[32] = 0; // an attribute of length 0
        assert_eq!(unix_backlog_of_reply(&looping, 77), None);
        let mut error = reply;
        error[4] = NLMSG_ERROR as u8;
        assert_eq!(unix_backlog_of_reply(&error, 77), None);
    }

    #[test]
    fn other_families_have_no_tuple() {
        let netlink = [16u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(socket_tuple(&netlink, None, false, &[]), None);
        assert_eq!(socket_tuple(&[], None, false, &[]), None);
    }
}
