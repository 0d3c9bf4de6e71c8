#!/usr/bin/env bash
# Syscall cost of the capture backends, side by side, as ratios to native:
#   native | kmod shim (ptrace + seccomp) | eBPF probe (when it loads)
# on two loops: getppid (a syscall the capture does not select: the shim's
# seccomp filter lets it run natively) and openat+close (both selected).
#
# Usage: benches/shim-vs-native.sh [SECONDS per run, default 2] [RUNS, default 3]
# Needs gcc, a release build (built here) and ptrace; the eBPF column needs root.
# Workload and tracer share CPU 0 (tracer and tracee on one CPU is fastest).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-2}
runs=${2:-3}
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p harrier
harrier="$target/release/harrier"
loop=$(mktemp -d)/sysloop
gcc -O2 -o "$loop" benches/shim/sysloop.c

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# rate MODE BACKEND: median syscalls (iterations) per second over $runs runs.
rate() {
	local mode=$1 backend=$2
	for _ in $(seq "$runs"); do
		case $backend in
		native) taskset -c 0 "$loop" "$mode" "$secs" ;;
		*) taskset -c 0 "$harrier" capture --backend "$backend" --syscalls openat,close \
			-w /dev/null -- "$loop" "$mode" "$secs" 2>/dev/null ;;
		esac
	done | median
}

bpf_ok=yes
"$harrier" capture --backend bpf --syscalls openat -w /dev/null -- /bin/true 2>/dev/null || bpf_ok=no

printf '%-22s %12s %12s %8s %12s %8s\n' loop native/s shim/s ratio ebpf/s ratio
for mode in getppid openat; do
	native=$(rate "$mode" native)
	shim=$(rate "$mode" kmod)
	if [ $bpf_ok = yes ]; then bpf=$(rate "$mode" bpf); else bpf=; fi
	ratio() { [ -n "$1" ] && awk -v n="$native" -v r="$1" 'BEGIN {printf "%.2fx", n / r}' || echo -; }
	label=$([ "$mode" = getppid ] && echo "getppid (unselected)" || echo "openat+close")
	printf '%-22s %12s %12s %8s %12s %8s\n' "$label" "$native" "$shim" "$(ratio "$shim")" "${bpf:--}" "$(ratio "$bpf")"
done
