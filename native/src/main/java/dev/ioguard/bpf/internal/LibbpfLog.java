package dev.ioguard.bpf.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Thread-safe. Receives every libbpf message through {@code libbpf_set_print} (installed on first
 * use of the binding, for the life of the process) and
 * <ul>
 *   <li>before {@link #routeToJava()}: prints warn and info messages to stderr, as libbpf's own
 *       default does; after it: logs each to the {@link System.Logger} {@value #LOGGER_NAME}
 *       (warn = WARNING, info = INFO, debug = DEBUG);</li>
 *   <li>keeps the warn messages a thread emits inside a {@link Capture}, so that an exception for
 *       a failed call can quote libbpf's reason. libbpf prints on the calling thread.</li>
 * </ul>
 */
public final class LibbpfLog {
    public static final String LOGGER_NAME = "dev.ioguard.bpf.libbpf";
    /** {@code enum libbpf_print_level}. */
    static final int WARN = 0;
    static final int INFO = 1;
    static final int DEBUG = 2;

    private static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);
    private static final ThreadLocal<Capture> CAPTURE = new ThreadLocal<>();
    private static volatile boolean routed;

    static {
        try {
            var target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            // The callback stays installed until the process exits, so its stub lives in the global arena.
            MemorySegment stub = NativeLibrary.LINKER.upcallStub(target,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            LibbpfGlobals.setPrint(stub);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LibbpfLog() {}

    /** Installs the print callback (class initialisation does it once). */
    static void install() {}

    public static void routeToJava() {
        routed = true;
    }

    /** Starts keeping this thread's warn messages until the returned capture is closed. */
    public static Capture capture() {
        Capture capture = new Capture(CAPTURE.get());
        CAPTURE.set(capture);
        return capture;
    }

    /** Called by libbpf, on the thread that called into libbpf. Must never throw. */
    private static int print(int level, MemorySegment format, MemorySegment vaList) {
        try {
            Capture capture = level == WARN ? CAPTURE.get() : null;
            System.Logger.Level javaLevel = switch (level) {
                case WARN -> System.Logger.Level.WARNING;
                case INFO -> System.Logger.Level.INFO;
                default -> System.Logger.Level.DEBUG;
            };
            boolean toLogger = routed && LOGGER.isLoggable(javaLevel);
            boolean toStderr = !routed && level != DEBUG;
            if (capture == null && !toLogger && !toStderr) {
                return 0;
            }
            String message = VaListFormatter.format(format, vaList);
            if (capture != null) {
                capture.add(message);
            }
            if (toLogger) {
                LOGGER.log(javaLevel, message.stripTrailing());
            } else if (toStderr) {
                System.err.print(message);
            }
        } catch (Throwable ignored) {
            // An exception escaping an upcall kills the JVM; a lost log line is the lesser harm.
        }
        return 0;
    }

    /**
     * Not thread-safe: belongs to the thread that opened it. The warn messages libbpf printed on
     * this thread since {@link #capture()}; captures nest, and closing restores the outer one.
     */
    public static final class Capture implements AutoCloseable {
        /** Enough for a failed load (the verifier log is one message); older ones are dropped. */
        static final int MAX_MESSAGES = 64;

        private final Capture outer;
        private final ArrayDeque<String> messages = new ArrayDeque<>();

        private Capture(Capture outer) {
            this.outer = outer;
        }

        private void add(String message) {
            if (messages.size() == MAX_MESSAGES) {
                messages.removeFirst();
            }
            messages.addLast(message);
        }

        /** The messages so far, oldest first, each as libbpf formatted it (may span lines). */
        public List<String> messages() {
            return List.copyOf(messages);
        }

        @Override
        public void close() {
            if (CAPTURE.get() == this) {
                if (outer == null) {
                    CAPTURE.remove();
                } else {
                    CAPTURE.set(outer);
                }
            }
        }
    }
}
