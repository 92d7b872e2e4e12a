package dev.ioguard.bpf;

import dev.ioguard.bpf.internal.LibbpfGlobals;
import dev.ioguard.bpf.internal.LibbpfLog;
import dev.ioguard.bpf.internal.NativeLibrary;

/**
 * Thread-safe: every method may be called from any thread. Process-wide facts about and settings
 * of the libbpf library in use ({@value NativeLibrary#LIBBPF}).
 */
public final class Libbpf {
    /** The System.Logger that {@link #routeLogToJava()} sends libbpf's messages to. */
    public static final String LOGGER_NAME = LibbpfLog.LOGGER_NAME;

    private Libbpf() {}

    /** Whether {@value NativeLibrary#LIBBPF} can be loaded; every other call here needs it. */
    public static boolean available() {
        return NativeLibrary.available();
    }

    /** libbpf's version, e.g. "v1.1". */
    public static String version() {
        NativeLibrary.requireAvailable();
        return LibbpfGlobals.version();
    }

    /**
     * The number of possible CPUs ({@code libbpf_num_possible_cpus}): the number of values a per-CPU
     * map holds per key, which can exceed the number of online CPUs.
     */
    public static int possibleCpus() {
        NativeLibrary.requireAvailable();
        return PossibleCpus.VALUE;
    }

    /**
     * From now on, sends libbpf's messages to the System.Logger {@value #LOGGER_NAME} (warn =
     * WARNING, info = INFO, debug = DEBUG) instead of stderr. Idempotent. Independently of this,
     * warnings printed during a failing call are quoted in its exception.
     */
    public static void routeLogToJava() {
        NativeLibrary.requireAvailable();
        LibbpfLog.routeToJava();
    }

    /** libbpf caches the count too; reading sysfs once is enough. */
    private static final class PossibleCpus {
        static final int VALUE = read();

        private static int read() {
            int cpus = LibbpfGlobals.possibleCpus();
            if (cpus <= 0) {
                throw Failures.of("libbpf_num_possible_cpus", "/sys/devices/system/cpu/possible", -cpus);
            }
            return cpus;
        }
    }
}
