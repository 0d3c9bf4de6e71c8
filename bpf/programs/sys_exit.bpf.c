/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sys_exit dispatcher: every syscall exit lands here. The call is decoded
 * into x86_64 terms (helpers/call.h: an ia32 call is translated, a socketcall
 * unpacked); unselected syscalls and excluded processes return before any
 * buffer work; selected syscalls with a dedicated program are tail-called
 * into it, and the rest produce the generic event (ppm_sc id and native
 * number). An ia32 call x86_64 has no counterpart for (ipc, sigreturn, old
 * mmap, ...) is always reported, as a generic event with its own ppm_sc id
 * and ia32 number: a 32-bit call is never dropped for want of a mapping.
 * An execveat is told by the mark its exec leaves (execveat.bpf.c): a failure past
 * exec's point of no return has the execve number in orig_ax.
 */

/* GENERIC_X (ID, nativeID). */
static __always_inline int generic_exit(__u16 ppm_sc, __u16 nr)
{
	EVT_OPEN(2);
	store_u16(s, ppm_sc);
	store_u16(s, nr);
	EVT_SUBMIT(PPME_GENERIC_X);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	int compat = in_compat_syscall();
	/* Before any filter: the mark must not outlive the call. */
	__u8 execveat = execveat_take_at_exit(regs->orig_ax, compat);
	if (!compat && !execveat && !syscall_interesting(regs->orig_ax))
		return 0;
	if (!task_wanted(bpf_get_current_pid_tgid() >> 32))
		return 0;
	struct syscall_call *c = current_call();
	if (!c)
		return 0;
	if (execveat)
		call_decode_execveat(c, regs, execveat == EXECVEAT_IA32);
	else
		call_decode(c, regs, compat);
	__u32 nr = c->nr;
	if (nr == NR_NONE)
		return generic_exit(ia32_ppm_sc(regs->orig_ax), regs->orig_ax);
	if ((compat || execveat) && !syscall_interesting(nr))
		return 0;
	bpf_tail_call(ctx, &exit_programs, nr);
	return generic_exit(syscall_table[nr & (SYSCALL_TABLE_SIZE - 1)].ppm_sc, nr);
}
