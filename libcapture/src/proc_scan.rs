//! Scanner that reads process, fd, user and interface state from `/proc`.
