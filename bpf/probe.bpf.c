/* SPDX-License-Identifier: Apache-2.0 */
/*
 * harrier's CO-RE probe: the one translation unit libcapture's build.rs
 * compiles. Each attached program (or syscall family) lives in its own file
 * under programs/; they are included here so that they share one set of maps
 * and so that the tail-call table below can name every exit program in a
 * static initialiser (libbpf fills it at load time).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "maps.h"
#include "shared/syscall_nr.h"
#include "helpers/read.h"
#include "helpers/store.h"
#include "helpers/extract.h"
#include "helpers/filter.h"
#include "helpers/call.h"
#include "helpers/proc.h"
#include "helpers/socket.h"
#include "helpers/program.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

extern struct exit_programs_t exit_programs SEC(".maps");

#include "programs/execveat.bpf.c"
#include "programs/sys_exit.bpf.c"
#include "programs/file_open.bpf.c"
#include "programs/file_io.bpf.c"
#include "programs/sched_process_exec.bpf.c"
#include "programs/sched_process_fork.bpf.c"
#include "programs/sched_process_exit.bpf.c"
#include "programs/net.bpf.c"
#include "programs/file_ns.bpf.c"
#include "programs/creds.bpf.c"
#include "programs/process.bpf.c"
#include "programs/fd.bpf.c"

struct exit_programs_t exit_programs SEC(".maps") = {
	.values = {
		[NR_open] = (void *)&open_x,
		[NR_openat] = (void *)&openat_x,
		[NR_openat2] = (void *)&openat2_x,
		[NR_creat] = (void *)&creat_x,
		[NR_close] = (void *)&close_x,
		[NR_read] = (void *)&read_x,
		[NR_write] = (void *)&write_x,
		[NR_pread64] = (void *)&pread_x,
		[NR_pwrite64] = (void *)&pwrite_x,
		[NR_readv] = (void *)&readv_x,
		[NR_writev] = (void *)&writev_x,
		[NR_preadv] = (void *)&preadv_x,
		[NR_pwritev] = (void *)&pwritev_x,
		[NR_socket] = (void *)&socket_x,
		[NR_socketpair] = (void *)&socketpair_x,
		[NR_bind] = (void *)&bind_x,
		[NR_connect] = (void *)&connect_x,
		[NR_listen] = (void *)&listen_x,
		[NR_accept] = (void *)&accept_x,
		[NR_accept4] = (void *)&accept4_x,
		[NR_sendto] = (void *)&sendto_x,
		[NR_recvfrom] = (void *)&recvfrom_x,
		[NR_sendmsg] = (void *)&sendmsg_x,
		[NR_recvmsg] = (void *)&recvmsg_x,
		[NR_shutdown] = (void *)&shutdown_x,
		[NR_unlink] = (void *)&unlink_x,
		[NR_unlinkat] = (void *)&unlinkat_x,
		[NR_rename] = (void *)&rename_x,
		[NR_renameat] = (void *)&renameat_x,
		[NR_renameat2] = (void *)&renameat2_x,
		[NR_mkdir] = (void *)&mkdir_x,
		[NR_mkdirat] = (void *)&mkdirat_x,
		[NR_rmdir] = (void *)&rmdir_x,
		[NR_link] = (void *)&link_x,
		[NR_linkat] = (void *)&linkat_x,
		[NR_symlink] = (void *)&symlink_x,
		[NR_symlinkat] = (void *)&symlinkat_x,
		[NR_chmod] = (void *)&chmod_x,
		[NR_fchmod] = (void *)&fchmod_x,
		[NR_fchmodat] = (void *)&fchmodat_x,
		[NR_chown] = (void *)&chown_x,
		[NR_lchown] = (void *)&lchown_x,
		[NR_fchown] = (void *)&fchown_x,
		[NR_fchownat] = (void *)&fchownat_x,
		[NR_chdir] = (void *)&chdir_x,
		[NR_fchdir] = (void *)&fchdir_x,
		[NR_chroot] = (void *)&chroot_x,
		[NR_mount] = (void *)&mount_x,
		[NR_umount2] = (void *)&umount2_x,
		[NR_setuid] = (void *)&setuid_x,
		[NR_setgid] = (void *)&setgid_x,
		[NR_setresuid] = (void *)&setresuid_x,
		[NR_setresgid] = (void *)&setresgid_x,
		[NR_setreuid] = (void *)&setreuid_x,
		[NR_setregid] = (void *)&setregid_x,
		[NR_capset] = (void *)&capset_x,
		[NR_setns] = (void *)&setns_x,
		[NR_unshare] = (void *)&unshare_x,
		[NR_clone] = (void *)&clone_family_x,
		[NR_clone3] = (void *)&clone_family_x,
		[NR_fork] = (void *)&clone_family_x,
		[NR_vfork] = (void *)&clone_family_x,
		[NR_execve] = (void *)&exec_family_x,
		[NR_execveat] = (void *)&exec_family_x,
		[NR_kill] = (void *)&kill_x,
		[NR_tkill] = (void *)&tkill_x,
		[NR_tgkill] = (void *)&tgkill_x,
		[NR_ptrace] = (void *)&ptrace_x,
		[NR_prctl] = (void *)&prctl_x,
		[NR_dup] = (void *)&dup_x,
		[NR_dup2] = (void *)&dup2_x,
		[NR_dup3] = (void *)&dup3_x,
		[NR_pipe] = (void *)&pipe_x,
		[NR_pipe2] = (void *)&pipe2_x,
		[NR_memfd_create] = (void *)&memfd_create_x,
		[NR_bpf] = (void *)&bpf_x,
		[NR_mmap] = (void *)&mmap_x,
		[NR_mprotect] = (void *)&mprotect_x,
		[NR_init_module] = (void *)&init_module_x,
		[NR_finit_module] = (void *)&finit_module_x,
	},
};
