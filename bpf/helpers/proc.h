/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer 3b: process description params shared by execve/execveat and the
 * clone family (params 2..15 of both: exe, args, tid, pid, ptid, cwd,
 * fdlimit, pgft_maj, pgft_min, vm_size, vm_rss, vm_swap, comm, cgroups).
 */
#ifndef HARRIER_HELPERS_PROC_H
#define HARRIER_HELPERS_PROC_H

#include "store.h"
#include "extract.h"

#define MAX_ARGS_BYTES 4096
#define MAX_CGROUP_DEPTH 24

struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return kn->__parent;
	return ((struct kernfs_node___old *)kn)->parent;
}

/* exe (argv[0]) and args (argv[1..], NUL separated) from the user memory of the current mm. */
static __always_inline void store_exe_args(struct scratch *s, struct mm_struct *mm)
{
	unsigned long start = mm->arg_start, end = mm->arg_end;
	__u32 before = s->payload_pos;
	store_user_str(s, (const void *)start, MAX_ARGS_BYTES);
	__u32 exe_len = s->payload_pos - before;
	unsigned long from = start + exe_len;
	__u32 len = from < end ? end - from : 0;
	if (len > MAX_ARGS_BYTES)
		len = MAX_ARGS_BYTES;
	store_user_bytes(s, (const void *)from, len);
}

static __always_inline void store_env(struct scratch *s, struct mm_struct *mm)
{
	unsigned long start = mm->env_start, end = mm->env_end;
	__u32 len = end > start ? end - start : 0;
	if (len > MAX_ARGS_BYTES)
		len = MAX_ARGS_BYTES;
	store_user_bytes(s, (const void *)start, len);
}

static __always_inline __u64 mm_counter(struct mm_struct *mm, int i)
{
	__s64 v = mm->rss_stat[i & 3].count;
	return v > 0 ? v : 0;
}

struct cgroup_walk {
	struct scratch *s; /* s->walk_pos: where the next component ends */
	struct kernfs_node *kn;
};

static long cgroup_walk_step(__u32 i, void *data)
{
	struct cgroup_walk *w = data;
	struct kernfs_node *kn = w->kn;
	if (!kn)
		return 1;
	struct kernfs_node *parent = kn_parent(kn);
	if (!parent)
		return 1;
	const char *name = kn->name;
	long n = bpf_probe_read_kernel_str(&w->s->path[PATH_BUF], 256, name);
	__u32 pos = w->s->walk_pos;
	if (n <= 1 || (__u32)n > pos)
		return 1;
	pos -= n;
	bpf_probe_read_kernel(&w->s->path[(pos + 1) & PATH_MASK], (n - 1) & 255, name);
	w->s->path[pos & PATH_MASK] = '/';
	w->s->walk_pos = pos;
	w->kn = parent;
	return 0;
}

/* The unified-hierarchy cgroup path, built backwards in s->path; returns its offset. */
static __always_inline __u32 build_cgroup_path(struct scratch *s, struct task_struct *t)
{
	s->path[PATH_BUF - 1] = 0;
	s->walk_pos = PATH_BUF - 1;
	struct cgroup_walk w = {.s = s, .kn = t->cgroups->dfl_cgrp->kn};
	bpf_loop(MAX_CGROUP_DEPTH, cgroup_walk_step, &w, 0);
	__u32 pos = s->walk_pos;
	if (pos == PATH_BUF - 1) {
		pos--;
		s->path[pos] = '/';
	}
	return pos;
}

/*
 * One "subsys=path\0" entry of the cgroups param, at offset s->walk_pos of
 * the open param (an entry that does not fit is left out). The offset lives
 * in map memory so that both outcomes leave the same verifier state: the
 * entries are checked one after the other, not once per combination.
 */
static __always_inline void put_cgroup_entry(struct scratch *s, const char *prefix, __u32 plen, __u32 pos)
{
	__u32 len = PATH_BUF - (pos & PATH_MASK);
	__u32 start = s->payload_pos + s->walk_pos;
	if (start + plen + len >= MAX_EVENT_SIZE - 1)
		return;
	bpf_probe_read_kernel(&s->data[start & SCRATCH_MASK], plen & 15, prefix);
	bpf_probe_read_kernel(&s->data[(start + plen) & SCRATCH_MASK], len & PATH_MASK, &s->path[pos & PATH_MASK]);
	s->walk_pos += plen + len;
}

/* The cgroups param: one "subsys=path" entry per common controller, all with the unified path at `pos`. */
GLOBAL_STORE store_cgroup_entries(struct scratch *s, __u32 pos)
{
	if (!s)
		return 0;
	s->walk_pos = 0;
	put_cgroup_entry(s, "cpuset=", 7, pos);
	put_cgroup_entry(s, "cpu=", 4, pos);
	put_cgroup_entry(s, "cpuacct=", 8, pos);
	put_cgroup_entry(s, "io=", 3, pos);
	put_cgroup_entry(s, "memory=", 7, pos);
	put_cgroup_entry(s, "devices=", 8, pos);
	put_cgroup_entry(s, "freezer=", 8, pos);
	put_cgroup_entry(s, "pids=", 5, pos);
	put_len(s, s->walk_pos);
	return 0;
}

static __always_inline void store_cgroups(struct scratch *s, struct task_struct *t)
{
	store_cgroup_entries(s, build_cgroup_path(s, t));
}

/*
 * Params exe .. cgroups for task `t`, whose user memory is the current
 * task's (the task itself at exec, the parent at fork).
 */
static __always_inline void store_proc_common(struct scratch *s, struct task_struct *t)
{
	struct mm_struct *mm = current_task()->mm;
	if (mm) {
		store_exe_args(s, mm);
	} else {
		store_kernel_str(s, t->comm, 16);
		store_empty(s);
	}
	store_s64(s, t->pid);                         /* tid */
	store_s64(s, t->tgid);                        /* pid */
	store_s64(s, t->real_parent->tgid);           /* ptid */
	store_built_path(s, build_path(s, t->fs->pwd.dentry, t->fs->pwd.mnt)); /* cwd */
	store_u64(s, t->signal->rlim[7].rlim_cur);    /* fdlimit: RLIMIT_NOFILE */
	store_u64(s, t->maj_flt);
	store_u64(s, t->min_flt);
	struct mm_struct *tmm = t->mm;
	if (tmm) {
		__u32 shift = 12 - 10; /* pages to KiB */
		store_u32(s, tmm->total_vm << shift);
		store_u32(s, (mm_counter(tmm, 0) + mm_counter(tmm, 1) + mm_counter(tmm, 3)) << shift);
		store_u32(s, mm_counter(tmm, 2) << shift);
	} else {
		store_u32(s, 0);
		store_u32(s, 0);
		store_u32(s, 0);
	}
	store_kernel_str(s, t->comm, 16);
	store_cgroups(s, t);
}

#endif
