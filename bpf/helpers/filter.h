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
	/*
	 * The mask repeats the bound on the register the index is used in (the
	 * verifier bounds that one, not the one checked); barrier_var keeps the
	 * compiler from dropping it as redundant.
	 */
	barrier_var(nr);
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
