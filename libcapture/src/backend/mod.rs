//! Capture backends, one module each.
