//! The `Capture` trait shared by every backend.
