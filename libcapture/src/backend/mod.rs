//! Capture backends, one module each.

#[cfg(feature = "bpf")]
pub mod bpf;
pub mod kmod;
pub mod savefile;
