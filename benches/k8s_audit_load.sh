#!/usr/bin/env bash
# Load test of the Kubernetes audit webhook: a client process posts
# EventLists to `harrier detect --k8s-audit-listen 127.0.0.1:0` over
# loopback at HARRIER_LOAD_RATE events/s (default 12,000) for
# HARRIER_LOAD_SECONDS (default 30) in batches of HARRIER_LOAD_BATCH (100)
# on 4 keep-alive connections, checks that every event raised exactly one
# alert and that harrier's RSS stayed under 512 MiB, and prints events/s,
# POST latency percentiles and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
export HARRIER_SHARED="${HARRIER_SHARED:-$(cd .. && pwd)/shared}"
cargo test --release -p harrier --test k8s_webhook -- --ignored --nocapture webhook_load 2>&1 |
    grep -E "k8s audit webhook load|test result|panicked|assert"
