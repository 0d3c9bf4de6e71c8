#!/usr/bin/env bash
# Probe load time and verifier work (needs root and a BTF kernel).
#
#   benches/bpf/load.sh [ROUNDS]
#
# load: wall time of `harrier capture -w /dev/null -- /bin/true`, median of
#   ROUNDS runs. Nearly all of it is the kernel verifier checking the probe's
#   programs; the rest is creating the rings, the /proc snapshot and attaching.
# verifier: one more run with HARRIER_BPF_VERIFIER_STATS set, which prints the
#   verifier's figures per program: instructions processed (every revisit
#   counts), states, and the kernel's own verification time.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-5}"
harrier="${HARRIER:-target/release/harrier}"
[ -x "$harrier" ] || { echo "build first: cargo build --release -p harrier (or set HARRIER)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "kernel $(uname -r), $(nproc) cpus, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$rounds"); do
    start="$(date +%s%N)"
    "$harrier" capture -w /dev/null -- /bin/true >/dev/null 2>&1
    end="$(date +%s%N)"
    echo $(((end - start) / 1000000))
done | median | awk -v r="$rounds" '{printf "load: %.3f s (median of %d runs of capture -- /bin/true)\n", $1 / 1000, r}'

# verifier: prog NAME insns N states N peak_states N max_states_per_insn N time_us N
out="$(HARRIER_BPF_VERIFIER_STATS=1 "$harrier" capture -w /dev/null -- /bin/true 2>&1 >/dev/null || true)"
stats="$(grep '^verifier: prog ' <<<"$out" || true)"
[ -n "$stats" ] || { echo "no verifier figures: the probe did not load" >&2; exit 1; }
# verifier: probe load_ms N object_load_ms N (this run, slowed a little by the statistics)
grep '^verifier: probe ' <<<"$out" |
    awk '{printf "probe: %.1f ms to load, of which %.1f ms in bpf_object__load (with statistics)\n", $4, $6}'
echo "largest programs:        insns   states  max/insn  verify ms"
sort -k5,5nr <<<"$stats" | head -8 |
    awk '{printf "  %-20s %9d %8d %9d %10.1f\n", $3, $5, $7, $11, $13 / 1000}'
awk '{n++; i += $5; s += $7; t += $13}
     END {printf "verifier: %d programs, %d instructions, %d states, %.0f ms\n", n, i, s, t / 1000}' <<<"$stats"
