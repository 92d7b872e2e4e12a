// SPDX-License-Identifier: GPL-2.0
/*
 * Bio-stage block IO: the total time from a bio entering the block layer to its completion, per
 * device and direction. It starts at block_bio_queue, after blk-throttle held the bio, unless the
 * optional fentry/submit_bio program is live, which starts it before.
 * The only stage bio-based devices (zram, device-mapper, md) have; there diskstats counts bios.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"

#define BIO_INFLIGHT_KEY __u64 /* struct bio *: at completion the sector has advanced */
#include "block_bios.bpf.h"

#define REQ_OP_MASK 0xff
#define REQ_OP_FLUSH 2
#define REQ_OP_DISCARD 3

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
		if (old) {
			old->queue_ns = 0;
			old->submit_ns = 0;
		}
		return 0;
	}
	if (old) {
		/* submitted through submit_bio (fentry live): the total runs from there */
		entry.submit_ns = old->submit_ns;
		*old = entry;
	} else if (bpf_map_update_elem(&bio_inflight, &key, &entry, BPF_ANY)) {
		bio_self_count(BIO_SELF_INFLIGHT_FULL);
	}
	return 0;
}

/*
 * Optional, where the kernel allows fentry: submit_bio() is where filesystems, direct IO and
 * writeback hand a bio to the block layer, before submit_bio_noacct() lets blk-throttle hold it
 * (and before block_bio_queue fires), so cgroup IO limits on the device count in the total.
 * submit_bio rather than submit_bio_noacct: it is the exported entry, called once per bio from
 * other files, while submit_bio_noacct is inlined into submit_bio on some kernels (5.11-5.15) and
 * also sees split remainders and stacked drivers' resubmissions (those keep their first start,
 * or start at block_bio_queue).
 */
SEC("fentry/submit_bio")
int BPF_PROG(submit_bio, struct bio *bio)
{
	struct bio_inflight fresh = { .submit_ns = bpf_ktime_get_ns() };
	__u64 key = (__u64)bio;
	struct bio_inflight *old = bpf_map_lookup_elem(&bio_inflight, &key);

	if (old) {
		/* a bio is submitted once: whatever the address held before is over */
		old->queue_ns = 0;
		old->submit_ns = fresh.submit_ns;
		return 0;
	}
	if (bpf_map_update_elem(&bio_inflight, &key, &fresh, BPF_ANY))
		bio_self_count(BIO_SELF_INFLIGHT_FULL);
	return 0;
}

static __always_inline void bio_account(__u64 key, __u64 now)
{
	struct bio_inflight *entry = bpf_map_lookup_elem(&bio_inflight, &key);
	struct bio_stats *stats;

	if (!entry || !entry->queue_ns)
		return; /* queued before ioguard attached, or an empty flush */
	stats = bio_stats_for(entry);
	if (stats)
		bio_record(stats, entry, now);
	else
		entry->queue_ns = 0;
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
