/* SPDX-License-Identifier: Apache-2.0 */
/* Socket family exit programs: sockaddr params from user memory, tuples from the socket. */

/* queuepct, queuelen, queuemax of a listening socket (accept family). */
static __always_inline void store_accept_queue(struct scratch *s, long listen_fd)
{
	struct sock *sk = fd_sock(current_task(), listen_fd);
	__u32 len = 0, max = 0;
	if (sk) {
		len = sk->sk_ack_backlog;
		max = sk->sk_max_ack_backlog;
	}
	store_u8(s, max ? (__u8)(len * 100 / max) : 0);
	store_u32(s, len);
	store_u32(s, max);
}

/* The user_msghdr at `ptr`, from the compat_msghdr layout (32-bit words) for an ia32 call. */
static __always_inline void read_msghdr(struct user_msghdr *msg, const void *ptr, int compat)
{
	if (!compat) {
		bpf_probe_read_user(msg, sizeof(*msg), ptr);
		return;
	}
	/* name, namelen, iov, iovlen, control, controllen, flags */
	__u32 m[7] = {};
	bpf_probe_read_user(m, sizeof(m), ptr);
	msg->msg_name = (void *)(unsigned long)m[0];
	msg->msg_namelen = m[1];
	msg->msg_iov = (struct iovec *)(unsigned long)m[2];
	msg->msg_iovlen = m[3];
	msg->msg_control = (void *)(unsigned long)m[4];
	msg->msg_controllen = m[5];
}

EXIT_PROGRAM(socket_x)
{
	EVT_OPEN(5);
	store_s64(s, ret);
	store_u32(s, ARG(0));           /* domain: PPM_AF_* use Linux numbering */
	store_u32(s, ARG(1) & 0xf);     /* type without SOCK_NONBLOCK/SOCK_CLOEXEC */
	store_u32(s, ARG(2));
	/* flags: SOCK_NONBLOCK and SOCK_CLOEXEC as PPM_O_NONBLOCK / PPM_O_CLOEXEC */
	store_u32(s, ((ARG(1) & 04000) ? 64 : 0) | ((ARG(1) & 02000000) ? 4096 : 0));
	EVT_SUBMIT(PPME_SOCKET_SOCKET_X);
}

EXIT_PROGRAM(socketpair_x)
{
	int fds[2] = {-1, -1};
	if (ret == 0)
		bpf_probe_read_user(fds, sizeof(fds), ARG_PTR(3));
	struct sock *a = ret == 0 ? fd_sock(current_task(), fds[0]) : NULL;
	__u64 peer = a ? addr_value(KPTR(a, struct unix_sock)->peer) : 0;
	EVT_OPEN(8);
	store_s64(s, ret);
	store_s64(s, fds[0]);
	store_s64(s, fds[1]);
	store_u64(s, addr_value(a));
	store_u64(s, peer);
	store_u32(s, ARG(0));
	store_u32(s, ARG(1) & 0xf);
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SOCKET_SOCKETPAIR_X);
}

EXIT_PROGRAM(bind_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_user_sockaddr(s, ARG_PTR(1), ARG(2));
	store_s64(s, ARG_INT(0));
	EVT_SUBMIT(PPME_SOCKET_BIND_X);
}

EXIT_PROGRAM(connect_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_socktuple(s, ARG_INT(0), 0, ARG_PTR(1), ARG(2));
	store_s64(s, ARG_INT(0));
	store_user_sockaddr(s, ARG_PTR(1), ARG(2));
	EVT_SUBMIT(PPME_SOCKET_CONNECT_X);
}

EXIT_PROGRAM(listen_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_u32(s, (int)ARG(1));
	EVT_SUBMIT(PPME_SOCKET_LISTEN_X);
}

EXIT_PROGRAM(accept_x)
{
	EVT_OPEN(5);
	store_s64(s, ret);
	if (ret >= 0)
		store_socktuple(s, ret, 1, NULL, 0);
	else
		store_empty(s);
	store_accept_queue(s, ARG_INT(0));
	EVT_SUBMIT(PPME_SOCKET_ACCEPT_5_X);
}

EXIT_PROGRAM(accept4_x)
{
	EVT_OPEN(6);
	store_s64(s, ret);
	if (ret >= 0)
		store_socktuple(s, ret, 1, NULL, 0);
	else
		store_empty(s);
	store_accept_queue(s, ARG_INT(0));
	store_u32(s, ((ARG(3) & 04000) ? 64 : 0) | ((ARG(3) & 02000000) ? 4096 : 0));
	EVT_SUBMIT(PPME_SOCKET_ACCEPT4_6_X);
}

EXIT_PROGRAM(sendto_x)
{
	EVT_OPEN(5);
	store_s64(s, ret);
	store_user_bytes(s, ARG_PTR(1), io_len(ret));
	store_s64(s, ARG_INT(0));
	store_u32(s, ARG(2));
	store_socktuple(s, ARG_INT(0), 0, ARG_PTR(4), ARG(5));
	EVT_SUBMIT(PPME_SOCKET_SENDTO_X);
}

EXIT_PROGRAM(recvfrom_x)
{
	const void *from = ARG_PTR(4);
	__u32 fromlen = from && ARG(5) ? read_user_u32(ARG_PTR(5)) : 0;
	EVT_OPEN(5);
	store_s64(s, ret);
	store_user_bytes(s, ARG_PTR(1), io_len(ret));
	store_socktuple(s, ARG_INT(0), 1, from, fromlen);
	store_s64(s, ARG_INT(0));
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SOCKET_RECVFROM_X);
}

EXIT_PROGRAM(sendmsg_x)
{
	struct user_msghdr msg = {};
	read_msghdr(&msg, ARG_PTR(1), call->compat);
	EVT_OPEN(5);
	store_s64(s, ret);
	store_iov_data(s, msg.msg_iov, msg.msg_iovlen, io_len(ret), call->compat);
	store_s64(s, ARG_INT(0));
	store_u32(s, iov_total(msg.msg_iov, msg.msg_iovlen, call->compat));
	store_socktuple(s, ARG_INT(0), 0, msg.msg_name, msg.msg_namelen);
	EVT_SUBMIT(PPME_SOCKET_SENDMSG_X);
}

EXIT_PROGRAM(recvmsg_x)
{
	struct user_msghdr msg = {};
	read_msghdr(&msg, ARG_PTR(1), call->compat);
	EVT_OPEN(6);
	store_s64(s, ret);
	store_u32(s, ret > 0 ? ret : 0);
	store_iov_data(s, msg.msg_iov, msg.msg_iovlen, io_len(ret), call->compat);
	store_socktuple(s, ARG_INT(0), 1, msg.msg_name, msg.msg_namelen);
	__u32 ctl = msg.msg_controllen;
	store_user_bytes(s, msg.msg_control, ret >= 0 && ctl < 256 ? ctl : 0);
	store_s64(s, ARG_INT(0));
	EVT_SUBMIT(PPME_SOCKET_RECVMSG_X);
}

EXIT_PROGRAM(shutdown_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_u8(s, ARG(1)); /* SHUT_RD/WR/RDWR = PPM_SHUT_* */
	EVT_SUBMIT(PPME_SOCKET_SHUTDOWN_X);
}
