//! Capture library: reads and writes `.scap` files and exposes live and
//! recorded event sources behind one `Capture` trait.
