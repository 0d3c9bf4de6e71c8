#!/usr/bin/env bash
# Replay throughput of Kubernetes audit events: generates N (default
# 100,000) pod-creation events from a regression event, replays them through
# Falco's k8s audit rules and a catch-all rule, and prints events/s (wall
# and CPU) and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
export HARRIER_SHARED="${HARRIER_SHARED:-$(cd .. && pwd)/shared}"
N="${1:-100000}"
cargo build --release -p harrier -q
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$N" "$HARRIER_SHARED" "$work" <<'PY'
import json, sys
n, shared, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
src = shared + "/falco-regression/trace_files/k8s_audit/create_nginx_pod_privileged.json"
event = json.loads(open(src).readline())
with open(work + "/audit.jsonl", "w") as out:
    for i in range(n):
        event["auditID"] = "bench-%d" % i
        out.write(json.dumps(event) + "\n")
with open(work + "/catch_all.yaml", "w") as out:
    out.write("- rule: every event\n  desc: x\n  condition: ka.auditid exists\n"
              "  output: \"%ka.auditid %ka.req.pod.containers.image\"\n  priority: INFO\n  source: k8s_audit\n")
PY
size=$(du -m "$work/audit.jsonl" | cut -f1)
for rules in "$HARRIER_SHARED/falco-regression/rules/default/k8s_audit_rules.yaml" "$work/catch_all.yaml"; do
    /usr/bin/time -f "%e %U %M" -o "$work/time" "${CARGO_TARGET_DIR:-target}/release/harrier" detect --rules "$rules" \
        --replay "$work/audit.jsonl" --json >/dev/null 2>"$work/err"
    read -r wall cpu rss <"$work/time"
    python3 -c "import sys; n,w,c,r=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); \
print(f'{sys.argv[5]}: {n} events ({sys.argv[6]} MB): {n/w:,.0f} events/s wall, {n/max(c,1e-9):,.0f} events/s per CPU second, peak RSS {r/1024:.1f} MiB')" \
        "$N" "$wall" "$cpu" "$rss" "$(basename "$rules")" "$size"
done
