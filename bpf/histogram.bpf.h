/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear histogram slots computed in the kernel, exactly the bucket boundaries of an
 * OpenTelemetry exponential histogram at scale 3 (base 2^(1/8)) and a Prometheus native histogram
 * of schema 3:
 *   slot 0        holds v == 0
 *   slot s >= 1   holds v in (2^((s-2)/8), 2^((s-1)/8)]   i.e. s = ceil(8 * log2 v) + 1
 * Upper-inclusive, like both formats: 4096 lands in the bucket that ends at 4096.
 * OpenTelemetry bucket index = s - 2; Prometheus native bucket index = s - 1.
 */
#ifndef IOGUARD_HISTOGRAM_BPF_H
#define IOGUARD_HISTOGRAM_BPF_H

#include "histogram.h"

/* floor(log2(v)) for v > 0, branch-light as in bcc's log2l. */
static __always_inline __u32 log2_floor(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xFFFF) << 4; v >>= shift; r |= shift;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

/*
 * Thresholds floor(2^(j/8) * 2^63) for j = 1..7. A mantissa m = v / 2^e in [1, 2), held as
 * v << (63 - e), is exact for every v < 2^64; since 2^(j/8) is irrational, "m > 2^(j/8)" is
 * exactly "mantissa > floor(threshold)". Pinned by a unit test on the Java side.
 */
#define HIST_T1 0x8B95C1E3EA8BD6E6ULL
#define HIST_T2 0x9837F0518DB8A96FULL
#define HIST_T3 0xA5FED6A9B15138EAULL
#define HIST_T4 0xB504F333F9DE6484ULL
#define HIST_T5 0xC5672A115506DADDULL
#define HIST_T6 0xD744FCCAD69D6AF4ULL
#define HIST_T7 0xEAC0C6E7DD24392EULL

static __always_inline __u32 hist_slot(__u64 v)
{
	__u32 e, sub;
	__u64 m;

	if (v == 0)
		return 0;
	e = log2_floor(v);
	m = v << (63 - e);
	if (m == (1ULL << 63)) {
		sub = 0; /* an exact power of two closes its bucket */
	} else {
		/* ceil(8 * log2 m) = 1 + the number of thresholds below m (binary search) */
		if (m > HIST_T4)
			sub = m > HIST_T6 ? (m > HIST_T7 ? 8 : 7) : (m > HIST_T5 ? 6 : 5);
		else
			sub = m > HIST_T2 ? (m > HIST_T3 ? 4 : 3) : (m > HIST_T1 ? 2 : 1);
	}
	e = e * HIST_SUB_BUCKETS + sub + 1;
	return e < HIST_SLOTS ? e : HIST_SLOTS - 1;
}

/*
 * Durations are recorded in units of 2^-30 s (~0.93 ns), not ns: then every bucket boundary is
 * 2^(k/8) seconds, so the buckets stay exact once exported in seconds (1 s = 2^30 units, whereas
 * 10^9 ns is no power of two). ns * 2^30 / 10^9 = ns * 2^21 / 1953125; clamped below 2^42 ns
 * (73 min) so that the shift cannot overflow.
 */
static __always_inline __u64 hist_duration_units(__u64 ns)
{
	if (ns > (1ULL << 42))
		ns = 1ULL << 42;
	return (ns << 21) / 1953125;
}

/* Record one value; concurrent CPUs update the same histogram, hence the atomics. */
static __always_inline void hist_record(struct hist *h, __u64 v)
{
	__u32 slot = hist_slot(v);

	if (slot >= HIST_SLOTS) /* for the verifier: hist_slot already clamps */
		slot = HIST_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum, v);
}

#endif
