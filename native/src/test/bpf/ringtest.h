/* Shared by ringtest.bpf.c and RingtestLayout.java: keep the two in step. */
#ifndef RINGTEST_H
#define RINGTEST_H

/* .rodata, set by the test through CollectionSpec.setInitialValue before load. */
struct ringtest_config {
	__u32 tgid;     /* offset 0 */
	__u32 tid;      /* offset 4 */
	__s64 syscall;  /* offset 8: the syscall number to report */
};

/* One ring buffer record per matching syscall entry. */
struct ringtest_event {
	__u32 tgid;     /* offset 0 */
	__u32 tid;      /* offset 4 */
	__s64 syscall;  /* offset 8 */
	__u64 seq;      /* offset 16: the running total from the array map */
};

#endif
