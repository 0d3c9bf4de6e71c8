/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer 2b: the syscall being reported, in x86_64 terms. The sys_exit
 * dispatcher decodes the registers once into `struct syscall_call`: an x86_64
 * call as is, an ia32 one (int $0x80 from any task) translated through the
 * ia32 table user space fills from the driver's map, with its 32-bit
 * arguments widened and fixed up, and a `socketcall` unpacked into the
 * socket call it multiplexes. Exit programs read arguments only from there,
 * so one program serves both ABIs; where a user struct holds pointers
 * (iovec, msghdr) they look at `compat` for its layout.
 */
#ifndef HARRIER_HELPERS_CALL_H
#define HARRIER_HELPERS_CALL_H

#include "store.h"
#include "extract.h"

#define TS_COMPAT 0x0002 /* x86 thread_info.status: in a 32-bit syscall */
#define IA32_SOCKETCALL 102
/* syscall_call.nr of an ia32 call with no x86_64 counterpart. */
#define NR_NONE 0xffffffffu

/* Whether the current task is in an ia32 syscall (TS_COMPAT is set from entry until return to user). */
static __always_inline int in_compat_syscall(void)
{
	return current_task()->thread_info.status & TS_COMPAT;
}

/*
 * Rows of the ia32 tables, NULL past their end. barrier_var keeps the mask:
 * the compiler would drop it after the bound check, and the verifier bounds
 * the register the index is used in, not the one the check was made on.
 */
static __always_inline struct ia32_entry *ia32_row(__u32 nr)
{
	if (nr >= IA32_TABLE_SIZE)
		return NULL;
	barrier_var(nr);
	return &ia32_table[nr & (IA32_TABLE_SIZE - 1)];
}

static __always_inline struct socketcall_entry *socketcall_row(__u32 sub)
{
	if (sub >= SOCKETCALL_TABLE_SIZE)
		return NULL;
	barrier_var(sub);
	return &socketcall_table[sub & (SOCKETCALL_TABLE_SIZE - 1)];
}

static __always_inline void call_native_args(struct syscall_call *c, struct pt_regs *regs)
{
	c->args[0] = regs->di;
	c->args[1] = regs->si;
	c->args[2] = regs->dx;
	c->args[3] = regs->r10;
	c->args[4] = regs->r8;
	c->args[5] = regs->r9;
}

/* ia32 arguments: ebx, ecx, edx, esi, edi, ebp, zero-extended. */
static __always_inline void call_ia32_args(struct syscall_call *c, struct pt_regs *regs)
{
	c->args[0] = (__u32)regs->bx;
	c->args[1] = (__u32)regs->cx;
	c->args[2] = (__u32)regs->dx;
	c->args[3] = (__u32)regs->si;
	c->args[4] = (__u32)regs->di;
	c->args[5] = (__u32)regs->bp;
}

/* A 16-bit uid/gid widened as the kernel does (low2highuid): 0xffff is -1. */
static __always_inline __u64 uid16(__u64 v)
{
	v &= 0xffff;
	return v == 0xffff ? 0xffffffffULL : v;
}

static __always_inline void call_ia32_fixup(struct syscall_call *c, __u8 fixup)
{
	switch (fixup) {
	case IA32_FIXUP_OFFSET64_AT3:
		c->args[3] |= c->args[4] << 32;
		break;
	case IA32_FIXUP_PAGE_OFFSET5:
		c->args[5] <<= 12;
		break;
	case IA32_FIXUP_NO_FLAGS1:
		c->args[1] = 0;
		break;
	case IA32_FIXUP_UID16_FROM0:
		c->args[0] = uid16(c->args[0]);
		/* fallthrough */
	case IA32_FIXUP_UID16_FROM1:
		c->args[1] = uid16(c->args[1]);
		c->args[2] = uid16(c->args[2]);
		break;
	}
}

/*
 * socketcall(call, args): the subcall's x86_64 number, and its arguments
 * from the array of 32-bit words at `args` (as many as the kernel reads).
 */
static __always_inline void call_socketcall(struct syscall_call *c, __u32 sub, const void *uargs)
{
	c->nr = NR_NONE;
	struct socketcall_entry *e = socketcall_row(sub);
	if (!e || e->native == IA32_NO_NATIVE)
		return;
	__u32 words[6] = {};
	__u32 n = e->nargs;
	if (n > 6)
		n = 6;
	bpf_probe_read_user(words, n * 4, uargs);
	for (int i = 0; i < 6; i++)
		c->args[i] = words[i];
	c->nr = e->native;
}

/*
 * Decodes the current syscall from its registers. An ia32 call without an
 * x86_64 counterpart gets nr NR_NONE (its ia32 number stays in orig_ax).
 */
static __always_inline void call_decode(struct syscall_call *c, struct pt_regs *regs, int compat)
{
	c->compat = compat;
	if (!compat) {
		c->nr = regs->orig_ax;
		call_native_args(c, regs);
		return;
	}
	__u32 ia32 = regs->orig_ax;
	call_ia32_args(c, regs);
	if (ia32 == IA32_SOCKETCALL) {
		call_socketcall(c, c->args[0], (const void *)c->args[1]);
		return;
	}
	c->nr = NR_NONE;
	struct ia32_entry *e = ia32_row(ia32);
	if (!e || e->native == IA32_NO_NATIVE)
		return;
	c->nr = e->native;
	call_ia32_fixup(c, e->fixup);
}

/*
 * An execveat told by its mark, made with ABI `compat`: orig_ax may
 * already name execve (and TS_COMPAT the new image's ABI), its arguments
 * are still the call's.
 */
static __always_inline void call_decode_execveat(struct syscall_call *c, struct pt_regs *regs, int compat)
{
	c->compat = compat;
	c->nr = NR_execveat;
	if (compat)
		call_ia32_args(c, regs);
	else
		call_native_args(c, regs);
}

/* The current call, as the dispatcher decoded it. */
static __always_inline struct syscall_call *current_call(void)
{
	struct scratch *s = scratch_get();
	return s ? &s->call : NULL;
}

/* The ppm_sc id of a generic event for an ia32 call with no x86_64 counterpart. */
static __always_inline __u16 ia32_ppm_sc(__u32 ia32)
{
	struct ia32_entry *e = ia32_row(ia32);
	return e ? e->ppm_sc : 0;
}

#endif
