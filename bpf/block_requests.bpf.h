/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The request-stage accounting that block_requests.bpf.c (tp_btf, keyed by request pointer) and
 * block_requests_classic.bpf.c (classic tracepoints, keyed by device and sector) share: the maps
 * user space reads, the in-flight bookkeeping and what a completion records. The including file
 * defines RQ_INFLIGHT_KEY, the type of an in-flight key. No kernel type is touched here.
 */
#ifndef IOGUARD_BLOCK_REQUESTS_BPF_H
#define IOGUARD_BLOCK_REQUESTS_BPF_H

#include <bpf/bpf_helpers.h>
#include "histogram.bpf.h"
#include "block_requests.h"

#define MAX_INFLIGHT 16384
#define MAX_DEVICE_KEYS 1024

/*
 * In-flight requests. The tp_btf object keeps an entry after completion: blk-mq preallocates its
 * requests (one per tag), so the same few pointers come back, and an entry is reused by a lookup
 * and a write in place. An insert and a delete per request cost 3-4 times more (measured:
 * bench/RESULTS.md). insert_ns == issue_ns == 0 marks an entry idle (not in flight). When more
 * distinct requests come by than it holds, the LRU map evicts the least recently used entry: an
 * idle one, unless a request stays in flight while MAX_INFLIGHT others pass (its completion then
 * counts as no_issue_seen).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, RQ_INFLIGHT_KEY);
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
 * in this hash for a queue id beyond the array, or where the queue id cannot be read (classic).
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

/* A request entered a scheduler queue (again, after a requeue). */
static __always_inline void rq_inserted(RQ_INFLIGHT_KEY *key)
{
	struct rq_inflight entry = { .insert_ns = bpf_ktime_get_ns() };
	struct rq_inflight *old = bpf_map_lookup_elem(&inflight, key);

	if (old) {
		/* idle, or requeued: off the device until issued again, then timed from this insert */
		if (old->issue_ns)
			disk_inflight_add(old->slot, old->disk, -1);
		old->issue_ns = 0;
		old->insert_ns = entry.insert_ns;
		return;
	}
	if (bpf_map_update_elem(&inflight, key, &entry, BPF_ANY))
		self_count(RQ_SELF_INFLIGHT_FULL);
}

/*
 * A request went to the device. slot: its disk's disk_slots index + 1, or 0 for the hash; both
 * used only on its first issue (a requeued request is still the one in flight).
 */
static __always_inline void rq_issued(RQ_INFLIGHT_KEY *key, __u32 bytes, __u32 disk, __u32 slot)
{
	__u64 now = bpf_ktime_get_ns();
	struct rq_inflight *entry = bpf_map_lookup_elem(&inflight, key);
	struct rq_inflight fresh = {};

	if (!entry) {
		entry = &fresh; /* first seen (or evicted), and not inserted into a scheduler queue */
	} else if (entry->issue_ns) {
		/* requeued and issued again: still one request in flight */
		entry->issue_ns = now;
		return;
	}
	entry->issue_ns = now;
	entry->queue_ns = entry->insert_ns ? now - entry->insert_ns : 0;
	entry->bytes = bytes;
	entry->completed = 0;
	entry->disk = disk;
	entry->slot = slot;
	entry->depth = disk_inflight_add(slot, disk, 1);
	if (entry == &fresh && bpf_map_update_elem(&inflight, key, &fresh, BPF_ANY)) {
		disk_inflight_add(fresh.slot, fresh.disk, -1);
		self_count(RQ_SELF_INFLIGHT_FULL);
	}
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

/* The request left: off its disk's in-flight count, and its entry idle. */
static __always_inline void forget(struct rq_inflight *entry)
{
	if (!entry)
		return;
	if (entry->issue_ns)
		disk_inflight_add(entry->slot, entry->disk, -1);
	entry->issue_ns = 0;
	entry->insert_ns = 0;
}

/*
 * A request completed as diskstats counts it: one operation, and its stages when its issue was
 * seen (else counted as no_issue_seen). Leaves the entry idle.
 */
static __always_inline void rq_account(struct rq_stats *stats, struct rq_inflight *entry)
{
	__sync_fetch_and_add(&stats->ops, 1);
	if (!entry || !entry->issue_ns) {
		self_count(RQ_SELF_NO_ISSUE);
		forget(entry);
		return;
	}
	__sync_fetch_and_add(&stats->bytes, entry->bytes);
	hist_record(&stats->service, hist_duration_units(bpf_ktime_get_ns() - entry->issue_ns));
	hist_record(&stats->queue, hist_duration_units(entry->queue_ns));
	hist_record(&stats->size, entry->bytes);
	hist_record(&stats->depth, entry->depth);
	forget(entry);
}

#endif
