package dev.ioguard.exporter.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent measurement of block service times for one device: bpftrace on the classic
 * block_rq_issue / block_rq_complete tracepoints keyed by (dev, sector), as biosnoop did, summing
 * complete - issue. Shares no code with ioguard. Not thread-safe: one test owns it.
 */
public final class ServiceTimeTracer implements AutoCloseable {
    private static final Pattern RESULT = Pattern.compile("@(n|sum): (\\d+)");

    private final Process process;
    private final Path output;

    public record Totals(long requests, long sumNs) {}

    private ServiceTimeTracer(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts tracing completions of the device with this major:minor; waits until attached. */
    public static ServiceTimeTracer start(int major, int minor) throws Exception {
        long dev = ((long) major << 20) | minor;
        String script = "tracepoint:block:block_rq_issue /args->dev == " + dev + "/ {"
                + " @start[args->sector] = nsecs; }"
                + " tracepoint:block:block_rq_complete /args->dev == " + dev
                + " && @start[args->sector]/ {"
                + " @sum = sum(nsecs - @start[args->sector]); @n = count();"
                + " delete(@start[args->sector]); }"
                + " END { clear(@start); }";
        Path output = Files.createTempFile(Files.createTempDirectory("bpftrace-oracle"), "trace", ".out");
        Process p = new ProcessBuilder("bpftrace", "-e", script).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        ServiceTimeTracer tracer = new ServiceTimeTracer(p, output);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(output).contains("Attaching")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                tracer.close();
                throw new IllegalStateException("bpftrace did not attach: " + Files.readString(output));
            }
            Thread.sleep(50);
        }
        Thread.sleep(500); // "Attaching" is printed just before the probes go live
        return tracer;
    }

    /** Stops tracing (SIGINT, so bpftrace prints its maps) and returns what it measured. */
    public Totals stop() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("bpftrace did not stop");
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        long n = 0;
        long sum = 0;
        Matcher m = RESULT.matcher(text);
        while (m.find()) {
            if (m.group(1).equals("n")) {
                n = Long.parseLong(m.group(2));
            } else {
                sum = Long.parseLong(m.group(2));
            }
        }
        return new Totals(n, sum);
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(output);
        Files.deleteIfExists(output.getParent());
    }
}
