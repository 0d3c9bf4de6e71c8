//! harrier's event schema: the driver event table, parameter codecs and the
//! x86_64 syscall mapping shared by every producer and reader.
