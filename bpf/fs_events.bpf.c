// SPDX-License-Identifier: GPL-2.0
/*
 * Filesystem failures: each one is a ring buffer event and a count per (device, kind). The count
 * stays exact when the ring buffer is full; the drop itself is counted too.
 *
 * Each failure has a tp_btf program (the baseline: no tracefs needed) and a classic tracepoint
 * twin for kernels whose BTF lacks the tracepoint (ext4 or xfs built as a module without module
 * BTF); user space loads one of the two. Every SEC() is a thin wrapper over emit().
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "fs_events.h"
#include "ext4.bpf.h"


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

/* What a hook knows about one failure; fields a hook cannot see stay zero. */
struct failure {
	__u32 kind;
	__u32 dev;
	__u32 line;
	__u32 flags;
	__u32 ptag;
	__u32 errors_mode;
	struct super_block *sb;   /* tp_btf: for s_id; NULL from classic tracepoints */
	const char *function;     /* kernel pointer to a NUL-terminated name */
};

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

static __always_inline void emit(const struct failure *f)
{
	struct super_block *sb = f->sb;
	struct fs_event *e;

	count(f->dev, f->kind);
	e = bpf_ringbuf_reserve(&fs_events, sizeof(*e), 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *dropped = bpf_map_lookup_elem(&fs_dropped, &zero);

		if (dropped)
			__sync_fetch_and_add(dropped, 1);
		return;
	}
	e->timestamp_ns = bpf_ktime_get_ns();
	e->kind = f->kind;
	e->dev = f->dev;
	e->line = f->line;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->flags = f->flags;
	e->error = 0;
	e->errors_mode = f->errors_mode;
	e->ptag = f->ptag;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (sb)
		BPF_CORE_READ_STR_INTO(&e->fs_id, sb, s_id);
	else
		e->fs_id[0] = 0;
	if (!f->function || bpf_probe_read_kernel_str(e->function, sizeof(e->function), f->function) < 0)
		e->function[0] = 0;
	bpf_ringbuf_submit(e, 0);
}

/* ---- tp_btf: the baseline ---- */

SEC("tp_btf/ext4_error")
int BPF_PROG(ext4_error, struct super_block *sb, const char *function, unsigned int line)
{
	struct failure f = {
		.kind = FS_EVENT_EXT4_ERROR,
		.dev = BPF_CORE_READ(sb, s_dev),
		.line = line,
		.errors_mode = ext4_errors_mode(sb),
		.sb = sb,
		.function = function,
	};

	emit(&f);
	return 0;
}

SEC("tp_btf/ext4_shutdown")
int BPF_PROG(ext4_shutdown, struct super_block *sb, unsigned long flags)
{
	struct failure f = {
		.kind = FS_EVENT_EXT4_SHUTDOWN,
		.dev = BPF_CORE_READ(sb, s_dev),
		.flags = flags,
		.sb = sb,
	};

	emit(&f);
	return 0;
}

SEC("tp_btf/xfs_force_shutdown")
int BPF_PROG(xfs_force_shutdown, struct xfs_mount *mp, int ptag, int flags, const char *fname,
	     int line_num)
{
	struct super_block *sb = BPF_CORE_READ(mp, m_super);
	struct failure f = {
		.kind = FS_EVENT_XFS_SHUTDOWN,
		.dev = BPF_CORE_READ(sb, s_dev),
		.line = line_num,
		.flags = flags,
		.ptag = ptag,
		.sb = sb,
		.function = fname,
	};

	emit(&f);
	return 0;
}

/*
 * ---- classic tracepoints: the fallback ----
 * Contexts as the tracefs format files describe them (a stable ABI, checked on 6.18); the first
 * 8 bytes are the common fields.
 */
struct ext4_error_ctx {
	__u64 common;
	__u32 dev;
	__u32 pad;
	const char *function;
	__u32 line;
};

struct ext4_shutdown_ctx {
	__u64 common;
	__u32 dev;
	__u32 flags;
};

struct xfs_force_shutdown_ctx {
	__u64 common;
	__u32 dev;
	__s32 ptag;
	__s32 flags;
	__u32 fname_loc; /* __data_loc: offset from the context in the low 16 bits */
	__s32 line_num;
};

SEC("tracepoint/ext4/ext4_error")
int ext4_error_classic(struct ext4_error_ctx *ctx)
{
	struct failure f = {
		.kind = FS_EVENT_EXT4_ERROR,
		.dev = ctx->dev,
		.line = ctx->line,
		.function = ctx->function,
	};

	emit(&f);
	return 0;
}

SEC("tracepoint/ext4/ext4_shutdown")
int ext4_shutdown_classic(struct ext4_shutdown_ctx *ctx)
{
	struct failure f = {
		.kind = FS_EVENT_EXT4_SHUTDOWN,
		.dev = ctx->dev,
		.flags = ctx->flags,
	};

	emit(&f);
	return 0;
}

SEC("tracepoint/xfs/xfs_force_shutdown")
int xfs_force_shutdown_classic(struct xfs_force_shutdown_ctx *ctx)
{
	/* The file name lives inside the trace record (kernel memory): point into it. */
	struct failure f = {
		.kind = FS_EVENT_XFS_SHUTDOWN,
		.dev = ctx->dev,
		.line = ctx->line_num,
		.flags = ctx->flags,
		.ptag = ctx->ptag,
		.function = (const char *)ctx + (ctx->fname_loc & 0xffff),
	};

	emit(&f);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
