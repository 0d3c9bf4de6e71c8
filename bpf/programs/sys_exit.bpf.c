/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sys_exit dispatcher: every syscall exit lands here. Unselected
 * syscalls and excluded processes return before any buffer work; selected
 * syscalls with a dedicated program are tail-called into it, and the rest
 * produce the generic event (ppm_sc id and native number).
 */

#define TS_COMPAT 0x0002 /* thread_info.status: in a 32-bit syscall */

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	unsigned long nr = regs->orig_ax;
	if (!syscall_interesting(nr))
		return 0;
	if (!task_wanted(bpf_get_current_pid_tgid() >> 32))
		return 0;
	/* 32-bit (ia32) syscalls use another numbering; they are not decoded yet. */
	if (current_task()->thread_info.status & TS_COMPAT)
		return 0;
	bpf_tail_call(ctx, &exit_programs, nr);

	/* No dedicated program: GENERIC_X (ID, nativeID). */
	EVT_OPEN(2);
	store_u16(s, syscall_table[nr & (SYSCALL_TABLE_SIZE - 1)].ppm_sc);
	store_u16(s, nr);
	EVT_SUBMIT(PPME_GENERIC_X);
}
