/* SPDX-License-Identifier: Apache-2.0 */
/* fd and memory exit programs: dup family, pipes, memfd_create, bpf, mprotect, module loading. */

EXIT_PROGRAM(dup_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	EVT_SUBMIT(PPME_SYSCALL_DUP_1_X);
}

EXIT_PROGRAM(dup2_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_s64(s, ARG_INT(1));
	EVT_SUBMIT(PPME_SYSCALL_DUP2_X);
}

EXIT_PROGRAM(dup3_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_s64(s, ARG_INT(1));
	store_u32(s, (ARG(2) & 02000000) ? 4096 : 0); /* O_CLOEXEC -> PPM_O_CLOEXEC */
	EVT_SUBMIT(PPME_SYSCALL_DUP3_X);
}

static __always_inline int pipe_exit(const struct syscall_call *call, long ret, int with_flags)
{
	int fds[2] = {-1, -1};
	if (ret == 0)
		bpf_probe_read_user(fds, sizeof(fds), ARG_PTR(0));
	struct file *f = ret == 0 ? ret_file(fds[0]) : NULL;
	EVT_OPEN(with_flags ? 5 : 4);
	store_s64(s, ret);
	store_s64(s, fds[0]);
	store_s64(s, fds[1]);
	store_u64(s, f ? f->f_inode->i_ino : 0);
	if (with_flags)
		store_u32(s, open_flags_to_ppm(ARG(1)) & ~3u);
	EVT_SUBMIT(with_flags ? PPME_SYSCALL_PIPE2_X : PPME_SYSCALL_PIPE_X);
}

EXIT_PROGRAM(pipe_x)
{
	return pipe_exit(call, ret, 0);
}

EXIT_PROGRAM(pipe2_x)
{
	return pipe_exit(call, ret, 1);
}

EXIT_PROGRAM(memfd_create_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), 256);
	store_u32(s, ARG(1) & 7); /* MFD_CLOEXEC/ALLOW_SEALING/HUGETLB */
	EVT_SUBMIT(PPME_SYSCALL_MEMFD_CREATE_X);
}

EXIT_PROGRAM(bpf_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_u32(s, ARG(0)); /* BPF_* command */
	EVT_SUBMIT(PPME_SYSCALL_BPF_2_X);
}

/* Kernel PROT_* to PPM_PROT_*. */
static __always_inline __u32 prot_to_ppm(__u32 prot)
{
	__u32 r = prot & 0xf;          /* READ, WRITE, EXEC, SEM keep their values */
	if (prot & 0x01000000) r |= 0x10; /* PROT_GROWSDOWN */
	return r;
}

/* Kernel MAP_* to PPM_MAP_*. */
static __always_inline __u32 mmap_flags_to_ppm(__u32 f)
{
	__u32 r = f & 3;                  /* SHARED, PRIVATE */
	if (f & 0x10) r |= 0x4;           /* FIXED */
	if (f & 0x20) r |= 0x8;           /* ANONYMOUS */
	if (f & 0x40) r |= 0x10;          /* 32BIT */
	if (f & 0x4000) r |= 0x40;        /* NORESERVE */
	if (f & 0x8000) r |= 0x80;        /* POPULATE */
	if (f & 0x10000) r |= 0x100;      /* NONBLOCK */
	if (f & 0x100) r |= 0x200;        /* GROWSDOWN */
	if (f & 0x800) r |= 0x400;        /* DENYWRITE */
	if (f & 0x1000) r |= 0x800;       /* EXECUTABLE */
	if (f & 0x2000) r |= 0x4000;      /* LOCKED */
	return r;
}

EXIT_PROGRAM(mmap_x)
{
	struct mm_struct *mm = current_task()->mm;
	EVT_OPEN(10);
	store_s64(s, ret);
	if (mm) {
		store_u32(s, mm->total_vm << 2); /* pages to KiB */
		store_u32(s, (mm_counter(mm, 0) + mm_counter(mm, 1) + mm_counter(mm, 3)) << 2);
		store_u32(s, mm_counter(mm, 2) << 2);
	} else {
		store_u32(s, 0);
		store_u32(s, 0);
		store_u32(s, 0);
	}
	store_u64(s, ARG(0));
	store_u64(s, ARG(1));
	store_u32(s, prot_to_ppm(ARG(2)));
	store_u32(s, mmap_flags_to_ppm(ARG(3)));
	store_s64(s, ARG_INT(4));
	store_u64(s, ARG(5));
	EVT_SUBMIT(PPME_SYSCALL_MMAP_X);
}

EXIT_PROGRAM(mprotect_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_u64(s, ARG(0));
	store_u64(s, ARG(1));
	store_u32(s, prot_to_ppm(ARG(2)));
	EVT_SUBMIT(PPME_SYSCALL_MPROTECT_X);
}

EXIT_PROGRAM(init_module_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_user_bytes(s, ARG_PTR(0), ARG(1) < snaplen() ? ARG(1) : snaplen());
	store_u64(s, ARG(1));
	store_user_str(s, ARG_PTR(2), 1024);
	EVT_SUBMIT(PPME_SYSCALL_INIT_MODULE_X);
}

EXIT_PROGRAM(finit_module_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), 1024);
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_FINIT_MODULE_X);
}
