//! The lock-free event stream that live backends feed.
