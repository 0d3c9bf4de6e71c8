/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The child side of clone/clone3/fork/vfork: a clone-family exit event with
 * res 0 and the child's tid in the header, built when the child is created
 * (in the parent's context). Also grows the target process tree.
 */

/* clone-family exit code and kernel clone flags of the syscall the parent is in (either ABI). */
static __always_inline __u16 fork_event(const struct syscall_call *c, __u64 *flags)
{
	switch (c->nr) {
	case NR_fork:
		*flags = 0;
		return PPME_SYSCALL_FORK_20_X;
	case NR_vfork:
		*flags = 0x4000 | 0x100; /* CLONE_VFORK | CLONE_VM */
		return PPME_SYSCALL_VFORK_20_X;
	case NR_clone3:
		*flags = read_user_u64((const void *)c->args[0]); /* clone_args.flags */
		return PPME_SYSCALL_CLONE3_X;
	default:
		*flags = c->args[0];
		return PPME_SYSCALL_CLONE_20_X;
	}
}

/* pidns_init_start_ts: start time of the init process of the task's pid namespace. */
static __always_inline __u64 pidns_init_start(struct task_struct *t)
{
	struct pid *pid = t->thread_pid;
	unsigned int level = pid->level;
	struct upid up = {};
	bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
	struct pid_namespace *ns = KPTR(up.ns, struct pid_namespace);
	struct task_struct *reaper = ns ? ns->child_reaper : NULL;
	return reaper ? reaper->start_time + settings.boot_time_ns : 0;
}

/* Params flags .. pidns_init_start_ts (16th to 21st) of the clone family, for task `t`. */
static __always_inline void store_clone_tail(struct scratch *s, struct task_struct *t, __u64 kflags)
{
	__u32 flags = clone_flags_to_ppm(kflags);
	if (task_ns_level(t) > 0)
		flags |= 1 << 29; /* PPM_CL_CHILD_IN_PIDNS */
	store_u32(s, flags);
	const struct cred *cred = t->cred;
	store_u32(s, cred->euid.val);
	store_u32(s, cred->egid.val);
	store_s64(s, task_vtid(t));
	store_s64(s, task_vpid(t));
	store_u64(s, pidns_init_start(t));
}

/* Adds the child's thread group to the target tree when its parent is in it (or is the spawner). */
static __always_inline void follow_tree(struct task_struct *parent, struct task_struct *child)
{
	if (!settings.target_mode)
		return;
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	if (parent->pid == settings.target_spawner || bpf_map_lookup_elem(&targets, &ptgid)) {
		__u8 one = 1;
		bpf_map_update_elem(&targets, &ctgid, &one, BPF_ANY);
	}
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *new_task)
{
	struct task_struct *child = UNTRUSTED(new_task, struct task_struct);
	follow_tree(parent, child);
	if (!task_wanted(child->tgid))
		return 0;
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	struct syscall_call call = {.nr = NR_clone};
	if (regs)
		call_decode(&call, regs, in_compat_syscall());
	if (!syscall_interesting(call.nr))
		return 0;
	__u64 kflags = 0;
	__u16 type = fork_event(&call, &kflags);
	EVT_OPEN(21);
	store_s64(s, 0);
	store_proc_common(s, child);
	store_clone_tail(s, child, kflags);
	evt_submit(s, type, child->pid, DROP_FORK);
	return 0;
}
