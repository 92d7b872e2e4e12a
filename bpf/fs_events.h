/* SPDX-License-Identifier: GPL-2.0 */
/* Filesystem failure events crossing the ring buffer (mirrored by FsEventLayout.java). */
#ifndef IOGUARD_FS_EVENTS_H
#define IOGUARD_FS_EVENTS_H

enum fs_event_kind {
	FS_EVENT_EXT4_ERROR = 1,        /* ext4:ext4_error */
	FS_EVENT_EXT4_SHUTDOWN = 2,     /* ext4:ext4_shutdown */
	FS_EVENT_XFS_SHUTDOWN = 3,      /* xfs:xfs_force_shutdown */
	FS_EVENT_EXT4_HANDLE_ERROR = 4, /* fentry/ext4_handle_error (fs_fentry.bpf.c, optional) */
};

/* ext4's errors= behaviour in force when the event fired (EXT4_MOUNT_ERRORS_* of s_mount_opt). */
enum fs_errors_mode {
	FS_ERRORS_UNKNOWN = 0,   /* not ext4, or not readable from this hook */
	FS_ERRORS_CONTINUE = 1,
	FS_ERRORS_REMOUNT_RO = 2,
	FS_ERRORS_PANIC = 3,
};

#define FS_ID_LEN 32
#define FS_FUNCTION_LEN 64
#define TASK_COMM_LEN 16

struct fs_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 kind;         /* enum fs_event_kind */
	__u32 dev;          /* superblock dev_t, kernel encoding */
	__u32 line;
	__u32 pid;          /* tgid of the task the hook ran in */
	__u32 flags;        /* shutdown flags (ext4 EXT4_GOING_FLAGS_*, xfs SHUTDOWN_*); force_ro for kind 4 */
	__s32 error;        /* positive errno where the hook knows it (kind 4), else 0 */
	__u32 errors_mode;  /* enum fs_errors_mode */
	__u32 ptag;         /* xfs: the XFS_PTAG_* of a shutdown */
	char comm[TASK_COMM_LEN];
	char fs_id[FS_ID_LEN];      /* sb->s_id, e.g. "loop3"; empty from classic tracepoints */
	char function[FS_FUNCTION_LEN]; /* kernel function (ext4) or source file (xfs) */
};

struct fs_count_key {
	__u32 dev;
	__u32 kind;
};

#endif
