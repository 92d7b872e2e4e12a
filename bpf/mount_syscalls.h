/* SPDX-License-Identifier: GPL-2.0 */
/* Administrative remounts seen at the mount syscalls (mirrored by MountSyscallLayout.java). */
#ifndef IOGUARD_MOUNT_SYSCALLS_H
#define IOGUARD_MOUNT_SYSCALLS_H

enum mount_syscall {
	MOUNT_SYSCALL_MOUNT = 1,         /* mount(2) with MS_REMOUNT */
	MOUNT_SYSCALL_FSCONFIG = 2,      /* fsconfig(2) FSCONFIG_CMD_RECONFIGURE */
	MOUNT_SYSCALL_MOUNT_SETATTR = 3, /* mount_setattr(2) setting or clearing MOUNT_ATTR_RDONLY */
};

/* What the call asks for, as far as read-only goes. */
enum mount_readonly_request {
	MOUNT_RO_UNCHANGED = 0, /* nothing said about ro/rw (fsconfig without a ro/rw flag) */
	MOUNT_RO_SET = 1,
	MOUNT_RO_CLEAR = 2,
};

#define MOUNT_TARGET_LEN 256
#define MOUNT_COMM_LEN 16

struct mount_syscall_event {
	__u64 enter_ns;   /* bpf_ktime_get_ns() at syscall entry: CLOCK_MONOTONIC */
	__u64 exit_ns;    /* ... and at exit */
	__s64 ret;        /* the syscall's return value (0 or -errno) */
	__u64 flags;      /* mount: its flags; mount_setattr: attr_set; fsconfig: 0 */
	__u64 attr_clr;   /* mount_setattr: attr_clr; else 0 */
	__u32 syscall;    /* enum mount_syscall */
	__u32 readonly;   /* enum mount_readonly_request */
	__u32 pid;        /* tgid */
	__s32 fd;         /* fsconfig: the fs_context fd; mount_setattr: dfd; mount: -1 */
	char comm[MOUNT_COMM_LEN];
	char target[MOUNT_TARGET_LEN]; /* mount: dir_name; mount_setattr: path; fsconfig: empty */
};

#endif
