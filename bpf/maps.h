/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every map of the probe. Settings and the per-syscall table live in .bss
 * (user space writes them through the skeleton's mmap); everything else is a
 * map declared here.
 */
#ifndef HARRIER_MAPS_H
#define HARRIER_MAPS_H

#include "shared/settings.h"

/* Largest event the probe assembles; params are cut to fit. */
#define MAX_EVENT_SIZE (64 * 1024)
/* Offsets into the scratch buffer are masked with this so the verifier can bound them. */
#define SCRATCH_MASK (MAX_EVENT_SIZE - 1)

/* Settings and the syscall table (see shared/settings.h). */
struct harrier_settings settings;
struct syscall_entry syscall_table[SYSCALL_TABLE_SIZE];
/* ia32 syscalls and socketcall subcalls (see shared/settings.h), written by user space. */
struct ia32_entry ia32_table[IA32_TABLE_SIZE];
struct socketcall_entry socketcall_table[SOCKETCALL_TABLE_SIZE];

/* Outer array indexed by CPU id; each value is the ring buffer of that CPU's group. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* set to the number of possible CPUs before load */
	__type(key, __u32);
	__type(value, __u32);
} ringbufs SEC(".maps");

/*
 * The syscall being reported, in x86_64 terms whatever the ABI it was made
 * with: the dispatcher decodes it from the registers (helpers/call.h) and
 * every exit program reads its arguments from here.
 */
struct syscall_call {
	__u64 args[6];
	__u32 nr;     /* x86_64 number */
	__u32 compat; /* made with int $0x80 (ia32): user structs have 32-bit pointers */
};

/* Per-CPU event assembly area: twice the maximum event so masked writes stay in bounds. */
struct scratch {
	__u8 data[2 * MAX_EVENT_SIZE] __attribute__((aligned(8)));
	__u8 path[2 * 4096]; /* path components are written here backwards, then copied */
	/*
	 * Position of a param assembled in steps: where the next path or cgroup
	 * component ends in `path` during a bpf_loop walk, the bytes gathered
	 * from an iovec array, the length of the cgroup entries so far. Kept
	 * here rather than on the stack: the verifier tracks no value in map
	 * memory, so every step leaves the same state behind and is verified a
	 * few times instead of once per step (or per combination of outcomes).
	 */
	__u32 walk_pos;
	__u32 payload_pos;   /* where the next param's bytes go */
	__u32 lens_pos;      /* where the next param's length goes */
	__u32 nparams;
	__u32 truncated;
	struct syscall_call call; /* the current syscall, set by the sys_exit dispatcher */
};

/* One scratch area per CPU (an ARRAY indexed by CPU id: per-CPU values are limited to 32 KiB). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* set to the number of possible CPUs before load */
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct harrier_counters);
} counters SEC(".maps");

/* Thread groups of the target process tree (settings.target_mode). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} targets SEC(".maps");

/*
 * Threads inside an execveat, by thread id, with the call's ABI: set at the
 * exec's rename, taken at exec or at the call's exit (programs/execveat.bpf.c).
 * Only the call's number before the binary loader rewrites it tells execveat
 * from execve.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} in_execveat SEC(".maps");

/* Per-syscall exit programs, tail-called by the sys_exit dispatcher (filled in probe.bpf.c). */
struct exit_programs_t {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SYSCALL_TABLE_SIZE);
	__type(key, __u32);
	__array(values, int(void *));
};

#endif
