/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types ioguard's BPF programs touch, declared by hand instead of a vendored
 * vmlinux.h (3+ MB, tied to one kernel build). Every struct is marked preserve_access_index, so
 * each field access is a CO-RE relocation that libbpf resolves against the running kernel's BTF:
 * only the field names and sizes below must be right, never their offsets or neighbours.
 * The build therefore never reads the build host's /sys/kernel/btf.
 */
#ifndef IOGUARD_KERNEL_TYPES_H
#define IOGUARD_KERNEL_TYPES_H

/* UAPI (map types, flags, __u32...) from linux-libc-dev: a stable ABI, not kernel internals. */
#include <linux/types.h>
#include <linux/bpf.h>

typedef __u32 dev_t;
typedef __u64 sector_t;
typedef _Bool bool;
enum { false = 0, true = 1 };

/* libbpf's bpf_helper_defs.h names these in helper prototypes; only pointers are used. */
struct pt_regs;

#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)

struct gendisk {
	int major;
	int first_minor;
};

struct block_device {
	dev_t bd_dev;
	struct gendisk *bd_disk;
};

struct request_queue {
	struct gendisk *disk;
};

struct request {
	struct request_queue *q;
	unsigned int cmd_flags;
	unsigned int rq_flags;
	unsigned int __data_len;
	sector_t __sector;
	struct bio *bio;
	struct block_device *part;
};

struct bvec_iter {
	sector_t bi_sector;
	unsigned int bi_size;
};

struct bio {
	struct bio *bi_next;
	struct block_device *bi_bdev;
	unsigned int bi_opf;
	struct bvec_iter bi_iter;
};

struct super_block {
	dev_t s_dev;
	void *s_fs_info;
	char s_id[32];
};

/* ext4's in-memory superblock (fs/ext4/ext4.h): the mount options, errors= among them. */
struct ext4_sb_info {
	unsigned int s_mount_opt;
};

/* xfs's mount (fs/xfs/xfs_mount.h): only the VFS superblock. */
struct xfs_mount {
	struct super_block *m_super;
};

#pragma clang attribute pop

/* Request flags became enum bit numbers in 6.3 (before: #defines, absent from BTF). */
enum rqf_flags {
	__RQF_FLUSH_SEQ = 1,
	__RQF_IO_STAT = 8,
};

#endif
