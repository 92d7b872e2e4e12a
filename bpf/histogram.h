/* SPDX-License-Identifier: GPL-2.0 */
/* The histogram layout shared by BPF programs and the exporter (mirrored by HistogramLayout.java). */
#ifndef IOGUARD_HISTOGRAM_H
#define IOGUARD_HISTOGRAM_H

#define HIST_SCALE 3                        /* OpenTelemetry scale = Prometheus native schema */
#define HIST_SUB_BUCKETS (1 << HIST_SCALE)  /* buckets per power of two */
/*
 * slot 0 is zero; slots 1..321 reach 2^40 (durations in 2^-30 s units: 1024 s; bytes: 1 TiB);
 * larger values clamp into the last slot.
 */
#define HIST_SLOTS (40 * HIST_SUB_BUCKETS + 2)

struct hist {
	__u64 sum;
	__u64 slots[HIST_SLOTS];
};

#endif
