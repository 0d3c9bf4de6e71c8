/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which exec a thread is in. A successful exec rewrites orig_ax to the
 * execve number of the new image's ABI ("pretend that this comes from a
 * 64bit execve", set_personality_64bit / __set_personality_ia32) before
 * sched_process_exec runs, so there the syscall number no longer tells an
 * execveat from an execve. Earlier in the same exec it still does: every
 * exec renames the task in begin_new_exec (past the point of no return and
 * de_thread, before the binary loader sets the new personality), which
 * fires task_rename with orig_ax and TS_COMPAT still those of the call.
 * The program there marks the thread (in_execveat, by thread id, with the
 * ABI of the call), and the mark is taken by whichever comes first of
 * sched_process_exec (a successful exec) and the dispatcher at the exit of
 * any exec-family call (a failure past the rename, or what a successful
 * one returns to). Both take it whatever the filters say, so no mark
 * outlives its call and a reused thread id finds none.
 *
 * task_rename fires only at an exec and at a rename (prctl PR_SET_NAME, a
 * write to /proc/PID/comm, kernel threads), so other syscalls pay nothing,
 * and it sees ia32 calls, which the syscalls:sys_enter_* tracepoints skip
 * on x86_64. An execveat that fails before the rename leaves orig_ax as it
 * was: the dispatcher decodes it without a mark.
 */

#define IA32_NR_execve 11
#define IA32_NR_execveat 358
/* in_execveat values: the ABI the execveat was made with. */
#define EXECVEAT_NATIVE 1
#define EXECVEAT_IA32 2

SEC("tp_btf/task_rename")
int BPF_PROG(exec_rename, struct task_struct *task, const char *comm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	/* An exec renames its own task; another writer's call is not an exec. */
	if (task->pid != (__u32)pid_tgid)
		return 0;
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (!regs)
		return 0;
	int compat = in_compat_syscall();
	if (regs->orig_ax != (compat ? IA32_NR_execveat : NR_execveat))
		return 0;
	__u8 abi = compat ? EXECVEAT_IA32 : EXECVEAT_NATIVE;
	__u32 tid = pid_tgid;
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
