// SPDX-License-Identifier: GPL-2.0
/*
 * Failed block requests (block_errors.bpf.c) on classic tracepoints, for kernels without BTF:
 * fields at the offsets user space found in the tracefs format files, no CO-RE relocation. The
 * events carry the errno the kernel made of the block status (blk_status_to_errno), not the status
 * itself: the status field holds that errno, positive, and user space names it. Everything is
 * accounted to the whole disk (the events name no partition), and the operation is known only as
 * far as rwbs tells it (op: 0 read, 1 write, 3 discard).
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include "block_errors.bpf.h"
#include "block_tracepoint_fields.bpf.h"

static __always_inline int on_error(void *ctx, const volatile struct tp_fields *fields)
{
	struct rq_error_key key = {};
	struct tp_event e = {};
	__u32 direction;

	tp_read(ctx, fields, &e);
	if (!e.error)
		return 0;
	direction = rwbs_direction(e.rwbs);
	key.disk = e.dev;
	key.part = e.dev;
	key.direction = direction == RWBS_OP_FLUSH ? IO_DIR_READ : direction;
	key.status = -e.error;
	record_error(&key, e.sector, e.nr_sector << 9,
		     key.direction == IO_DIR_DISCARD ? 3 : key.direction == IO_DIR_WRITE ? 1 : 0);
	return 0;
}

/* Fires once per failed completion. */
SEC("tracepoint/block/block_rq_error")
int block_rq_error(void *ctx)
{
	return on_error(ctx, &tp_layout.rq_error);
}

/* Kernels without block_rq_error: the completion's error says the same. */
SEC("tracepoint/block/block_rq_complete")
int block_rq_complete_error(void *ctx)
{
	return on_error(ctx, &tp_layout.rq_complete);
}

char LICENSE[] SEC("license") = "GPL";
