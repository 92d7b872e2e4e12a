/* SPDX-License-Identifier: GPL-2.0 */
/* What ext4's in-memory superblock says about error handling, for the filesystem programs. */
#ifndef IOGUARD_EXT4_BPF_H
#define IOGUARD_EXT4_BPF_H

#include "kernel_types.h"
#include <bpf/bpf_core_read.h>
#include "fs_events.h"

/* fs/ext4/ext4.h: the errors= bits of ext4_sb_info.s_mount_opt (unchanged since ext3). */
#define EXT4_MOUNT_ERRORS_CONT 0x00010
#define EXT4_MOUNT_ERRORS_RO 0x00020
#define EXT4_MOUNT_ERRORS_PANIC 0x00040
#define EXT4_MOUNT_ERRORS_MASK 0x00070

/* The errors= behaviour ext4_handle_error() applies to this ext4 superblock: enum fs_errors_mode. */
static __always_inline __u32 ext4_errors_mode(struct super_block *sb)
{
	struct ext4_sb_info *sbi = BPF_CORE_READ(sb, s_fs_info);
	unsigned int opt;

	if (!sbi)
		return FS_ERRORS_UNKNOWN;
	opt = BPF_CORE_READ(sbi, s_mount_opt) & EXT4_MOUNT_ERRORS_MASK;
	if (opt == EXT4_MOUNT_ERRORS_RO)
		return FS_ERRORS_REMOUNT_RO;
	if (opt == EXT4_MOUNT_ERRORS_PANIC)
		return FS_ERRORS_PANIC;
	if (opt == EXT4_MOUNT_ERRORS_CONT)
		return FS_ERRORS_CONTINUE;
	return FS_ERRORS_UNKNOWN;
}

#endif
