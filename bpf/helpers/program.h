/* SPDX-License-Identifier: Apache-2.0 */
/* Layer 4: what a program body uses: the exit-program signature and short argument/param helpers. */
#ifndef HARRIER_HELPERS_PROGRAM_H
#define HARRIER_HELPERS_PROGRAM_H

#include "store.h"
#include "extract.h"
#include "call.h"

/*
 * A per-syscall exit program: tail-called from the sys_exit dispatcher with
 * its context. The body sees `call` (the decoded syscall, helpers/call.h)
 * and `ret`; arguments come from `call` through ARG*, never from pt_regs, so
 * the same body serves x86_64 and ia32 calls.
 */
#define EXIT_PROGRAM(name)                                                            \
	static __always_inline int name##_body(const struct syscall_call *call, long ret); \
	SEC("tp_btf/sys_exit")                                                        \
	int BPF_PROG(name, struct pt_regs *regs, long ret)                            \
	{                                                                             \
		const struct syscall_call *call = current_call();                     \
		return call ? name##_body(call, ret) : 0;                             \
	}                                                                             \
	static __always_inline int name##_body(const struct syscall_call *call, long ret)

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

/* Argument `i` (0-based) of the current call, in the x86_64 order whatever its ABI. */
#define ARG(i) (call->args[i])
#define ARG_PTR(i) ((const void *)call->args[i])
/* An int argument (fd, pid, dirfd) sign-extended into the 64-bit FD/PID/ERRNO encoding. */
#define ARG_INT(i) ((__s64)(int)call->args[i])

#define PATH_MAX_LEN 4096

static __always_inline __u32 snaplen(void)
{
	__u32 n = settings.snaplen;
	return n > MAX_EVENT_SIZE ? MAX_EVENT_SIZE : n;
}

#endif
