package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.events.Event;
import dev.ioguard.exporter.fs.FsEvent;
import dev.ioguard.exporter.fs.FsEventProbe;
import dev.ioguard.exporter.fs.MountSyscallEvent;
import dev.ioguard.exporter.mounts.HostPaths;
import dev.ioguard.exporter.mounts.MountTable;
import dev.ioguard.exporter.mounts.MountTableWatcher;
import dev.ioguard.exporter.snapshot.FilesystemHealth;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a {@link FilesystemStateTracker} on the live system: takes the state at start, feeds it the
 * mount table watcher's tables, and on one daemon thread ({@code ioguard-fs-health}) its periodic
 * look (every second) and the end of grace periods (checked every 50 ms). The probes' consumers
 * ({@link #onFsEvent}, {@link #onMountSyscall}) run on the ring buffer threads and never block on
 * anything slower than the tracker's lock; a successful remount syscall makes the mount table be
 * read again at once, on the monitor's thread. {@link #snapshot} may be called from any thread.
 */
public final class FilesystemHealthMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FilesystemHealthMonitor.class.getName());

    private final FilesystemStateTracker tracker;
    private final Supplier<Map<FsEventProbe.DevKind, Long>> kernelCounts;
    private final ScheduledExecutorService thread;
    private final HostPaths paths;
    private MountTableWatcher watcher;

    private FilesystemHealthMonitor(FilesystemStateTracker tracker,
            Supplier<Map<FsEventProbe.DevKind, Long>> kernelCounts, HostPaths paths) {
        this.paths = paths;
        this.tracker = tracker;
        this.kernelCounts = kernelCounts;
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("ioguard-fs-health").factory());
    }

    /**
     * Reads the mount table and takes the state at start (events for filesystems already failed go
     * to {@code publish}), then starts watching.
     *
     * @param kernelCounts the kernel's exact failure counts (empty until the probe runs)
     * @param xfsHookLive  whether an xfs shutdown hook is live; if not, xfs mounts are checked with
     *                     stat(2) every second
     */
    public static FilesystemHealthMonitor start(String node, HostPaths paths, Consumer<Event> publish,
            Supplier<Map<FsEventProbe.DevKind, Long>> kernelCounts, BooleanSupplier xfsHookLive) {
        Objects.requireNonNull(xfsHookLive, "xfsHookLive");
        FilesystemHealthMonitor monitor = new FilesystemHealthMonitor(
                FilesystemStateTracker.forSystem(node, publish, paths), kernelCounts, paths);
        try {
            monitor.tracker.initialize(MountTable.read(paths.mountinfo()));
            monitor.watcher = MountTableWatcher.start(paths.mountinfo(), monitor.tracker::onMountTable);
            monitor.thread.scheduleWithFixedDelay(() -> monitor.guard("tick",
                    () -> monitor.tracker.tick(xfsHookLive.getAsBoolean())), 1, 1, TimeUnit.SECONDS);
            monitor.thread.scheduleWithFixedDelay(() -> monitor.guard("grace periods",
                    monitor.tracker::resolveDue), 50, 50, TimeUnit.MILLISECONDS);
            return monitor;
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
    }

    /** A kernel failure event (ring buffer thread). */
    public void onFsEvent(FsEvent e) {
        tracker.onFsEvent(e);
    }

    /** A remount syscall returned (ring buffer thread): the mount table is read again at once. */
    public void onMountSyscall(MountSyscallEvent e) {
        tracker.onMountSyscall(e);
        if (e.succeeded()) {
            try {
                thread.execute(() -> guard("mount table",
                        () -> tracker.onMountTable(MountTable.read(paths.mountinfo()))));
            } catch (RejectedExecutionException closing) {
                // Shutting down.
            }
        }
    }

    /** The read-only state of every watched mount and the counters, now. */
    public FilesystemHealth snapshot() {
        return tracker.snapshot(kernelCounts.get());
    }

    private void guard(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "filesystem health: " + what + " failed; going on", e);
        }
    }

    /** Stops watching and the monitor's thread. Idempotent. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        thread.shutdownNow();
    }
}
