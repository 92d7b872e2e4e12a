// SPDX-License-Identifier: GPL-2.0
/*
 * Failed block requests: a count per (device, direction, block status), exact even when the ring
 * buffer is full, and an event per failure with the sector. Rare by nature, so each one may cross
 * the ring buffer.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "block_requests.h"
#include "block_errors.h"

#define REQ_OP_MASK 0xff
#define REQ_OP_DISCARD 3

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

static __always_inline int on_error(struct request *rq, __u32 status, __u32 nr_bytes)
{
	__u32 op = rq->cmd_flags & REQ_OP_MASK;
	struct rq_error_key key = {
		.disk = disk_dev(rq),
		.status = status,
		.direction = op == REQ_OP_DISCARD ? IO_DIR_DISCARD : (op & 1) ? IO_DIR_WRITE : IO_DIR_READ,
	};
	struct rq_error_event *e;
	static const __u64 one = 1;
	__u64 *n;

	key.part = part_dev(rq, key.disk);
	n = bpf_map_lookup_elem(&rq_errors, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else if (bpf_map_update_elem(&rq_errors, &key, &one, BPF_NOEXIST))
		if ((n = bpf_map_lookup_elem(&rq_errors, &key)))
			__sync_fetch_and_add(n, 1); /* another CPU created it first */

	e = bpf_ringbuf_reserve(&rq_error_events, sizeof(*e), 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *dropped = bpf_map_lookup_elem(&rq_error_dropped, &zero);

		if (dropped)
			*dropped += 1;
		return 0;
	}
	e->timestamp_ns = bpf_ktime_get_ns();
	e->sector = rq->__sector;
	e->disk = key.disk;
	e->part = key.part;
	e->direction = key.direction;
	e->status = status;
	e->nr_bytes = nr_bytes;
	e->op = op;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* Fires once per failed completion, before the request's bytes are consumed. */
SEC("tp_btf/block_rq_error")
int BPF_PROG(block_rq_error, struct request *rq, unsigned char error, unsigned int nr_bytes)
{
	return on_error(rq, error, nr_bytes);
}

/* Kernels without block_rq_error: the completion's status says the same. */
SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete_error, struct request *rq, unsigned char error,
	     unsigned int nr_bytes)
{
	if (!error)
		return 0;
	return on_error(rq, error, nr_bytes);
}

char LICENSE[] SEC("license") = "GPL";
