/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bio-stage accounting that block_bios.bpf.c (tp_btf, keyed by bio pointer) and
 * block_bios_classic.bpf.c (classic tracepoints, keyed by device and sector) share: the maps user
 * space reads and what a completed bio records. The including file defines BIO_INFLIGHT_KEY.
 * No kernel type is touched here.
 */
#ifndef IOGUARD_BLOCK_BIOS_BPF_H
#define IOGUARD_BLOCK_BIOS_BPF_H

#include <bpf/bpf_helpers.h>
#include "histogram.bpf.h"
#include "block_bios.h"

#define MAX_INFLIGHT 16384
#define MAX_DEVICE_KEYS 1024

/*
 * The tp_btf object keeps entries after completion with queue_ns = 0 (idle), as
 * block_requests.bpf.c keeps its requests: bios come from slab caches and per-CPU bio caches that
 * hand the same addresses out again, so an entry is mostly reused by a lookup and a write in
 * place instead of an insert and a delete (measured: 3-4 times cheaper, bench/RESULTS.md). The
 * LRU map evicts the least recently used entry: an idle one, unless a bio stays in flight while
 * MAX_INFLIGHT others pass.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, BIO_INFLIGHT_KEY);
	__type(value, struct bio_inflight);
} bio_inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_DEVICE_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rq_key);
	__type(value, struct bio_stats);
} bio_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bio_stats);
} zero_bio_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BIO_SELF_MAX);
	__type(key, __u32);
	__type(value, __u64);
} bio_self_stats SEC(".maps");

static __always_inline void bio_self_count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&bio_self_stats, &which);

	if (v)
		*v += 1;
}

/* A bio entered the block layer: starts its entry, or counts that the map was full. */
static __always_inline void bio_queued(BIO_INFLIGHT_KEY *key, struct bio_inflight *entry)
{
	struct bio_inflight *old = bpf_map_lookup_elem(&bio_inflight, key);

	if (old)
		*old = *entry;
	else if (bpf_map_update_elem(&bio_inflight, key, entry, BPF_ANY))
		bio_self_count(BIO_SELF_INFLIGHT_FULL);
}

static __always_inline struct bio_stats *bio_stats_for(struct bio_inflight *entry)
{
	struct rq_key sk = { .disk = entry->disk, .part = entry->part, .direction = entry->direction };
	struct bio_stats *stats = bpf_map_lookup_elem(&bio_stats, &sk), *zero;
	__u32 index = 0;

	if (stats)
		return stats;
	zero = bpf_map_lookup_elem(&zero_bio_stats, &index);
	if (zero)
		bpf_map_update_elem(&bio_stats, &sk, zero, BPF_NOEXIST);
	stats = bpf_map_lookup_elem(&bio_stats, &sk);
	if (!stats)
		bio_self_count(BIO_SELF_STATS_FULL);
	return stats;
}

/*
 * A queued bio completed: its operation, bytes, total time (from its submission where the
 * fentry/submit_bio program saw it, else from its queueing) and size; its entry left idle.
 */
static __always_inline void bio_record(struct bio_stats *stats, struct bio_inflight *entry,
				       __u64 now)
{
	__u64 start = entry->submit_ns ? entry->submit_ns : entry->queue_ns;

	__sync_fetch_and_add(&stats->ops, 1);
	__sync_fetch_and_add(&stats->bytes, entry->bytes);
	hist_record(&stats->total, hist_duration_units(now - start));
	hist_record(&stats->size, entry->bytes);
	entry->queue_ns = 0; /* idle until the address is submitted or queued again */
	entry->submit_ns = 0;
}

#endif
