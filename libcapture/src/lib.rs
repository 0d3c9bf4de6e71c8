//! Capture library: reads and writes `.scap` files and exposes live and
//! recorded event sources behind one `Capture` trait.

pub mod backend;
pub mod capture;
mod error;
pub mod meta;
pub mod proc_scan;
pub mod scap;
pub mod stream;

pub use error::{Error, Result};
