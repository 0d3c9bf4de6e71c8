/* SPDX-License-Identifier: Apache-2.0 */
/* Layer 3c: socket params: SOCKADDR from user memory and SOCKTUPLE from the socket behind an fd. */
#ifndef HARRIER_HELPERS_SOCKET_H
#define HARRIER_HELPERS_SOCKET_H

#include "store.h"
#include "extract.h"

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define UNIX_PATH_MAX 108

/* SOCKADDR param from a user `struct sockaddr *` of `len` bytes. */
static __always_inline void store_user_sockaddr(struct scratch *s, const void *uaddr, __u32 len)
{
	if (!uaddr || len < 2 || room(s) < 1 + UNIX_PATH_MAX + 1) {
		store_empty(s);
		return;
	}
	__u16 family = 0;
	bpf_probe_read_user(&family, 2, uaddr);
	__u32 p = s->payload_pos;
	if (family == AF_INET && len >= 8) {
		struct sockaddr_in in = {};
		bpf_probe_read_user(&in, sizeof(in), uaddr);
		__u16 port = swap16(in.sin_port);
		s->data[p & SCRATCH_MASK] = PPM_AF_INET;
		__builtin_memcpy(&s->data[(p + 1) & SCRATCH_MASK], &in.sin_addr.s_addr, 4);
		__builtin_memcpy(&s->data[(p + 5) & SCRATCH_MASK], &port, 2);
		put_len(s, 7);
	} else if (family == AF_INET6 && len >= 24) {
		struct sockaddr_in6 in6 = {};
		bpf_probe_read_user(&in6, sizeof(in6), uaddr);
		__u16 port = swap16(in6.sin6_port);
		s->data[p & SCRATCH_MASK] = PPM_AF_INET6;
		__builtin_memcpy(&s->data[(p + 1) & SCRATCH_MASK], &in6.sin6_addr, 16);
		__builtin_memcpy(&s->data[(p + 17) & SCRATCH_MASK], &port, 2);
		put_len(s, 19);
	} else if (family == AF_UNIX) {
		const char *path = (const char *)uaddr + 2;
		char first = 0;
		bpf_probe_read_user(&first, 1, path);
		if (!first)
			path++; /* abstract name: drop the leading NUL */
		s->data[p & SCRATCH_MASK] = PPM_AF_UNIX;
		long n = bpf_probe_read_user_str(&s->data[(p + 1) & SCRATCH_MASK], UNIX_PATH_MAX, path);
		put_len(s, 1 + (n > 0 ? n : 0));
	} else {
		store_empty(s);
	}
}

static __always_inline struct sock *fd_sock(struct task_struct *t, long fd)
{
	struct file *f = task_fd_file(t, fd);
	if (!f)
		return NULL;
	if ((f->f_inode->i_mode & 0170000) != 0140000) /* S_IFSOCK */
		return NULL;
	struct socket *sock = KPTR(f->private_data, struct socket);
	return sock ? sock->sk : NULL;
}

/*
 * SOCKTUPLE param of the socket behind `fd`. `inbound` puts the peer first
 * (accept, recv); otherwise the local side is first (connect, send). When the
 * socket has no peer address yet, `uaddr` (a user sockaddr) supplies it.
 */
static __always_inline void store_socktuple(struct scratch *s, long fd, int inbound, const void *uaddr,
					    __u32 ulen)
{
	struct sock *sk = fd_sock(current_task(), fd);
	if (!sk || room(s) < 1 + 16 + UNIX_PATH_MAX + 1) {
		store_empty(s);
		return;
	}
	__u16 family = sk->__sk_common.skc_family;
	__u32 p = s->payload_pos;
	if (family == AF_INET) {
		__u32 lip = sk->__sk_common.skc_rcv_saddr, rip = sk->__sk_common.skc_daddr;
		__u16 lport = sk->__sk_common.skc_num, rport = swap16(sk->__sk_common.skc_dport);
		if (!rip && !rport && uaddr && ulen >= 8) {
			struct sockaddr_in in = {};
			bpf_probe_read_user(&in, sizeof(in), uaddr);
			if (in.sin_family == AF_INET) {
				rip = in.sin_addr.s_addr;
				rport = swap16(in.sin_port);
			}
		}
		s->data[p & SCRATCH_MASK] = PPM_AF_INET;
		if (inbound) {
			__builtin_memcpy(&s->data[(p + 1) & SCRATCH_MASK], &rip, 4);
			__builtin_memcpy(&s->data[(p + 5) & SCRATCH_MASK], &rport, 2);
			__builtin_memcpy(&s->data[(p + 7) & SCRATCH_MASK], &lip, 4);
			__builtin_memcpy(&s->data[(p + 11) & SCRATCH_MASK], &lport, 2);
		} else {
			__builtin_memcpy(&s->data[(p + 1) & SCRATCH_MASK], &lip, 4);
			__builtin_memcpy(&s->data[(p + 5) & SCRATCH_MASK], &lport, 2);
			__builtin_memcpy(&s->data[(p + 7) & SCRATCH_MASK], &rip, 4);
			__builtin_memcpy(&s->data[(p + 11) & SCRATCH_MASK], &rport, 2);
		}
		put_len(s, 13);
	} else if (family == AF_INET6) {
		struct in6_addr lip = sk->__sk_common.skc_v6_rcv_saddr, rip = sk->__sk_common.skc_v6_daddr;
		__u16 lport = sk->__sk_common.skc_num, rport = swap16(sk->__sk_common.skc_dport);
		if (!rport && uaddr && ulen >= 24) {
			struct sockaddr_in6 in6 = {};
			bpf_probe_read_user(&in6, sizeof(in6), uaddr);
			if (in6.sin6_family == AF_INET6) {
				rip = in6.sin6_addr;
				rport = swap16(in6.sin6_port);
			}
		}
		s->data[p & SCRATCH_MASK] = PPM_AF_INET6;
		if (inbound) {
			__builtin_memcpy(&s->data[(p + 1) & SCRATCH_MASK], &rip, 16);
			__builtin_memcpy(&s->data[(p + 17) & SCRATCH_MASK], &rport, 2);
			__builtin_memcpy(&s->data[(p + 19) & SCRATCH_MASK], &lip, 16);
			__builtin_memcpy(&s->data[(p + 35) & SCRATCH_MASK], &lport, 2);
		} else {
			__builtin_memcpy(&s->data[(p + 1) & SCRATCH_MASK], &lip, 16);
			__builtin_memcpy(&s->data[(p + 17) & SCRATCH_MASK], &lport, 2);
			__builtin_memcpy(&s->data[(p + 19) & SCRATCH_MASK], &rip, 16);
			__builtin_memcpy(&s->data[(p + 35) & SCRATCH_MASK], &rport, 2);
		}
		put_len(s, 37);
	} else if (family == AF_UNIX) {
		struct unix_sock *us = KPTR(sk, struct unix_sock);
		struct sock *peer = us->peer;
		/* Kernel addresses are stored as numbers: read through a probe read, not a pointer load. */
		__u64 src = addr_value(sk), dst = addr_value(peer);
		s->data[p & SCRATCH_MASK] = PPM_AF_UNIX;
		__builtin_memcpy(&s->data[(p + 1) & SCRATCH_MASK], &src, 8);
		__builtin_memcpy(&s->data[(p + 9) & SCRATCH_MASK], &dst, 8);
		struct unix_address *addr = peer ? KPTR(peer, struct unix_sock)->addr : us->addr;
		long n = 0;
		if (addr) {
			const char *path = addr->name[0].sun_path;
			char first = 0;
			bpf_probe_read_kernel(&first, 1, path);
			if (!first)
				path++;
			n = bpf_probe_read_kernel_str(&s->data[(p + 17) & SCRATCH_MASK], UNIX_PATH_MAX, path);
		} else if (uaddr && ulen > 2) {
			const char *path = (const char *)uaddr + 2;
			n = bpf_probe_read_user_str(&s->data[(p + 17) & SCRATCH_MASK], UNIX_PATH_MAX, path);
		}
		if (n <= 0) {
			s->data[(p + 17) & SCRATCH_MASK] = 0;
			n = 1;
		}
		put_len(s, 17 + n);
	} else {
		store_empty(s);
	}
}

#endif
