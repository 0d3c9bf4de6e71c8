//! Owned machine, process, fd, interface and user state carried by captures.
