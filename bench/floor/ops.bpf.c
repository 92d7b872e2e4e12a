// SPDX-License-Identifier: GPL-2.0
/*
 * What each operation a per-request program is made of costs on this kernel: every program here
 * runs on every block_rq_issue, and bpf_stats (kernel.bpf_stats_enabled=1) gives each one's ns/run;
 * the difference to op_empty is the operation's cost. Not part of ioguard.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} h SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pa SEC(".maps");

/* Nothing at all: the cost of being called (as bpf_stats sees it). */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(op_empty)
{
	return 0;
}

/* One bpf_ktime_get_ns(), kept in a per-CPU slot so it is not optimised away. */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(op_ktime)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&pa, &k);

	if (v)
		*v = bpf_ktime_get_ns();
	return 0;
}

/* One array lookup and an atomic add (the shared-counter pattern). */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(op_atomic)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&a, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

/* One hash lookup (a miss). */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(op_hash_lookup)
{
	__u64 key = ctx[0];

	return bpf_map_lookup_elem(&h, &key) ? 1 : 0;
}

/* One hash insert and its delete, keyed by the request pointer (the in-flight pattern). */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(op_hash_upd_del)
{
	__u64 key = ctx[0], val = 1;

	bpf_map_update_elem(&h, &key, &val, BPF_ANY);
	bpf_map_delete_elem(&h, &key);
	return 0;
}

/*
 * An LRU hash entry per request pointer that stays after completion (marked idle, reused when the
 * pointer comes back): a lookup and a write in place, an insert only the first time.
 */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(op_lru_persist)
{
	__u64 key = ctx[0], val = 1, *v = bpf_map_lookup_elem(&lru, &key);

	if (v)
		*v = 2;
	else
		bpf_map_update_elem(&lru, &key, &val, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
