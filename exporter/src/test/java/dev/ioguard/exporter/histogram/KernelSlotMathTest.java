package dev.ioguard.exporter.histogram;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ioguard.exporter.testsupport.ProjectFiles;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel's hist_slot() (bpf/histogram.bpf.h) and the Java model agree on every boundary: the C
 * code is compiled for the host with gcc and run over values around every bucket boundary.
 */
class KernelSlotMathTest {
    @Test
    void thresholdsAreFloorOfTwoToTheJOverEightTimesTwoToThe63() throws IOException {
        String header = Files.readString(ProjectFiles.root().resolve("bpf/histogram.bpf.h"));
        for (int j = 1; j < 8; j++) {
            String hex = header.replaceAll("(?s).*#define HIST_T" + j + " 0x([0-9A-Fa-f]+)ULL.*", "$1");
            BigInteger t = new BigInteger(hex, 16);
            // floor(2^(j/8) * 2^63) = t  <=>  t^8 < 2^j * 2^(63*8) < (t+1)^8
            BigInteger target = BigInteger.ONE.shiftLeft(j + 63 * 8);
            assertEquals(-1, t.pow(8).compareTo(target), "HIST_T" + j + " too large");
            assertEquals(1, t.add(BigInteger.ONE).pow(8).compareTo(target), "HIST_T" + j + " too small");
        }
    }

    @Test
    void compiledKernelSlotFunctionMatchesTheModel(@TempDir Path dir) throws Exception {
        KernelAssumptions.requireProgram("gcc");
        Path bpf = ProjectFiles.root().resolve("bpf");
        Path harness = dir.resolve("slots.c");
        Files.writeString(harness, """
                #include <stdio.h>
                #include <stdlib.h>
                #include <linux/types.h>
                #define __always_inline inline __attribute__((always_inline))
                #include "histogram.bpf.h"
                int main(int argc, char **argv) {
                    unsigned long long v;
                    while (scanf("%llu", &v) == 1)
                        printf("%u %llu\\n", hist_slot(v), hist_duration_units(v));
                    return 0;
                }
                """);
        Path exe = dir.resolve("slots");
        run(List.of("gcc", "-O2", "-I" + bpf, "-o", exe.toString(), harness.toString()), null);

        List<Long> values = new ArrayList<>(List.of(0L, 1L, 2L, 3L, Long.MAX_VALUE, -1L));
        for (int slot = 2; slot < LogLinearBuckets.SLOTS; slot++) {
            long boundary = (long) Math.floor(LogLinearBuckets.upperBound(slot));
            for (long d = -2; d <= 2; d++) {
                if (boundary + d > 0) {
                    values.add(boundary + d);
                }
            }
        }
        StringBuilder input = new StringBuilder();
        values.forEach(v -> input.append(Long.toUnsignedString(v)).append('\n'));
        String[] lines = run(List.of(exe.toString()), input.toString()).split("\n");
        assertEquals(values.size(), lines.length);
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            String[] parts = lines[i].split(" ");
            int expected = v < 0 ? LogLinearBuckets.SLOTS - 1 : LogLinearBuckets.slotOf(v);
            assertEquals(expected, Integer.parseInt(parts[0]), "slot of " + Long.toUnsignedString(v));
            if (v >= 0 && v < 1L << 42) {
                // 2^-30 s units: ns * 2^30 / 10^9, truncated
                long units = BigInteger.valueOf(v).shiftLeft(30)
                        .divide(BigInteger.valueOf(1_000_000_000L)).longValueExact();
                assertEquals(units, Long.parseUnsignedLong(parts[1]), "units of " + v + " ns");
            }
        }
    }

    private static String run(List<String> command, String stdin) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes());
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + out);
        }
        return out;
    }
}
