/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer 1: raw reads. Small wrappers over the probe-read helpers, so higher
 * layers never touch helper ids (syscall arguments: call.h).
 */
#ifndef HARRIER_HELPERS_READ_H
#define HARRIER_HELPERS_READ_H

static __always_inline __u64 read_user_u64(const void *ptr)
{
	__u64 v = 0;
	bpf_probe_read_user(&v, sizeof(v), ptr);
	return v;
}

static __always_inline __u32 read_user_u32(const void *ptr)
{
	__u32 v = 0;
	bpf_probe_read_user(&v, sizeof(v), ptr);
	return v;
}

static __always_inline void *read_kernel_ptr(const void *ptr)
{
	void *v = NULL;
	bpf_probe_read_kernel(&v, sizeof(v), ptr);
	return v;
}

/*
 * Re-types a kernel address (read with a probe-read helper, or computed) as a
 * BTF pointer, so later field loads are direct, CO-RE relocated and
 * fault-safe. NULL stays NULL.
 */
#define KPTR(ptr, type) ((ptr) ? bpf_core_cast((void *)(unsigned long)(ptr), type) : (type *)0)

/*
 * Re-types a trusted BTF pointer (a tracepoint argument, the current task) as
 * an untrusted one. Loads through it are the same fault-safe loads, but the
 * verifier no longer checks, at each pointer field read through it, whether
 * the field keeps the trust: each check searches the kernel's whole BTF by
 * name, and those searches were most of the probe's load time.
 */
#define UNTRUSTED(ptr, type) bpf_core_cast(ptr, type)

static __always_inline __u16 swap16(__u16 v)
{
	return (v >> 8) | (v << 8);
}

#endif
