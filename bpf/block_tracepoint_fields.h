/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the fields of the classic block tracepoints lie in a program's context, read by user space
 * from each tracepoint's tracefs format file before load (mirrored by TracepointFields.java).
 * Offsets move between kernel versions (rwbs grew from 8 to 10 bytes, ioprio came in 6.x), and
 * reading them from the format file needs no kernel BTF.
 */
#ifndef IOGUARD_BLOCK_TRACEPOINT_FIELDS_H
#define IOGUARD_BLOCK_TRACEPOINT_FIELDS_H

/* Byte offsets into the trace entry; 0 where the tracepoint has no such field. */
struct tp_fields {
	__u32 dev;       /* dev_t, 4 bytes */
	__u32 sector;    /* sector_t, 8 bytes */
	__u32 nr_sector; /* 4 bytes */
	__u32 bytes;     /* 4 bytes (block_rq_insert/issue) */
	__u32 error;     /* int: a negative errno (block_rq_complete/error, block_bio_complete) */
	__u32 rwbs;      /* char[8 or 10]: the first 4 bytes are read */
};

/* The one .rodata variable of every *_classic.bpf.c object (its only constant). */
struct block_tp_layout {
	struct tp_fields rq_insert;
	struct tp_fields rq_issue;
	struct tp_fields rq_complete;
	struct tp_fields rq_error;
	struct tp_fields bio_queue;
	struct tp_fields bio_complete;
};

#endif
