package dev.ioguard.exporter.snapshot;

/**
 * What the kernel says about one attached BPF program: run count and time (kept only while
 * {@code kernel.bpf_stats_enabled=1}) and recursion misses (events it never saw, always kept).
 */
public record ProgramRun(String hook, String purpose, long runTimeNs, long runCount,
        long recursionMisses) {}
