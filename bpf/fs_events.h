/* SPDX-License-Identifier: GPL-2.0 */
/* Filesystem failure events crossing the ring buffer (mirrored by FsEventLayout.java). */
#ifndef IOGUARD_FS_EVENTS_H
#define IOGUARD_FS_EVENTS_H

enum fs_event_kind {
	FS_EVENT_EXT4_ERROR = 1,
};

#define FS_ID_LEN 32
#define FS_FUNCTION_LEN 64
#define TASK_COMM_LEN 16

struct fs_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 kind;         /* enum fs_event_kind */
	__u32 dev;          /* superblock dev_t, kernel encoding */
	__u32 line;
	__u32 pid;
	char comm[TASK_COMM_LEN];
	char fs_id[FS_ID_LEN];      /* sb->s_id, e.g. "loop3" */
	char function[FS_FUNCTION_LEN];
};

struct fs_count_key {
	__u32 dev;
	__u32 kind;
};

#endif
