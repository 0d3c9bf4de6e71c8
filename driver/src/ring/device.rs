//! Opening ring devices as a consumer: shim devices (a shared-memory file
//! or memfd made by a user-space producer) and the kernel module's
//! `/dev/<name><cpu>` character devices, behind one type.
//!
//! ```text
//!  shim device (file or memfd)             module device (/dev/scap0 …)
//!  [0, 128)      ppm_ring_buffer_info      mmap(len = sizeof info)  → info
//!  [128, 256)    ShimControl               ioctls                   → control
//!  [page, +dim)  ring data, mapped twice   mmap(len = 2·dim)        → data (kernel maps twice)
//! ```
//!
//! Both kinds hand out the same [`RingConsumer`], so the consumer code that
//! walks blocks and advances the tail is one code path. The module kind
//! follows libscap's open sequence (spec §5.9) and is documented, not tested
//! here: the test kernel cannot load modules.

use std::fs::{File, OpenOptions};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use super::consumer::RingConsumer;
use super::control::{self, shim_offsets as ctl, ControlOp, SyscallMask};
use super::info::INFO_SIZE;
use super::{check_dim, data_offset, own_versions, Error, Result};
use crate::sys::{self, Mapping};
use crate::version::{parse_semver, API_VERSION, SCHEMA_VERSION};

/// Which kind of device a [`Device`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    /// A user-space producer's shared-memory device.
    Shim,
    /// The kernel module's character device.
    Module,
}

/// One opened ring device.
#[derive(Debug)]
pub struct Device {
    path: String,
    kind: DeviceKind,
    fd: OwnedFd,
    /// Shim devices: the info + control page (the ring's info is the same page).
    page: Option<Mapping>,
    ring: RingConsumer,
    unlink: Option<PathBuf>,
}

/// The path of shim device `index` named `name`: `/dev/shm/harrier-<name>-<index>`.
pub fn shim_path(name: &str, index: usize) -> PathBuf {
    PathBuf::from(format!("/dev/shm/harrier-{name}-{index}"))
}

impl Device {
    /// Opens `path`: a character device is a module device with rings of
    /// `module_dim` bytes (the module's `g_buffer_bytes_dim`); anything else
    /// is a shim device.
    pub fn open(path: impl AsRef<Path>, module_dim: u32) -> Result<Device> {
        let path = path.as_ref();
        let place = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| Error::io(&place, "stat", e))?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_CLOEXEC)
            .open(path)
            .map_err(|e| Error::io(&place, "open", e))?;
        if meta.file_type().is_char_device() {
            Device::from_module_fd(place, OwnedFd::from(file), module_dim)
        } else {
            Device::from_shim_fd(place, OwnedFd::from(file))
        }
    }

    /// Opens a shim device from its file descriptor (a memfd or a /dev/shm file).
    pub fn from_shim_fd(place: String, fd: OwnedFd) -> Result<Device> {
        let size = File::from(fd.try_clone().map_err(|e| Error::io(&place, "dup", e))?)
            .metadata()
            .map_err(|e| Error::io(&place, "fstat", e))?
            .len();
        if size < data_offset() as u64 {
            return Err(bad(
                &place,
                format!("{size} bytes, smaller than the control page"),
            ));
        }
        let page =
            Mapping::map(fd.as_fd(), 0, data_offset(), true).map_err(|e| Error::sys(&place, e))?;
        let magic = page.u64_at(ctl::MAGIC).load(Ordering::Acquire);
        if magic != control::SHIM_MAGIC {
            return Err(bad(&place, format!("bad magic {magic:#018x}")));
        }
        check_versions(
            &place,
            page.u64_at(ctl::API_VERSION).load(Ordering::Relaxed),
            page.u64_at(ctl::SCHEMA_VERSION).load(Ordering::Relaxed),
        )?;
        let dim = page.u32_at(ctl::DIM).load(Ordering::Relaxed);
        check_dim(&place, dim)?;
        if size < data_offset() as u64 + u64::from(dim) {
            return Err(bad(
                &place,
                format!("{size} bytes, too small for a {dim}-byte ring"),
            ));
        }
        let info =
            Mapping::map(fd.as_fd(), 0, data_offset(), true).map_err(|e| Error::sys(&place, e))?;
        let data = Mapping::map_twice(fd.as_fd(), data_offset(), dim as usize, false)
            .map_err(|e| Error::sys(&place, e))?;
        page.u32_at(ctl::CONSUMER_PID)
            .store(std::process::id(), Ordering::Relaxed);
        page.u32_at(ctl::FLAGS)
            .fetch_or(control::FLAG_CONSUMER_ATTACHED, Ordering::Release);
        Ok(Device {
            ring: RingConsumer::new(info, data, dim, place.clone()),
            path: place,
            kind: DeviceKind::Shim,
            fd,
            page: Some(page),
            unlink: None,
        })
    }

    /// Opens a module device from its fd: version ioctls, then the info
    /// mapping (`sizeof(ppm_ring_buffer_info)`) and the data mapping
    /// (`2·dim`, read-only; the kernel maps the ring twice).
    pub fn from_module_fd(place: String, fd: OwnedFd, dim: u32) -> Result<Device> {
        check_dim(&place, dim)?;
        let api = sys::ioctl_u64_out(fd.as_fd(), control::IOCTL_GET_API_VERSION)
            .map_err(|e| Error::sys(&place, e))?;
        let schema = sys::ioctl_u64_out(fd.as_fd(), control::IOCTL_GET_SCHEMA_VERSION)
            .map_err(|e| Error::sys(&place, e))?;
        check_versions(&place, api, schema)?;
        let info =
            Mapping::map(fd.as_fd(), 0, INFO_SIZE, true).map_err(|e| Error::sys(&place, e))?;
        let data = Mapping::map(fd.as_fd(), 0, 2 * dim as usize, false)
            .map_err(|e| Error::sys(&place, e))?;
        Ok(Device {
            ring: RingConsumer::new(info, data, dim, place.clone()),
            path: place,
            kind: DeviceKind::Module,
            fd,
            page: None,
            unlink: None,
        })
    }

    /// Removes the device's file when it is closed (shim devices made for
    /// this consumer only).
    pub fn unlink_on_close(&mut self, path: impl Into<PathBuf>) {
        self.unlink = Some(path.into());
    }

    /// The device path (or memfd name).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Shim or module.
    pub fn kind(&self) -> DeviceKind {
        self.kind
    }

    /// The ring.
    pub fn ring(&self) -> &RingConsumer {
        &self.ring
    }

    /// Whether the producer said it will write no more (shim devices only;
    /// a module device never ends by itself).
    pub fn producer_done(&self) -> bool {
        self.page.as_ref().is_some_and(|p| {
            p.u32_at(ctl::FLAGS).load(Ordering::Acquire) & control::FLAG_PRODUCER_DONE != 0
        })
    }

    /// Applies a control operation: the ioctl on a module device, the
    /// control block on a shim device. Returns the operation's value
    /// (versions) or 0.
    pub fn control(&self, op: ControlOp) -> Result<u64> {
        op.validate().map_err(|reason| Error::BadControl {
            path: self.path.clone(),
            op: format!("{op:?}"),
            reason,
        })?;
        match &self.page {
            Some(page) => Ok(shim_control(page, op)),
            None => self.module_control(op),
        }
    }

    /// Sets the whole syscall mask (one operation per number, as libscap does).
    pub fn set_syscalls(&self, mask: &SyscallMask) -> Result<()> {
        for nr in 0..control::SYSCALL_MASK_BITS as u32 {
            let op = if mask.contains(u64::from(nr)) {
                ControlOp::EnableSyscall(nr)
            } else {
                ControlOp::DisableSyscall(nr)
            };
            self.control(op)?;
        }
        Ok(())
    }

    fn module_control(&self, op: ControlOp) -> Result<u64> {
        let fd = self.fd.as_fd();
        let place = &self.path;
        let io = |cmd: u64, arg: u64| {
            sys::ioctl(fd, cmd, arg)
                .map(|v| v as u64)
                .map_err(|e| Error::sys(place, e))
        };
        match op {
            ControlOp::GetApiVersion => sys::ioctl_u64_out(fd, control::IOCTL_GET_API_VERSION)
                .map_err(|e| Error::sys(place, e)),
            ControlOp::GetSchemaVersion => {
                sys::ioctl_u64_out(fd, control::IOCTL_GET_SCHEMA_VERSION)
                    .map_err(|e| Error::sys(place, e))
            }
            ControlOp::SetSnaplen(n) => io(control::IOCTL_SET_SNAPLEN, u64::from(n)),
            ControlOp::EnableDroppingMode(r) => {
                io(control::IOCTL_ENABLE_DROPPING_MODE, u64::from(r))
            }
            ControlOp::DisableDroppingMode => io(control::IOCTL_DISABLE_DROPPING_MODE, 0),
            ControlOp::EnableSyscall(nr) => io(control::IOCTL_ENABLE_SYSCALL, u64::from(nr)),
            ControlOp::DisableSyscall(nr) => io(control::IOCTL_DISABLE_SYSCALL, u64::from(nr)),
            // The module has no capture switch any more: tracepoints stand in for it.
            ControlOp::EnableCapture | ControlOp::DisableCapture => {
                let cmd = if op == ControlOp::EnableCapture {
                    control::IOCTL_ENABLE_TP
                } else {
                    control::IOCTL_DISABLE_TP
                };
                for &(tp, _) in control::TRACEPOINTS {
                    io(cmd, tp)?;
                }
                Ok(0)
            }
        }
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        if let Some(page) = &self.page {
            page.u32_at(ctl::FLAGS)
                .fetch_or(control::FLAG_CONSUMER_GONE, Ordering::Release);
        }
        if let Some(path) = &self.unlink {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn shim_control(page: &Mapping, op: ControlOp) -> u64 {
    let flags = page.u32_at(ctl::FLAGS);
    let mask_word = |nr: u32| page.u64_at(ctl::SYSCALL_MASK + 8 * (nr as usize / 64));
    match op {
        ControlOp::EnableCapture => {
            flags.fetch_or(control::FLAG_CAPTURING, Ordering::Release);
        }
        ControlOp::DisableCapture => {
            flags.fetch_and(!control::FLAG_CAPTURING, Ordering::Release);
        }
        ControlOp::EnableDroppingMode(ratio) => {
            page.u32_at(ctl::SAMPLING_RATIO)
                .store(ratio, Ordering::Relaxed);
            flags.fetch_or(control::FLAG_DROPPING, Ordering::Release);
        }
        ControlOp::DisableDroppingMode => {
            page.u32_at(ctl::SAMPLING_RATIO).store(1, Ordering::Relaxed);
            flags.fetch_and(!control::FLAG_DROPPING, Ordering::Release);
        }
        ControlOp::SetSnaplen(n) => page.u32_at(ctl::SNAPLEN).store(n, Ordering::Release),
        ControlOp::EnableSyscall(nr) => {
            mask_word(nr).fetch_or(1 << (nr % 64), Ordering::Release);
        }
        ControlOp::DisableSyscall(nr) => {
            mask_word(nr).fetch_and(!(1 << (nr % 64)), Ordering::Release);
        }
        ControlOp::GetApiVersion => return page.u64_at(ctl::API_VERSION).load(Ordering::Relaxed),
        ControlOp::GetSchemaVersion => {
            return page.u64_at(ctl::SCHEMA_VERSION).load(Ordering::Relaxed)
        }
    }
    0
}

fn bad(place: &str, reason: String) -> Error {
    Error::BadDevice {
        path: place.to_string(),
        reason,
    }
}

/// Splits a packed version (spec §5.8).
pub fn unpack_version(v: u64) -> (u64, u64, u64) {
    (v >> 44, (v >> 24) & 0xF_FFFF, v & 0xFF_FFFF)
}

fn show(v: u64) -> String {
    let (a, b, c) = unpack_version(v);
    format!("{a}.{b}.{c}")
}

/// libscap's rule: same major, and (minor, patch) at least ours.
pub fn check_versions(place: &str, api: u64, schema: u64) -> Result<()> {
    let (own_api, own_schema) = own_versions();
    for (what, found, own, text) in [
        ("API", api, own_api, API_VERSION),
        ("schema", schema, own_schema, SCHEMA_VERSION),
    ] {
        let (fa, fb, fc) = unpack_version(found);
        let (oa, ob, oc) = unpack_version(own);
        if fa != oa || (fb, fc) < (ob, oc) {
            return Err(Error::VersionMismatch {
                path: place.to_string(),
                what,
                found: show(found),
                required: parse_semver(text)
                    .map_or_else(|| text.to_string(), |(a, b, c)| format!("{a}.{b}.{c}")),
            });
        }
    }
    Ok(())
}
