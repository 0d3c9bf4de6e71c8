/* The cheapest way user space can see a syscall on this machine: a seccomp
 * user-notification filter on openat and close whose supervisor only answers
 * "continue". No ptrace, no reading of arguments, no return values, no
 * encoding. Whatever a user-space producer does, a selected syscall costs at
 * least this much (benches/shim-vs-native.sh prints it as the "floor" column).
 *
 *   stop-floor CMD ARGS...    runs CMD under the filter and supervises it
 *
 * Supervisor and CMD inherit the caller's CPU affinity: run both on one CPU
 * (taskset -c 0), the fast case for a wake-up between two tasks.
 */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Passes one fd over a unix socket (the listener is created in the child). */
static int send_fd(int sock, int fd)
{
	char control[CMSG_SPACE(sizeof(int))] = {0};
	char byte = 0;
	struct iovec iov = {&byte, 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char control[CMSG_SPACE(sizeof(int))] = {0};
	char byte;
	struct iovec iov = {&byte, 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg;
	int fd;
	if (recvmsg(sock, &msg, 0) != 1 || !(cmsg = CMSG_FIRSTHDR(&msg)) || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* openat and close notify the supervisor; everything else runs freely. */
static int install_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_close, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = {sizeof(code) / sizeof(code[0]), code};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

/* Answers every notification with "continue" until the child is gone. */
static void supervise(int listener)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req))
			return;
		resp = (struct seccomp_notif_resp){.id = req.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
		/* ENOENT: the syscall was interrupted meanwhile; nothing to answer. */
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

int main(int argc, char **argv)
{
	int pair[2], status;
	if (argc < 2) {
		fprintf(stderr, "usage: stop-floor CMD ARGS...\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair)) {
		perror("socketpair");
		return 1;
	}
	pid_t child = fork();
	if (child == 0) {
		int listener = install_filter();
		if (listener < 0 || send_fd(pair[0], listener)) {
			perror("seccomp user notification");
			_exit(127);
		}
		close(listener);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	close(pair[0]);
	int listener = recv_fd(pair[1]);
	if (listener < 0) {
		waitpid(child, &status, 0);
		return 1;
	}
	/* RECV fails with ENOENT once no task uses the filter any more. */
	supervise(listener);
	waitpid(child, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
