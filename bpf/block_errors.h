/* SPDX-License-Identifier: GPL-2.0 */
/* Failed block requests: counts and ring buffer events (mirrored by BlockErrorLayout.java). */
#ifndef IOGUARD_BLOCK_ERRORS_H
#define IOGUARD_BLOCK_ERRORS_H

struct rq_error_key {
	__u32 disk;
	__u32 part;
	__u32 direction; /* enum io_direction */
	__u32 status;    /* blk_status_t */
};

struct rq_error_event {
	__u64 timestamp_ns; /* CLOCK_MONOTONIC */
	__u64 sector;
	__u32 disk;
	__u32 part;
	__u32 direction;
	__u32 status;
	__u32 nr_bytes;
	__u32 op;       /* REQ_OP_* */
};

#endif
