/* SPDX-License-Identifier: GPL-2.0 */
/* Request-stage block IO statistics, shared with the exporter (mirrored by RequestStatsLayout.java). */
#ifndef IOGUARD_BLOCK_REQUESTS_H
#define IOGUARD_BLOCK_REQUESTS_H

#include "histogram.h"

/* The groups /proc/diskstats counts in (op_stat_group() in the kernel). */
enum io_direction {
	IO_DIR_READ = 0,
	IO_DIR_WRITE = 1,
	IO_DIR_DISCARD = 2,
};

struct rq_key {
	__u32 disk;      /* whole disk, kernel dev_t (major << 20 | minor) */
	__u32 part;      /* partition accounted to; equals disk for unpartitioned IO */
	__u32 direction; /* enum io_direction */
};

/* Durations in 2^-30 s (hist_duration_units), sizes in bytes, depth in requests. */
struct rq_stats {
	__u64 ops;           /* completed requests, as /proc/diskstats counts them */
	__u64 bytes;         /* bytes of those requests, as issued */
	struct hist service; /* issue -> completion */
	struct hist queue;   /* insert into the scheduler -> issue; 0 when issued directly */
	struct hist size;    /* request size */
	struct hist depth;   /* requests in flight on the disk at issue, this one included */
};

/* Indexes of the self_stats array: things the programs could not account. */
enum rq_self_stat {
	RQ_SELF_NO_ISSUE = 0,      /* completed without a recorded issue (started before attach) */
	RQ_SELF_INFLIGHT_FULL = 1, /* issue not recorded: in-flight map full */
	RQ_SELF_STATS_FULL = 2,    /* completion not recorded: stats map full */
	RQ_SELF_NOT_ACCOUNTED = 3, /* completions the kernel does not account (no RQF_IO_STAT) */
	RQ_SELF_MAX = 4,
};

/*
 * In-flight requests, keyed by struct request * (tp_btf) or by struct rq_pos (classic
 * tracepoints); aged out by user space when stale.
 */
struct rq_inflight {
	__u64 insert_ns; /* 0 when not inserted into a scheduler queue */
	__u64 issue_ns;  /* 0 until issued */
	__u64 queue_ns;  /* insert -> issue */
	__u32 bytes;
	__u32 depth;
	__u32 disk;
	__u32 slot;  /* disk_slots index + 1 holding the disk's in-flight count; 0: disk_inflight */
	__u32 completed; /* bytes done by earlier partial completions (classic tracepoints only) */
};

/* The in-flight key of the classic tracepoint programs, which see no request pointer. */
struct rq_pos {
	__u32 dev; /* whole disk */
	__u32 pad;
	__u64 sector;
};

/* Slots of the per-disk in-flight counts, indexed by request queue id (block_requests.bpf.c). */
#define DISK_SLOTS 1024

/*
 * One 64-bit word, so that a disk takes a slot over and counts in it atomically: the whole disk's
 * kernel dev_t in the upper half (0: never used), DISK_SLOT_BIAS + requests issued and not
 * completed in the lower half (biased, so that adding -1 never borrows from the upper half).
 */
#define DISK_SLOT_BIAS 0x80000000ULL

struct disk_slot {
	__u64 state;
};

#endif
