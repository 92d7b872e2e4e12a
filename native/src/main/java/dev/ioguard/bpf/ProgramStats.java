package dev.ioguard.bpf;

/**
 * A program's run statistics as the kernel keeps them ({@code struct bpf_prog_info}). Immutable.
 *
 * @param runTimeNs       total time spent in the program; counted only while
 *                        {@code kernel.bpf_stats_enabled=1} (5.1+)
 * @param runCount        runs, counted under the same switch
 * @param recursionMisses times the program was not run because it was already running on that CPU
 *                        (an event it never saw; always counted, 5.12+)
 */
public record ProgramStats(long runTimeNs, long runCount, long recursionMisses) {}
