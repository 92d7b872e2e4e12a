// SPDX-License-Identifier: GPL-2.0
/*
 * Administrative remounts: mount(2) with MS_REMOUNT, fsconfig(2) FSCONFIG_CMD_RECONFIGURE (after
 * FSCONFIG_SET_FLAG "ro"/"rw" on the same fs_context), and mount_setattr(2) changing
 * MOUNT_ATTR_RDONLY. Entry records what the call asks for, keyed by thread; exit sends it with
 * the return value through the ring buffer. Which superblock changed is left to user space,
 * which sees it in the mount table.
 *
 * Classic per-syscall tracepoints (syscalls:sys_enter_mount, ...), not raw sys_enter/sys_exit:
 * these programs run only for the three syscalls, while a raw_tp/tp_btf sys_enter program would
 * run, and filter, on every system call of the node.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "mount_syscalls.h"

/* include/uapi/linux/mount.h */
#define MS_RDONLY 0x1
#define MS_REMOUNT 0x20
#define FSCONFIG_SET_FLAG 0
#define FSCONFIG_CMD_RECONFIGURE 7
#define MOUNT_ATTR_RDONLY 0x1

#define MAX_PENDING 1024

/* Syscall tracepoint contexts as tracefs describes them: common fields, __syscall_nr, args. */
struct sys_enter_ctx {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__u64 args[6];
};

struct sys_exit_ctx {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__s64 ret;
};

/* struct mount_attr (uapi): the first two fields are all mount_setattr's read-only change needs. */
struct mount_attr_head {
	__u64 attr_set;
	__u64 attr_clr;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} mount_events SEC(".maps");

/* Calls between entry and exit, by pid_tgid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PENDING);
	__type(key, __u64);
	__type(value, struct mount_syscall_event);
} pending SEC(".maps");

/* fsconfig: the ro/rw flag set on a (tgid, fs_context fd) before FSCONFIG_CMD_RECONFIGURE. */
struct fs_context_key {
	__u32 tgid;
	__s32 fd;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_PENDING);
	__type(key, struct fs_context_key);
	__type(value, __u32);
} fs_context_ro SEC(".maps");

/* A zeroed event to start from: too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mount_syscall_event);
} scratch SEC(".maps");

/* index 0: events lost because the ring buffer was full; 1: calls not tracked, pending map full */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} mount_dropped SEC(".maps");

static __always_inline void dropped(__u32 reason)
{
	__u64 *n = bpf_map_lookup_elem(&mount_dropped, &reason);

	if (n)
		__sync_fetch_and_add(n, 1);
}

/* A fresh pending record for this thread, or NULL. */
static __always_inline struct mount_syscall_event *begin(__u32 syscall, __u32 readonly)
{
	__u32 zero = 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct mount_syscall_event *e = bpf_map_lookup_elem(&scratch, &zero);

	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	e->enter_ns = bpf_ktime_get_ns();
	e->syscall = syscall;
	e->readonly = readonly;
	e->pid = id >> 32;
	e->fd = -1;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

static __always_inline void remember(struct mount_syscall_event *e)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (bpf_map_update_elem(&pending, &id, e, BPF_ANY) < 0)
		dropped(1);
}

static __always_inline void finish(struct sys_exit_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct mount_syscall_event *p = bpf_map_lookup_elem(&pending, &id);
	struct mount_syscall_event *e;

	if (!p)
		return;
	e = bpf_ringbuf_reserve(&mount_events, sizeof(*e), 0);
	if (!e) {
		dropped(0);
	} else {
		__builtin_memcpy(e, p, sizeof(*e));
		e->exit_ns = bpf_ktime_get_ns();
		e->ret = ctx->ret;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&pending, &id);
}

SEC("tracepoint/syscalls/sys_enter_mount")
int mount_enter(struct sys_enter_ctx *ctx)
{
	/* mount(dev_name, dir_name, type, flags, data) */
	__u64 flags = ctx->args[3];
	struct mount_syscall_event *e;

	if (!(flags & MS_REMOUNT))
		return 0;
	e = begin(MOUNT_SYSCALL_MOUNT, flags & MS_RDONLY ? MOUNT_RO_SET : MOUNT_RO_CLEAR);
	if (!e)
		return 0;
	e->flags = flags;
	bpf_probe_read_user_str(e->target, sizeof(e->target), (const void *)ctx->args[1]);
	remember(e);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_mount")
int mount_exit(struct sys_exit_ctx *ctx)
{
	finish(ctx);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_fsconfig")
int fsconfig_enter(struct sys_enter_ctx *ctx)
{
	/* fsconfig(fd, cmd, key, value, aux) */
	struct fs_context_key key = { .tgid = bpf_get_current_pid_tgid() >> 32, .fd = ctx->args[0] };
	__u32 cmd = ctx->args[1];
	struct mount_syscall_event *e;
	__u32 *readonly;
	char name[4] = {};

	if (cmd == FSCONFIG_SET_FLAG) {
		__u32 request;

		if (bpf_probe_read_user_str(name, sizeof(name), (const void *)ctx->args[2]) != 3)
			return 0;
		if (name[0] == 'r' && name[1] == 'o')
			request = MOUNT_RO_SET;
		else if (name[0] == 'r' && name[1] == 'w')
			request = MOUNT_RO_CLEAR;
		else
			return 0;
		bpf_map_update_elem(&fs_context_ro, &key, &request, BPF_ANY);
		return 0;
	}
	if (cmd != FSCONFIG_CMD_RECONFIGURE)
		return 0;
	readonly = bpf_map_lookup_elem(&fs_context_ro, &key);
	e = begin(MOUNT_SYSCALL_FSCONFIG, readonly ? *readonly : MOUNT_RO_UNCHANGED);
	if (!e)
		return 0;
	e->fd = key.fd;
	bpf_map_delete_elem(&fs_context_ro, &key);
	remember(e);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_fsconfig")
int fsconfig_exit(struct sys_exit_ctx *ctx)
{
	finish(ctx);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_mount_setattr")
int mount_setattr_enter(struct sys_enter_ctx *ctx)
{
	/* mount_setattr(dfd, path, flags, uattr, usize) */
	struct mount_attr_head attr = {};
	struct mount_syscall_event *e;
	__u32 readonly;

	if (ctx->args[4] < sizeof(attr)
	    || bpf_probe_read_user(&attr, sizeof(attr), (const void *)ctx->args[3]) < 0)
		return 0;
	if (attr.attr_set & MOUNT_ATTR_RDONLY)
		readonly = MOUNT_RO_SET;
	else if (attr.attr_clr & MOUNT_ATTR_RDONLY)
		readonly = MOUNT_RO_CLEAR;
	else
		return 0;
	e = begin(MOUNT_SYSCALL_MOUNT_SETATTR, readonly);
	if (!e)
		return 0;
	e->flags = attr.attr_set;
	e->attr_clr = attr.attr_clr;
	e->fd = ctx->args[0];
	bpf_probe_read_user_str(e->target, sizeof(e->target), (const void *)ctx->args[1]);
	remember(e);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_mount_setattr")
int mount_setattr_exit(struct sys_exit_ctx *ctx)
{
	finish(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
