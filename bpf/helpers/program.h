/* SPDX-License-Identifier: Apache-2.0 */
/* Layer 4: what a program body uses: the exit-program signature and short argument/param helpers. */
#ifndef HARRIER_HELPERS_PROGRAM_H
#define HARRIER_HELPERS_PROGRAM_H

#include "store.h"
#include "extract.h"

/* A per-syscall exit program: tail-called from the sys_exit dispatcher with its context. */
#define EXIT_PROGRAM(name) \
	SEC("tp_btf/sys_exit") \
	int BPF_PROG(name, struct pt_regs *regs, long ret)

/* Opens an event of `n` params in the scratch area; returns from the program if unavailable. */
#define EVT_OPEN(n)                              \
	struct scratch *s = scratch_get();       \
	if (!s)                                  \
		return 0;                        \
	evt_begin(s, n)

/* Submits the syscall exit event built so far, for the current thread. */
#define EVT_SUBMIT(type)                                                             \
	do {                                                                         \
		evt_submit(s, type, (__u32)bpf_get_current_pid_tgid(), DROP_SYSCALL); \
		return 0;                                                            \
	} while (0)

#define ARG(i) syscall_arg(regs, i)
#define ARG_PTR(i) ((const void *)syscall_arg(regs, i))
/* An int argument (fd, pid, dirfd) sign-extended into the 64-bit FD/PID/ERRNO encoding. */
#define ARG_INT(i) ((__s64)(int)syscall_arg(regs, i))

#define PATH_MAX_LEN 4096

static __always_inline __u32 snaplen(void)
{
	__u32 n = settings.snaplen;
	return n > MAX_EVENT_SIZE ? MAX_EVENT_SIZE : n;
}

#endif
