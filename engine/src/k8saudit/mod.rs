//! Kubernetes audit events: parsing, sources and `ka.*` fields.
