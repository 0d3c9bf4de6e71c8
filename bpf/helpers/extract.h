/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer 2: extraction. Reads kernel objects (task, files, sockets, paths)
 * reached from BTF pointers and converts kernel constants into the driver's
 * (PPM_*) encodings. Direct loads through BTF pointers are CO-RE relocated.
 */
#ifndef HARRIER_HELPERS_EXTRACT_H
#define HARRIER_HELPERS_EXTRACT_H

#include "read.h"

#define MAX_PATH_COMPONENTS 48
#define PATH_BUF 4096
#define PATH_MASK (PATH_BUF - 1)

/* The current task, untrusted (see UNTRUSTED); a helper taking a task needs bpf_get_current_task_btf(). */
static __always_inline struct task_struct *current_task(void)
{
	return UNTRUSTED(bpf_get_current_task_btf(), struct task_struct);
}

static __always_inline struct file *task_fd_file(struct task_struct *t, long fd)
{
	if (fd < 0)
		return NULL;
	struct fdtable *fdt = t->files->fdt;
	if (fd >= fdt->max_fds)
		return NULL;
	struct file **arr = fdt->fd;
	return KPTR(read_kernel_ptr(&arr[fd]), struct file);
}

/* The file behind an fd a syscall just returned (NULL for errors). */
static __always_inline struct file *ret_file(long fd)
{
	return fd >= 0 ? task_fd_file(current_task(), fd) : NULL;
}

/* Host pid number of a struct pid at namespace level `level` (0 = initial). */
static __always_inline __s64 pid_nr_at(struct pid *pid, unsigned int level)
{
	if (!pid || level > pid->level)
		return 0;
	struct upid up = {};
	bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
	return up.nr;
}

static __always_inline unsigned int task_ns_level(struct task_struct *t)
{
	return t->thread_pid->level;
}

static __always_inline __s64 task_vtid(struct task_struct *t)
{
	return pid_nr_at(t->thread_pid, task_ns_level(t));
}

static __always_inline __s64 task_vpid(struct task_struct *t)
{
	return pid_nr_at(t->group_leader->thread_pid, task_ns_level(t));
}

static __always_inline __s64 task_pgid(struct task_struct *t, int virt)
{
	struct pid *p = t->signal->pids[PIDTYPE_PGID];
	return pid_nr_at(p, virt ? task_ns_level(t) : 0);
}

/* Kernel open flags to PPM_O_*. */
static __always_inline __u32 open_flags_to_ppm(__u32 flags)
{
	__u32 r = 0;
	switch (flags & 3) {
	case 0: r |= 1; break;
	case 1: r |= 2; break;
	case 2: r |= 3; break;
	}
	if (flags & 0100) r |= 4;        /* O_CREAT */
	if (flags & 02000) r |= 8;       /* O_APPEND */
	if (flags & 010000) r |= 16;     /* O_DSYNC */
	if (flags & 0200) r |= 32;       /* O_EXCL */
	if (flags & 04000) r |= 64;      /* O_NONBLOCK */
	if (flags & 04000000) r |= 128;  /* __O_SYNC */
	if (flags & 01000) r |= 256;     /* O_TRUNC */
	if (flags & 040000) r |= 512;    /* O_DIRECT */
	if (flags & 0200000) r |= 1024;  /* O_DIRECTORY */
	if (flags & 0100000) r |= 2048;  /* O_LARGEFILE */
	if (flags & 02000000) r |= 4096; /* O_CLOEXEC */
	if (flags & 020000000) r |= 8192; /* __O_TMPFILE */
	return r;
}

/* open's mode param: only meaningful with O_CREAT or O_TMPFILE. PPM_S_* equal the kernel bits. */
static __always_inline __u32 open_mode_to_ppm(__u32 flags, __u32 mode)
{
	if (flags & (0100 | 020000000))
		return mode & 07777;
	return 0;
}

/* Kernel CLONE_* (and unshare/setns CLONE_NEW*) to PPM_CL_*. */
static __always_inline __u32 clone_flags_to_ppm(__u64 f)
{
	__u32 r = 0;
	if (f & 0x400) r |= 1;              /* CLONE_FILES */
	if (f & 0x200) r |= 2;              /* CLONE_FS */
	if (f & 0x80000000ULL) r |= 4;      /* CLONE_IO */
	if (f & 0x08000000) r |= 8;         /* CLONE_NEWIPC */
	if (f & 0x40000000) r |= 16;        /* CLONE_NEWNET */
	if (f & 0x20000) r |= 32;           /* CLONE_NEWNS */
	if (f & 0x20000000) r |= 64;        /* CLONE_NEWPID */
	if (f & 0x04000000) r |= 128;       /* CLONE_NEWUTS */
	if (f & 0x8000) r |= 256;           /* CLONE_PARENT */
	if (f & 0x100000) r |= 512;         /* CLONE_PARENT_SETTID */
	if (f & 0x2000) r |= 1024;          /* CLONE_PTRACE */
	if (f & 0x800) r |= 2048;           /* CLONE_SIGHAND */
	if (f & 0x40000) r |= 4096;         /* CLONE_SYSVSEM */
	if (f & 0x10000) r |= 8192;         /* CLONE_THREAD */
	if (f & 0x800000) r |= 1 << 14;     /* CLONE_UNTRACED */
	if (f & 0x100) r |= 1 << 15;        /* CLONE_VM */
	if (f & 0x10000000) r |= 1 << 20;   /* CLONE_NEWUSER */
	if (f & 0x200000) r |= 1 << 23;     /* CLONE_CHILD_CLEARTID */
	if (f & 0x01000000) r |= 1 << 24;   /* CLONE_CHILD_SETTID */
	if (f & 0x80000) r |= 1 << 25;      /* CLONE_SETTLS */
	if (f & 0x4000) r |= 1 << 27;       /* CLONE_VFORK */
	if (f & 0x02000000) r |= 1 << 28;   /* CLONE_NEWCGROUP */
	return r;
}

struct path_walk {
	struct scratch *s; /* s->walk_pos: where the next component ends */
	struct dentry *d;
	struct mount *m;
	struct dentry *mnt_root;
};

/* One step of build_path: prepends one component or crosses one mount point. */
static long path_walk_step(__u32 i, void *data)
{
	struct path_walk *w = data;
	struct dentry *d = w->d;
	struct mount *m = w->m;
	if (!d || !m)
		return 1;
	struct dentry *parent = d->d_parent;
	if (d == w->mnt_root || d == parent) {
		struct mount *mp = m->mnt_parent;
		if (!mp || m == mp)
			return 1;
		w->d = m->mnt_mountpoint;
		w->m = mp;
		w->mnt_root = mp->mnt.mnt_root;
		return 0;
	}
	__u32 len = d->d_name.len;
	__u32 pos = w->s->walk_pos;
	if (len > 255 || len + 1 > pos)
		return 1;
	pos -= len + 1;
	bpf_probe_read_kernel(&w->s->path[(pos + 1) & PATH_MASK], len & 255, d->d_name.name);
	w->s->path[pos & PATH_MASK] = '/';
	w->s->walk_pos = pos;
	w->d = parent;
	return 0;
}

/*
 * Resolves a dentry/vfsmount pair to an absolute path in s->path and returns
 * the offset of its first byte; the path ends with a NUL at PATH_BUF - 1.
 * Components are written backwards, crossing mount points, up to
 * MAX_PATH_COMPONENTS steps (bpf_loop keeps the verifier's work constant).
 */
static __always_inline __u32 build_path(struct scratch *s, struct dentry *d, struct vfsmount *vfs)
{
	s->path[PATH_BUF - 1] = 0;
	s->walk_pos = PATH_BUF - 1;
	struct path_walk w = {.s = s, .d = d};
	if (d && vfs) {
		w.m = KPTR((unsigned long)vfs - __builtin_offsetof(struct mount, mnt), struct mount);
		w.mnt_root = vfs->mnt_root;
		bpf_loop(MAX_PATH_COMPONENTS, path_walk_step, &w, 0);
	}
	__u32 pos = s->walk_pos;
	if (pos == PATH_BUF - 1) {
		pos--;
		s->path[pos] = '/';
	}
	return pos;
}

/* Appends the path built by build_path as one CHARBUF/FSPATH param. */
GLOBAL_STORE store_built_path(struct scratch *s, __u32 pos)
{
	if (!s)
		return 0;
	__u32 len = PATH_BUF - (pos & PATH_MASK);
	len = fit(s, len);
	if (!len || bpf_probe_read_kernel(&s->data[s->payload_pos & SCRATCH_MASK], len & PATH_MASK,
					  &s->path[pos & PATH_MASK])) {
		put_len(s, 0);
		return 0;
	}
	put_len(s, len);
	return 0;
}

static __always_inline void store_file_path(struct scratch *s, struct file *f)
{
	if (!f) {
		store_empty(s);
		return;
	}
	store_built_path(s, build_path(s, f->f_path.dentry, f->f_path.mnt));
}

#endif
