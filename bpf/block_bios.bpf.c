// SPDX-License-Identifier: GPL-2.0
/*
 * Bio-stage block IO: the total time from a bio entering the block layer (after blk-throttle,
 * which holds bios before block_bio_queue fires) to its completion, per device and direction.
 * The only stage bio-based devices (zram, device-mapper, md) have; there diskstats counts bios.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "histogram.bpf.h"
#include "block_bios.h"

#define MAX_INFLIGHT 16384
#define MAX_DEVICE_KEYS 1024

#define REQ_OP_MASK 0xff
#define REQ_OP_FLUSH 2
#define REQ_OP_DISCARD 3

/*
 * Kept after completion with queue_ns = 0 (idle), as block_requests.bpf.c keeps its requests:
 * bios come from slab caches and per-CPU bio caches that hand the same addresses out again, so
 * an entry is mostly reused by a lookup and a write in place instead of an insert and a delete
 * (measured: 3-4 times cheaper, bench/RESULTS.md). The LRU map evicts idle entries first.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64); /* struct bio *: at completion the sector has advanced */
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

static __always_inline void self_count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&bio_self_stats, &which);

	if (v)
		*v += 1;
}

SEC("tp_btf/block_bio_queue")
int BPF_PROG(block_bio_queue, struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	struct gendisk *disk = bdev->bd_disk;
	__u32 op = bio->bi_opf & REQ_OP_MASK;
	struct bio_inflight entry = {
		.queue_ns = bpf_ktime_get_ns(),
		.bytes = bio->bi_iter.bi_size,
		.disk = IOGUARD_MKDEV(disk->major, disk->first_minor),
		.part = bdev->bd_dev,
		/* op_stat_group(), as diskstats groups bios on bio-based devices */
		.direction = op == REQ_OP_DISCARD ? IO_DIR_DISCARD : (op & 1) ? IO_DIR_WRITE : IO_DIR_READ,
	};
	__u64 key = (__u64)bio;
	struct bio_inflight *old = bpf_map_lookup_elem(&bio_inflight, &key);

	/* An empty flush is not accounted as an IO by bio-based drivers. */
	if (op == REQ_OP_FLUSH && !entry.bytes) {
		if (old)
			old->queue_ns = 0;
		return 0;
	}
	if (old)
		*old = entry;
	else if (bpf_map_update_elem(&bio_inflight, &key, &entry, BPF_ANY))
		self_count(BIO_SELF_INFLIGHT_FULL);
	return 0;
}

static __always_inline void bio_account(__u64 key, __u64 now)
{
	struct bio_inflight *entry = bpf_map_lookup_elem(&bio_inflight, &key);
	struct bio_stats *stats, *zero;
	struct rq_key sk;
	__u32 index = 0;

	if (!entry || !entry->queue_ns)
		return; /* queued before ioguard attached, or an empty flush */
	sk.disk = entry->disk;
	sk.part = entry->part;
	sk.direction = entry->direction;
	stats = bpf_map_lookup_elem(&bio_stats, &sk);
	if (!stats) {
		zero = bpf_map_lookup_elem(&zero_bio_stats, &index);
		if (zero)
			bpf_map_update_elem(&bio_stats, &sk, zero, BPF_NOEXIST);
		stats = bpf_map_lookup_elem(&bio_stats, &sk);
	}
	if (stats) {
		__sync_fetch_and_add(&stats->ops, 1);
		__sync_fetch_and_add(&stats->bytes, entry->bytes);
		hist_record(&stats->total, hist_duration_units(now - entry->queue_ns));
		hist_record(&stats->size, entry->bytes);
	} else {
		self_count(BIO_SELF_STATS_FULL);
	}
	entry->queue_ns = 0; /* idle until the address is queued again */
}

/*
 * A global (non-inlined) function: the verifier checks it once instead of once per bio of the
 * completion loop below, which would exceed its instruction budget. Takes the bio address as a
 * plain number (read with BPF_CORE_READ), as global functions cannot take kernel pointers.
 */
__noinline int bio_done(__u64 key, __u64 now)
{
	bio_account(key, now);
	return 0;
}

/*
 * Bio-based devices: fires for every bio block_bio_queue traced. On blk-mq devices the kernel
 * clears the bio's completion tracing in blk_update_request ("already traced" by
 * block_rq_complete), so there the request's completion ends its bios, below.
 */
SEC("tp_btf/block_bio_complete")
int BPF_PROG(block_bio_complete, struct request_queue *q, struct bio *bio)
{
	bio_account((__u64)bio, bpf_ktime_get_ns());
	return 0;
}

/* Bios per request followed at completion; a longer chain's tail is aged out by user space. */
#define MAX_BIOS_PER_REQUEST 32

/*
 * blk-mq devices: a (partial) completion completes the request's leading bios. The first bio is
 * accounted inline through the request's own (BTF-typed) pointer: a request of one bio, the
 * common case, then costs no helper call. Any further bios are followed as before, through
 * bio_done().
 */
SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, unsigned char error, unsigned int nr_bytes)
{
	struct bio *first = rq->bio, *bio;
	__u32 size, left = nr_bytes;
	__u64 now;
	int i;

	if (!first || !left)
		return 0;
	size = first->bi_iter.bi_size;
	if (size > left)
		return 0; /* completes in a later partial completion */
	now = bpf_ktime_get_ns();
	bio_account((__u64)first, now);
	left -= size;
	if (!left)
		return 0;
	bio = BPF_CORE_READ(first, bi_next);
	for (i = 1; i < MAX_BIOS_PER_REQUEST && bio && left; i++) {
		size = BPF_CORE_READ(bio, bi_iter.bi_size);
		if (size > left)
			break; /* this bio completes in a later partial completion */
		left -= size;
		bio_done((__u64)bio, now);
		bio = BPF_CORE_READ(bio, bi_next);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
