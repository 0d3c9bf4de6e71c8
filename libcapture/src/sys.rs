//! The kernel boundary of `libcapture`: every raw system call the crate makes
//! outside libbpf goes through [`call`], one variant of [`Call`] each, so the
//! unsafe code sits in one place and every failure names its call.

use std::io;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64;

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

/// Zero-filled atomic words backed by an anonymous private mapping: the
/// kernel supplies zero pages on first touch, so a large ring costs start-up
/// time and memory only as far as it is written. Falls back to the heap when
/// the mapping cannot be made.
pub(crate) enum ZeroedWords {
    Mapped { ptr: NonNull<AtomicU64>, len: usize },
    Heap(Box<[AtomicU64]>),
}

// SAFETY: the mapping is owned by this value and only reached through
// `&[AtomicU64]`, which is Send and Sync.
unsafe impl Send for ZeroedWords {}
// SAFETY: see `Send`.
unsafe impl Sync for ZeroedWords {}

impl ZeroedWords {
    pub(crate) fn new(len: usize) -> ZeroedWords {
        let bytes = len.saturating_mul(std::mem::size_of::<AtomicU64>());
        if len == 0 {
            return ZeroedWords::Heap(Box::new([]));
        }
        // SAFETY: a fresh private anonymous mapping at an address the kernel
        // chooses; checked for MAP_FAILED below.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        match NonNull::new(ptr.cast::<AtomicU64>()).filter(|_| ptr != libc::MAP_FAILED) {
            Some(ptr) => ZeroedWords::Mapped { ptr, len },
            None => ZeroedWords::Heap((0..len).map(|_| AtomicU64::new(0)).collect()),
        }
    }
}

impl std::ops::Deref for ZeroedWords {
    type Target = [AtomicU64];

    fn deref(&self) -> &[AtomicU64] {
        match self {
            // SAFETY: the mapping holds `len` page-aligned, zero-initialised
            // words (all-zero bytes are a valid AtomicU64) until `drop`.
            ZeroedWords::Mapped { ptr, len } => unsafe {
                std::slice::from_raw_parts(ptr.as_ptr(), *len)
            },
            ZeroedWords::Heap(words) => words,
        }
    }
}

impl Drop for ZeroedWords {
    fn drop(&mut self) {
        if let ZeroedWords::Mapped { ptr, len } = self {
            // SAFETY: unmaps exactly the mapping made in `new`; slices of it
            // borrow `self` and cannot outlive it.
            unsafe { libc::munmap(ptr.as_ptr().cast(), *len * std::mem::size_of::<AtomicU64>()) };
        }
    }
}

impl std::fmt::Debug for ZeroedWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ZeroedWords({} words)", self.len())
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
    fn zeroed_words_start_at_zero_and_take_writes() {
        use std::sync::atomic::Ordering;
        let words = ZeroedWords::new(1 << 20);
        assert!(matches!(words, ZeroedWords::Mapped { .. }));
        assert_eq!(words.len(), 1 << 20);
        assert!(words
            .iter()
            .step_by(4096)
            .all(|w| w.load(Ordering::Relaxed) == 0));
        words[12345].store(7, Ordering::Relaxed);
        assert_eq!(words[12345].load(Ordering::Relaxed), 7);
        assert!(ZeroedWords::new(0).is_empty());
    }

    #[test]
    fn ids_are_positive() {
        assert!(call(Call::Getpid).unwrap_or(-1) > 0);
        assert!(call(Call::Gettid).unwrap_or(-1) > 0);
        assert!(call(Call::Geteuid).unwrap_or(-1) >= 0);
    }
}
