/* SPDX-License-Identifier: GPL-2.0 */
/* Bio-stage block IO statistics, shared with the exporter (mirrored by BioStatsLayout.java). */
#ifndef IOGUARD_BLOCK_BIOS_H
#define IOGUARD_BLOCK_BIOS_H

#include "histogram.h"
#include "block_requests.h" /* struct rq_key, enum io_direction */

struct bio_stats {
	__u64 ops;         /* completed bios: what diskstats counts on bio-based devices (zram, dm) */
	__u64 bytes;
	struct hist total; /* bio queued -> bio completed, 2^-30 s units */
	struct hist size;  /* bytes */
};

enum bio_self_stat {
	BIO_SELF_INFLIGHT_FULL = 0, /* queue not recorded: in-flight map full */
	BIO_SELF_STATS_FULL = 1,
	BIO_SELF_UNMATCHED = 2,     /* classic: a completion that named no queued bio (see *_classic) */
	BIO_SELF_MAX = 3,
};

struct bio_inflight {
	__u64 queue_ns;  /* block_bio_queue; 0 while not queued (idle, or submitted and held) */
	__u32 bytes;     /* the bio's size when queued: bi_iter advances as it completes */
	__u32 disk;
	__u32 part;
	__u32 direction;
	__u32 left;      /* classic: bytes not completed yet (a split bio ends in several requests) */
	__u32 pad;
	__u64 submit_ns; /* fentry/submit_bio, where live: the total's start, before blk-throttle */
};

#endif
