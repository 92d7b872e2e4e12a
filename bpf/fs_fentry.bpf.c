// SPDX-License-Identifier: GPL-2.0
/*
 * Optional: fentry on ext4_handle_error(), where every ext4 error path ends, including those that
 * fire no tracepoint (ext4_std_error(): journal aborts, IO errors from jbd2), with the errno and
 * whether the caller forces read-only. Own object, because kernels may refuse fentry programs at
 * load (EPERM) or lack trampolines; fs_events.bpf.c works without it.
 *
 * Signature since 5.11: (sb, force_ro, error, ino, block, func, line). Older kernels have
 * ext4_handle_error(sb) only: the verifier then refuses this program and the hook is reported
 * not used.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "fs_events.h"
#include "ext4.bpf.h"


struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} fs_fentry_events SEC(".maps");

/* index 0: events lost because the ring buffer was full */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} fs_fentry_dropped SEC(".maps");

SEC("fentry/ext4_handle_error")
int BPF_PROG(ext4_handle_error, struct super_block *sb, bool force_ro, int error, __u32 ino,
	     __u64 block, const char *func, unsigned int line)
{
	struct fs_event *e = bpf_ringbuf_reserve(&fs_fentry_events, sizeof(*e), 0);

	if (!e) {
		__u32 zero = 0;
		__u64 *dropped = bpf_map_lookup_elem(&fs_fentry_dropped, &zero);

		if (dropped)
			__sync_fetch_and_add(dropped, 1);
		return 0;
	}
	e->timestamp_ns = bpf_ktime_get_ns();
	e->kind = FS_EVENT_EXT4_HANDLE_ERROR;
	e->dev = BPF_CORE_READ(sb, s_dev);
	e->line = line;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->flags = force_ro;
	e->error = error;
	e->errors_mode = ext4_errors_mode(sb);
	e->ptag = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->fs_id, sb, s_id);
	if (!func || bpf_probe_read_kernel_str(e->function, sizeof(e->function), func) < 0)
		e->function[0] = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
