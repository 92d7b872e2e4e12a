/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel differences, in one place. Programs call the accessors here and never test versions.
 *
 * The accessors take BTF-typed pointers (tp_btf arguments) and read fields directly: the structs
 * are preserve_access_index, so each load is still a CO-RE relocation, and the verifier turns it
 * into a guarded load, several times cheaper than a bpf_probe_read_kernel helper call.
 */
#ifndef IOGUARD_CORE_FIXES_BPF_H
#define IOGUARD_CORE_FIXES_BPF_H

#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* Before 5.17 a request named its disk directly (rq->rq_disk); since then through its queue. */
struct request___rq_disk {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

#define IOGUARD_MKDEV(major, minor) (((__u32)(major) << 20) | (__u32)(minor))

static __always_inline struct gendisk *get_disk(struct request *rq)
{
	struct request___rq_disk *old = (void *)rq;

	if (bpf_core_field_exists(old->rq_disk))
		return old->rq_disk;
	return rq->q->disk;
}

/* The whole disk's dev_t in the kernel's encoding (major << 20 | minor). */
static __always_inline __u32 disk_dev(struct request *rq)
{
	struct gendisk *disk = get_disk(rq);

	if (!disk)
		return 0;
	return IOGUARD_MKDEV(disk->major, disk->first_minor);
}

/* The partition the kernel accounts the request to (the disk itself for unpartitioned IO). */
static __always_inline __u32 part_dev(struct request *rq, __u32 whole_disk)
{
	struct block_device *part = rq->part;

	/* Before 5.11 rq->part was a struct hd_struct: account to the whole disk there. */
	if (!part || !bpf_core_type_exists(struct block_device))
		return whole_disk;
	return part->bd_dev;
}

/*
 * RQF_IO_STAT and RQF_FLUSH_SEQ: enum bit numbers since 6.3, #defines before (1 << 13 and
 * 1 << 4 from 4.x to 6.2).
 */
static __always_inline __u32 rqf_io_stat(void)
{
	if (bpf_core_enum_value_exists(enum rqf_flags, __RQF_IO_STAT))
		return 1U << bpf_core_enum_value(enum rqf_flags, __RQF_IO_STAT);
	return 1U << 13;
}

static __always_inline __u32 rqf_flush_seq(void)
{
	if (bpf_core_enum_value_exists(enum rqf_flags, __RQF_FLUSH_SEQ))
		return 1U << bpf_core_enum_value(enum rqf_flags, __RQF_FLUSH_SEQ);
	return 1U << 4;
}

/*
 * block_rq_issue / block_rq_insert took (struct request_queue *, struct request *) before 5.11
 * (and on some distribution 5.10 kernels after it): user space counts the BTF arguments and sets
 * this flag, so the request is the second argument.
 */
const volatile bool rq_tp_has_queue_arg = false;

static __always_inline struct request *rq_tp_request(unsigned long long *ctx)
{
	unsigned long long rq;

	/*
	 * Two loads at constant offsets, never one at ctx + flag * 8, which clang makes of a plain
	 * branch or ternary: the verifier refuses any load through a modified context pointer
	 * ("dereference of modified ctx ptr"). The barrier keeps the branches apart.
	 */
	if (rq_tp_has_queue_arg) {
		rq = ctx[1];
		barrier_var(rq);
	} else {
		rq = ctx[0];
	}
	return (struct request *)rq;
}

#endif
