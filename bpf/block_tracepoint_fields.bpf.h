/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading classic block tracepoints without kernel BTF: no CO-RE relocation, only the offsets
 * user space found in the format files (block_tracepoint_fields.h). The verifier refuses loads
 * from a context pointer moved by a variable, so each field is copied with a helper.
 */
#ifndef IOGUARD_BLOCK_TRACEPOINT_FIELDS_BPF_H
#define IOGUARD_BLOCK_TRACEPOINT_FIELDS_BPF_H

#include <bpf/bpf_helpers.h>
#include "block_tracepoint_fields.h"
#include "block_requests.h" /* enum io_direction */

const volatile struct block_tp_layout tp_layout = {};

/* What one classic block event says; fields the tracepoint lacks stay 0. */
struct tp_event {
	__u64 sector;
	__u32 dev;
	__u32 nr_sector;
	__u32 bytes;
	__s32 error;
	char rwbs[4];
};

static __always_inline void tp_read(void *ctx, const volatile struct tp_fields *f,
				    struct tp_event *e)
{
	bpf_probe_read_kernel(&e->dev, sizeof(e->dev), ctx + f->dev);
	bpf_probe_read_kernel(&e->sector, sizeof(e->sector), ctx + f->sector);
	bpf_probe_read_kernel(&e->nr_sector, sizeof(e->nr_sector), ctx + f->nr_sector);
	bpf_probe_read_kernel(&e->rwbs, sizeof(e->rwbs), ctx + f->rwbs);
	if (f->bytes)
		bpf_probe_read_kernel(&e->bytes, sizeof(e->bytes), ctx + f->bytes);
	if (f->error)
		bpf_probe_read_kernel(&e->error, sizeof(e->error), ctx + f->error);
}

/*
 * The operation as blk_fill_rwbs() wrote it: an optional 'F' (REQ_PREFLUSH), then the operation:
 * 'W' write, 'R' read, 'D' discard ("DE" secure erase), 'F' flush, 'N' anything else (write
 * zeroes, zone operations, passthrough), then flag letters (F, A, S, M) that never start it.
 */
#define RWBS_OP_FLUSH 0xff /* REQ_OP_FLUSH: the flush machinery's own request */

static __always_inline char rwbs_op(const char *rwbs, int *second)
{
	char c0 = rwbs[0], c1 = rwbs[1];

	if (c0 == 'F' && (c1 == 'W' || c1 == 'R' || c1 == 'D' || c1 == 'N' || c1 == 'F')) {
		*second = rwbs[2];
		return c1;
	}
	*second = c1;
	return c0;
}

/*
 * op_stat_group(), as diskstats groups: discard; odd operations (write, secure erase, write
 * zeroes) write; everything else read. 'N' cannot be told apart: counted as a write, as write
 * zeroes, the common one, is. Returns RWBS_OP_FLUSH for REQ_OP_FLUSH.
 */
static __always_inline __u32 rwbs_direction(const char *rwbs)
{
	int second;
	char op = rwbs_op(rwbs, &second);

	switch (op) {
	case 'R':
		return IO_DIR_READ;
	case 'D':
		return second == 'E' ? IO_DIR_WRITE : IO_DIR_DISCARD;
	case 'F':
		return RWBS_OP_FLUSH;
	default:
		return IO_DIR_WRITE;
	}
}

static __always_inline int rwbs_is_other(const char *rwbs)
{
	int second;

	return rwbs_op(rwbs, &second) == 'N';
}

#endif
