/* SPDX-License-Identifier: Apache-2.0 */
/* read/write family exit programs: data is kept up to the snaplen. */

#define MAX_IOVECS 16

/* Bytes of a read/write data param: what the syscall transferred, cut to the snaplen. */
static __always_inline __u32 io_len(long ret)
{
	if (ret <= 0)
		return 0;
	__u32 n = snaplen();
	return (__u64)ret < n ? (__u32)ret : n;
}

struct iov_walk {
	struct scratch *s; /* s->walk_pos: bytes gathered so far */
	const void *iov;
	unsigned long cnt;
	__u64 total;
	__u32 limit;
	__u32 compat; /* an ia32 call's array: struct compat_iovec, two 32-bit words */
};

/* iovec `i` of the walked array, in either layout; an unreadable one reads as empty. */
static __always_inline struct iovec iov_at(struct iov_walk *w, __u32 i)
{
	struct iovec v = {};
	if (w->compat) {
		__u32 cv[2] = {};
		bpf_probe_read_user(cv, sizeof(cv), w->iov + (__u64)i * sizeof(cv));
		v.iov_base = (void *)(unsigned long)cv[0];
		v.iov_len = cv[1];
	} else {
		bpf_probe_read_user(&v, sizeof(v), w->iov + (__u64)i * sizeof(v));
	}
	return v;
}

static long iov_total_step(__u32 i, void *data)
{
	struct iov_walk *w = data;
	if (i >= w->cnt)
		return 1;
	w->total += iov_at(w, i).iov_len;
	return 0;
}

static long iov_copy_step(__u32 i, void *data)
{
	struct iov_walk *w = data;
	__u32 at = w->s->walk_pos;
	if (i >= w->cnt || at >= w->limit)
		return 1;
	struct iovec v = iov_at(w, i);
	__u32 want = v.iov_len < w->limit - at ? v.iov_len : w->limit - at;
	w->s->walk_pos = at + append_user_bytes(w->s, at, v.iov_base, want);
	return 0;
}

/* Sum of the lengths of a user iovec array (`compat`: of struct compat_iovec). */
static __always_inline __u64 iov_total(const void *iov, unsigned long cnt, int compat)
{
	struct iov_walk w = {.iov = iov, .cnt = cnt, .compat = compat};
	bpf_loop(MAX_IOVECS, iov_total_step, &w, 0);
	return w.total;
}

/* One BYTEBUF param gathered from a user iovec array, at most `limit` bytes. */
static __always_inline void store_iov_data(struct scratch *s, const void *iov, unsigned long cnt, __u32 limit,
					   int compat)
{
	struct iov_walk w = {.s = s, .iov = iov, .cnt = cnt, .limit = limit, .compat = compat};
	s->walk_pos = 0;
	bpf_loop(MAX_IOVECS, iov_copy_step, &w, 0);
	put_len(s, s->walk_pos);
}

EXIT_PROGRAM(read_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_user_bytes(s, ARG_PTR(1), io_len(ret));
	store_s64(s, ARG_INT(0));
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_READ_X);
}

EXIT_PROGRAM(write_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_user_bytes(s, ARG_PTR(1), io_len(ret));
	store_s64(s, ARG_INT(0));
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_WRITE_X);
}

EXIT_PROGRAM(pread_x)
{
	EVT_OPEN(5);
	store_s64(s, ret);
	store_user_bytes(s, ARG_PTR(1), io_len(ret));
	store_s64(s, ARG_INT(0));
	store_u32(s, ARG(2));
	store_u64(s, ARG(3));
	EVT_SUBMIT(PPME_SYSCALL_PREAD_X);
}

EXIT_PROGRAM(pwrite_x)
{
	EVT_OPEN(5);
	store_s64(s, ret);
	store_user_bytes(s, ARG_PTR(1), io_len(ret));
	store_s64(s, ARG_INT(0));
	store_u32(s, ARG(2));
	store_u64(s, ARG(3));
	EVT_SUBMIT(PPME_SYSCALL_PWRITE_X);
}

EXIT_PROGRAM(readv_x)
{
	const void *iov = ARG_PTR(1);
	unsigned long cnt = ARG(2);
	EVT_OPEN(4);
	store_s64(s, ret);
	store_u32(s, iov_total(iov, cnt, call->compat));
	store_iov_data(s, iov, cnt, io_len(ret), call->compat);
	store_s64(s, ARG_INT(0));
	EVT_SUBMIT(PPME_SYSCALL_READV_X);
}

EXIT_PROGRAM(writev_x)
{
	const void *iov = ARG_PTR(1);
	unsigned long cnt = ARG(2);
	EVT_OPEN(4);
	store_s64(s, ret);
	store_iov_data(s, iov, cnt, io_len(ret), call->compat);
	store_s64(s, ARG_INT(0));
	store_u32(s, iov_total(iov, cnt, call->compat));
	EVT_SUBMIT(PPME_SYSCALL_WRITEV_X);
}

EXIT_PROGRAM(preadv_x)
{
	const void *iov = ARG_PTR(1);
	unsigned long cnt = ARG(2);
	EVT_OPEN(5);
	store_s64(s, ret);
	store_u32(s, iov_total(iov, cnt, call->compat));
	store_iov_data(s, iov, cnt, io_len(ret), call->compat);
	store_s64(s, ARG_INT(0));
	store_u64(s, ARG(3));
	EVT_SUBMIT(PPME_SYSCALL_PREADV_X);
}

EXIT_PROGRAM(pwritev_x)
{
	const void *iov = ARG_PTR(1);
	unsigned long cnt = ARG(2);
	EVT_OPEN(5);
	store_s64(s, ret);
	store_iov_data(s, iov, cnt, io_len(ret), call->compat);
	store_s64(s, ARG_INT(0));
	store_u32(s, iov_total(iov, cnt, call->compat));
	store_u64(s, ARG(3));
	EVT_SUBMIT(PPME_SYSCALL_PWRITEV_X);
}
