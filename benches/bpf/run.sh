#!/usr/bin/env bash
# eBPF capture overhead, side by side in one run (needs root and a BTF kernel).
#
#   benches/bpf/run.sh [SECONDS] [ROUNDS]
#
# For each loop, native vs under `harrier capture` (the loop is the capture's
# target process tree, pinned to CPU 0; harrier and its drain thread on CPU 1):
#   getppid      not selected: the dispatcher returns after one table load
#   openat+close selected, full params (7 + 2 params per iteration), alone and
#                with the default selection (execve among it: the exec hooks)
#   getppid as a selected generic event: sustained events/s, with the drops
# Prints the median of ROUNDS runs and the slowdown ratios; targets (issue 3):
# unselected <= 1.8x, selected <= 2.5x, drain >= 2 M events/s with 0 drops.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-2}"
rounds="${2:-3}"
harrier="${HARRIER:-target/release/harrier}"
[ -x "$harrier" ] || { echo "build first: cargo build --release -p harrier (or set HARRIER)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/sysloop" benches/sysloop.c

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

native() { # MODE
    for _ in $(seq "$rounds"); do taskset -c 0 "$work/sysloop" "$1" "$secs"; done | median
}

captured() { # MODE SYSCALLS -> "rate events drops"
    for _ in $(seq "$rounds"); do
        taskset -c 1 "$harrier" capture --syscalls "$2" -w /dev/null --exit-only -- \
            taskset -c 0 "$work/sysloop" "$1" "$secs" >"$work/out" 2>"$work/err"
        rate="$(cat "$work/out")"
        events="$(sed -n 's/^captured \([0-9]*\) events.*/\1/p' "$work/err")"
        drops="$(sed -n 's/^drops: \([0-9]*\).*/\1/p' "$work/err")"
        echo "$rate $events $drops"
    done | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "kernel $(uname -r), $(nproc) cpus, ${secs}s x ${rounds} rounds (median)"
g_native="$(native getppid)"
read -r g_cap _ _ <<<"$(captured getppid default)"
o_native="$(native openat)"
read -r o_cap o_events o_drops <<<"$(captured openat openat,close)"
read -r d_cap _ _ <<<"$(captured openat default)"
read -r s_cap s_events s_drops <<<"$(captured getppid getppid)"

printf '%-34s %14s %14s %9s\n' loop "native/s" "captured/s" slowdown
printf '%-34s %14s %14s %8sx\n' "getppid (not selected)" "$g_native" "$g_cap" "$(ratio "$g_native" "$g_cap")"
printf '%-34s %14s %14s %8sx\n' "openat+close (selected, full)" "$o_native" "$o_cap" "$(ratio "$o_native" "$o_cap")"
printf '%-34s %14s %14s %8sx\n' "openat+close (default selection)" "$o_native" "$d_cap" "$(ratio "$o_native" "$d_cap")"
printf '%-34s %14s %14s %8sx\n' "getppid (selected, generic)" "$g_native" "$s_cap" "$(ratio "$g_native" "$s_cap")"
echo
echo "openat+close capture: $o_events events, $o_drops drops"
echo "drain: $(awk -v e="$s_events" -v s="$secs" 'BEGIN {printf "%.2f", e / s / 1e6}') M events/s sustained (getppid, generic), $s_drops drops"
