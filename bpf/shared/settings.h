/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Structs shared by the probe and libcapture's bpf backend. This header is the
 * source of truth: user space sees these types through the skeleton's BTF
 * (`types::harrier_settings`, ...) and a test checks their layout.
 */
#ifndef HARRIER_SHARED_SETTINGS_H
#define HARRIER_SHARED_SETTINGS_H

/* Native x86_64 syscall numbers are below this bound. */
#define SYSCALL_TABLE_SIZE 512

/* syscall_entry.flags */
#define SYSCALL_INTERESTING 1 /* emit an event for this syscall */

/* Per-syscall row, indexed by native syscall number, set by user space. */
struct syscall_entry {
	__u8 flags;
	__u8 pad;
	__u16 ppm_sc; /* the driver's syscall code, stored in generic events */
};

/* ia32 (int $0x80) syscall numbers are below this bound. */
#define IA32_TABLE_SIZE 512
/* ia32_entry.native of an ia32 call x86_64 has no counterpart for. */
#define IA32_NO_NATIVE 0xffff
/* ia32 socketcall subcalls (SYS_*) are below this bound. */
#define SOCKETCALL_TABLE_SIZE 32

/* ia32_entry.fixup: how the widened ia32 arguments become the x86_64 call's (driver's Ia32Fixup). */
#define IA32_FIXUP_NONE 0
#define IA32_FIXUP_OFFSET64_AT3 1 /* 64-bit offset split in args 3 (low) and 4 (high) */
#define IA32_FIXUP_PAGE_OFFSET5 2 /* mmap2: arg 5 counts 4096-byte pages */
#define IA32_FIXUP_NO_FLAGS1 3    /* umount: umount2 with flags 0 */
#define IA32_FIXUP_UID16_FROM0 4  /* setuid .. setresgid (16-bit): args 0-2 are 16-bit ids, 0xffff is -1 */
#define IA32_FIXUP_UID16_FROM1 5  /* chown, lchown, fchown (16-bit): args 1-2 are 16-bit ids */

/*
 * Per-ia32-syscall row, indexed by ia32 number, set by user space from the
 * driver's ia32 table: the x86_64 syscall it runs as, the ppm_sc id of a
 * generic event for it when there is none, and its argument fix-up.
 */
struct ia32_entry {
	__u16 native;
	__u16 ppm_sc;
	__u8 fixup;
	__u8 pad[3];
};

/* ia32 socketcall subcall row: the x86_64 syscall it runs as and its number of 32-bit argument words. */
struct socketcall_entry {
	__u16 native; /* IA32_NO_NATIVE: a subcall the kernel rejects */
	__u8 nargs;
	__u8 pad;
};

/* Capture settings, written by user space before attach (and may change while running). */
struct harrier_settings {
	__u64 boot_time_ns;    /* wall clock minus CLOCK_BOOTTIME, added to every timestamp */
	__u32 snaplen;         /* bytes of I/O data kept per read/write param */
	__u32 self_tgid;       /* the capturing process; never traced */
	__u32 target_mode;     /* non-zero: only processes in the `targets` map are traced */
	__u32 target_spawner;  /* tid whose next fork starts the target tree */
	__u32 capture_enabled; /* zero: every program returns at once */
	__u32 pad;
};

/* Drop categories: where a ring-buffer reservation (or the event assembly) failed. */
enum drop_category {
	DROP_SYSCALL = 0, /* syscall exit events */
	DROP_EXEC = 1,    /* sched_process_exec */
	DROP_FORK = 2,    /* sched_process_fork (child-side clone events) */
	DROP_EXIT = 3,    /* sched_process_exit (procexit) */
	DROP_CATEGORIES = 4,
};

/* Per-CPU counters, one PERCPU_ARRAY slot. */
struct harrier_counters {
	__u64 events;                     /* events submitted to a ring */
	__u64 bytes;                      /* bytes submitted */
	__u64 drops[DROP_CATEGORIES];     /* ring full: reservation failed */
	__u64 truncated;                  /* events cut at the maximum event size */
	__u64 no_ring;                    /* no ring buffer configured for this CPU */
};

#endif
