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

#include "block_errors.bpf.h"

#define REQ_OP_MASK 0xff
#define REQ_OP_DISCARD 3

static __always_inline int on_error(struct request *rq, __u32 status, __u32 nr_bytes)
{
	__u32 op = rq->cmd_flags & REQ_OP_MASK;
	struct rq_error_key key = {
		.disk = disk_dev(rq),
		.status = status,
		.direction = op == REQ_OP_DISCARD ? IO_DIR_DISCARD : (op & 1) ? IO_DIR_WRITE : IO_DIR_READ,
	};

	key.part = part_dev(rq, key.disk);
	record_error(&key, rq->__sector, nr_bytes, op);
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
