// SPDX-License-Identifier: GPL-2.0
/*
 * Filesystem failures: each one is a ring buffer event and a count per (device, kind). The count
 * stays exact when the ring buffer is full; the drop itself is counted too.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "fs_events.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} fs_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct fs_count_key);
	__type(value, __u64);
} fs_counts SEC(".maps");

/* index 0: events lost because the ring buffer was full */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} fs_dropped SEC(".maps");

static __always_inline void count(__u32 dev, __u32 kind)
{
	struct fs_count_key key = { .dev = dev, .kind = kind };
	static const __u64 zero;
	__u64 *n = bpf_map_lookup_elem(&fs_counts, &key);

	if (!n) {
		bpf_map_update_elem(&fs_counts, &key, &zero, BPF_NOEXIST);
		n = bpf_map_lookup_elem(&fs_counts, &key);
		if (!n)
			return;
	}
	__sync_fetch_and_add(n, 1);
}

static __always_inline void emit(struct super_block *sb, __u32 kind, const char *function,
				 __u32 line)
{
	__u32 dev = BPF_CORE_READ(sb, s_dev);
	struct fs_event *e;

	count(dev, kind);
	e = bpf_ringbuf_reserve(&fs_events, sizeof(*e), 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *dropped = bpf_map_lookup_elem(&fs_dropped, &zero);

		if (dropped)
			*dropped += 1;
		return;
	}
	e->timestamp_ns = bpf_ktime_get_ns();
	e->kind = kind;
	e->dev = dev;
	e->line = line;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->fs_id, sb, s_id);
	if (function)
		bpf_probe_read_kernel_str(e->function, sizeof(e->function), function);
	else
		e->function[0] = 0;
	bpf_ringbuf_submit(e, 0);
}

SEC("tp_btf/ext4_error")
int BPF_PROG(ext4_error, struct super_block *sb, const char *function, unsigned int line)
{
	emit(sb, FS_EVENT_EXT4_ERROR, function, line);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
