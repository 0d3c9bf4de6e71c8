//! Rules files: lists, macros, rules, exceptions, and their diagnostics.
