// SPDX-License-Identifier: GPL-2.0
/*
 * Request-stage block IO per device and direction, aggregated in the kernel: scheduler queue time
 * (insert -> issue), service time (issue -> completion), size, and the disk's queue depth at each
 * issue. Completions are counted where the kernel accounts them for /proc/diskstats
 * (block_io_done, 6.5+; the last block_rq_complete before), with the same filter, so that the
 * counts equal diskstats.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"

#define RQ_INFLIGHT_KEY __u64 /* struct request * */
#include "block_requests.bpf.h"

#define REQ_OP_MASK 0xff
#define REQ_OP_DISCARD 3

static __always_inline __u32 direction_of(struct request *rq)
{
	__u32 op = rq->cmd_flags & REQ_OP_MASK;

	/* op_stat_group(): discard, then odd ops write, everything else read */
	if (op == REQ_OP_DISCARD)
		return IO_DIR_DISCARD;
	return (op & 1) ? IO_DIR_WRITE : IO_DIR_READ;
}

/* The queue id, where the request_queue of this kernel has one (every kernel ioguard supports). */
struct request_queue___id {
	int id;
} __attribute__((preserve_access_index));

/*
 * The disk_slots index + 1 of a request's disk, or 0 for the disk_inflight hash. A queue id is
 * reused only once its queue is gone, so a disk met in a slot that names another disk takes it
 * over, count reset, in one compare-and-exchange (losing it means another CPU did the same).
 */
static __always_inline __u32 disk_slot_of(struct request *rq, __u32 disk)
{
	struct request_queue___id *q = (void *)rq->q;
	__u32 id = q ? q->id : DISK_SLOTS;
	struct disk_slot *slot;
	__u64 state;

	if (id >= DISK_SLOTS || !disk)
		return 0;
	slot = bpf_map_lookup_elem(&disk_slots, &id);
	if (!slot)
		return 0;
	state = slot->state;
	if ((__u32)(state >> 32) != disk)
		__sync_val_compare_and_swap(&slot->state, state, ((__u64)disk << 32) | DISK_SLOT_BIAS);
	return id + 1;
}

static __always_inline int on_done(struct request *rq)
{
	__u32 flags = rq->rq_flags;
	__u64 key = (__u64)rq;
	struct rq_inflight *entry = bpf_map_lookup_elem(&inflight, &key);
	struct rq_stats *stats;
	struct rq_key sk;

	/* Not accounted by the kernel (passthrough, the flush machinery's own flush_rq). */
	if (!(flags & rqf_io_stat())) {
		self_count(RQ_SELF_NOT_ACCOUNTED);
		forget(entry);
		return 0;
	}
	sk.disk = disk_dev(rq);
	sk.part = part_dev(rq, sk.disk);
	sk.direction = direction_of(rq);
	stats = stats_for(&sk);
	if (!stats) {
		self_count(RQ_SELF_STATS_FULL);
		forget(entry);
		return 0;
	}

	/*
	 * The data phase of a flush sequence ended: diskstats counts its sectors now and the request
	 * once the sequence completes (RQF_FLUSH_SEQ cleared), so do the same and keep the entry.
	 */
	if (flags & rqf_flush_seq()) {
		if (entry) {
			__sync_fetch_and_add(&stats->bytes, entry->bytes);
			entry->bytes = 0;
		}
		return 0;
	}
	rq_account(stats, entry);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(block_rq_insert)
{
	__u64 key = (__u64)rq_tp_request(ctx);

	rq_inserted(&key);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue)
{
	struct request *rq = rq_tp_request(ctx);
	__u64 key = (__u64)rq;
	__u32 disk = disk_dev(rq);

	rq_issued(&key, rq->__data_len, disk, disk_slot_of(rq, disk));
	return 0;
}

/* 6.5+: fires exactly where diskstats accounts a completed request. */
SEC("tp_btf/block_io_done")
int BPF_PROG(block_io_done, struct request *rq)
{
	return on_done(rq);
}

/* Before 6.5: the last (possibly partial) completion of a request finishes it. */
SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	if (nr_bytes < rq->__data_len)
		return 0;
	return on_done(rq);
}

char LICENSE[] SEC("license") = "GPL";
