package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * libbpf's messages arrive as printf format plus va_list; routed to Java they are formatted and
 * logged under {@value Libbpf#LOGGER_NAME}. (System.Logger is backed by java.util.logging here.)
 */
class LibbpfLogRoutingTest {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(Libbpf.LOGGER_NAME);
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level previousLevel;

    @BeforeEach
    void listen() {
        assumeTrue(Libbpf.available(), "libbpf.so.1 is not loadable");
        Libbpf.routeLogToJava();
        Libbpf.routeLogToJava(); // idempotent
        previousLevel = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
    }

    @Test
    void warningsAreFormattedFromTheirVaListAndLoggedAsWarning() {
        String name = "garbage-" + ProcessHandle.current().pid();
        try {
            CollectionSpec.open(name, new byte[] {1, 2, 3, 4});
        } catch (BpfException expected) {
            // The log record is what this test is about.
        }

        // libbpf: pr_warn("elf: '%s' is not a proper ELF object\n", obj->path)
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.WARNING
                        && r.getMessage().equals("libbpf: elf: '" + name + "' is not a proper ELF object")),
                () -> "records: " + messages());
    }

    @Test
    void debugMessagesAreLoggedAsDebug() {
        try (CollectionSpec spec = Ringtest.open()) {
            assertTrue(spec.programNames().contains(Ringtest.PROGRAM));
        }

        // System.Logger DEBUG is java.util.logging FINE; libbpf: pr_debug("elf: section(%d) %s, size %ld, ...")
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.FINE
                        && r.getMessage().matches("libbpf: elf: section\\(\\d+\\) tp_btf/sys_enter, size \\d+.*")),
                () -> "records: " + messages());
    }

    private List<String> messages() {
        return records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList();
    }
}
