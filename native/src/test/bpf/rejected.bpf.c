// SPDX-License-Identifier: GPL-2.0
/* A program the verifier must reject: it dereferences a map lookup without a NULL check. A hash
 * map, because recent verifiers (6.18 here) know that a constant in-range key into an array map
 * cannot miss and accept the same code for arrays. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(reads_null, void *regs, long id)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&slots, &key);

	return *value == (__u64)id;
}
