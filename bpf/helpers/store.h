/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer 3: the event builder. An event is assembled in the per-CPU scratch
 * area in the driver's format (26-byte header, u16 length per param, params
 * back to back) and copied to the CPU's ring buffer in one bpf_ringbuf_output.
 *
 * Every store_* call appends exactly one param; a handler calls them in the
 * order the event table lists the params and passes the count to evt_begin.
 * Offsets are masked with SCRATCH_MASK so the verifier can bound every write;
 * the scratch area is twice MAX_EVENT_SIZE, and room() keeps the logical
 * position below MAX_EVENT_SIZE, so masking never wraps real data.
 */
#ifndef HARRIER_HELPERS_STORE_H
#define HARRIER_HELPERS_STORE_H

#include "../maps.h"
#include "../shared/events.h"

static __always_inline struct scratch *scratch_get(void)
{
	__u32 key = bpf_get_smp_processor_id();
	return bpf_map_lookup_elem(&scratch_map, &key);
}

static __always_inline struct harrier_counters *counters_get(void)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&counters, &key);
}

static __always_inline void evt_begin(struct scratch *s, __u32 nparams)
{
	s->nparams = nparams;
	s->lens_pos = EVT_HEADER_LEN;
	s->payload_pos = EVT_HEADER_LEN + 2 * nparams;
	s->truncated = 0;
}

/* Bytes a param may still use; one byte is kept free so lengths stay below MAX_EVENT_SIZE. */
static __always_inline __u32 room(struct scratch *s)
{
	__u32 pos = s->payload_pos;
	return pos < MAX_EVENT_SIZE - 1 ? MAX_EVENT_SIZE - 1 - pos : 0;
}

static __always_inline void put_len(struct scratch *s, __u32 len)
{
	/* One (possibly unaligned) store: x86 BPF allows unaligned map value access. */
	*(__u16 *)&s->data[s->lens_pos & SCRATCH_MASK] = len;
	s->lens_pos += 2;
	s->payload_pos += len;
}

/*
 * The store_* functions below are global (not inlined) BPF functions: the
 * verifier checks each once instead of at every call site, which keeps the
 * large events (execve, clone) within its limits and their load time short.
 * Global functions take numbers, not pointers, for the addresses they read.
 */
#define GLOBAL_STORE __attribute__((noinline)) int

GLOBAL_STORE store_empty(struct scratch *s)
{
	if (!s)
		return 0;
	put_len(s, 0);
	return 0;
}

#define DEFINE_STORE_FIXED(name, type)                                          \
	GLOBAL_STORE name(struct scratch *s, type v)                            \
	{                                                                       \
		if (!s)                                                         \
			return 0;                                               \
		if (room(s) < sizeof(v)) {                                      \
			s->truncated = 1;                                       \
			put_len(s, 0);                                          \
			return 0;                                               \
		}                                                               \
		*(type *)&s->data[s->payload_pos & SCRATCH_MASK] = v;           \
		put_len(s, sizeof(v));                                          \
		return 0;                                                       \
	}

DEFINE_STORE_FIXED(store_u8, __u8)
DEFINE_STORE_FIXED(store_u16, __u16)
DEFINE_STORE_FIXED(store_u32, __u32)
DEFINE_STORE_FIXED(store_u64, __u64)
DEFINE_STORE_FIXED(store_s64, __s64)

/* Clamps a wanted length to the room left. */
static __always_inline __u32 fit(struct scratch *s, __u32 want)
{
	__u32 r = room(s);
	if (want > r) {
		s->truncated = 1;
		return r;
	}
	return want;
}

/* A NUL-terminated user string (CHARBUF/FSPATH) at `addr`; NULL or unreadable gives an empty param. */
GLOBAL_STORE store_user_str_at(struct scratch *s, __u64 addr, __u32 max)
{
	if (!s)
		return 0;
	__u32 n = fit(s, max);
	long got = 0;
	if (addr && n)
		got = bpf_probe_read_user_str(&s->data[s->payload_pos & SCRATCH_MASK], n & SCRATCH_MASK,
					      (const void *)addr);
	put_len(s, got > 0 ? got : 0);
	return 0;
}

GLOBAL_STORE store_kernel_str_at(struct scratch *s, __u64 addr, __u32 max)
{
	if (!s)
		return 0;
	__u32 n = fit(s, max);
	long got = 0;
	if (addr && n)
		got = bpf_probe_read_kernel_str(&s->data[s->payload_pos & SCRATCH_MASK], n & SCRATCH_MASK,
						(const void *)addr);
	put_len(s, got > 0 ? got : 0);
	return 0;
}

/* Raw user bytes (BYTEBUF); an unreadable buffer gives an empty param. */
GLOBAL_STORE store_user_bytes_at(struct scratch *s, __u64 addr, __u32 len)
{
	if (!s)
		return 0;
	__u32 n = fit(s, len);
	if (!addr || !n ||
	    bpf_probe_read_user(&s->data[s->payload_pos & SCRATCH_MASK], n & SCRATCH_MASK, (const void *)addr)) {
		put_len(s, 0);
		return 0;
	}
	put_len(s, n);
	return 0;
}

/* A kernel address as a plain number (what global functions accept). */
static __always_inline __u64 addr_value(const void *ptr)
{
	__u64 v = 0;
	bpf_probe_read_kernel(&v, sizeof(v), &ptr);
	return v;
}

#define store_user_str(s, ptr, max) store_user_str_at(s, (__u64)(unsigned long)(ptr), max)
#define store_user_bytes(s, ptr, len) store_user_bytes_at(s, (__u64)(unsigned long)(ptr), len)
#define store_kernel_str(s, ptr, max) store_kernel_str_at(s, addr_value(ptr), max)

/* Appends raw bytes to the param being built without closing it (see store_close). */
static __always_inline __u32 append_user_bytes(struct scratch *s, __u32 at, const void *ptr, __u32 len)
{
	__u32 pos = s->payload_pos + at;
	if (pos >= MAX_EVENT_SIZE - 1)
		return 0;
	__u32 r = MAX_EVENT_SIZE - 1 - pos;
	if (len > r)
		len = r;
	if (!len || bpf_probe_read_user(&s->data[pos & SCRATCH_MASK], len & SCRATCH_MASK, ptr))
		return 0;
	return len;
}

static __always_inline void write_at(struct scratch *s, __u32 at, const void *src, __u32 len)
{
	bpf_probe_read_kernel(&s->data[(s->payload_pos + at) & SCRATCH_MASK], len & 63, src);
}

static __always_inline __u64 evt_timestamp(void)
{
	return bpf_ktime_get_boot_ns() + settings.boot_time_ns;
}

/* Writes the header and copies the event to this CPU's ring. `cat` is the drop category. */
static __always_inline void evt_submit(struct scratch *s, __u16 type, __u64 tid, __u32 cat)
{
	struct harrier_counters *c = counters_get();
	if (!c)
		return;
	__u64 ts = evt_timestamp();
	__u32 len = s->payload_pos;
	__u32 nparams = s->nparams;
	*(__u64 *)&s->data[0] = ts;
	*(__u64 *)&s->data[8] = tid;
	*(__u32 *)&s->data[16] = len;
	*(__u16 *)&s->data[20] = type;
	*(__u32 *)&s->data[22] = nparams; /* unaligned: allowed on x86 */
	if (s->truncated)
		c->truncated++;
	__u32 cpu = bpf_get_smp_processor_id();
	void *rb = bpf_map_lookup_elem(&ringbufs, &cpu);
	if (!rb) {
		c->no_ring++;
		return;
	}
	if (cat >= DROP_CATEGORIES)
		cat = DROP_SYSCALL;
	if (bpf_ringbuf_output(rb, s->data, len & SCRATCH_MASK, BPF_RB_NO_WAKEUP)) {
		c->drops[cat]++;
		return;
	}
	c->events++;
	c->bytes += len;
}

#endif
