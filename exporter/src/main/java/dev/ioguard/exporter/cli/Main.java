package dev.ioguard.exporter.cli;

import dev.ioguard.bpf.BpfException;
import dev.ioguard.bpf.VerifierException;
import dev.ioguard.exporter.Exporter;
import dev.ioguard.exporter.Preflight;
import dev.ioguard.exporter.Version;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code ioguard} command. Exit codes: 0 after a clean stop (SIGTERM/SIGINT), 1 when the
 * exporter cannot run here (message on stderr), 2 for a bad command line. Stack traces only with
 * {@code IOGUARD_DEBUG=1}. Stdout carries event JSON lines and nothing else.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(Arrays.asList(args), System.getenv());
        } catch (UsageException e) {
            err.println("ioguard: " + e.getMessage());
            err.println("Try 'ioguard --help' for the flags.");
            return 2;
        }
        switch (options.mode()) {
            case HELP -> {
                out.print(Options.usage());
                return 0;
            }
            case VERSION -> {
                out.println("ioguard " + Version.current());
                return 0;
            }
            case RUN -> {
                return serve(options, out, err);
            }
        }
        return 2;
    }

    private static int serve(Options options, PrintStream out, PrintStream err) {
        Optional<String> problem = Preflight.check();
        if (problem.isPresent()) {
            err.println("ioguard: " + problem.get());
            return 1;
        }
        Exporter exporter;
        try {
            exporter = Exporter.start(options, out);
        } catch (IOException | RuntimeException e) {
            err.println("ioguard: " + describe(e));
            if ("1".equals(System.getenv("IOGUARD_DEBUG"))) {
                e.printStackTrace(err);
            }
            return 1;
        }
        err.println("ioguard " + Version.current() + " listening on " + options.listenAddress()
                + " (/metrics, /healthz); node " + options.nodeName());
        exporter.hooks().all().forEach(h -> err.println("  hook " + h.state().label() + ": "
                + h.name() + " (" + h.purpose() + ")"
                + (h.detail().isEmpty() ? "" : ": " + h.detail())));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exporter.close();
            stopped.countDown();
        }, "ioguard-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * One line for the user: what failed, on which object, and the verifier's last words; for a
     * refusal (EPERM), the capabilities this process lacks.
     */
    static String describe(Throwable e) {
        return describe(e, Preflight.capabilityHint());
    }

    static String describe(Throwable e, Optional<String> capabilityHint) {
        if (e instanceof BpfException b) {
            String text = b.getMessage();
            if (e instanceof VerifierException v) {
                // Without a log (refused before verifying, e.g. EPERM) the errno and libbpf's lines say why.
                text = "the kernel refused BPF program '" + v.programName() + "': "
                        + (v.log().isEmpty() ? b.getMessage() : String.join(" | ", v.lastLines(5)));
            }
            return "EPERM".equals(b.errnoName()) && capabilityHint.isPresent()
                    ? text + " -- " + capabilityHint.get() : text;
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
