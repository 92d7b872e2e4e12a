package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.devices.BlockDevice;
import dev.ioguard.exporter.devices.DeviceTable;
import dev.ioguard.exporter.events.Event;
import dev.ioguard.exporter.fs.FsEvent;
import dev.ioguard.exporter.fs.FsEventProbe;
import dev.ioguard.exporter.fs.MountSyscallEvent;
import dev.ioguard.exporter.fshealth.IncidentEvents.Detection;
import dev.ioguard.exporter.mounts.HostPaths;
import dev.ioguard.exporter.mounts.Ext4ErrorState;
import dev.ioguard.exporter.mounts.Ext4Superblock;
import dev.ioguard.exporter.mounts.MountInfo;
import dev.ioguard.exporter.mounts.MountTable;
import dev.ioguard.exporter.mounts.ReadOnlyState;
import dev.ioguard.exporter.snapshot.FilesystemCount;
import dev.ioguard.exporter.snapshot.FilesystemHealth;
import dev.ioguard.exporter.snapshot.MountReadOnly;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The read-only state of every watched mount, and the incidents that change it, from four sources:
 * kernel failure events ({@link #onFsEvent}), administrative remount syscalls
 * ({@link #onMountSyscall}), the mount table ({@link #onMountTable}) and a periodic look at what no
 * hook reports ({@link #tick}: ext4's errors_count, and stat(2) of xfs mounts where the xfs hook is
 * not live).
 *
 * <p>One incident gives one {@code filesystem.remount.readonly} event: a kernel event announces it at
 * once (ext4 with errors=remount-ro decides to go read-only right there, in ext4_handle_error; a
 * shutdown is read-only by itself), and the mount table showing it afterwards ({@code emergency_ro},
 * {@code shutdown}) only confirms it. A change the table shows first waits up to the grace period
 * for the event or syscall that explains it, then is reported with what is known. A superblock
 * stays read-only while the table shows it, or while an incident the table never shows (a shut-down
 * xfs; ext4 before 6.15) is remembered: until every mount of that superblock is gone.
 *
 * <p>Threading: every method may be called from any thread; they serialize on a private lock and
 * never wait for anything but procfs and sysfs reads and the non-blocking event consumer.
 */
public final class FilesystemStateTracker {
    /** How long a table-only change waits for its cause, and how long a syscall may explain one. */
    record Timing(Duration grace, Duration evidenceLifetime) {
        static final Timing DEFAULT = new Timing(Duration.ofMillis(250), Duration.ofSeconds(5));
    }

    private record CountKey(String device, String mountPoint, String fsType, Cause cause) {}

    /** What was last known of a device that may since be unmounted: for its counters' labels. */
    private record Known(String device, String fsType, List<String> mountPoints) {}

    private final Object lock = new Object();
    private final Environment env;
    private final String node;
    private final Consumer<Event> publish;
    private final Timing timing;

    // All below guarded by lock.
    private MountTable table;
    private Map<DevNumber, Superblock> superblocks = new LinkedHashMap<>();
    private Map<Integer, Boolean> mountOwnReadOnly = new HashMap<>();
    private final List<Transition> pending = new ArrayList<>();
    private final List<MountSyscallEvent> recentAdmin = new ArrayList<>();
    private final Map<DevNumber, Long> lastKernelError = new HashMap<>();
    private final Map<DevNumber, FsEvent> lastTracepointError = new HashMap<>();
    private final Map<DevNumber, Long> tracepointErrorsSeen = new HashMap<>();
    private final Map<DevNumber, Long> fentryOnlyErrors = new HashMap<>();
    private final Map<DevNumber, Long> sysfsReportedErrors = new HashMap<>();
    private final Map<CountKey, Long> remounts = new LinkedHashMap<>();
    private final Map<CountKey, Long> shutdowns = new LinkedHashMap<>();
    private final Map<DevNumber, Known> known = new HashMap<>();

    FilesystemStateTracker(Environment env, String node, Consumer<Event> publish, Timing timing) {
        this.env = Objects.requireNonNull(env, "env");
        this.node = Objects.requireNonNull(node, "node");
        this.publish = Objects.requireNonNull(publish, "publish");
        this.timing = Objects.requireNonNull(timing, "timing");
    }

    /** A tracker of the running system. */
    public static FilesystemStateTracker forSystem(String node, Consumer<Event> publish,
            HostPaths paths) {
        return new FilesystemStateTracker(new SystemEnvironment(paths), node, publish, Timing.DEFAULT);
    }

    /**
     * Takes the state at start: read-only mounts are read-only from the first scrape, and each
     * superblock already failed (ext4 {@code emergency_ro} or {@code shutdown}, an ext4 whose
     * current mount recorded an error under errors=remount-ro, an xfs that answers EIO) is reported
     * once with {@code detected: at_start}. Counters start at zero.
     */
    public void initialize(MountTable initial) {
        synchronized (lock) {
            apply(initial);
            DeviceTable devices = env.devices();
            for (Superblock sb : superblocks.values()) {
                Cause cause = switch (sb.tableState) {
                    case EMERGENCY_READONLY -> Cause.FS_ERROR;
                    case SHUT_DOWN -> Cause.SHUTDOWN;
                    default -> null;
                };
                Map<String, Object> details = new LinkedHashMap<>();
                if (sb.fsType.equals("ext4")) {
                    String name = deviceName(sb, devices);
                    Optional<Ext4ErrorState> record = env.ext4(name).filter(Ext4ErrorState::hasErrors);
                    if (record.isPresent()) {
                        Optional<Ext4Superblock> disk = env.ext4Superblock(name);
                        if (cause == null && failedInThisMount(sb, record.get(), disk)) {
                            cause = Cause.FS_ERROR;
                        }
                        if (cause == Cause.FS_ERROR) {
                            details.putAll(IncidentEvents.sysfsError(record.get(), disk.map(Ext4Superblock::mountTime)));
                        }
                    }
                }
                if (cause == null && sb.fsType.equals("xfs") && env.xfsShutDown(sb.mounts.get(0).mountPoint())) {
                    cause = Cause.SHUTDOWN;
                }
                if (cause == null) {
                    continue;
                }
                sb.incident = cause;
                sb.incidentConfirmed = sb.tableState.superblockWide();
                sb.readOnly = true;
                publish.accept(IncidentEvents.readOnly(subject(sb, devices), cause, Detection.AT_START,
                        details, node, env.now()));
            }
        }
    }

    /**
     * Whether an ext4 that the mount table shows writable had its errors=remount-ro take effect in
     * the mount now in place. Before 6.15 the table marks nothing (6.1: plain rw, and statvfs no
     * ST_RDONLY either), and errors_count alone cannot tell: the superblock keeps it across mounts
     * until e2fsck. The superblock's s_mtime can: ext4 sets it on every read-write mount and
     * read-only to read-write remount, and records each error's time beside it, so an error no
     * older than s_mtime is this mount's. A remount that stays read-write sets neither, and on 6.1
     * does not recover the filesystem either. Whole seconds: an older error in the second of a
     * quick unmount and mount counts as this mount's.
     */
    private static boolean failedInThisMount(Superblock sb, Ext4ErrorState record, Optional<Ext4Superblock> disk) {
        if (sb.tableState != ReadOnlyState.WRITABLE || disk.isEmpty() || !record.errorSince(disk.get().mountTime())) {
            return false;
        }
        FsEvent.ErrorsMode mode = errorsOption(sb);
        if (mode == FsEvent.ErrorsMode.UNKNOWN) {
            // mountinfo shows errors= only where it differs from the superblock's default.
            mode = switch (disk.get().defaultErrors()) {
                case CONTINUE -> FsEvent.ErrorsMode.CONTINUE;
                case REMOUNT_RO -> FsEvent.ErrorsMode.REMOUNT_RO;
                case PANIC -> FsEvent.ErrorsMode.PANIC;
            };
        }
        return mode == FsEvent.ErrorsMode.REMOUNT_RO;
    }

    /** A new mount table (from the watcher, or read after a syscall); an older one than the last is ignored. */
    public void onMountTable(MountTable next) {
        synchronized (lock) {
            if (table != null && next.readNanos() < table.readNanos()) {
                return;
            }
            apply(next);
            resolvePending(env.nanoTime());
        }
    }

    /** A kernel failure event: called on the ring buffer thread. */
    public void onFsEvent(FsEvent e) {
        synchronized (lock) {
            DevNumber dev = DevNumber.fromKernel(e.kernelDev());
            if (!superblocks.containsKey(dev)) {
                // Mounted after the last table: read it now, so that the event names its mount points.
                MountTable fresh = env.readMountTable();
                if (table == null || fresh.readNanos() >= table.readNanos()) {
                    apply(fresh);
                }
            }
            Superblock sb = superblocks.get(dev);
            DeviceTable devices = env.devices();
            Subject subject = sb != null ? subject(sb, devices) : orphan(dev, e, devices);
            Instant time = wallTime(e.monotonicNs());
            switch (e.kind()) {
                case EXT4_ERROR, EXT4_HANDLE_ERROR -> onError(sb, subject, e, time);
                case EXT4_SHUTDOWN, XFS_SHUTDOWN -> onShutdown(sb, subject, e, time);
            }
            resolvePending(env.nanoTime());
        }
    }

    private void onError(Superblock sb, Subject subject, FsEvent e, Instant time) {
        DevNumber dev = subject.dev();
        lastKernelError.put(dev, e.monotonicNs());
        boolean sameAsTracepoint = false;
        if (e.kind() == FsEvent.Kind.EXT4_ERROR) {
            lastTracepointError.put(dev, e);
            tracepointErrorsSeen.merge(dev, 1L, Long::sum);
        } else {
            // fentry/ext4_handle_error runs right after the tracepoint for errors that have one.
            FsEvent tp = lastTracepointError.get(dev);
            sameAsTracepoint = tp != null && tp.pid() == e.pid() && tp.line() == e.line()
                    && tp.function().equals(e.function())
                    && e.monotonicNs() - tp.monotonicNs() < Duration.ofSeconds(1).toNanos();
            if (!sameAsTracepoint) {
                fentryOnlyErrors.merge(dev, 1L, Long::sum);
            }
        }
        if (sb != null && !sameAsTracepoint) {
            sb.ext4ErrorsSeen++;
        }
        if (!sameAsTracepoint) {
            publish.accept(IncidentEvents.error(subject, e, node, time));
        }
        boolean forced = e.kind() == FsEvent.Kind.EXT4_HANDLE_ERROR && (e.flags() & 1) != 0;
        FsEvent.ErrorsMode mode = e.errorsMode() != FsEvent.ErrorsMode.UNKNOWN ? e.errorsMode()
                : sb == null ? FsEvent.ErrorsMode.UNKNOWN : errorsOption(sb);
        if (sb != null && (forced || mode == FsEvent.ErrorsMode.REMOUNT_RO || mode == FsEvent.ErrorsMode.PANIC)) {
            announce(sb, subject, Cause.FS_ERROR, Detection.KERNEL_EVENT, IncidentEvents.kernelError(e), time);
        }
    }

    private void onShutdown(Superblock sb, Subject subject, FsEvent e, Instant time) {
        Cause cause = ShutdownFlags.cause(e.kind(), e.flags(), env.deviceExists(subject.dev()));
        count(shutdowns, subject, cause);
        Map<String, Object> details = IncidentEvents.kernelShutdown(e);
        publish.accept(IncidentEvents.shutdown(subject, cause, Detection.KERNEL_EVENT, details, node, time));
        if (sb != null) {
            announce(sb, subject, Cause.SHUTDOWN, Detection.KERNEL_EVENT, details, time);
        }
    }

    /**
     * A superblock went read-only because of a kernel incident: report it unless it already was
     * (then this is the same incident, or a later one on a filesystem already refusing writes).
     */
    private void announce(Superblock sb, Subject subject, Cause cause, Detection detection,
            Map<String, Object> details, Instant time) {
        Transition seenFirst = null;
        for (Iterator<Transition> it = pending.iterator(); it.hasNext();) {
            Transition t = it.next();
            if (t.toReadOnly() && !t.mountLevel() && t.subject().dev().equals(sb.dev)) {
                seenFirst = t;
                it.remove();
            }
        }
        if (sb.readOnly && seenFirst == null) {
            if (sb.incident == null) {
                sb.incident = cause;
                sb.incidentConfirmed = sb.tableState.superblockWide();
            }
            return;
        }
        sb.incident = cause;
        sb.incidentConfirmed = sb.tableState.superblockWide();
        sb.readOnly = true;
        count(remounts, subject, cause);
        publish.accept(IncidentEvents.readOnly(subject, cause, detection, details, node, time));
    }

    /** An administrative remount syscall returned: called on the ring buffer thread. */
    public void onMountSyscall(MountSyscallEvent e) {
        if (!e.succeeded()) {
            return;
        }
        synchronized (lock) {
            recentAdmin.add(e);
            resolvePending(env.nanoTime());
        }
    }

    /**
     * The periodic look (about every second): ext4 errors that no hook reported (errors_count rose
     * further than the events seen), xfs shutdowns when no xfs hook is live (stat(2) fails with EIO),
     * and waiting changes whose time is up.
     */
    public void tick(boolean xfsHookLive) {
        List<Superblock> ext4 = new ArrayList<>();
        List<Superblock> xfs = new ArrayList<>();
        DeviceTable devices = env.devices();
        Map<Superblock, String> names = new HashMap<>();
        synchronized (lock) {
            for (Superblock sb : superblocks.values()) {
                if (sb.fsType.equals("ext4")) {
                    ext4.add(sb);
                    names.put(sb, deviceName(sb, devices));
                } else if (sb.fsType.equals("xfs") && !xfsHookLive && !sb.readOnly) {
                    xfs.add(sb);
                }
            }
        }
        // Reads outside the lock: sysfs and stat(2) of a mount's root do no disk IO, but take time.
        Map<Superblock, Ext4ErrorState> records = new HashMap<>();
        for (Superblock sb : ext4) {
            env.ext4(names.get(sb)).ifPresent(r -> records.put(sb, r));
        }
        List<Superblock> down = new ArrayList<>();
        for (Superblock sb : xfs) {
            if (env.xfsShutDown(sb.mounts.get(0).mountPoint())) {
                down.add(sb);
            }
        }
        synchronized (lock) {
            for (Map.Entry<Superblock, Ext4ErrorState> r : records.entrySet()) {
                checkUnseenErrors(r.getKey(), r.getValue(), devices);
            }
            for (Superblock sb : down) {
                if (superblocks.get(sb.dev) != sb || sb.readOnly) {
                    continue;
                }
                Subject subject = subject(sb, devices);
                Instant now = env.now();
                count(shutdowns, subject, Cause.UNKNOWN);
                publish.accept(IncidentEvents.shutdown(subject, Cause.UNKNOWN, Detection.STAT, Map.of(), node, now));
                announce(sb, subject, Cause.SHUTDOWN, Detection.STAT, Map.of(), now);
            }
            resolvePending(env.nanoTime());
        }
    }

    /** Reports waiting changes whose grace period is over; cheap when none wait. */
    public void resolveDue() {
        synchronized (lock) {
            if (!pending.isEmpty() || !recentAdmin.isEmpty()) {
                resolvePending(env.nanoTime());
            }
        }
    }

    private void checkUnseenErrors(Superblock sb, Ext4ErrorState record, DeviceTable devices) {
        if (superblocks.get(sb.dev) != sb) {
            return;
        }
        if (sb.ext4ErrorsBaseline < 0) {
            sb.ext4ErrorsBaseline = record.errorsCount();
            sb.ext4ErrorsSeen = 0;
            return;
        }
        long reported = record.errorsCount() - sb.ext4ErrorsBaseline;
        long unseen = reported - sb.ext4ErrorsSeen;
        long now = env.nanoTime();
        if (unseen <= 0) {
            sb.unseenSinceNanos = -1;
            return;
        }
        // errors_count rises in the same call as the tracepoint, while its ring buffer event is
        // still on its way (measured under QEMU on 6.1: a sysfs error, then the event's, for one
        // error). An excess counts as unseen once it has outlasted the grace period, and only as
        // much of it as was there all along: what arrived meanwhile gets its own grace.
        if (sb.unseenSinceNanos < 0) {
            sb.unseenSinceNanos = now;
            sb.unseenAtMark = unseen;
            return;
        }
        if (now - sb.unseenSinceNanos < timing.grace().toNanos()) {
            sb.unseenAtMark = Math.min(sb.unseenAtMark, unseen);
            return;
        }
        long lasting = Math.min(sb.unseenAtMark, unseen);
        sb.unseenSinceNanos = lasting < unseen ? now : -1;
        sb.unseenAtMark = unseen - lasting;
        unseen = lasting;
        sb.ext4ErrorsSeen += unseen;
        sysfsReportedErrors.merge(sb.dev, unseen, Long::sum);
        Subject subject = subject(sb, devices);
        publish.accept(IncidentEvents.unseenErrors(subject, unseen, record, node, env.now()));
    }

    /** Applies a table: superblocks come and go, and read-only changes wait for their cause. */
    private void apply(MountTable next) {
        long from = table == null ? next.readNanos() : table.readNanos();
        boolean first = table == null;
        table = next;
        Map<DevNumber, List<MountInfo>> byDev = new LinkedHashMap<>();
        for (MountInfo m : next.all()) {
            if (WatchedMounts.watched(m)) {
                byDev.computeIfAbsent(DevNumber.of(m), d -> new ArrayList<>()).add(m);
            }
        }
        DeviceTable devices = env.devices();
        Map<DevNumber, Superblock> nextSuperblocks = new LinkedHashMap<>();
        Map<DevNumber, Boolean> wasReadOnly = new HashMap<>();
        for (Map.Entry<DevNumber, List<MountInfo>> entry : byDev.entrySet()) {
            DevNumber dev = entry.getKey();
            Superblock sb = superblocks.get(dev);
            if (sb == null || !sb.sameInstance(entry.getValue())) {
                sb = new Superblock(dev, entry.getValue());
                sb.readOnly = sb.computeReadOnly();
                if (sb.fsType.equals("ext4")) {
                    final Superblock created = sb;
                    env.ext4(deviceName(sb, devices)).ifPresent(r -> created.ext4ErrorsBaseline = r.errorsCount());
                }
            } else {
                wasReadOnly.put(dev, sb.readOnly);
                sb.update(entry.getValue());
                boolean tableSays = sb.tableState.superblockWide();
                if (sb.incident != null && tableSays) {
                    sb.incidentConfirmed = true;
                } else if (sb.incident != null && sb.incidentConfirmed) {
                    sb.incident = null; // recovered: remounted read-write
                }
                sb.readOnly = sb.computeReadOnly();
            }
            nextSuperblocks.put(dev, sb);
            known.put(dev, new Known(deviceName(sb, devices), sb.fsType, sb.mountPoints()));
        }
        superblocks = nextSuperblocks;
        Map<Integer, Boolean> nextOwn = new HashMap<>();
        for (Superblock sb : superblocks.values()) {
            Boolean was = wasReadOnly.get(sb.dev);
            if (!first && was != null && was != sb.readOnly) {
                pending.add(new Transition(sb.readOnly, false, subject(sb, devices), from, next.readNanos(),
                        env.nanoTime() + timing.grace().toNanos()));
            }
            for (MountInfo m : sb.mounts) {
                boolean own = m.mountOptions().contains("ro");
                nextOwn.put(m.mountId(), own);
                Boolean ownBefore = mountOwnReadOnly.get(m.mountId());
                // A mount's own ro matters only while its superblock accepts writes, before and after.
                if (!first && ownBefore != null && ownBefore != own && was != null && !was && !sb.readOnly) {
                    Subject one = new Subject(deviceName(sb, devices), sb.dev, sb.fsType,
                            List.of(m.mountPoint()), List.of());
                    pending.add(new Transition(own, true, one, from, next.readNanos(),
                            env.nanoTime() + timing.grace().toNanos()));
                }
            }
        }
        mountOwnReadOnly = nextOwn;
    }

    /** Reports every waiting change that has its cause, or whose grace period is over. */
    private void resolvePending(long now) {
        recentAdmin.removeIf(e -> now - e.exitNs() > timing.evidenceLifetime().toNanos());
        for (Iterator<Transition> it = pending.iterator(); it.hasNext();) {
            Transition t = it.next();
            Optional<MountSyscallEvent> admin = explainingSyscall(t);
            Instant time = wallTime(t.toNanos());
            if (admin.isPresent()) {
                it.remove();
                report(t, Cause.ADMIN, IncidentEvents.admin(admin.get()), time);
                continue;
            }
            Long error = lastKernelError.get(t.subject().dev());
            if (t.toReadOnly() && !t.mountLevel() && error != null
                    && error <= t.toNanos() && t.toNanos() - error < timing.evidenceLifetime().toNanos()) {
                it.remove();
                markIncident(t, Cause.FS_ERROR);
                report(t, Cause.FS_ERROR, Map.of(), time);
                continue;
            }
            if (now < t.deadlineNanos()) {
                continue;
            }
            it.remove();
            Cause cause = Cause.UNKNOWN;
            Map<String, Object> details = Map.of();
            if (t.toReadOnly() && !t.mountLevel() && t.subject().fsType().equals("ext4")) {
                Optional<Ext4ErrorState> record = env.ext4(t.subject().device());
                Superblock sb = superblocks.get(t.subject().dev());
                if (record.isPresent() && sb != null && sb.ext4ErrorsBaseline >= 0
                        && record.get().errorsCount() > sb.ext4ErrorsBaseline) {
                    cause = Cause.FS_ERROR;
                    details = IncidentEvents.sysfsError(record.get());
                    markIncident(t, cause);
                }
            }
            report(t, cause, details, time);
        }
    }

    private void markIncident(Transition t, Cause cause) {
        Superblock sb = superblocks.get(t.subject().dev());
        if (sb != null && sb.readOnly && sb.incident == null) {
            sb.incident = cause;
            sb.incidentConfirmed = sb.tableState.superblockWide();
        }
    }

    private void report(Transition t, Cause cause, Map<String, Object> details, Instant time) {
        if (t.toReadOnly()) {
            count(remounts, t.subject(), cause);
            publish.accept(IncidentEvents.readOnly(t.subject(), cause, Detection.MOUNT_TABLE, details, node, time));
        } else {
            publish.accept(IncidentEvents.readWrite(t.subject(), cause, details, node, time));
        }
    }

    /**
     * A successful remount syscall that can explain the change: it ran while the change happened
     * (between the two tables' reads), asked for that direction (fsconfig may not say), and did not
     * name a path that is a mount of another superblock.
     */
    private Optional<MountSyscallEvent> explainingSyscall(Transition t) {
        MountSyscallEvent best = null;
        for (MountSyscallEvent e : recentAdmin) {
            if (e.enterNs() > t.toNanos() || e.exitNs() < t.fromNanos()) {
                continue;
            }
            MountSyscallEvent.ReadOnlyRequest wanted = t.toReadOnly()
                    ? MountSyscallEvent.ReadOnlyRequest.SET : MountSyscallEvent.ReadOnlyRequest.CLEAR;
            if (e.readOnly() != wanted && e.readOnly() != MountSyscallEvent.ReadOnlyRequest.UNCHANGED) {
                continue;
            }
            String target = MountTable.normalize(e.target());
            if (target != null && t.subject().mountPoints().contains(target)) {
                return Optional.of(e);
            }
            if (target != null && table != null) {
                Optional<MountInfo> named = table.byMountPoint(target);
                if (named.isPresent() && !DevNumber.of(named.get()).equals(t.subject().dev())) {
                    continue;
                }
            }
            if (best == null) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The counters and the read-only state of every watched mount, now. */
    public FilesystemHealth snapshot(Map<FsEventProbe.DevKind, Long> kernelCounts) {
        synchronized (lock) {
            DeviceTable devices = env.devices();
            List<MountReadOnly> readOnly = new ArrayList<>();
            if (table != null) {
                for (Superblock sb : superblocks.values()) {
                    for (MountInfo m : sb.mounts) {
                        readOnly.add(new MountReadOnly(mountDevice(m, sb, devices), m.mountPoint(), sb.fsType,
                                mountReadOnly(m, sb)));
                    }
                }
            }
            return new FilesystemHealth(readOnly, errorCounts(kernelCounts), counts(shutdowns), counts(remounts));
        }
    }

    /** Whether writes through this mount fail. */
    private boolean mountReadOnly(MountInfo m, Superblock sb) {
        if (sb.readOnly || m.mountOptions().contains("ro")) {
            return true;
        }
        if (m.isOverlay()) {
            Optional<MountInfo> upper = table.overlayUpperMount(m);
            if (upper.isPresent()) {
                Superblock under = superblocks.get(DevNumber.of(upper.get()));
                return under != null ? under.readOnly : upper.get().readOnlyState().superblockWide();
            }
        }
        return false;
    }

    /**
     * ext4 errors per device: the kernel's exact count, plus errors only the fentry hook or
     * errors_count showed; an error whose ring buffer event was lost and that errors_count then
     * reported is counted once.
     */
    private List<FilesystemCount> errorCounts(Map<FsEventProbe.DevKind, Long> kernelCounts) {
        Map<DevNumber, Long> kernel = new HashMap<>();
        kernelCounts.forEach((k, v) -> {
            if (k.kind() == FsEvent.Kind.EXT4_ERROR) {
                kernel.merge(DevNumber.fromKernel(k.kernelDev()), v, Long::sum);
            }
        });
        Map<DevNumber, Long> totals = new TreeMap<>((a, b) -> a.major() != b.major()
                ? Integer.compare(a.major(), b.major()) : Integer.compare(a.minor(), b.minor()));
        List<DevNumber> devs = new ArrayList<>(kernel.keySet());
        devs.addAll(fentryOnlyErrors.keySet());
        devs.addAll(sysfsReportedErrors.keySet());
        for (DevNumber dev : devs) {
            long k = kernel.getOrDefault(dev, 0L);
            long lost = Math.max(0, k - tracepointErrorsSeen.getOrDefault(dev, 0L));
            long sysfsOnly = Math.max(0, sysfsReportedErrors.getOrDefault(dev, 0L) - lost);
            totals.put(dev, k + fentryOnlyErrors.getOrDefault(dev, 0L) + sysfsOnly);
        }
        List<FilesystemCount> out = new ArrayList<>();
        totals.forEach((dev, total) -> {
            Known k = known.getOrDefault(dev, new Known(dev.toString(), "ext4", List.of()));
            List<String> points = k.mountPoints().isEmpty() ? List.of("") : k.mountPoints();
            for (String mp : points) {
                out.add(new FilesystemCount(k.device(), mp, "ext4", Cause.FS_ERROR.label(), total));
            }
        });
        return out;
    }

    private static List<FilesystemCount> counts(Map<CountKey, Long> counters) {
        List<FilesystemCount> out = new ArrayList<>();
        counters.forEach((k, v) -> out.add(new FilesystemCount(k.device(), k.mountPoint(), k.fsType(),
                k.cause().label(), v)));
        return out;
    }

    private static void count(Map<CountKey, Long> counters, Subject s, Cause cause) {
        List<String> points = s.mountPoints().isEmpty() ? List.of("") : s.mountPoints();
        for (String mp : points) {
            counters.merge(new CountKey(s.device(), mp, s.fsType(), cause), 1L, Long::sum);
        }
    }

    /** The superblock's mounts and the overlays on it, as the current table shows them. */
    private Subject subject(Superblock sb, DeviceTable devices) {
        List<String> overlays = table == null ? List.of()
                : table.overlaysBackedBy(sb.dev.major(), sb.dev.minor()).stream().map(MountInfo::mountPoint).toList();
        return new Subject(deviceName(sb, devices), sb.dev, sb.fsType, sb.mountPoints(), overlays);
    }

    /** An event for a superblock no table shows (unmounted meanwhile): what the event itself says. */
    private Subject orphan(DevNumber dev, FsEvent e, DeviceTable devices) {
        String name = devices.byNumber(dev.major(), dev.minor()).map(BlockDevice::name)
                .orElse(e.fsId().isEmpty() ? dev.toString() : e.fsId());
        Known k = known.get(dev);
        return new Subject(name, dev, e.kind().fsType(), k == null ? List.of() : k.mountPoints(), List.of());
    }

    /** The kernel name of the superblock's device (an overlay's: of its upper directory's). */
    private String deviceName(Superblock sb, DeviceTable devices) {
        return mountDevice(sb.mounts.get(0), sb, devices);
    }

    private String mountDevice(MountInfo m, Superblock sb, DeviceTable devices) {
        if (m.isOverlay() && table != null) {
            Optional<MountInfo> upper = table.overlayUpperMount(m);
            if (upper.isPresent() && !upper.get().isOverlay()) {
                MountInfo u = upper.get();
                return devices.byNumber(u.major(), u.minor()).map(BlockDevice::name).orElse(u.devNumber());
            }
            return m.source().isEmpty() ? "overlay" : m.source();
        }
        Optional<String> name = devices.byNumber(sb.dev.major(), sb.dev.minor()).map(BlockDevice::name);
        if (name.isPresent()) {
            return name.get();
        }
        if (m.source().startsWith("/dev/")) {
            return m.source().substring(m.source().lastIndexOf('/') + 1);
        }
        return sb.dev.toString();
    }

    /** ext4's errors= option as mountinfo shows it (only when it differs from the superblock's default). */
    private static FsEvent.ErrorsMode errorsOption(Superblock sb) {
        List<String> options = sb.mounts.get(0).superOptions();
        if (options.contains("errors=remount-ro")) {
            return FsEvent.ErrorsMode.REMOUNT_RO;
        }
        if (options.contains("errors=panic")) {
            return FsEvent.ErrorsMode.PANIC;
        }
        if (options.contains("errors=continue")) {
            return FsEvent.ErrorsMode.CONTINUE;
        }
        return FsEvent.ErrorsMode.UNKNOWN;
    }

    /** Kernel CLOCK_MONOTONIC to wall time, through the same clock in this process. */
    private Instant wallTime(long monotonicNs) {
        long ago = Math.max(0, env.nanoTime() - monotonicNs);
        return env.now().minusNanos(ago);
    }
}
