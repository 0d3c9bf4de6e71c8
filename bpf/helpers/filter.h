/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-kernel selection: which syscalls and which processes produce events.
 * Runs before any buffer work, so an unselected syscall costs one table load.
 */
#ifndef HARRIER_HELPERS_FILTER_H
#define HARRIER_HELPERS_FILTER_H

#include "../maps.h"

static __always_inline int syscall_interesting(unsigned long nr)
{
	if (nr >= SYSCALL_TABLE_SIZE)
		return 0;
	/* The mask repeats the bound in a form the verifier tracks on the register used. */
	return syscall_table[nr & (SYSCALL_TABLE_SIZE - 1)].flags & SYSCALL_INTERESTING;
}

/* Self-exclusion and the optional target process tree. */
static __always_inline int task_wanted(__u32 tgid)
{
	if (!settings.capture_enabled || tgid == settings.self_tgid)
		return 0;
	if (settings.target_mode && !bpf_map_lookup_elem(&targets, &tgid))
		return 0;
	return 1;
}

#endif
