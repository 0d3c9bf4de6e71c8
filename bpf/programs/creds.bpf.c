/* SPDX-License-Identifier: Apache-2.0 */
/* Credential and namespace exit programs: setuid family, capset, setns, unshare. */

EXIT_PROGRAM(setuid_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_u32(s, ARG(0));
	EVT_SUBMIT(PPME_SYSCALL_SETUID_X);
}

EXIT_PROGRAM(setgid_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_u32(s, ARG(0));
	EVT_SUBMIT(PPME_SYSCALL_SETGID_X);
}

EXIT_PROGRAM(setresuid_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_u32(s, ARG(0));
	store_u32(s, ARG(1));
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_SETRESUID_X);
}

EXIT_PROGRAM(setresgid_x)
{
	EVT_OPEN(4);
	store_s64(s, ret);
	store_u32(s, ARG(0));
	store_u32(s, ARG(1));
	store_u32(s, ARG(2));
	EVT_SUBMIT(PPME_SYSCALL_SETRESGID_X);
}

EXIT_PROGRAM(setreuid_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_u32(s, ARG(0));
	store_u32(s, ARG(1));
	EVT_SUBMIT(PPME_SYSCALL_SETREUID_X);
}

EXIT_PROGRAM(setregid_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_u32(s, ARG(0));
	store_u32(s, ARG(1));
	EVT_SUBMIT(PPME_SYSCALL_SETREGID_X);
}

EXIT_PROGRAM(capset_x)
{
	/* The capability sets in force after the call. */
	const struct cred *cred = current_task()->cred;
	EVT_OPEN(4);
	store_s64(s, ret);
	store_u64(s, *(__u64 *)&cred->cap_inheritable);
	store_u64(s, *(__u64 *)&cred->cap_permitted);
	store_u64(s, *(__u64 *)&cred->cap_effective);
	EVT_SUBMIT(PPME_SYSCALL_CAPSET_X);
}

EXIT_PROGRAM(setns_x)
{
	EVT_OPEN(3);
	store_s64(s, ret);
	store_s64(s, ARG_INT(0));
	store_u32(s, clone_flags_to_ppm(ARG(1)));
	EVT_SUBMIT(PPME_SYSCALL_SETNS_X);
}

EXIT_PROGRAM(unshare_x)
{
	EVT_OPEN(2);
	store_s64(s, ret);
	store_u32(s, clone_flags_to_ppm(ARG(0)));
	EVT_SUBMIT(PPME_SYSCALL_UNSHARE_X);
}
