/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which exec a thread is in. A successful exec rewrites orig_ax to the
 * execve number of the new image's ABI ("pretend that this comes from a
 * 64bit execve", set_personality_64bit / __set_personality_ia32) before
 * sched_process_exec runs, so there the syscall number no longer tells an
 * execveat from an execve. The entry still does: the sys_enter program
 * marks the thread (in_execveat, by thread id, with the ABI of the call),
 * and the mark is taken by whichever comes first of sched_process_exec (a
 * successful exec, under the thread's id before exec: a non-leader takes
 * the leader's id) and the dispatcher at the exit of any exec-family call
 * (a failed one, or what a successful one returns to). Both take it
 * whatever the filters say, so no mark outlives its call and a reused
 * thread id finds none.
 *
 * sys_enter runs for every syscall and returns after comparing the number
 * with the two execveat numbers: the only work the probe does at entry.
 * (fentry on the syscall's entry points would cost other syscalls nothing,
 * but needs ftrace direct calls and may be refused where tracepoints are
 * not.)
 */

#define IA32_NR_execve 11
#define IA32_NR_execveat 358
/* in_execveat values: the ABI the execveat was made with. */
#define EXECVEAT_NATIVE 1
#define EXECVEAT_IA32 2

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	if (id != NR_execveat && id != IA32_NR_execveat)
		return 0;
	/* The same number means another call in the other ABI. */
	__u8 abi = in_compat_syscall() ? EXECVEAT_IA32 : EXECVEAT_NATIVE;
	if (abi != (id == NR_execveat ? EXECVEAT_NATIVE : EXECVEAT_IA32))
		return 0;
	__u32 tid = bpf_get_current_pid_tgid();
	bpf_map_update_elem(&in_execveat, &tid, &abi, BPF_ANY);
	return 0;
}

/* Thread `tid`'s mark (its ABI, 0 for none), taken off. */
static __always_inline __u8 execveat_take(__u32 tid)
{
	__u8 *mark = bpf_map_lookup_elem(&in_execveat, &tid);
	if (!mark)
		return 0;
	__u8 abi = *mark;
	bpf_map_delete_elem(&in_execveat, &tid);
	return abi;
}

/*
 * At a syscall exit: the current thread's mark if the call is of the exec
 * family. After a successful exec, or a failure past its point of no return,
 * orig_ax and TS_COMPAT describe the new image, so every exec number of
 * either ABI counts.
 */
static __always_inline __u8 execveat_take_at_exit(__u64 orig_ax, int compat)
{
	int exec = compat ? orig_ax == IA32_NR_execve || orig_ax == IA32_NR_execveat
			  : orig_ax == NR_execve || orig_ax == NR_execveat;
	return exec ? execveat_take(bpf_get_current_pid_tgid()) : 0;
}
