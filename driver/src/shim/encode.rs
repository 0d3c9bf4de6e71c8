//! Turns one traced syscall into the same exit event the eBPF probe writes,
//! through the shared [`EventBuilder`]: parameters come from the
//! [`params`](super::params) table, process facts from `/proc`, strings and
//! buffers from the tracee's memory.

use super::ia32::{unmapped_generic, NR_NONE};
use super::params::{self, PeerArg, Src};
use super::procinfo::{self, ProcInfo};
use super::socket::{listen_queue, parse_sockaddr, push_tuple};
use crate::param::SockAddr;
use crate::sys;
use crate::{event_info, EventBuilder, EventCode, ParamInfo, ParamType, ParamValue};

/// Longest path read from a tracee (the probes' `PATH_MAX_LEN`).
const PATH_MAX: usize = 4096;
/// Largest socket address read from a tracee (`struct sockaddr_storage`).
const SOCKADDR_MAX: usize = 128;
/// Most iovecs gathered for readv/writev data.
const MAX_IOVECS: usize = 16;
/// Largest ancillary data the probe keeps for recvmsg (exclusive bound).
const MSG_CONTROL_MAX: u64 = 256;
/// `PR_SET_NAME` and `PR_GET_NAME`: prctl options whose argument 2 is a name.
const PR_SET_NAME: u64 = 15;
const PR_GET_NAME: u64 = 16;
/// A task name's buffer (`TASK_COMM_LEN`), NUL included.
const TASK_COMM_LEN: usize = 16;

/// One completed syscall of a traced thread.
#[derive(Debug, Clone)]
pub(crate) struct Completed {
    pub(crate) tid: i32,
    pub(crate) tgid: i32,
    /// x86_64 number ([`NR_NONE`]: an ia32 call with no x86_64 counterpart).
    pub(crate) nr: u64,
    /// Arguments in the x86_64 call's order (see [`super::ia32`]).
    pub(crate) args: [u64; 6],
    /// The ia32 number of a call made with `int $0x80`: user structs with
    /// pointers (iovec, msghdr) have their 32-bit layout.
    pub(crate) ia32: Option<u32>,
    pub(crate) ret: i64,
    /// execve/execveat: the path argument, read at entry (the image is gone at exit).
    pub(crate) filename: Option<Vec<u8>>,
    /// An `O_CREAT` open whose target did not exist at entry (see
    /// [`super::created`]): a success created the file.
    pub(crate) creates: bool,
}

/// Reads a NUL-terminated string from the tracee, page by page.
pub(crate) fn read_string(tid: i32, addr: u64, max: usize) -> Option<Vec<u8>> {
    if addr == 0 {
        return None;
    }
    let mut out = Vec::new();
    let mut at = addr;
    while out.len() < max {
        // Stop each read at a page end: the string may end just before an unmapped page.
        let room = 4096 - (at % 4096) as usize;
        let mut chunk = vec![0u8; room.min(max - out.len())];
        let n = sys::read_tracee(tid, at, &mut chunk).ok()?;
        if n == 0 {
            break;
        }
        if let Some(nul) = chunk[..n].iter().position(|&b| b == 0) {
            out.extend_from_slice(&chunk[..nul]);
            return Some(out);
        }
        out.extend_from_slice(&chunk[..n]);
        at += n as u64;
    }
    Some(out)
}

/// Reads up to `len` bytes from the tracee (fewer at an unmapped page).
pub(crate) fn read_bytes(tid: i32, addr: u64, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    let n = if addr == 0 {
        0
    } else {
        sys::read_tracee(tid, addr, &mut buf).unwrap_or(0)
    };
    buf.truncate(n);
    buf
}

/// Reads exactly `len` bytes from the tracee, or nothing when part of them
/// is unreadable (the probe's buffer reads are all or nothing).
fn read_all(tid: i32, addr: u64, len: usize) -> Vec<u8> {
    let buf = read_bytes(tid, addr, len);
    if buf.len() == len {
        buf
    } else {
        Vec::new()
    }
}

/// The encoder of one tracer: a reused builder and output buffer.
#[derive(Debug)]
pub(crate) struct Encoder {
    builder: EventBuilder,
    pub(crate) out: Vec<u8>,
    pub(crate) snaplen: u32,
    /// Per-event cache of `/proc` facts several parameters share.
    facts: Facts,
}

/// `/proc` and tracee reads shared by several parameters of one event.
#[derive(Debug, Default)]
struct Facts {
    dev_ino: Option<(u32, u64)>,
    vm: Option<(u32, u32, u32)>,
    caps: Option<[u64; 3]>,
    listen_queue: Option<(u32, u32)>,
    msghdr: Option<MsgHdr>,
}

/// The fields of a tracee's `struct user_msghdr` the events use.
#[derive(Debug, Clone, Copy, Default)]
struct MsgHdr {
    name: u64,
    namelen: u32,
    iov: u64,
    iovlen: u64,
    control: u64,
    controllen: u64,
}

impl MsgHdr {
    /// Size of `struct user_msghdr` on x86_64.
    const SIZE: usize = 56;
    /// Size of `struct compat_msghdr` (seven 32-bit words).
    const COMPAT_SIZE: usize = 28;

    /// Reads the header at `addr` (`compat`: an ia32 call's
    /// `compat_msghdr`); an unreadable one reads as zeros, as in the probe.
    fn read(tid: i32, addr: u64, compat: bool) -> MsgHdr {
        if compat {
            let raw = read_bytes(tid, addr, MsgHdr::COMPAT_SIZE);
            if raw.len() < MsgHdr::COMPAT_SIZE {
                return MsgHdr::default();
            }
            let word = |i: usize| u64::from(le_u32(&raw, 4 * i));
            return MsgHdr {
                name: word(0),
                namelen: word(1) as u32,
                iov: word(2),
                iovlen: word(3),
                control: word(4),
                controllen: word(5),
            };
        }
        let raw = read_bytes(tid, addr, MsgHdr::SIZE);
        if raw.len() < MsgHdr::SIZE {
            return MsgHdr::default();
        }
        MsgHdr {
            name: le_u64(&raw, 0),
            namelen: le_u64(&raw, 8) as u32,
            iov: le_u64(&raw, 16),
            iovlen: le_u64(&raw, 24),
            control: le_u64(&raw, 32),
            controllen: le_u64(&raw, 40),
        }
    }

    fn cached(facts: &mut Facts, call: &Completed, i: u8) -> MsgHdr {
        *facts.msghdr.get_or_insert_with(|| {
            MsgHdr::read(call.tid, call.args[usize::from(i)], call.ia32.is_some())
        })
    }
}

/// The little-endian u32 at byte `at` of `raw` (0 past its end).
fn le_u32(raw: &[u8], at: usize) -> u32 {
    raw.get(at..at + 4)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// The little-endian u64 at byte `at` of `raw` (0 past its end).
fn le_u64(raw: &[u8], at: usize) -> u64 {
    raw.get(at..at + 8)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

impl Encoder {
    pub(crate) fn new() -> Encoder {
        Encoder {
            builder: EventBuilder::new(EventCode::GENERIC_X, 0, 0),
            out: Vec::with_capacity(4096),
            snaplen: 80,
            facts: Facts::default(),
        }
    }

    fn finish(&mut self) -> Result<&[u8], crate::Error> {
        self.out.clear();
        self.builder.finish(&mut self.out)?;
        Ok(&self.out)
    }

    /// The exit event of a completed syscall (clone and execve families
    /// have their own builders; the tracer picks).
    pub(crate) fn syscall_exit(
        &mut self,
        ts: u64,
        call: &Completed,
    ) -> Result<&[u8], crate::Error> {
        let tid = call.tid as u64;
        if let (NR_NONE, Some(ia32)) = (call.nr, call.ia32) {
            let (ppm_sc, nr) = unmapped_generic(ia32);
            return self.generic(ts, tid, ppm_sc, nr);
        }
        let Some(sc) = crate::syscalls::by_native(call.nr as u32) else {
            return self.generic(ts, tid, 0, call.nr);
        };
        // Like the probe, a dedicated event only where there is a mapping.
        let (Some((_, exit)), Some(sources)) = (sc.events, params::sources(sc.name)) else {
            return self.generic(ts, tid, sc.ppm_sc, call.nr);
        };
        let info = event_info(exit.0).ok_or(crate::Error::UnknownEvent(exit.0))?;
        self.builder.reset(exit, ts, tid);
        self.facts = Facts::default();
        for (i, p) in info.params.iter().enumerate() {
            let src = sources.get(i).copied().unwrap_or(Src::Default);
            self.push(p, src, call);
        }
        self.finish()
    }

    fn generic(&mut self, ts: u64, tid: u64, ppm_sc: u16, nr: u64) -> Result<&[u8], crate::Error> {
        self.builder.reset(EventCode::GENERIC_X, ts, tid);
        self.builder.syscall_id(ppm_sc).u16(nr as u16);
        self.finish()
    }

    fn push(&mut self, p: &ParamInfo, src: Src, call: &Completed) {
        let arg = |i: u8| call.args[usize::from(i)];
        let int = |i: u8| i64::from(arg(i) as i32);
        let compat = call.ia32.is_some();
        let b = &mut self.builder;
        match src {
            Src::Ret => push_int(b, p.ty, call.ret),
            Src::Arg(i) => push_int(b, p.ty, arg(i) as i64),
            Src::Int(i) => push_int(b, p.ty, int(i)),
            Src::Str(i) => push_user_str(b, p.ty, call.tid, arg(i), PATH_MAX),
            Src::StrMax(i, max) => push_user_str(b, p.ty, call.tid, arg(i), usize::from(max)),
            Src::ArgMask(i, mask) => push_int(b, p.ty, (arg(i) & u64::from(mask)) as i64),
            Src::Data(i) => {
                let len = io_len(call.ret, self.snaplen);
                b.bytes(read_all(call.tid, arg(i), len));
            }
            Src::Buf { ptr, len } => {
                let len = arg(len).min(u64::from(self.snaplen)) as usize;
                b.bytes(read_all(call.tid, arg(ptr), len));
            }
            Src::IovData(i) => {
                let len = io_len(call.ret, self.snaplen);
                b.bytes(read_iovecs(call.tid, arg(i), arg(i + 1), len, compat).0);
            }
            Src::IovLen(i) => {
                let total = read_iovecs(call.tid, arg(i), arg(i + 1), 0, compat).1;
                push_int(b, p.ty, total as i64);
            }
            Src::MsgIovData(i) => {
                let msg = MsgHdr::cached(&mut self.facts, call, i);
                let len = io_len(call.ret, self.snaplen);
                b.bytes(read_iovecs(call.tid, msg.iov, msg.iovlen, len, compat).0);
            }
            Src::MsgIovLen(i) => {
                let msg = MsgHdr::cached(&mut self.facts, call, i);
                let total = read_iovecs(call.tid, msg.iov, msg.iovlen, 0, compat).1;
                push_int(b, p.ty, total as i64);
            }
            Src::MsgControl(i) => {
                let msg = MsgHdr::cached(&mut self.facts, call, i);
                // The probe takes the length as a u32.
                let len = u64::from(msg.controllen as u32);
                let want = if call.ret >= 0 && len < MSG_CONTROL_MAX {
                    len as usize
                } else {
                    0
                };
                b.bytes(read_all(call.tid, msg.control, want));
            }
            Src::RetSize => push_int(b, p.ty, call.ret.max(0)),
            Src::OpenFlags(i) => push_int(b, p.ty, i64::from(open_flags(call, arg(i)))),
            Src::OpenMode { flags, mode } => {
                let creates = arg(flags) & (0o100 | 0o20000000) != 0;
                push_int(
                    b,
                    p.ty,
                    if creates {
                        (arg(mode) & 0o7777) as i64
                    } else {
                        0
                    },
                );
            }
            Src::OpenHow(i, field) => {
                let how = read_bytes(call.tid, arg(i), 24);
                let word = |n: usize| {
                    how.get(n * 8..n * 8 + 8)
                        .map_or(0, |w| u64::from_le_bytes(w.try_into().unwrap_or([0; 8])))
                };
                let v = match field {
                    0 => u64::from(open_flags(call, word(0))),
                    1 if word(0) & (0o100 | 0o20000000) != 0 => word(1) & 0o7777,
                    1 => 0,
                    _ => word(2),
                };
                push_int(b, p.ty, v as i64);
            }
            Src::ModeBits(i) => push_int(b, p.ty, (arg(i) & 0o7777) as i64),
            Src::RetDev | Src::RetIno => {
                let (dev, ino) = *self.facts.dev_ino.get_or_insert_with(|| {
                    if call.ret >= 0 {
                        procinfo::fd_dev_ino(call.tgid, call.ret)
                    } else {
                        (0, 0)
                    }
                });
                push_int(
                    b,
                    p.ty,
                    if src == Src::RetDev {
                        i64::from(dev)
                    } else {
                        ino as i64
                    },
                );
            }
            Src::CloneFlags(i) => push_int(b, p.ty, i64::from(params::clone_flags_to_ppm(arg(i)))),
            Src::SockType(i) => push_int(b, p.ty, (arg(i) & 0xf) as i64),
            Src::SockFlags(i) => {
                let f = arg(i);
                let v = if f & 0o4000 != 0 { 64 } else { 0 }
                    | if f & 0o2000000 != 0 { 4096 } else { 0 };
                push_int(b, p.ty, v);
            }
            Src::SockAddr(i) => {
                let raw = read_bytes(call.tid, arg(i), (arg(i + 1) as usize).min(SOCKADDR_MAX));
                // The probe writes inet, inet6 and unix addresses; others are empty.
                match parse_sockaddr(&raw) {
                    Some(SockAddr::Other { .. }) | None => b.empty(),
                    Some(addr) => b.sockaddr(&addr),
                };
            }
            Src::TupleOfArg { fd, inbound, peer } => {
                let peer = peer_addr(call, peer, &mut self.facts);
                push_tuple(b, call.tgid, int(fd), inbound, &peer)
            }
            Src::TupleOfRet => push_tuple(b, call.tgid, call.ret, true, &[]),
            Src::IntPair(i, j) => push_int(b, p.ty, i64::from(int_pair(call, i, j))),
            Src::PairIno(i) => {
                let ino = if call.ret == 0 {
                    procinfo::fd_dev_ino(call.tgid, i64::from(int_pair(call, i, 0))).1
                } else {
                    0
                };
                push_int(b, p.ty, ino as i64);
            }
            Src::PipeFlags(i) => {
                push_int(b, p.ty, i64::from(params::open_flags_to_ppm(arg(i)) & !3));
            }
            Src::CloexecFlag(i) => {
                push_int(b, p.ty, if arg(i) & 0o2000000 != 0 { 4096 } else { 0 });
            }
            Src::DynU64(i) => {
                let mut bytes = vec![0u8];
                bytes.extend_from_slice(&arg(i).to_le_bytes());
                b.raw(&bytes);
            }
            Src::PtraceRequest(i) => {
                push_int(b, p.ty, i64::from(params::ptrace_request_to_ppm(arg(i))))
            }
            Src::MmapProt(i) => push_int(b, p.ty, i64::from(params::prot_to_ppm(arg(i)))),
            Src::MmapFlags(i) => push_int(b, p.ty, i64::from(params::mmap_flags_to_ppm(arg(i)))),
            Src::Vm(which) => {
                let (size, rss, swap) = *self
                    .facts
                    .vm
                    .get_or_insert_with(|| procinfo::vm_sizes(call.tgid));
                push_int(
                    b,
                    p.ty,
                    i64::from([size, rss, swap][usize::from(which.min(2))]),
                );
            }
            Src::Caps(which) => {
                let caps = *self
                    .facts
                    .caps
                    .get_or_insert_with(|| procinfo::caps(call.tid));
                push_int(b, p.ty, caps[usize::from(which.min(2))] as i64);
            }
            Src::PrctlArg2Str => match arg(0) {
                PR_SET_NAME | PR_GET_NAME => {
                    push_user_str(b, p.ty, call.tid, arg(1), TASK_COMM_LEN)
                }
                _ => {
                    b.empty();
                }
            },
            Src::PrctlArg2Int => {
                let named = matches!(arg(0), PR_SET_NAME | PR_GET_NAME);
                push_int(b, p.ty, if named { 0 } else { arg(1) as i64 });
            }
            Src::ListenQueue { fd, field } => {
                let (len, max) = *self
                    .facts
                    .listen_queue
                    .get_or_insert_with(|| listen_queue(call.tgid, int(fd)));
                let v = match field {
                    0 if max > 0 => u64::from(len) * 100 / u64::from(max),
                    0 => 0,
                    1 => u64::from(len),
                    _ => u64::from(max),
                };
                push_int(b, p.ty, v as i64);
            }
            Src::Default => push_int(b, p.ty, 0),
        }
    }

    /// A clone-family exit event: the parent side (`res` = child tid) or
    /// the child side (`res` = 0, `tid` = the child).
    pub(crate) fn clone_event(
        &mut self,
        ts: u64,
        code: EventCode,
        res: i64,
        kernel_flags: u64,
        info: &ProcInfo,
    ) -> Result<&[u8], crate::Error> {
        self.builder.reset(code, ts, info.tid as u64);
        self.process_common(code, res, info);
        let mut flags = params::clone_flags_to_ppm(kernel_flags);
        if info.vtid != info.tid {
            flags |= 1 << 29; // PPM_CL_CHILD_IN_PIDNS
        }
        self.builder
            .flags32(flags)
            .u32(info.uid)
            .u32(info.gid)
            .pid(info.vtid)
            .pid(info.vpid)
            .u64(0);
        self.finish()
    }

    /// `res` .. `cgroups`: the parameters clone and execve share.
    fn process_common(&mut self, code: EventCode, res: i64, info: &ProcInfo) {
        let ty_of = |i: usize, default| {
            event_info(code.0)
                .and_then(|e| e.params.get(i))
                .map_or(default, |p| p.ty)
        };
        let (res_ty, fdlimit_ty) = (ty_of(0, ParamType::Errno), ty_of(7, ParamType::Uint64));
        let b = &mut self.builder;
        push_int(b, res_ty, res);
        b.str(&info.exe)
            .bytes(&info.args)
            .pid(info.tid)
            .pid(info.pid)
            .pid(info.ptid)
            .str(&info.cwd);
        push_int(b, fdlimit_ty, info.fdlimit as i64);
        b.u64(info.pgft_maj)
            .u64(info.pgft_min)
            .u32(info.vm_size)
            .u32(info.vm_rss)
            .u32(info.vm_swap)
            .str(&info.comm)
            .bytes(&info.cgroups);
    }

    /// An execve/execveat exit. On success the new image is read (it runs
    /// now); on failure the old one is still there, so, as the probe does,
    /// exe is the path asked for and the arguments are empty.
    pub(crate) fn execve(
        &mut self,
        ts: u64,
        call: &Completed,
        execveat: bool,
    ) -> Result<&[u8], crate::Error> {
        let code = if execveat {
            EventCode::EXECVEAT_X
        } else {
            EventCode::EXECVE_19_X
        };
        let mut info = ProcInfo::read(call.tid);
        let filename = call.filename.clone().unwrap_or_default();
        if call.ret != 0 {
            info.exe = filename.clone();
            info.args.clear();
        }
        self.builder.reset(code, ts, call.tid as u64);
        self.process_common(code, call.ret, &info);
        let exe = procinfo::exe_facts(call.tid, &info);
        self.builder
            .bytes(procinfo::environ(call.tid))
            .u32(info.tty)
            .pid(info.pgid)
            .uid(info.loginuid)
            .flags32(exe.flags)
            .u64(info.caps[0])
            .u64(info.caps[1])
            .u64(info.caps[2])
            .u64(exe.ino)
            .abstime(exe.ctime)
            .abstime(exe.mtime)
            .uid(info.uid)
            .path(&exe.path)
            .pid(info.pgid)
            .gid(info.gid);
        if !execveat {
            self.builder.path(&filename);
        }
        self.finish()
    }

    /// `procexit` for a thread that ended with wait status `status`.
    pub(crate) fn procexit(
        &mut self,
        ts: u64,
        tid: i32,
        status: i32,
    ) -> Result<&[u8], crate::Error> {
        self.builder.reset(EventCode::PROCEXIT_1_E, ts, tid as u64);
        self.builder
            .errno(i64::from(status))
            .errno(i64::from((status >> 8) & 0xff))
            .signal((status & 0x7f) as u8)
            .u8(u8::from(status & 0x80 != 0))
            .pid(0);
        self.finish()
    }
}

/// A string from the tracee, at most `max` bytes with its NUL (the probe's
/// bounded read); empty when unreadable, as in the probe.
fn push_user_str(b: &mut EventBuilder, ty: ParamType, tid: i32, addr: u64, max: usize) {
    match read_string(tid, addr, max.saturating_sub(1)) {
        Some(s) => push_str(b, ty, &s),
        None => {
            b.empty();
        }
    }
}

/// Element `j` of the `int[2]` at argument `i`: -1 when the call failed
/// (the probe reads the array only after a success), 0 when unreadable.
fn int_pair(call: &Completed, i: u8, j: u8) -> i32 {
    if call.ret != 0 {
        return -1;
    }
    let raw = read_bytes(
        call.tid,
        call.args[usize::from(i)].wrapping_add(4 * u64::from(j)),
        4,
    );
    raw.try_into().map_or(0, i32::from_le_bytes)
}

/// An open's flags as `PPM_O_*`, with `PPM_O_F_CREATED` when it created the file.
fn open_flags(call: &Completed, kernel_flags: u64) -> u32 {
    let flags = params::open_flags_to_ppm(kernel_flags);
    if call.creates && call.ret >= 0 {
        flags | params::PPM_O_F_CREATED
    } else {
        flags
    }
}

fn io_len(ret: i64, snaplen: u32) -> usize {
    if ret <= 0 {
        0
    } else {
        (ret as u64).min(u64::from(snaplen)) as usize
    }
}

/// Gathers up to `limit` bytes from an iovec array (`compat`: of
/// `struct compat_iovec`, two 32-bit words); also returns the total
/// length. As in the probe, an unreadable piece adds nothing and the
/// gathering goes on with the next.
fn read_iovecs(tid: i32, iov: u64, count: u64, limit: usize, compat: bool) -> (Vec<u8>, u64) {
    let count = (count as usize).min(MAX_IOVECS);
    let size = if compat { 8 } else { 16 };
    let raw = read_bytes(tid, iov, count * size);
    let mut data = Vec::new();
    let mut total = 0u64;
    for entry in raw.chunks_exact(size) {
        let (base, len) = if compat {
            (u64::from(le_u32(entry, 0)), u64::from(le_u32(entry, 4)))
        } else {
            (le_u64(entry, 0), le_u64(entry, 8))
        };
        total = total.wrapping_add(len);
        let want = (len as usize).min(limit.saturating_sub(data.len()));
        if want > 0 {
            data.extend(read_all(tid, base, want));
        }
    }
    (data, total)
}

fn push_str(b: &mut EventBuilder, ty: ParamType, s: &[u8]) {
    match ty {
        ParamType::ByteBuf => b.bytes(s),
        _ => b.push(ty, &ParamValue::Str(s)),
    };
}

/// Pushes an integer as the parameter's type, truncated to its width.
pub(crate) fn push_int(b: &mut EventBuilder, ty: ParamType, v: i64) {
    use ParamType as T;
    use ParamValue as V;
    let value = match ty {
        T::Int8 => V::Int(i64::from(v as i8)),
        T::Int16 => V::Int(i64::from(v as i16)),
        T::Int32 => V::Int(i64::from(v as i32)),
        T::Int64 => V::Int(v),
        T::Errno => V::Errno(v),
        T::Fd => V::Fd(v),
        T::Fd32 => V::Fd(i64::from(v as i32)),
        T::Pid => V::Pid(v),
        T::Pid32 => V::Pid(i64::from(v as i32)),
        T::Uint8 => V::Uint(u64::from(v as u8)),
        T::Uint16 => V::Uint(u64::from(v as u16)),
        T::Uint32 => V::Uint(u64::from(v as u32)),
        T::Uint64 => V::Uint(v as u64),
        T::Flags8 => V::Flags(u32::from(v as u8)),
        T::Flags16 => V::Flags(u32::from(v as u16)),
        T::Flags32 => V::Flags(v as u32),
        T::EnumFlags8 => V::EnumFlags(u32::from(v as u8)),
        T::EnumFlags16 => V::EnumFlags(u32::from(v as u16)),
        T::EnumFlags32 => V::EnumFlags(v as u32),
        T::Uid => V::Uid(v as u32),
        T::Gid => V::Gid(v as u32),
        T::Mode => V::Mode(v as u32),
        T::SigType => V::Signal(v as u8),
        T::SyscallId => V::SyscallId(v as u16),
        T::Port => V::Port(v as u16),
        T::RelTime => V::RelTime(v as u64),
        T::AbsTime => V::AbsTime(v as u64),
        T::CharBuf | T::FsPath | T::FsRelPath => V::Str(b""),
        T::ByteBuf => V::Bytes(b""),
        T::CharBufArray | T::CharBufPairArray => V::StrArray(b""),
        T::Dyn => {
            let mut bytes = vec![0u8];
            bytes.extend_from_slice(&v.to_le_bytes());
            b.raw(&bytes);
            return;
        }
        _ => V::Empty,
    };
    b.push(ty, &value);
}

/// The raw peer address a call passed (or received) in its arguments.
fn peer_addr(call: &Completed, peer: PeerArg, facts: &mut Facts) -> Vec<u8> {
    let arg = |i: u8| call.args[usize::from(i)];
    let (ptr, len) = match peer {
        PeerArg::Addr(i) => (arg(i), arg(i + 1) as usize),
        PeerArg::AddrLenPtr(i) => {
            let len = read_bytes(call.tid, arg(i + 1), 4);
            (
                arg(i),
                len.try_into().map_or(0, u32::from_le_bytes) as usize,
            )
        }
        PeerArg::MsgName(i) => {
            let msg = MsgHdr::cached(facts, call, i);
            (msg.name, msg.namelen as usize)
        }
    };
    read_bytes(call.tid, ptr, len.min(SOCKADDR_MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_msghdr_is_read_from_the_tracees_memory() {
        let data = *b"payload";
        let control = [0u8; 24];
        let name = [0u8; 16];
        let iov = [data.as_ptr() as u64, data.len() as u64];
        // struct user_msghdr: name, namelen (int, padded), iov, iovlen,
        // control, controllen, flags (padded).
        let msg: [u64; 7] = [
            name.as_ptr() as u64,
            16,
            iov.as_ptr() as u64,
            1,
            control.as_ptr() as u64,
            24,
            0,
        ];
        let me = std::process::id() as i32;
        let hdr = MsgHdr::read(me, msg.as_ptr() as u64, false);
        assert_eq!((hdr.name, hdr.namelen), (name.as_ptr() as u64, 16));
        assert_eq!((hdr.control, hdr.controllen), (control.as_ptr() as u64, 24));
        let (gathered, total) = read_iovecs(me, hdr.iov, hdr.iovlen, 4, false);
        assert_eq!((&gathered[..], total), (&b"payl"[..], 7));
        let unreadable = MsgHdr::read(me, 8, false);
        assert_eq!((unreadable.iov, unreadable.iovlen), (0, 0));
    }

    #[test]
    fn an_unreadable_piece_adds_nothing_and_the_rest_is_gathered() {
        let data = *b"payload";
        // An iovec at an unmapped address, then a readable one.
        let iov = [8u64, 4, data.as_ptr() as u64, data.len() as u64];
        let me = std::process::id() as i32;
        let (gathered, total) = read_iovecs(me, iov.as_ptr() as u64, 2, 64, false);
        assert_eq!((&gathered[..], total), (&b"payload"[..], 11));
        assert!(read_all(me, data.as_ptr() as u64, 4096 * 1024).is_empty());
    }
}
