//! Falco-compatible rule engine.
