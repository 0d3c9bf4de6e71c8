//! Syscall events: inspection state (threads, fds, users) and their fields.
