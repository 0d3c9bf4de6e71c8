/* SPDX-License-Identifier: Apache-2.0 */
/* File-namespace exit programs: unlink, rename, mkdir, rmdir, link, symlink, chmod, chown, chdir, chroot, mount. */

#define PPM_AT_REMOVEDIR 0x200     /* unlinkat: same value as AT_REMOVEDIR */
#define PPM_AT_SYMLINK_FOLLOW 0x400 /* linkat: same value as AT_SYMLINK_FOLLOW */

EXIT_PROGRAM(unlink_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	EVT_SUBMIT(PPME_SYSCALL_UNLINK_2_X);
}

EXIT_PROGRAM(unlinkat_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	store_u32(s, ARG(2) & PPM_AT_REMOVEDIR);
	EVT_SUBMIT(PPME_SYSCALL_UNLINKAT_2_X);
}

EXIT_PROGRAM(rename_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	EVT_SUBMIT(PPME_SYSCALL_RENAME_X);
}

EXIT_PROGRAM(renameat_x)
{
	EVT_OPEN(5);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	store_s64(s, ARG_INT(2));
	store_user_str(s, ARG_PTR(3), PATH_MAX_LEN);
	EVT_SUBMIT(PPME_SYSCALL_RENAMEAT_X);
}

EXIT_PROGRAM(renameat2_x)
{
	EVT_OPEN(6);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	store_s64(s, ARG_INT(2));
	store_user_str(s, ARG_PTR(3), PATH_MAX_LEN);
	store_u32(s, ARG(4)); /* RENAME_NOREPLACE/EXCHANGE/WHITEOUT = PPM_RENAME_* */
	EVT_SUBMIT(PPME_SYSCALL_RENAMEAT2_X);
}

EXIT_PROGRAM(mkdir_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_u32(s, ARG(1));
	EVT_SUBMIT(PPME_SYSCALL_MKDIR_2_X);
}

EXIT_PROGRAM(mkdirat_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_MKDIRAT_X);
}

EXIT_PROGRAM(rmdir_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	EVT_SUBMIT(PPME_SYSCALL_RMDIR_2_X);
}

EXIT_PROGRAM(link_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	EVT_SUBMIT(PPME_SYSCALL_LINK_2_X);
}

EXIT_PROGRAM(linkat_x)
{
	EVT_OPEN(6);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	store_s64(s, ARG_INT(2));
	store_user_str(s, ARG_PTR(3), PATH_MAX_LEN);
	store_u32(s, ARG(4));
	EVT_SUBMIT(PPME_SYSCALL_LINKAT_2_X);
}

EXIT_PROGRAM(symlink_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	EVT_SUBMIT(PPME_SYSCALL_SYMLINK_X);
}

EXIT_PROGRAM(symlinkat_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_s64(s, ARG_INT(1));
	store_user_str(s, ARG_PTR(2), PATH_MAX_LEN);
	EVT_SUBMIT(PPME_SYSCALL_SYMLINKAT_X);
}

EXIT_PROGRAM(chmod_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_u32(s, ARG(1) & 07777);
	EVT_SUBMIT(PPME_SYSCALL_CHMOD_X);
}

EXIT_PROGRAM(fchmod_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_u32(s, ARG(1) & 07777);
	EVT_SUBMIT(PPME_SYSCALL_FCHMOD_X);
}

EXIT_PROGRAM(fchmodat_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	store_u32(s, ARG(2) & 07777);
	EVT_SUBMIT(PPME_SYSCALL_FCHMODAT_X);
}

EXIT_PROGRAM(chown_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_u32(s, ARG(1));
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_CHOWN_X);
}

EXIT_PROGRAM(lchown_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_u32(s, ARG(1));
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_LCHOWN_X);
}

EXIT_PROGRAM(fchown_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_u32(s, ARG(1));
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_FCHOWN_X);
}

EXIT_PROGRAM(fchownat_x)
{
	EVT_OPEN(6);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	store_u32(s, ARG(2));
	store_u32(s, ARG(3));
	store_u32(s, ARG(4));
	EVT_SUBMIT(PPME_SYSCALL_FCHOWNAT_X);
}

EXIT_PROGRAM(chdir_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	EVT_SUBMIT(PPME_SYSCALL_CHDIR_X);
}

EXIT_PROGRAM(fchdir_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	EVT_SUBMIT(PPME_SYSCALL_FCHDIR_X);
}

EXIT_PROGRAM(chroot_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	EVT_SUBMIT(PPME_SYSCALL_CHROOT_X);
}

EXIT_PROGRAM(mount_x)
{
	EVT_OPEN(5);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_user_str(s, ARG_PTR(1), PATH_MAX_LEN);
	store_user_str(s, ARG_PTR(2), 256);
	store_u32(s, ARG(3)); /* MS_* = PPM_MS_* */
	EVT_SUBMIT(PPME_SYSCALL_MOUNT_X);
}

EXIT_PROGRAM(umount2_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_user_str(s, ARG_PTR(0), PATH_MAX_LEN);
	store_u32(s, ARG(1)); /* MNT_FORCE/DETACH/EXPIRE, UMOUNT_NOFOLLOW = PPM_MNT_* */
	EVT_SUBMIT(PPME_SYSCALL_UMOUNT2_X);
}
