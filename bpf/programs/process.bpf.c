/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process exit programs: the parent side of the clone family, failed
 * execve/execveat (successful ones come from sched_process_exec), signals,
 * ptrace and prctl.
 */

#define PR_SET_NAME 15
#define PR_GET_NAME 16

/* Parent side of a clone-family syscall; the child side comes from sched_process_fork. */
static __always_inline int clone_parent_exit(long ret, __u16 type, __u64 kflags)
{
	if (ret == 0)
		return 0;
	struct task_struct *t = current_task();
	EVT_OPEN(21);
	store_s64(s, ret);
	store_proc_common(s, t);
	store_clone_tail(s, t, kflags);
	EVT_SUBMIT(type);
}

/* One program for the four clone-family syscalls: the table points all of them here. */
EXIT_PROGRAM(clone_family_x)
{
	__u16 type = PPME_SYSCALL_CLONE_20_X;
	__u64 kflags = ARG(0);
	switch (call->nr) {
	case NR_clone3:
		type = PPME_SYSCALL_CLONE3_X;
		kflags = read_user_u64(ARG_PTR(0)); /* clone_args.flags */
		break;
	case NR_fork:
		type = PPME_SYSCALL_FORK_20_X;
		kflags = 0;
		break;
	case NR_vfork:
		type = PPME_SYSCALL_VFORK_20_X;
		kflags = 0x4000 | 0x100; /* CLONE_VFORK | CLONE_VM */
		break;
	}
	return clone_parent_exit(ret, type, kflags);
}

/*
 * A failed exec: the old image is still in place, so exe is the path asked
 * for, args are empty, and the rest describes the calling task.
 */
static __always_inline int exec_failed(long ret, __u16 type, const void *path, int with_filename)
{
	if (ret == 0)
		return 0; /* reported by sched_process_exec */
	struct task_struct *t = current_task();
	EVT_OPEN(with_filename ? 31 : 30);
	store_s64(s, ret);
	store_user_str(s, path, PATH_MAX_LEN);               /* exe */
	store_empty(s);                                      /* args */
	store_s64(s, t->pid);
	store_s64(s, t->tgid);
	store_s64(s, t->real_parent->tgid);
	store_built_path(s, build_path(s, t->fs->pwd.dentry, t->fs->pwd.mnt));
	store_u64(s, t->signal->rlim[7].rlim_cur);
	store_u64(s, t->maj_flt);
	store_u64(s, t->min_flt);
	store_u32(s, 0);
	store_u32(s, 0);
	store_u32(s, 0);
	store_kernel_str(s, t->comm, 16);
	store_cgroups(s, t);
	store_exec_tail(s, t, t->mm ? t->mm->exe_file : NULL);
	if (with_filename)
		store_user_str(s, path, PATH_MAX_LEN);
	EVT_SUBMIT(type);
}

/* One program for execve and execveat failures: the table points both here. */
EXIT_PROGRAM(exec_family_x)
{
	int at = call->nr == NR_execveat;
	return exec_failed(ret, at ? PPME_SYSCALL_EXECVEAT_X : PPME_SYSCALL_EXECVE_19_X,
			   at ? ARG_PTR(1) : ARG_PTR(0), !at);
}

EXIT_PROGRAM(kill_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_u8(s, ARG(1));
	EVT_SUBMIT(PPME_SYSCALL_KILL_X);
}

EXIT_PROGRAM(tkill_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_u8(s, ARG(1));
	EVT_SUBMIT(PPME_SYSCALL_TKILL_X);
}

EXIT_PROGRAM(tgkill_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_s64(s, ARG_INT(1));
	store_u8(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_TGKILL_X);
}

/* Kernel PTRACE_* request to PPM_PTRACE_* (0 = not mapped). */
static __always_inline __u16 ptrace_request_to_ppm(unsigned long req)
{
	if (req <= 9)
		return req + 1; /* TRACEME .. SINGLESTEP */
	switch (req) {
	case 16: return 11; /* ATTACH */
	case 17: return 12; /* DETACH */
	case 24: return 13; /* SYSCALL */
	case 0x4200: return 14; /* SETOPTIONS */
	case 0x4201: return 15; /* GETEVENTMSG */
	case 0x4202: return 16; /* GETSIGINFO */
	case 0x4203: return 17; /* SETSIGINFO */
	case 0x4204: return 18; /* GETREGSET */
	case 0x4205: return 19; /* SETREGSET */
	case 0x4206: return 20; /* SEIZE */
	default: return 0;
	}
}

/* A PT_DYN param with selector 0 (UINT64). */
static __always_inline void store_dyn_u64(struct scratch *s, __u64 v)
{
	if (room(s) < 9) {
		put_len(s, 0);
		return;
	}
	__u32 p = s->payload_pos;
	s->data[p & SCRATCH_MASK] = 0;
	__builtin_memcpy(&s->data[(p + 1) & SCRATCH_MASK], &v, 8);
	put_len(s, 9);
}

EXIT_PROGRAM(ptrace_x)
{
	EVT_OPEN(5);
	store_s64(s, ret);
	store_dyn_u64(s, ARG(2));
	store_dyn_u64(s, ARG(3));
	store_u16(s, ptrace_request_to_ppm(ARG(0)));
	store_s64(s, ARG_INT(1));
	EVT_SUBMIT(PPME_SYSCALL_PTRACE_X);
}

EXIT_PROGRAM(prctl_x)
{
	unsigned long option = ARG(0);
	EVT_OPEN(4);
	store_s64(s, ret);
	store_u32(s, option); /* PR_* = PPM_PR_* */
	if (option == PR_SET_NAME || option == PR_GET_NAME) {
		store_user_str(s, ARG_PTR(1), 16);
		store_s64(s, 0);
	} else {
		store_empty(s);
		store_s64(s, ARG(1));
	}
	EVT_SUBMIT(PPME_SYSCALL_PRCTL_X);
}
