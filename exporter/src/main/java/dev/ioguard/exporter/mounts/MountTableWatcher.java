package dev.ioguard.exporter.mounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Watches a mount table and hands each new version to a listener.
 *
 * <p>Threading: {@link #start} reads the initial table on the calling thread, then one daemon thread
 * ({@code ioguard-mount-watcher}) makes every {@code onChange} call, one at a time: first with the initial table,
 * then with each table whose text differs from the previous one. An exception from {@code onChange} is
 * logged and watching goes on. {@link #mode()}, {@link #current()} and {@link #close()} may be called
 * from any thread, including from inside {@code onChange}.
 *
 * <p>Modes: on procfs the thread waits in {@code poll(2)} for {@code POLLPRI|POLLERR}, which the kernel
 * raises on every mount or unmount in the namespace ({@value #MODE_POLL}; seen within ~3 ms here). It
 * also re-reads the table every second (by default) regardless, because some changes raise no event: on
 * Linux 6.18 the ext4 {@code emergency_ro} transition adds an option to mountinfo without waking poll
 * (measured). Where poll cannot be used (a file that is not on procfs, or a failing downcall) the thread
 * only re-reads and compares ({@value #MODE_REREAD}). The mode in force is logged once, and again if poll fails
 * later and the watcher falls back.
 */
public final class MountTableWatcher implements AutoCloseable {

    /** Waits in poll(2) for the kernel's change notification, and re-reads periodically as well. */
    public static final String MODE_POLL = "poll";
    /** Re-reads periodically and compares. */
    public static final String MODE_REREAD = "reread";

    static final String THREAD_NAME = "ioguard-mount-watcher";
    private static final System.Logger LOG = System.getLogger(MountTableWatcher.class.getName());

    /** How long one poll(2) waits (bounding how long close() waits) and how often the table is re-read anyway. */
    record Timing(Duration pollTimeout, Duration rescanPeriod) {
        static final Timing DEFAULT = new Timing(Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    private final Path mountinfo;
    private final Consumer<MountTable> onChange;
    private final Timing timing;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile String mode;
    private volatile MountTable current;

    // Owned by the watcher thread once it runs.
    private PriorityPoll poll;
    private String lastText;
    private boolean readFailing;

    private MountTableWatcher(Path mountinfo, Consumer<MountTable> onChange, Timing timing) {
        this.mountinfo = mountinfo;
        this.onChange = onChange;
        this.timing = timing;
        this.thread = Thread.ofPlatform().name(THREAD_NAME).daemon().unstarted(this::run);
    }

    /**
     * Starts watching; {@code onChange} is called from the watcher thread, first with the initial table.
     *
     * @param mountinfo normally {@link MountTable#PROC_SELF_MOUNTINFO}
     * @throws UncheckedIOException when the initial table cannot be read
     */
    public static MountTableWatcher start(Path mountinfo, Consumer<MountTable> onChange) {
        return start(mountinfo, onChange, Timing.DEFAULT);
    }

    /**
     * As {@link #start(Path, Consumer)}, re-reading at another period than one second: shorter to see
     * changes that raise no event sooner (a 5,000-mount table costs ~9 ms of kernel time a read here),
     * longer to spend less.
     *
     * @throws IllegalArgumentException when the period is shorter than 10 ms
     */
    public static MountTableWatcher start(Path mountinfo, Duration rescanPeriod, Consumer<MountTable> onChange) {
        if (rescanPeriod.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("mount table re-read period must be at least 10 ms, not " + rescanPeriod);
        }
        return start(mountinfo, onChange, new Timing(Timing.DEFAULT.pollTimeout(), rescanPeriod));
    }

    static MountTableWatcher start(Path mountinfo, Consumer<MountTable> onChange, Timing timing) {
        Objects.requireNonNull(mountinfo, "mountinfo");
        Objects.requireNonNull(onChange, "onChange");
        MountTableWatcher watcher = new MountTableWatcher(mountinfo, onChange, timing);
        watcher.begin();
        return watcher;
    }

    /** {@value #MODE_POLL} or {@value #MODE_REREAD}. */
    public String mode() {
        return mode;
    }

    /** The latest table read (the one most recently passed, or about to be passed, to {@code onChange}). */
    public MountTable current() {
        return current;
    }

    /** Whether the watcher thread still runs; for tests of close(). */
    boolean threadAlive() {
        return thread.isAlive();
    }

    /**
     * Stops watching and waits for the watcher thread to end (at most one poll timeout, plus any
     * {@code onChange} call in progress); the thread then closes its file descriptor. Idempotent. From
     * inside {@code onChange} it only asks the thread to stop, as waiting for itself would never end.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stop.countDown();
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void begin() {
        String whyNotPoll = null;
        if (!onProcfs(mountinfo)) {
            whyNotPoll = mountinfo + " is not on procfs, so no change notification comes from it";
        } else {
            try {
                // Open before the first read: a change between the two is then reported, not lost.
                poll = PriorityPoll.open(mountinfo);
            } catch (IOException | RuntimeException | LinkageError e) {
                whyNotPoll = "poll(2) is not usable: " + e;
            }
        }
        long readNanos = System.nanoTime();
        try {
            lastText = MountTable.readText(mountinfo);
        } catch (UncheckedIOException e) {
            closePoll();
            throw e;
        }
        current = MountTable.parse(lastText, readNanos);
        if (poll != null) {
            mode = MODE_POLL;
            LOG.log(Level.INFO, "watching {0} for mount changes with poll(2) POLLPRI, and re-reading it every {1} ms "
                    + "for changes that raise no event (ext4 emergency_ro)", mountinfo, timing.rescanPeriod().toMillis());
        } else {
            mode = MODE_REREAD;
            LOG.log(Level.INFO, "watching {0} for mount changes by re-reading it every {1} ms: {2}",
                    mountinfo, timing.rescanPeriod().toMillis(), whyNotPoll);
        }
        thread.start();
    }

    private void run() {
        try {
            deliver(current);
            long nextRescan = System.nanoTime() + timing.rescanPeriod().toNanos();
            while (!closed.get()) {
                boolean due;
                if (poll != null) {
                    due = awaitChange() || System.nanoTime() - nextRescan >= 0;
                } else {
                    long wait = nextRescan - System.nanoTime();
                    if (wait > 0 && stop.await(wait, TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    due = true;
                }
                if (due && !closed.get()) {
                    nextRescan = System.nanoTime() + timing.rescanPeriod().toNanos();
                    refresh();
                }
            }
        } catch (InterruptedException e) {
            // Nobody but close() has a reason to interrupt this thread: end.
        } finally {
            closePoll();
        }
    }

    private boolean awaitChange() {
        try {
            return poll.awaitPriority((int) timing.pollTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            closePoll();
            mode = MODE_REREAD;
            LOG.log(Level.WARNING, "poll(2) on " + mountinfo + " failed; watching by re-reading every "
                    + timing.rescanPeriod().toMillis() + " ms from now on", e);
            return true;
        }
    }

    private void refresh() {
        String text;
        long readNanos = System.nanoTime();
        try {
            text = MountTable.readText(mountinfo);
        } catch (UncheckedIOException e) {
            if (!readFailing) {
                readFailing = true;
                LOG.log(Level.WARNING, "cannot re-read " + mountinfo + "; keeping the last table and retrying", e);
            }
            return;
        }
        if (readFailing) {
            readFailing = false;
            LOG.log(Level.INFO, "reading {0} works again", mountinfo);
        }
        if (text.equals(lastText)) {
            return;
        }
        lastText = text;
        current = MountTable.parse(text, readNanos);
        deliver(current);
    }

    private void deliver(MountTable table) {
        try {
            onChange.accept(table);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "mount table listener failed; watching goes on", t);
        }
    }

    private void closePoll() {
        if (poll != null) {
            poll.close();
            poll = null;
        }
    }

    private static boolean onProcfs(Path path) {
        try {
            return Files.getFileStore(path).type().equals("proc");
        } catch (IOException e) {
            return false;
        }
    }
}
