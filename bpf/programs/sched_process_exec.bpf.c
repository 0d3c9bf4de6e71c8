/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Successful execve/execveat: the exit event is built here, once the new
 * image is in place (its argv, env and exe are readable), with code
 * EXECVE_19_X, or EXECVEAT_X when the task came through execveat. Which
 * call it was comes from the mark execveat.bpf.c sets at the exec's rename:
 * by now orig_ax holds the execve number whatever the call was.
 * Failed execs are reported by the syscall exit programs (process.bpf.c).
 */

#define PPM_EXE_WRITABLE 1
#define PPM_EXE_FROM_MEMFD 4
#define CAP_DAC_OVERRIDE 1

/*
 * PPM_EXE_* flags of the executable: WRITABLE when the task's credentials
 * could write the file (owner, group or other write bit for its fsuid/fsgid,
 * or CAP_DAC_OVERRIDE), FROM_MEMFD when it is a memfd ("memfd:" name).
 */
static __always_inline __u32 exe_flags(struct task_struct *t, struct file *exe)
{
	if (!exe)
		return 0;
	__u32 flags = 0;
	struct inode *inode = exe->f_inode;
	const struct cred *cred = t->cred;
	__u32 mode = inode->i_mode;
	if ((cred->fsuid.val == inode->i_uid.val && (mode & 0200)) ||
	    (cred->fsgid.val == inode->i_gid.val && (mode & 0020)) || (mode & 0002) ||
	    (*(__u64 *)&cred->cap_effective & (1ULL << CAP_DAC_OVERRIDE)))
		flags |= PPM_EXE_WRITABLE;
	char name[6] = {};
	bpf_probe_read_kernel(name, sizeof(name), exe->f_path.dentry->d_name.name);
	if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' && name[5] == ':')
		flags |= PPM_EXE_FROM_MEMFD;
	return flags;
}

/* tty as the driver encodes it: new_encode_dev(MKDEV(major, minor_start) + index). */
static __always_inline __u32 task_tty(struct task_struct *t)
{
	struct tty_struct *tty = t->signal->tty;
	if (!tty)
		return 0;
	__u32 major = tty->driver->major;
	__u32 minor = tty->driver->minor_start + tty->index;
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* Params env .. gid of EXECVE_19_X (16th to 30th), for the current, just exec'd task. */
static __always_inline void store_exec_tail(struct scratch *s, struct task_struct *t, struct file *exe)
{
	struct mm_struct *mm = t->mm;
	if (mm)
		store_env(s, mm);
	else
		store_empty(s);
	store_u32(s, task_tty(t));
	store_s64(s, task_pgid(t, 1));                     /* vpgid */
	store_u32(s, t->loginuid.val);                     /* loginuid */
	store_u32(s, exe_flags(t, exe));                   /* flags: PPM_EXE_* */
	const struct cred *cred = t->cred;
	store_u64(s, *(__u64 *)&cred->cap_inheritable);
	store_u64(s, *(__u64 *)&cred->cap_permitted);
	store_u64(s, *(__u64 *)&cred->cap_effective);
	struct inode *inode = exe ? exe->f_inode : NULL;
	if (inode) {
		store_u64(s, inode->i_ino);
		/* Since Linux 6.13 bit 31 of i_ctime_nsec is I_CTIME_QUERIED
		 * (multigrain timestamps), not part of the time. */
		__u32 ctime_nsec = inode->i_ctime_nsec & ~(1U << 31);
		store_u64(s, inode->i_ctime_sec * 1000000000ULL + ctime_nsec);
		store_u64(s, inode->i_mtime_sec * 1000000000ULL + inode->i_mtime_nsec);
	} else {
		store_u64(s, 0);
		store_u64(s, 0);
		store_u64(s, 0);
	}
	store_u32(s, cred->euid.val);                      /* uid */
	store_file_path(s, exe);                           /* trusted_exepath */
	store_s64(s, task_pgid(t, 0));                     /* pgid */
	store_u32(s, cred->egid.val);                      /* gid */
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	/*
	 * Taken first, whatever the filters say: the mark must not outlive the
	 * call. It was set under the id the thread has now (after de_thread: a
	 * non-leader that execs has taken the leader's id, old_pid was its own).
	 */
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	int is_execveat = execveat_take(pid_tgid) != 0;
	if (!task_wanted(pid_tgid >> 32))
		return 0;
	struct task_struct *t = current_task();
	__u32 nr = is_execveat ? NR_execveat : NR_execve;
	if (!syscall_interesting(nr))
		return 0;
	struct linux_binprm *b = UNTRUSTED(bprm, struct linux_binprm);
	EVT_OPEN(is_execveat ? 30 : 31);
	store_s64(s, 0);
	store_proc_common(s, t);
	store_exec_tail(s, t, b->file);
	if (!is_execveat)
		store_kernel_str(s, b->filename, PATH_MAX_LEN);
	evt_submit(s, is_execveat ? PPME_SYSCALL_EXECVEAT_X : PPME_SYSCALL_EXECVE_19_X, (__u32)pid_tgid, DROP_EXEC);
	return 0;
}
