// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of the per-IO cost: a program that does nothing on each block hook ioguard uses.
 * Attached with bench/lib/bpfload.py; bpf_stats then shows what this kernel (and this VM) charges
 * for one program run, and fio shows the IOPS that merely calling the programs costs.
 * Not part of ioguard.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/block_bio_queue")
int BPF_PROG(bio_queue) { return 0; }

SEC("tp_btf/block_rq_insert")
int BPF_PROG(rq_insert) { return 0; }

SEC("tp_btf/block_rq_issue")
int BPF_PROG(rq_issue) { return 0; }

SEC("tp_btf/block_io_done")
int BPF_PROG(io_done) { return 0; }

SEC("tp_btf/block_rq_complete")
int BPF_PROG(rq_complete) { return 0; }

SEC("tp_btf/block_bio_complete")
int BPF_PROG(bio_complete) { return 0; }

SEC("tp_btf/block_rq_error")
int BPF_PROG(rq_error) { return 0; }

char LICENSE[] SEC("license") = "GPL";
