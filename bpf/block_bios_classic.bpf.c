// SPDX-License-Identifier: GPL-2.0
/*
 * The bio stage of block_bios.bpf.c on classic tracepoints, for kernels without BTF (or where
 * tp_btf cannot attach): no bio pointer and no CO-RE relocation, so bios are keyed by (device,
 * sector) as the events name them, with fields at the offsets user space found in the tracefs
 * format files. What differs:
 * - blk-mq devices: a request's completion (disk, sector, sectors done) ends the queued bios that
 *   lie back to back from its sector, as merges put them; a bio only partly done (a split bio, a
 *   partial completion) moves on to the sector where the rest continues.
 * - bio-based devices: block_bio_complete must name the sector the bio was queued at (zram does;
 *   a driver that advances the bio's sector before completing it does not).
 * - IO through a partition: bios name the partition, requests the disk. User space keeps the
 *   partition -> disk table part_disk, so that bios are keyed and accounted by their disk (as the
 *   requests are: there are no per-partition figures in this mode). A partition that appeared since
 *   user space last filled the table (every collection) is keyed by itself until then.
 * Completions that name no queued bio are counted (BIO_SELF_UNMATCHED).
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>

#define BIO_INFLIGHT_KEY struct rq_pos
#include "block_bios.bpf.h"
#include "block_tracepoint_fields.bpf.h"

/* Partition dev_t -> whole disk dev_t, filled by user space from sysfs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} part_disk SEC(".maps");

/* Bios per request followed at completion; a longer chain's tail is aged out by user space. */
#define MAX_BIOS_PER_REQUEST 32

SEC("tracepoint/block/block_bio_queue")
int block_bio_queue(void *ctx)
{
	struct bio_inflight entry = {};
	struct tp_event e = {};
	struct rq_pos key = {};
	__u32 direction, *disk;

	tp_read(ctx, &tp_layout.bio_queue, &e);
	direction = rwbs_direction(e.rwbs);
	/* An empty flush is not accounted as an IO by bio-based drivers. */
	if (direction == RWBS_OP_FLUSH && !e.nr_sector)
		return 0;
	disk = bpf_map_lookup_elem(&part_disk, &e.dev);
	key.dev = disk ? *disk : e.dev; /* the sector is the disk's already (remapped) */
	key.sector = e.sector;
	entry.queue_ns = bpf_ktime_get_ns();
	entry.bytes = e.nr_sector << 9;
	entry.left = entry.bytes;
	entry.disk = key.dev;
	entry.part = key.dev;
	entry.direction = direction == RWBS_OP_FLUSH ? IO_DIR_READ : direction;
	bio_queued(&key, &entry);
	return 0;
}

/* Bio-based devices: fires for every bio block_bio_queue traced. */
SEC("tracepoint/block/block_bio_complete")
int block_bio_complete(void *ctx)
{
	struct bio_inflight *entry;
	struct bio_stats *stats;
	struct tp_event e = {};
	struct rq_pos key = {};
	__u32 *disk;

	tp_read(ctx, &tp_layout.bio_complete, &e);
	disk = bpf_map_lookup_elem(&part_disk, &e.dev);
	key.dev = disk ? *disk : e.dev;
	key.sector = e.sector;
	entry = bpf_map_lookup_elem(&bio_inflight, &key);
	if (!entry || !entry->queue_ns) {
		bio_self_count(BIO_SELF_UNMATCHED);
		return 0;
	}
	stats = bio_stats_for(entry);
	if (stats)
		bio_record(stats, entry, bpf_ktime_get_ns());
	bpf_map_delete_elem(&bio_inflight, &key);
	return 0;
}

/* blk-mq devices: a (partial) request completion ends the bios it covers, from its sector on. */
SEC("tracepoint/block/block_rq_complete")
int block_rq_complete(void *ctx)
{
	struct bio_inflight *entry, moved;
	struct bio_stats *stats = 0;
	struct tp_event e = {};
	struct rq_pos key = {};
	__u64 now, next;
	__u32 left;
	int i;

	tp_read(ctx, &tp_layout.rq_complete, &e);
	left = e.nr_sector << 9;
	if (!left)
		return 0; /* the flush machinery's requests, a flush sequence's end: no data */
	key.dev = e.dev;
	key.sector = e.sector;
	now = bpf_ktime_get_ns();
	for (i = 0; i < MAX_BIOS_PER_REQUEST && left; i++) {
		entry = bpf_map_lookup_elem(&bio_inflight, &key);
		if (!entry || !entry->queue_ns) {
			if (i == 0)
				bio_self_count(BIO_SELF_UNMATCHED);
			return 0;
		}
		if (entry->left > left) {
			/* the rest of this bio completes later, from the sector after the part done */
			moved = *entry;
			moved.left -= left;
			bpf_map_delete_elem(&bio_inflight, &key);
			key.sector += left >> 9;
			bio_queued(&key, &moved);
			return 0;
		}
		left -= entry->left;
		next = key.sector + (entry->left >> 9);
		/* the bios of one request share disk and direction: one stats lookup */
		if (!stats)
			stats = bio_stats_for(entry);
		if (stats)
			bio_record(stats, entry, now);
		bpf_map_delete_elem(&bio_inflight, &key);
		key.sector = next;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
