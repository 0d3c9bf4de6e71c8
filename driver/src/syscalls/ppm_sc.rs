//! `ppm_sc` codes (libs `PPM_SC_X(name, code)`), indexed by code.
//! An empty string marks a code that is not assigned.

/// Syscall and tracepoint names indexed by `ppm_sc` code.
pub const PPM_SC_NAMES: &[&str] = &["unknown", "", "", "read", "write", "open", "close"];
