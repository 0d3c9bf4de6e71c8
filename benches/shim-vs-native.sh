#!/usr/bin/env bash
# Syscall cost of the capture backends, side by side, as ratios to native:
#   native | kmod shim (ptrace + seccomp) | floor | eBPF probe (when it loads)
# The floor is the cheapest stop user space can have on the selected calls
# (benches/stop-floor.c: seccomp user notification answered "continue", no
# work at all): no user-space producer can beat it on this machine.
# on two loops: getppid (a syscall the capture does not select: the shim's
# seccomp filter lets it run natively) and openat+close (both selected).
#
# Each round runs native, shim and eBPF back to back and takes their ratios,
# so a machine whose load changes between rounds still gives fair ratios;
# the table shows the median rate of each column and the median of the
# per-round ratios.
#
# Usage: benches/shim-vs-native.sh [SECONDS per run, default 2] [ROUNDS, default 5]
# Needs gcc, a release build (built here) and ptrace; the eBPF column needs root.
# Workload and tracer share CPU 0 (tracer and tracee on one CPU is fastest).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-2}
rounds=${2:-5}
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p harrier
harrier="$target/release/harrier"
bin=$(mktemp -d)
loop=$bin/sysloop floor=$bin/stop-floor
gcc -O2 -o "$loop" benches/sysloop.c
gcc -O2 -o "$floor" benches/stop-floor.c

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# run MODE BACKEND: syscalls (iterations) per second of one run.
run() {
	local mode=$1 backend=$2
	case $backend in
	native) taskset -c 0 "$loop" "$mode" "$secs" ;;
	floor) taskset -c 0 "$floor" "$loop" "$mode" "$secs" ;;
	*) taskset -c 0 "$harrier" capture --backend "$backend" --syscalls openat,close \
		-w /dev/null -- "$loop" "$mode" "$secs" 2>/dev/null ;;
	esac
}

backends="native kmod floor"
if "$harrier" capture --backend bpf --syscalls openat -w /dev/null -- /bin/true 2>/dev/null; then
	backends="$backends bpf"
fi

printf '%-22s %11s %11s %8s %11s %8s %11s %8s\n' loop native/s shim/s ratio floor/s ratio ebpf/s ratio
for mode in getppid openat; do
	declare -A rates=() ratios=()
	for _ in $(seq "$rounds"); do
		for b in $backends; do
			r=$(run "$mode" "$b")
			rates[$b]+="$r "
			[ "$b" = native ] && native=$r || ratios[$b]+="$(awk -v n="$native" -v r="$r" 'BEGIN {print n / r}') "
		done
	done
	col() { [ -n "${rates[$1]:-}" ] && echo "${rates[$1]}" | tr ' ' '\n' | grep . | median || echo -; }
	rat() { [ -n "${ratios[$1]:-}" ] && printf '%.2fx' "$(echo "${ratios[$1]}" | tr ' ' '\n' | grep . | median)" || echo -; }
	label=$([ "$mode" = getppid ] && echo "getppid (unselected)" || echo "openat+close")
	printf '%-22s %11s %11s %8s %11s %8s %11s %8s\n' "$label" "$(col native)" "$(col kmod)" "$(rat kmod)" \
		"$(col floor)" "$(rat floor)" "$(col bpf)" "$(rat bpf)"
	unset rates ratios
done
