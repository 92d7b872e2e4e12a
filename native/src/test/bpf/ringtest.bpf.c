// SPDX-License-Identifier: GPL-2.0
/* Test object for the binding: one map of each kind the exporter uses, a tp_btf program that
 * counts one thread's syscalls of one number and reports each through a ring buffer, and an
 * fentry program that this machine's kernel refuses (autoload switched off by default tests). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "ringtest.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct ringtest_config config = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} percpu_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

static __always_inline void bump(void *map, __u32 key)
{
	__u64 one = 1, *value = bpf_map_lookup_elem(map, &key);

	if (value)
		__sync_fetch_and_add(value, 1);
	else
		bpf_map_update_elem(map, &key, &one, BPF_NOEXIST);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, void *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, zero = 0;
	struct ringtest_event *event;
	__u64 *total;

	if ((__u32)(pid_tgid >> 32) != config.tgid || tid != config.tid || id != config.syscall)
		return 0;
	bump(&counts, tid);
	bump(&percpu_counts, tid);
	total = bpf_map_lookup_elem(&totals, &zero);
	if (!total)
		return 0;
	__sync_fetch_and_add(total, 1);

	event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event)
		return 0;
	event->tgid = pid_tgid >> 32;
	event->tid = tid;
	event->syscall = id;
	event->seq = *total;
	bpf_ringbuf_submit(event, 0);
	return 0;
}

/* fentry needs BPF trampolines; this kernel refuses the load with EPERM even for root. */
SEC("fentry/do_nanosleep")
int BPF_PROG(refused_fentry)
{
	return 0;
}
