/* SPDX-License-Identifier: Apache-2.0 */
/* open, openat, openat2, creat and close exit programs. */

#define FMODE_CREATED 0x100000
#define PPM_O_F_CREATED (1 << 14)

/* dev and ino params of the file behind a returned fd (empty-valued 0 on failure). */
static __always_inline void store_dev_ino(struct scratch *s, long fd, __u32 *created)
{
	struct file *f = ret_file(fd);
	__u32 dev = 0;
	__u64 ino = 0;
	if (f) {
		dev = f->f_inode->i_sb->s_dev;
		ino = f->f_inode->i_ino;
		if (f->f_mode & FMODE_CREATED)
			*created = 1;
	}
	store_u32(s, dev);
	store_u64(s, ino);
}

/* The flags param is written before dev/ino are known; F_CREATED is patched in afterwards. */
static __always_inline void patch_created(struct scratch *s, __u32 flags_at, __u32 flags, __u32 created)
{
	if (!created)
		return;
	flags |= PPM_O_F_CREATED;
	__builtin_memcpy(&s->data[flags_at & SCRATCH_MASK], &flags, 4);
}

EXIT_PROGRAM(open_x)
{
	__u32 kflags = ARG(1), created = 0;
	__u32 flags = open_flags_to_ppm(kflags);
	EVT_OPEN(6);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	__u32 flags_at = s->payload_pos;
	store_u32(s, flags);
	store_u32(s, open_mode_to_ppm(kflags, ARG(2)));
	store_dev_ino(s, ret, &created);
	patch_created(s, flags_at, flags, created);
	EVT_SUBMIT(PPME_SYSCALL_OPEN_X);
}

EXIT_PROGRAM(openat_x)
{
	__u32 kflags = ARG(2), created = 0;
	__u32 flags = open_flags_to_ppm(kflags);
	EVT_OPEN(7);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	__u32 flags_at = s->payload_pos;
	store_u32(s, flags);
	store_u32(s, open_mode_to_ppm(kflags, ARG(3)));
	store_dev_ino(s, ret, &created);
	patch_created(s, flags_at, flags, created);
	EVT_SUBMIT(PPME_SYSCALL_OPENAT_2_X);
}

EXIT_PROGRAM(openat2_x)
{
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), ARG_PTR(2));
	__u32 created = 0;
	__u32 flags = open_flags_to_ppm(how.flags);
	EVT_OPEN(8);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	__u32 flags_at = s->payload_pos;
	store_u32(s, flags);
	store_u32(s, open_mode_to_ppm(how.flags, how.mode));
	/* RESOLVE_* bits: PPM_RESOLVE_* keep the kernel's values. */
	store_u32(s, how.resolve);
	store_dev_ino(s, ret, &created);
	patch_created(s, flags_at, flags, created);
	EVT_SUBMIT(PPME_SYSCALL_OPENAT2_X);
}

EXIT_PROGRAM(creat_x)
{
	__u32 created = 0;
	EVT_OPEN(6);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_u32(s, ARG(1) & 07777);
	store_dev_ino(s, ret, &created);
	store_u16(s, 0); /* creat_flags: overlay-layer bits, not extracted */
	EVT_SUBMIT(PPME_SYSCALL_CREAT_X);
}

EXIT_PROGRAM(close_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	EVT_SUBMIT(PPME_SYSCALL_CLOSE_X);
}
