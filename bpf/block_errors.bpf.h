/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What block_errors.bpf.c (tp_btf) and block_errors_classic.bpf.c share: the count per (device,
 * direction, status) and the event per failure. No kernel type is touched here.
 */
#ifndef IOGUARD_BLOCK_ERRORS_BPF_H
#define IOGUARD_BLOCK_ERRORS_BPF_H

#include <bpf/bpf_helpers.h>
#include "block_requests.h"
#include "block_errors.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rq_error_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct rq_error_key);
	__type(value, __u64);
} rq_errors SEC(".maps");

/* index 0: events lost because the ring buffer was full */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rq_error_dropped SEC(".maps");

/* Counts one failed completion and sends its event (or counts the event lost). */
static __always_inline void record_error(struct rq_error_key *key, __u64 sector, __u32 nr_bytes,
					 __u32 op)
{
	struct rq_error_event *e;
	__u64 *n, one = 1; /* not static const: .rodata holds only what user space configures */

	n = bpf_map_lookup_elem(&rq_errors, key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else if (bpf_map_update_elem(&rq_errors, key, &one, BPF_NOEXIST))
		if ((n = bpf_map_lookup_elem(&rq_errors, key)))
			__sync_fetch_and_add(n, 1); /* another CPU created it first */

	e = bpf_ringbuf_reserve(&rq_error_events, sizeof(*e), 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *dropped = bpf_map_lookup_elem(&rq_error_dropped, &zero);

		if (dropped)
			*dropped += 1;
		return;
	}
	e->timestamp_ns = bpf_ktime_get_ns();
	e->sector = sector;
	e->disk = key->disk;
	e->part = key->part;
	e->direction = key->direction;
	e->status = key->status;
	e->nr_bytes = nr_bytes;
	e->op = op;
	bpf_ringbuf_submit(e, 0);
}

#endif
