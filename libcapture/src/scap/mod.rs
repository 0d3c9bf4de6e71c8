//! The `.scap` file format: block reader and writer.
