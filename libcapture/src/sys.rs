//! The kernel boundary of `libcapture`: every raw system call the crate makes
//! outside libbpf goes through [`call`], one variant of [`Call`] each, so the
//! unsafe code sits in one place and every failure names its call.

use std::io;

/// A system call the crate makes directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    /// `clock_gettime(clock)`: nanoseconds of the given clock.
    ClockNanos(libc::clockid_t),
    /// `geteuid()`.
    Geteuid,
    /// `gettid()`.
    Gettid,
    /// `getpid()`.
    Getpid,
    /// `setrlimit(RLIMIT_MEMLOCK, infinity)`: older kernels charge BPF maps to it.
    UnlimitMemlock,
}

impl Call {
    /// The call's name, for error messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Call::ClockNanos(_) => "clock_gettime",
            Call::Geteuid => "geteuid",
            Call::Gettid => "gettid",
            Call::Getpid => "getpid",
            Call::UnlimitMemlock => "setrlimit(RLIMIT_MEMLOCK)",
        }
    }
}

/// A failed [`Call`].
#[derive(Debug)]
pub(crate) struct SysError {
    pub(crate) call: &'static str,
    pub(crate) source: io::Error,
}

impl From<SysError> for crate::Error {
    fn from(err: SysError) -> Self {
        crate::Error::Io {
            path: err.call.to_string(),
            source: err.source,
        }
    }
}

/// Makes `call` and returns its result as an integer.
pub(crate) fn call(call: Call) -> Result<i64, SysError> {
    let fail = || SysError {
        call: call.name(),
        source: io::Error::last_os_error(),
    };
    match call {
        Call::ClockNanos(clock) => {
            let mut ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
            let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
            if rc != 0 {
                return Err(fail());
            }
            Ok(ts.tv_sec * 1_000_000_000 + ts.tv_nsec)
        }
        // SAFETY: geteuid takes no arguments and cannot fail.
        Call::Geteuid => Ok(i64::from(unsafe { libc::geteuid() })),
        // SAFETY: gettid takes no arguments and cannot fail.
        Call::Gettid => Ok(i64::from(unsafe { libc::gettid() })),
        // SAFETY: getpid takes no arguments and cannot fail.
        Call::Getpid => Ok(i64::from(unsafe { libc::getpid() })),
        Call::UnlimitMemlock => {
            let limit = libc::rlimit {
                rlim_cur: libc::RLIM_INFINITY,
                rlim_max: libc::RLIM_INFINITY,
            };
            // SAFETY: `limit` is a valid rlimit that outlives the call.
            let rc = unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &limit) };
            if rc != 0 {
                return Err(fail());
            }
            Ok(0)
        }
    }
}

/// Wall-clock time minus boot time: added to `CLOCK_BOOTTIME` stamps to get epoch nanoseconds.
pub(crate) fn boot_time_ns() -> Result<u64, SysError> {
    let real = call(Call::ClockNanos(libc::CLOCK_REALTIME))?;
    let boot = call(Call::ClockNanos(libc::CLOCK_BOOTTIME))?;
    Ok(u64::try_from(real - boot).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_time_is_in_the_past() {
        let boot = boot_time_ns().unwrap_or_default();
        let now = call(Call::ClockNanos(libc::CLOCK_REALTIME)).unwrap_or_default() as u64;
        assert!(boot > 0 && boot < now, "boot {boot} now {now}");
    }

    #[test]
    fn ids_are_positive() {
        assert!(call(Call::Getpid).unwrap_or(-1) > 0);
        assert!(call(Call::Gettid).unwrap_or(-1) > 0);
        assert!(call(Call::Geteuid).unwrap_or(-1) >= 0);
    }
}
