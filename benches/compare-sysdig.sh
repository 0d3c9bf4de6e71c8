#!/usr/bin/env bash
# Replay throughput of harrier against sysdig on the same large capture, in
# one run, plus the count-only pass of libcapture.
#
#   benches/compare-sysdig.sh [EVENTS]      (default 5000000)
#
# Builds a capture of EVENTS real events (repeated from the captures in
# $HARRIER_SHARED) into a temp dir, checks that both tools print the same
# lines for '%evt.num %evt.type', times each (best of 3), and writes
# benches/runs/<date>-<machine>/{README.SETUP,raw.csv,summary}.
set -euo pipefail
cd "$(dirname "$0")/.."

events="${1:-5000000}"
runs=3
export HARRIER_SHARED="${HARRIER_SHARED:-$(cd .. && pwd)/shared}"
target="${CARGO_TARGET_DIR:-target}"
format='%evt.num %evt.type'

command -v sysdig >/dev/null || { echo "compare-sysdig: sysdig is not installed" >&2; exit 1; }
cargo build --release -q -p harrier
cargo build --release -q -p libcapture --example make_large_capture
harrier="$target/release/harrier"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
capture="$tmp/large.scap"
inputs=()
for f in "$HARRIER_SHARED"/scap-samples/{single_ipv6_conn,curl_google,test_ipv6_client,sample}.scap \
         "$HARRIER_SHARED"/falco-regression/trace_files/{cat_write,ping_sendto}.scap; do
    inputs+=("$f")
done
"$target/release/examples/make_large_capture" "$capture" "$events" "${inputs[@]}"
bytes=$(stat -c %s "$capture")

# Same output first: a faster wrong answer is no answer.
sysdig -r "$capture" -p "$format" | md5sum >"$tmp/sysdig.md5"
"$harrier" replay "$capture" -p "$format" | md5sum >"$tmp/harrier.md5"
if ! cmp -s "$tmp/sysdig.md5" "$tmp/harrier.md5"; then
    echo "compare-sysdig: harrier and sysdig print different lines" >&2
    exit 1
fi
lines=$("$harrier" replay "$capture" -p "$format" | wc -l)

# Best of $runs runs of a command, output discarded: "wall cpu" seconds, cpu
# being user + system time (what the tool itself costs on a shared machine).
best() {
    local best_wall="" best_cpu="" wall cpu
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %U %S" -o "$tmp/seconds" "$@" >/dev/null 2>/dev/null
        read -r wall user sys < <(tail -1 "$tmp/seconds")
        cpu=$(awk "BEGIN{print $user + $sys}")
        if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; fi
        if [ -z "$best_cpu" ] || awk "BEGIN{exit !($cpu < $best_cpu)}"; then best_cpu=$cpu; fi
    done
    echo "$best_wall $best_cpu"
}
read -r sysdig_s sysdig_cpu < <(best sysdig -r "$capture" -p "$format")
read -r harrier_s harrier_cpu < <(best "$harrier" replay "$capture" -p "$format")
load=$(cut -d' ' -f1 /proc/loadavg)

ratio=$(awk "BEGIN{printf \"%.1f\", $sysdig_s / $harrier_s}")
cpu_ratio=$(awk "BEGIN{printf \"%.1f\", $sysdig_cpu / $harrier_cpu}")
sysdig_eps=$(awk "BEGIN{printf \"%.0f\", $events / $sysdig_s}")
harrier_eps=$(awk "BEGIN{printf \"%.0f\", $events / $harrier_s}")

# Count-only pass: the criterion bench (Throughput::Bytes) over its own
# capture of real events.
count=$(cargo bench -q -p libcapture --bench libcapture -- count_only 2>/dev/null | grep -A2 'count_only/' | grep 'thrpt' | head -1 | sed 's/^ *//')

out="benches/runs/$(date -u +%Y-%m-%d)-$(hostname -s)"
mkdir -p "$out"
cat >"$out/README.SETUP" <<EOF
Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)
CPU: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
harrier: $(git rev-parse --short HEAD), release build
sysdig: $(sysdig --version 2>&1 | head -1)
Capture: $events real events repeated from ${#inputs[@]} shipped captures, uncompressed, $bytes bytes
Command: benches/compare-sysdig.sh $events (best of $runs runs each, output to /dev/null)
Format: -p '$format' ($lines lines, identical md5 for both tools)
Count-only: criterion bench libcapture/count_only (open + read + count via the Capture trait)
Load average at the end of the timed runs: $load (the machine is shared: compare the cpu columns)
EOF
cat >"$out/raw.csv" <<EOF
tool,task,events,bytes,wall_seconds,cpu_seconds
sysdig,replay-p,$events,$bytes,$sysdig_s,$sysdig_cpu
harrier,replay-p,$events,$bytes,$harrier_s,$harrier_cpu
EOF
cat >"$out/summary" <<EOF
replay -p '$format' on $events events ($bytes bytes):
  sysdig 0.29.3  wall ${sysdig_s}s (${sysdig_eps} events/s)  cpu ${sysdig_cpu}s
  harrier        wall ${harrier_s}s (${harrier_eps} events/s)  cpu ${harrier_cpu}s
  ratio          wall ${ratio}x, cpu ${cpu_ratio}x (target >= 5x); load average $load
count-only pass (criterion, bytes/s): ${count} (target >= 1 GB/s)
EOF
cat "$out/summary"
echo "results in $out/"
