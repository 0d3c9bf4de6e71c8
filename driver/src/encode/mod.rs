//! [`EventBuilder`]: the one event encoder shared by every producer.
//!
//! ```
//! use driver::encode::EventBuilder;
//! use driver::{EventCode, EventRef};
//!
//! let mut out = Vec::new();
//! EventBuilder::new(EventCode::CLOSE_X, 1_000, 42)
//!     .errno(0)
//!     .fd(3)
//!     .finish(&mut out)
//!     .unwrap();
//! let ev = EventRef::parse(&out).unwrap();
//! assert_eq!(ev.code(), EventCode::CLOSE_X);
//! assert_eq!(ev.nparams(), 2);
//! ```

use crate::error::Error;
use crate::header::{EventHeader, HEADER_LEN};
use crate::param::{encode, encode_dyn, FdList, ParamValue, SockAddr, SockTuple};
use crate::table::{event_info, EventCode, ParamExtra};
use crate::types::ParamType;

/// Builds one event: header, length array and parameters.
///
/// Typed pushes append one parameter each and can be chained; encoding
/// errors (a value out of range for its type) are kept and reported by
/// [`EventBuilder::finish`]. In debug builds `finish` also checks the
/// parameters against the event table: no more than the table declares,
/// each with the table's wire encoding.
#[derive(Debug, Clone)]
pub struct EventBuilder {
    code: EventCode,
    ts: u64,
    tid: u64,
    lens: Vec<usize>,
    types: Vec<Option<ParamType>>,
    data: Vec<u8>,
    error: Option<Error>,
}

impl EventBuilder {
    /// Starts an event with code `code`, timestamp `ts` (ns since the epoch)
    /// and thread id `tid`.
    pub fn new(code: impl Into<EventCode>, ts: u64, tid: u64) -> Self {
        EventBuilder {
            code: code.into(),
            ts,
            tid,
            lens: Vec::with_capacity(8),
            types: Vec::with_capacity(8),
            data: Vec::with_capacity(64),
            error: None,
        }
    }

    /// Clears the parameters and starts a new event, reusing the buffers.
    pub fn reset(&mut self, code: impl Into<EventCode>, ts: u64, tid: u64) -> &mut Self {
        self.code = code.into();
        self.ts = ts;
        self.tid = tid;
        self.lens.clear();
        self.types.clear();
        self.data.clear();
        self.error = None;
        self
    }

    /// Number of parameters pushed so far.
    pub fn nparams(&self) -> usize {
        self.lens.len()
    }

    /// Pushes `value` encoded as `ty`.
    pub fn push(&mut self, ty: ParamType, value: &ParamValue<'_>) -> &mut Self {
        let start = self.data.len();
        if let Err(e) = encode(ty, value, &mut self.data) {
            self.data.truncate(start);
            self.error.get_or_insert(e);
        }
        self.lens.push(self.data.len() - start);
        self.types.push(Some(ty));
        self
    }

    /// Pushes already-encoded parameter bytes; the debug type check accepts
    /// them for any type.
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.data.extend_from_slice(bytes);
        self.lens.push(bytes.len());
        self.types.push(None);
        self
    }

    /// Pushes an empty (zero-length) parameter: "value not available".
    /// Prefer the type's default when 0.29.3 must read the event (spec §2.4).
    pub fn empty(&mut self) -> &mut Self {
        self.raw(&[])
    }

    /// `PT_ERRNO`.
    pub fn errno(&mut self, v: i64) -> &mut Self {
        self.push(ParamType::Errno, &ParamValue::Errno(v))
    }

    /// `PT_FD`.
    pub fn fd(&mut self, v: i64) -> &mut Self {
        self.push(ParamType::Fd, &ParamValue::Fd(v))
    }

    /// `PT_FD32`.
    pub fn fd32(&mut self, v: i32) -> &mut Self {
        self.push(ParamType::Fd32, &ParamValue::Fd(i64::from(v)))
    }

    /// `PT_PID`.
    pub fn pid(&mut self, v: i64) -> &mut Self {
        self.push(ParamType::Pid, &ParamValue::Pid(v))
    }

    /// `PT_PID32`.
    pub fn pid32(&mut self, v: i32) -> &mut Self {
        self.push(ParamType::Pid32, &ParamValue::Pid(i64::from(v)))
    }

    /// `PT_INT8`.
    pub fn i8(&mut self, v: i8) -> &mut Self {
        self.push(ParamType::Int8, &ParamValue::Int(i64::from(v)))
    }

    /// `PT_INT16`.
    pub fn i16(&mut self, v: i16) -> &mut Self {
        self.push(ParamType::Int16, &ParamValue::Int(i64::from(v)))
    }

    /// `PT_INT32`.
    pub fn i32(&mut self, v: i32) -> &mut Self {
        self.push(ParamType::Int32, &ParamValue::Int(i64::from(v)))
    }

    /// `PT_INT64`.
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.push(ParamType::Int64, &ParamValue::Int(v))
    }

    /// `PT_UINT8`.
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.push(ParamType::Uint8, &ParamValue::Uint(u64::from(v)))
    }

    /// `PT_UINT16`.
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.push(ParamType::Uint16, &ParamValue::Uint(u64::from(v)))
    }

    /// `PT_UINT32`.
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.push(ParamType::Uint32, &ParamValue::Uint(u64::from(v)))
    }

    /// `PT_UINT64`.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.push(ParamType::Uint64, &ParamValue::Uint(v))
    }

    /// `PT_CHARBUF`: writes `s` (up to its first NUL) and a NUL.
    pub fn str(&mut self, s: impl AsRef<[u8]>) -> &mut Self {
        self.push(ParamType::CharBuf, &ParamValue::Str(s.as_ref()))
    }

    /// `PT_FSPATH`.
    pub fn path(&mut self, s: impl AsRef<[u8]>) -> &mut Self {
        self.push(ParamType::FsPath, &ParamValue::Str(s.as_ref()))
    }

    /// `PT_FSRELPATH`.
    pub fn relpath(&mut self, s: impl AsRef<[u8]>) -> &mut Self {
        self.push(ParamType::FsRelPath, &ParamValue::Str(s.as_ref()))
    }

    /// `PT_BYTEBUF`.
    pub fn bytes(&mut self, b: impl AsRef<[u8]>) -> &mut Self {
        self.push(ParamType::ByteBuf, &ParamValue::Bytes(b.as_ref()))
    }

    /// `PT_CHARBUFARRAY` from already NUL-separated bytes.
    pub fn str_array(&mut self, b: impl AsRef<[u8]>) -> &mut Self {
        self.push(ParamType::CharBufArray, &ParamValue::StrArray(b.as_ref()))
    }

    /// `PT_SOCKADDR`.
    pub fn sockaddr(&mut self, a: &SockAddr<'_>) -> &mut Self {
        self.push(ParamType::SockAddr, &ParamValue::SockAddr(*a))
    }

    /// `PT_SOCKTUPLE`.
    pub fn socktuple(&mut self, t: &SockTuple<'_>) -> &mut Self {
        self.push(ParamType::SockTuple, &ParamValue::SockTuple(*t))
    }

    /// `PT_FDLIST` from (fd, `PPM_POLL*` flags) pairs.
    pub fn fdlist(&mut self, entries: &[(i64, i16)]) -> &mut Self {
        let start = self.data.len();
        if let Err(e) = FdList::encode_entries(entries, &mut self.data) {
            self.data.truncate(start);
            self.error.get_or_insert(e);
        }
        self.lens.push(self.data.len() - start);
        self.types.push(Some(ParamType::FdList));
        self
    }

    /// `PT_SYSCALLID` (a `ppm_sc` code).
    pub fn syscall_id(&mut self, v: u16) -> &mut Self {
        self.push(ParamType::SyscallId, &ParamValue::SyscallId(v))
    }

    /// `PT_SIGTYPE`.
    pub fn signal(&mut self, v: u8) -> &mut Self {
        self.push(ParamType::SigType, &ParamValue::Signal(v))
    }

    /// `PT_RELTIME`.
    pub fn reltime(&mut self, ns: u64) -> &mut Self {
        self.push(ParamType::RelTime, &ParamValue::RelTime(ns))
    }

    /// `PT_ABSTIME`.
    pub fn abstime(&mut self, ns: u64) -> &mut Self {
        self.push(ParamType::AbsTime, &ParamValue::AbsTime(ns))
    }

    /// `PT_PORT`.
    pub fn port(&mut self, v: u16) -> &mut Self {
        self.push(ParamType::Port, &ParamValue::Port(v))
    }

    /// `PT_FLAGS8`.
    pub fn flags8(&mut self, v: u8) -> &mut Self {
        self.push(ParamType::Flags8, &ParamValue::Flags(u32::from(v)))
    }

    /// `PT_FLAGS16`.
    pub fn flags16(&mut self, v: u16) -> &mut Self {
        self.push(ParamType::Flags16, &ParamValue::Flags(u32::from(v)))
    }

    /// `PT_FLAGS32`.
    pub fn flags32(&mut self, v: u32) -> &mut Self {
        self.push(ParamType::Flags32, &ParamValue::Flags(v))
    }

    /// `PT_ENUMFLAGS8`.
    pub fn enum8(&mut self, v: u8) -> &mut Self {
        self.push(ParamType::EnumFlags8, &ParamValue::EnumFlags(u32::from(v)))
    }

    /// `PT_ENUMFLAGS16`.
    pub fn enum16(&mut self, v: u16) -> &mut Self {
        self.push(ParamType::EnumFlags16, &ParamValue::EnumFlags(u32::from(v)))
    }

    /// `PT_ENUMFLAGS32`.
    pub fn enum32(&mut self, v: u32) -> &mut Self {
        self.push(ParamType::EnumFlags32, &ParamValue::EnumFlags(v))
    }

    /// `PT_UID`.
    pub fn uid(&mut self, v: u32) -> &mut Self {
        self.push(ParamType::Uid, &ParamValue::Uid(v))
    }

    /// `PT_GID`.
    pub fn gid(&mut self, v: u32) -> &mut Self {
        self.push(ParamType::Gid, &ParamValue::Gid(v))
    }

    /// `PT_MODE`.
    pub fn mode(&mut self, v: u32) -> &mut Self {
        self.push(ParamType::Mode, &ParamValue::Mode(v))
    }

    /// `PT_DYN`: selector `index` and `value` encoded as the alternative the
    /// table gives for the next parameter of this event.
    pub fn dyn_value(&mut self, index: u8, value: &ParamValue<'_>) -> &mut Self {
        let slot = self.lens.len();
        let alts = event_info(self.code.0)
            .and_then(|e| e.params.get(slot))
            .and_then(|p| match p.info {
                ParamExtra::Dyn(alts) => Some(alts),
                _ => None,
            });
        let start = self.data.len();
        let res = match alts {
            Some(alts) => encode_dyn(alts, index, value, &mut self.data),
            None => Err(Error::InvalidParam {
                ty: ParamType::Dyn,
                reason: "the table has no PT_DYN parameter at this position",
            }),
        };
        if let Err(e) = res {
            self.data.truncate(start);
            self.error.get_or_insert(e);
        }
        self.lens.push(self.data.len() - start);
        self.types.push(Some(ParamType::Dyn));
        self
    }

    /// Total encoded length of the event built so far.
    pub fn encoded_len(&self) -> usize {
        HEADER_LEN + self.lens.len() * self.len_width() + self.data.len()
    }

    fn len_width(&self) -> usize {
        event_info(self.code.0).map_or(2, |e| e.len_width())
    }

    /// Checks the pushed parameters against the event table.
    pub fn check_schema(&self) -> Result<(), Error> {
        let info = event_info(self.code.0).ok_or(Error::UnknownEvent(self.code.0))?;
        let fail = |reason: String| Error::SchemaMismatch {
            code: self.code.0,
            name: info.name,
            reason,
        };
        if self.types.len() > info.params.len() {
            return Err(fail(format!(
                "{} parameters pushed, the table declares {}",
                self.types.len(),
                info.params.len()
            )));
        }
        for (i, (ty, p)) in self.types.iter().zip(info.params).enumerate() {
            if let Some(ty) = ty {
                if ty.wire_class() != p.ty.wire_class() {
                    return Err(fail(format!(
                        "parameter {i} ({}) is {}, pushed {}",
                        p.name,
                        p.ty.name(),
                        ty.name()
                    )));
                }
            }
        }
        Ok(())
    }

    /// Appends the event to `out` and returns its length.
    ///
    /// Fails if a push failed, a parameter exceeds the length field (u16,
    /// or u32 for large-payload events), or, in debug builds, the parameters
    /// disagree with the table. Nothing is appended on failure.
    pub fn finish(&self, out: &mut Vec<u8>) -> Result<usize, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if cfg!(debug_assertions) {
            self.check_schema()?;
        }
        let width = self.len_width();
        let max = if width == 4 {
            u32::MAX as usize
        } else {
            usize::from(u16::MAX)
        };
        if let Some((index, &len)) = self.lens.iter().enumerate().find(|(_, &l)| l > max) {
            return Err(Error::ParamTooLarge {
                code: self.code.0,
                index,
                len,
                max,
            });
        }
        let total = self.encoded_len();
        let len = u32::try_from(total).map_err(|_| Error::EventTooLarge {
            code: self.code.0,
            len: total,
        })?;
        let header = EventHeader {
            ts: self.ts,
            tid: self.tid,
            len,
            code: self.code.0,
            // lens.len() <= total <= u32::MAX
            nparams: u32::try_from(self.lens.len()).unwrap_or(u32::MAX),
        };
        out.reserve(total);
        header.write(out);
        for &l in &self.lens {
            if width == 4 {
                out.extend_from_slice(&(l as u32).to_le_bytes());
            } else {
                out.extend_from_slice(&(l as u16).to_le_bytes());
            }
        }
        out.extend_from_slice(&self.data);
        Ok(total)
    }
}

#[cfg(test)]
mod tests;
