//! Capture backends, one module each.

pub mod savefile;
