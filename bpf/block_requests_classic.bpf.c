// SPDX-License-Identifier: GPL-2.0
/*
 * The request stages of block_requests.bpf.c on classic tracepoints, for kernels without BTF (or
 * where tp_btf cannot attach): no request pointer and no CO-RE relocation, so in-flight requests
 * are keyed by (disk, sector) as biosnoop did, and fields are read at the offsets user space found
 * in the tracefs format files. What this cannot see and how it approximates it:
 * - rq_flags: the kernel's diskstats filter is rebuilt from what the events say: REQ_OP_FLUSH
 *   (the flush machinery's own request) and passthrough ('N' at sector 0) are not accounted.
 * - completion is the block_rq_complete that covers the request's remaining bytes; a partial
 *   completion moves the entry to the sector where the rest continues.
 * - a request in a flush sequence completes twice: its data, then a zero-byte completion at the
 *   sector after its data when the sequence ends; the second is not counted again.
 * - partitions: the events name the whole disk only, so everything is accounted to the disk.
 * - two requests in flight at the same (disk, sector) share one entry: the second completion is
 *   counted with its bytes but untimed (no_issue_seen).
 * - the kernel skips a classic tracepoint's programs while another kprobe/tracepoint BPF program
 *   runs on that CPU (bpf_prog_active; tp_btf programs only guard against themselves): such
 *   completions are lost, and counted by the kernel as the program's misses.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>

#define RQ_INFLIGHT_KEY struct rq_pos
#include "block_requests.bpf.h"
#include "block_tracepoint_fields.bpf.h"

SEC("tracepoint/block/block_rq_insert")
int block_rq_insert(void *ctx)
{
	struct tp_event e = {};
	struct rq_pos key = {};

	tp_read(ctx, &tp_layout.rq_insert, &e);
	key.dev = e.dev;
	key.sector = e.sector;
	rq_inserted(&key);
	return 0;
}

SEC("tracepoint/block/block_rq_issue")
int block_rq_issue(void *ctx)
{
	struct tp_event e = {};
	struct rq_pos key = {};

	tp_read(ctx, &tp_layout.rq_issue, &e);
	key.dev = e.dev;
	key.sector = e.sector;
	/* no queue id without BTF: the disk's in-flight count lives in the disk_inflight hash */
	rq_issued(&key, e.bytes, e.dev, 0);
	return 0;
}

SEC("tracepoint/block/block_rq_complete")
int block_rq_complete(void *ctx)
{
	struct rq_inflight *entry, moved;
	struct rq_stats *stats;
	struct tp_event e = {};
	struct rq_pos key = {};
	struct rq_key sk;
	__u32 done;

	tp_read(ctx, &tp_layout.rq_complete, &e);
	key.dev = e.dev;
	key.sector = e.sector;
	entry = bpf_map_lookup_elem(&inflight, &key);
	sk.direction = rwbs_direction(e.rwbs);
	if (sk.direction == RWBS_OP_FLUSH || (rwbs_is_other(e.rwbs) && !e.sector)) {
		self_count(RQ_SELF_NOT_ACCOUNTED);
		goto drop;
	}
	if (entry && entry->issue_ns) {
		done = entry->completed + (e.nr_sector << 9);
		if (done < entry->bytes) {
			/* partial: the rest completes from the sector after the part done */
			moved = *entry;
			moved.completed = done;
			bpf_map_delete_elem(&inflight, &key);
			key.sector += e.nr_sector;
			if (bpf_map_update_elem(&inflight, &key, &moved, BPF_ANY)) {
				disk_inflight_add(moved.slot, moved.disk, -1);
				self_count(RQ_SELF_INFLIGHT_FULL);
			}
			return 0;
		}
	} else if (!e.nr_sector && (e.sector || sk.direction != IO_DIR_WRITE)) {
		/*
		 * Zero bytes, never issued: the end of a flush sequence, whose data completion was
		 * counted. Only an empty preflush write (sector 0) is an operation of its own, which
		 * diskstats counts as a write.
		 */
		return 0;
	}
	sk.disk = e.dev;
	sk.part = e.dev;
	stats = stats_for(&sk);
	if (!stats) {
		self_count(RQ_SELF_STATS_FULL);
		goto drop;
	}
	/*
	 * No issue seen (started before attach, or a second request in flight at the same sector took
	 * the first one's entry): the completion still tells the bytes.
	 */
	if (!entry || !entry->issue_ns)
		__sync_fetch_and_add(&stats->bytes, (__u64)e.nr_sector << 9);
	rq_account(stats, entry);
drop:
	if (entry) {
		forget(entry);
		/* (disk, sector) keys rarely come back, unlike request pointers: free the entry */
		bpf_map_delete_elem(&inflight, &key);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
