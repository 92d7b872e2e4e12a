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
#include "histogram.bpf.h"
#include "block_requests.h"

#define MAX_INFLIGHT 16384
#define MAX_DEVICE_KEYS 1024

#define REQ_OP_MASK 0xff
#define REQ_OP_DISCARD 3

/*
 * One entry per request pointer, kept after completion: blk-mq preallocates its requests (one per
 * tag), so the same few pointers come back, and an entry is reused by a lookup and a write in
 * place. An insert and a delete per request cost 3-4 times more (measured: bench/RESULTS.md).
 * insert_ns == issue_ns == 0 marks an entry idle (not in flight). An LRU map evicts the least
 * recently used entries, idle ones first, when more distinct requests than it holds come by.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64); /* struct request * */
	__type(value, struct rq_inflight);
} inflight SEC(".maps");

/* Allocated per device on first use: a key holds four histograms (~10 KiB). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_DEVICE_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rq_key);
	__type(value, struct rq_stats);
} rq_stats SEC(".maps");

/*
 * Requests issued and not completed, per whole disk (the kernel's /sys/block/<dev>/inflight):
 * in the slot of disk_slots that the disk's request queue id (q->id, unique among live queues,
 * small: the kernel hands out the lowest free one) names, an array lookup the JIT inlines;
 * in this hash for a queue id beyond the array.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_DEVICE_KEYS);
	__type(key, __u32);
	__type(value, __s64);
} disk_inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DISK_SLOTS);
	__type(key, __u32);
	__type(value, struct disk_slot);
} disk_slots SEC(".maps");

/*
 * An all-zero value to create stats entries from: too large for the 512-byte BPF stack, and kept
 * out of .rodata so that .rodata holds only the configuration user space sets.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rq_stats);
} zero_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RQ_SELF_MAX);
	__type(key, __u32);
	__type(value, __u64);
} self_stats SEC(".maps");

static __always_inline void self_count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&self_stats, &which);

	if (v)
		*v += 1; /* per-CPU: no atomic needed */
}

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

/* Adds delta to the disk's in-flight count and returns the new value. */
static __always_inline __s64 disk_inflight_add(__u32 slot, __u32 disk, __s64 delta)
{
	__u32 index = slot - 1;
	struct disk_slot *ds;
	__s64 *n, zero = 0;

	if (slot) {
		ds = bpf_map_lookup_elem(&disk_slots, &index);
		if (!ds)
			return 0;
		return (__s64)((__sync_add_and_fetch(&ds->state, delta) & 0xffffffffULL) - DISK_SLOT_BIAS);
	}
	n = bpf_map_lookup_elem(&disk_inflight, &disk);
	if (!n) {
		bpf_map_update_elem(&disk_inflight, &disk, &zero, BPF_NOEXIST);
		n = bpf_map_lookup_elem(&disk_inflight, &disk);
		if (!n)
			return 0;
	}
	return __sync_add_and_fetch(n, delta);
}

static __always_inline int on_insert(struct request *rq)
{
	struct rq_inflight entry = { .insert_ns = bpf_ktime_get_ns() };
	__u64 key = (__u64)rq;
	struct rq_inflight *old = bpf_map_lookup_elem(&inflight, &key);

	if (old) {
		/* idle, or requeued: off the device until issued again, then timed from this insert */
		if (old->issue_ns)
			disk_inflight_add(old->slot, old->disk, -1);
		old->issue_ns = 0;
		old->insert_ns = entry.insert_ns;
		return 0;
	}
	if (bpf_map_update_elem(&inflight, &key, &entry, BPF_ANY))
		self_count(RQ_SELF_INFLIGHT_FULL);
	return 0;
}

static __always_inline int on_issue(struct request *rq)
{
	__u64 now = bpf_ktime_get_ns(), key = (__u64)rq;
	struct rq_inflight *entry = bpf_map_lookup_elem(&inflight, &key);
	struct rq_inflight fresh = {};

	if (!entry) {
		entry = &fresh; /* first seen (or evicted), and not inserted into a scheduler queue */
	} else if (entry->issue_ns) {
		/* requeued and issued again: still one request in flight */
		entry->issue_ns = now;
		return 0;
	}
	entry->issue_ns = now;
	entry->queue_ns = entry->insert_ns ? now - entry->insert_ns : 0;
	entry->bytes = rq->__data_len;
	entry->disk = disk_dev(rq);
	entry->slot = disk_slot_of(rq, entry->disk);
	entry->depth = disk_inflight_add(entry->slot, entry->disk, 1);
	if (entry == &fresh && bpf_map_update_elem(&inflight, &key, &fresh, BPF_ANY)) {
		disk_inflight_add(fresh.slot, fresh.disk, -1);
		self_count(RQ_SELF_INFLIGHT_FULL);
	}
	return 0;
}

static __always_inline struct rq_stats *stats_for(struct rq_key *key)
{
	struct rq_stats *stats = bpf_map_lookup_elem(&rq_stats, key);
	__u32 index = 0;
	struct rq_stats *zero;

	if (stats)
		return stats;
	zero = bpf_map_lookup_elem(&zero_stats, &index);
	if (!zero)
		return 0;
	bpf_map_update_elem(&rq_stats, key, zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&rq_stats, key);
}

/* The request left: off its disk's in-flight count, and its entry idle for the pointer's next use. */
static __always_inline void forget(struct rq_inflight *entry)
{
	if (!entry)
		return;
	if (entry->issue_ns)
		disk_inflight_add(entry->slot, entry->disk, -1);
	entry->issue_ns = 0;
	entry->insert_ns = 0;
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

	__sync_fetch_and_add(&stats->ops, 1);
	if (!entry || !entry->issue_ns) {
		self_count(RQ_SELF_NO_ISSUE);
		forget(entry);
		return 0;
	}
	__sync_fetch_and_add(&stats->bytes, entry->bytes);
	hist_record(&stats->service, hist_duration_units(bpf_ktime_get_ns() - entry->issue_ns));
	hist_record(&stats->queue, hist_duration_units(entry->queue_ns));
	hist_record(&stats->size, entry->bytes);
	hist_record(&stats->depth, entry->depth);
	forget(entry);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(block_rq_insert)
{
	return on_insert(rq_tp_request(ctx));
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue)
{
	return on_issue(rq_tp_request(ctx));
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
