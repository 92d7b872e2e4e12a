package dev.ioguard.exporter.fshealth;

import static dev.ioguard.exporter.fshealth.FakeEnvironment.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.devices.DeviceNumbers;
import dev.ioguard.exporter.events.Event;
import dev.ioguard.exporter.events.Severity;
import dev.ioguard.exporter.fs.FsEvent;
import dev.ioguard.exporter.fs.FsEventProbe;
import dev.ioguard.exporter.fs.MountSyscallEvent;
import dev.ioguard.exporter.snapshot.FilesystemCount;
import dev.ioguard.exporter.snapshot.FilesystemHealth;
import dev.ioguard.exporter.snapshot.MountReadOnly;
import dev.ioguard.exporter.mounts.Ext4ErrorState;
import dev.ioguard.exporter.mounts.Ext4Superblock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tracker as a specification: one incident gives one read-only event whichever source sees it
 * first, its cause comes from the kernel event or syscall that explains it, and the gauge follows the
 * superblock (bind mounts and overlays included) until it recovers or goes away.
 */
class FilesystemStateTrackerTest {
    private static final String ROOT = line(1, "253:0", "/", "/", "rw,relatime", "ext4", "/dev/vda", "rw");
    private static final String PROC = line(20, "0:22", "/", "/proc", "rw", "proc", "proc", "rw");
    private static final String ODD = line(21, "0:60", "/", "/mnt/odd", "rw", "foofs", "none", "rw");
    private static final String LOGS = line(43, "7:4", "/", "/logs", "rw,relatime", "xfs", "/dev/loop4", "rw,inode64");
    private static final String OVERLAY = line(42, "0:55", "/", "/merged", "rw,relatime", "overlay", "overlay",
            "rw,lowerdir=/lower,upperdir=/data/up,workdir=/data/work");

    private final FakeEnvironment env = new FakeEnvironment()
            .device(253, 0, "vda").device(7, 3, "loop3").device(7, 4, "loop4");
    private final List<Event> events = new ArrayList<>();
    private final FilesystemStateTracker tracker = new FilesystemStateTracker(env, "node-a", events::add,
            new FilesystemStateTracker.Timing(Duration.ofMillis(250), Duration.ofSeconds(5)));
    private long pidSeq = 4000;

    /** The incident's filesystem: ext4 on loop3 with errors=remount-ro, bind-mounted, under an overlay. */
    private static String node(String dataMountOptions, String dataSuper, String bindMountOptions) {
        return ROOT + PROC + ODD
                + line(40, "7:3", "/", "/data", dataMountOptions, "ext4", "/dev/loop3", dataSuper)
                + line(41, "7:3", "/sub", "/srv/bind", bindMountOptions, "ext4", "/dev/loop3", dataSuper)
                + OVERLAY + LOGS;
    }

    private static final String HEALTHY = node("rw,relatime", "rw,errors=remount-ro", "rw,relatime");
    private static final String EMERGENCY = node("rw,relatime", "rw,errors=remount-ro,emergency_ro", "rw,relatime");

    @BeforeEach
    void start() {
        env.ext4Errors.put("loop3", 0L);
        env.ext4Errors.put("vda", 0L);
        env.mountinfo = HEALTHY;
        tracker.initialize(env.table());
        assertEquals(List.of(), events, "a healthy node reports nothing at start");
        env.advanceMillis(100);
    }

    @Test
    void anExt4ErrorUnderRemountRoIsOneIncidentNamingEveryMountAndTheOverlay() {
        tracker.onFsEvent(ext4Error(FsEvent.ErrorsMode.REMOUNT_RO));

        assertEquals(List.of("filesystem.error", "filesystem.remount.readonly"), names());
        Event remount = events.get(1);
        assertEquals(Severity.ERROR, remount.severity());
        Map<String, Object> a = remount.attributes();
        assertEquals("loop3", a.get("device"));
        assertEquals("7:3", a.get("dev"));
        assertEquals("ext4", a.get("fs_type"));
        assertEquals("fs_error", a.get("cause"));
        assertEquals(List.of("/data", "/srv/bind"), a.get("mountpoints"));
        assertEquals(List.of("/merged"), a.get("overlays"));
        assertEquals("trigger_test_error", a.get("function"));
        assertEquals(129, a.get("line"));
        assertEquals("remount-ro", a.get("errors_behavior"));
        assertEquals("kernel_event", a.get("detected"));
        assertEquals("node-a", a.get("node"));
        assertEquals(Map.of("/", 0, "/data", 1, "/srv/bind", 1, "/merged", 1, "/logs", 0), gauge());

        // The mount table confirms it a moment later (emergency_ro): no second event.
        env.advanceMillis(900);
        env.mountinfo = EMERGENCY;
        tracker.onMountTable(env.table());
        env.advanceMillis(1000);
        tracker.resolveDue();
        // A later error on the read-only filesystem is an error, not another remount.
        tracker.onFsEvent(ext4Error(FsEvent.ErrorsMode.REMOUNT_RO));
        assertEquals(List.of("filesystem.error", "filesystem.remount.readonly", "filesystem.error"), names());
        assertEquals(Map.of("/", 0, "/data", 1, "/srv/bind", 1, "/merged", 1, "/logs", 0), gauge());
        assertEquals(List.of(count("/data", "fs_error", 1), count("/srv/bind", "fs_error", 1)),
                snapshot().remounts());
    }

    @Test
    void theTableSeenBeforeTheEventStillGivesOneEventWithTheKernelDetails() {
        env.mountinfo = EMERGENCY;
        tracker.onMountTable(env.table());
        assertEquals(List.of(), events, "waits for the event that explains it");
        assertEquals(1, gauge().get("/data"), "the gauge does not wait");

        env.advanceMillis(3);
        tracker.onFsEvent(ext4Error(FsEvent.ErrorsMode.REMOUNT_RO));
        env.advanceMillis(1000);
        tracker.resolveDue();

        assertEquals(List.of("filesystem.error", "filesystem.remount.readonly"), names());
        assertEquals("kernel_event", events.get(1).attributes().get("detected"));
        assertEquals("trigger_test_error", events.get(1).attributes().get("function"));
    }

    @Test
    void errorsContinueGivesAnErrorOnlyUntilTheFilesystemGoesReadOnlyAnyway() {
        tracker.onFsEvent(ext4Error(FsEvent.ErrorsMode.CONTINUE));
        env.advanceMillis(1000);
        tracker.resolveDue();
        assertEquals(List.of("filesystem.error"), names());
        assertEquals(0, gauge().get("/data"));

        // ext4_abort() forces read-only whatever errors= says; the table shows it, the error explains it.
        env.mountinfo = EMERGENCY;
        tracker.onMountTable(env.table());
        assertEquals(List.of("filesystem.error", "filesystem.remount.readonly"), names());
        assertEquals("fs_error", events.get(1).attributes().get("cause"));
        assertEquals("mount_table", events.get(1).attributes().get("detected"));
    }

    @Test
    void aClassicTracepointErrorUsesTheErrorsOptionTheMountTableShows() {
        // Classic tracepoints cannot read errors=; mountinfo shows it when it differs from the default.
        tracker.onFsEvent(ext4Error(FsEvent.ErrorsMode.UNKNOWN));
        assertEquals(List.of("filesystem.error", "filesystem.remount.readonly"), names());
    }

    @Test
    void anAdminRemountIsAttributedToItsSyscallWhicheverArrivesFirst() {
        // The syscall's exit first, then the table.
        MountSyscallEvent ro = syscall(MountSyscallEvent.Syscall.MOUNT, MountSyscallEvent.ReadOnlyRequest.SET, "/data");
        tracker.onMountSyscall(ro);
        env.advanceMillis(1);
        env.mountinfo = node("ro,relatime", "ro,errors=remount-ro", "rw,relatime");
        tracker.onMountTable(env.table());
        assertEquals(List.of("filesystem.remount.readonly"), names());
        Map<String, Object> a = events.get(0).attributes();
        assertEquals("admin", a.get("cause"));
        assertEquals(ro.pid(), a.get("pid"));
        assertEquals("mount", a.get("comm"));
        assertEquals("mount", a.get("syscall"));
        assertEquals("/data", a.get("target"));
        assertEquals(List.of("/data", "/srv/bind"), a.get("mountpoints"));
        assertEquals(Map.of("/", 0, "/data", 1, "/srv/bind", 1, "/merged", 1, "/logs", 0), gauge());

        // Back to rw: the table first, then the syscall (another thread) within the grace period.
        env.advanceMillis(2000);
        env.mountinfo = HEALTHY;
        tracker.onMountTable(env.table());
        env.advanceMillis(5);
        tracker.onMountSyscall(syscall(MountSyscallEvent.Syscall.MOUNT, MountSyscallEvent.ReadOnlyRequest.CLEAR,
                "/data", env.nanos - 6_000_000L, env.nanos - 5_500_000L));
        assertEquals(List.of("filesystem.remount.readonly", "filesystem.remount.readwrite"), names());
        assertEquals(Severity.INFO, events.get(1).severity());
        assertEquals("admin", events.get(1).attributes().get("cause"));
        assertEquals(Map.of("/", 0, "/data", 0, "/srv/bind", 0, "/merged", 0, "/logs", 0), gauge());
        assertEquals(List.of(count("/data", "admin", 1), count("/srv/bind", "admin", 1)), snapshot().remounts());
    }

    @Test
    void aChangeNothingExplainsIsReportedAsUnknownAfterTheGracePeriod() {
        env.mountinfo = node("ro,relatime", "ro,errors=remount-ro", "rw,relatime");
        tracker.onMountTable(env.table());
        env.advanceMillis(200);
        tracker.resolveDue();
        assertEquals(List.of(), events);
        env.advanceMillis(100);
        tracker.resolveDue();
        assertEquals(List.of("filesystem.remount.readonly"), names());
        assertEquals("unknown", events.get(0).attributes().get("cause"));
    }

    @Test
    void anEmergencyReadOnlyWithoutAnEventIsAnFsErrorWhenErrorsCountRose() {
        // An error on a path without a tracepoint (ext4_std_error): errors_count tells.
        env.ext4Errors.put("loop3", 1L);
        env.mountinfo = EMERGENCY;
        tracker.onMountTable(env.table());
        env.advanceMillis(300);
        tracker.resolveDue();
        assertEquals(List.of("filesystem.remount.readonly"), names());
        Map<String, Object> a = events.get(0).attributes();
        assertEquals("fs_error", a.get("cause"));
        assertEquals("EIO", a.get("errno"));
        assertEquals("ext4_journal_check_start", a.get("function"));
    }

    @Test
    void aSyscallNamingAnotherMountDoesNotExplainTheChange() {
        tracker.onMountSyscall(syscall(MountSyscallEvent.Syscall.MOUNT, MountSyscallEvent.ReadOnlyRequest.SET, "/logs"));
        env.advanceMillis(1);
        env.mountinfo = node("ro,relatime", "ro,errors=remount-ro", "rw,relatime");
        tracker.onMountTable(env.table());
        env.advanceMillis(300);
        tracker.resolveDue();
        assertEquals("unknown", events.get(0).attributes().get("cause"));
    }

    @Test
    void aFailedSyscallExplainsNothing() {
        MountSyscallEvent failed = new MountSyscallEvent(env.nanos - 10, env.nanos - 5, -30, 0x21, 0,
                MountSyscallEvent.Syscall.MOUNT, MountSyscallEvent.ReadOnlyRequest.SET, 77, -1, "mount", "/data");
        tracker.onMountSyscall(failed);
        env.advanceMillis(1);
        env.mountinfo = node("ro,relatime", "ro,errors=remount-ro", "rw,relatime");
        tracker.onMountTable(env.table());
        env.advanceMillis(300);
        tracker.resolveDue();
        assertEquals("unknown", events.get(0).attributes().get("cause"));
    }

    @Test
    void aReadOnlyBindRemountIsAboutThatMountOnly() {
        MountSyscallEvent setattr = syscall(MountSyscallEvent.Syscall.MOUNT_SETATTR,
                MountSyscallEvent.ReadOnlyRequest.SET, "/srv/bind");
        tracker.onMountSyscall(setattr);
        env.advanceMillis(1);
        env.mountinfo = node("rw,relatime", "rw,errors=remount-ro", "ro,relatime");
        tracker.onMountTable(env.table());
        assertEquals(List.of("filesystem.remount.readonly"), names());
        assertEquals(List.of("/srv/bind"), events.get(0).attributes().get("mountpoints"));
        assertEquals(List.of(), events.get(0).attributes().get("overlays"));
        assertEquals("mount_setattr", events.get(0).attributes().get("syscall"));
        // The overlay writes through its own clone of the upper mount: a read-only bind does not touch it.
        assertEquals(Map.of("/", 0, "/data", 0, "/srv/bind", 1, "/merged", 0, "/logs", 0), gauge());
    }

    @Test
    void anXfsShutdownIsRememberedUntilTheFilesystemIsUnmounted() {
        tracker.onFsEvent(new FsEvent(env.nanos, FsEvent.Kind.XFS_SHUTDOWN, kernelDev(7, 4), 475, 321, 6, 0,
                FsEvent.ErrorsMode.UNKNOWN, 0, "xfs_io", "loop4", "fs/xfs/xfs_fsops.c"));
        assertEquals(List.of("filesystem.shutdown", "filesystem.remount.readonly"), names());
        Map<String, Object> shutdown = events.get(0).attributes();
        assertEquals("admin", shutdown.get("cause"));
        assertEquals(List.of("log_io", "force_umount"), shutdown.get("reasons"));
        assertEquals("fs/xfs/xfs_fsops.c", shutdown.get("file"));
        assertEquals("shutdown", events.get(1).attributes().get("cause"));
        assertEquals(List.of(new FilesystemCount("loop4", "/logs", "xfs", "admin", 1)), snapshot().shutdowns());

        // mountinfo never shows it: the state stays while the mount does.
        env.advanceMillis(5000);
        tracker.onMountTable(env.table());
        tracker.tick(true);
        assertEquals(1, gauge().get("/logs"));
        // Unmounted, then mounted again after repair: a new instance, writable.
        env.mountinfo = HEALTHY.replace(LOGS, "");
        tracker.onMountTable(env.table());
        assertFalse(gauge().containsKey("/logs"));
        env.mountinfo = HEALTHY.replace(LOGS, LOGS.replace("43 1 7:4", "90 1 7:4"));
        tracker.onMountTable(env.table());
        assertEquals(0, gauge().get("/logs"));
        assertEquals(2, events.size(), "unmount and mount are no remounts");
    }

    @Test
    void anXfsShutdownWithoutAHookIsFoundByStat() {
        env.xfsDown.add("/logs");
        tracker.tick(true);
        assertEquals(List.of(), events, "with the xfs hook live, stat(2) is not used");
        tracker.tick(false);
        assertEquals(List.of("filesystem.shutdown", "filesystem.remount.readonly"), names());
        assertEquals("stat", events.get(0).attributes().get("detected"));
        tracker.tick(false);
        assertEquals(2, events.size());
    }

    @Test
    void anExt4ShutdownIsAdminUnlessItsDeviceIsGone() {
        tracker.onFsEvent(new FsEvent(env.nanos, FsEvent.Kind.EXT4_SHUTDOWN, kernelDev(7, 3), 0, 5, 2, 0,
                FsEvent.ErrorsMode.UNKNOWN, 0, "xfs_io", "loop3", ""));
        assertEquals(List.of("filesystem.shutdown", "filesystem.remount.readonly"), names());
        assertEquals("admin", events.get(0).attributes().get("cause"));
        assertEquals(List.of("nologflush"), events.get(0).attributes().get("reasons"));
        assertEquals("shutdown", events.get(1).attributes().get("cause"));
        assertEquals(1, gauge().get("/merged"));
        // The device went away (the block layer shuts the filesystem down): same flags, other cause.
        env.removed.add(new DevNumber(7, 3));
        tracker.onFsEvent(new FsEvent(env.nanos, FsEvent.Kind.EXT4_SHUTDOWN, kernelDev(7, 3), 0, 5, 2, 0,
                FsEvent.ErrorsMode.UNKNOWN, 0, "losetup", "loop3", ""));
        assertEquals(List.of("filesystem.shutdown", "filesystem.remount.readonly", "filesystem.shutdown"), names());
        assertEquals("device_removed", events.get(2).attributes().get("cause"));
    }

    @Test
    void filesystemsAlreadyBrokenAtStartAreReadOnlyFromTheStartAndReportedOnce() {
        FakeEnvironment late = new FakeEnvironment().device(7, 3, "loop3").device(7, 4, "loop4").device(7, 5, "loop5");
        late.ext4Errors.put("loop3", 1L);
        late.xfsDown.add("/logs");
        late.mountinfo = EMERGENCY + line(50, "7:5", "/", "/ro", "ro,relatime", "ext4", "/dev/loop5", "ro");
        List<Event> seen = new ArrayList<>();
        FilesystemStateTracker t = new FilesystemStateTracker(late, "node-a", seen::add,
                FilesystemStateTracker.Timing.DEFAULT);
        t.initialize(late.table());

        assertEquals(List.of("filesystem.remount.readonly", "filesystem.remount.readonly"),
                seen.stream().map(Event::name).toList());
        assertEquals("at_start", seen.get(0).attributes().get("detected"));
        assertEquals("fs_error", seen.get(0).attributes().get("cause"));
        assertEquals("EIO", seen.get(0).attributes().get("errno"));
        assertEquals("shutdown", seen.get(1).attributes().get("cause"));
        assertEquals(List.of("/logs"), seen.get(1).attributes().get("mountpoints"));
        FilesystemHealth health = t.snapshot(Map.of());
        assertEquals(Map.of("/", 0, "/data", 1, "/srv/bind", 1, "/merged", 1, "/logs", 1, "/ro", 1), gauge(health));
        assertEquals(List.of(), health.remounts(), "counters count what happened while watching");
    }

    /** 6.1: after errors=remount-ro took effect the table still says plain rw; the superblock's times tell. */
    @Test
    void anExt4ThatFailedInItsCurrentMountIsReadOnlyFromTheStartWithoutAnyMarker() {
        Instant mounted = Instant.parse("2026-11-26T19:00:00Z");
        List<Event> seen = new ArrayList<>();
        FilesystemStateTracker t = startedWith(HEALTHY, errors(mounted.plusSeconds(5), mounted.plusSeconds(9)),
                new Ext4Superblock(mounted, Ext4Superblock.ErrorsBehavior.CONTINUE), seen);

        assertEquals(List.of("filesystem.remount.readonly"), seen.stream().map(Event::name).toList());
        Map<String, Object> a = seen.get(0).attributes();
        assertEquals("at_start", a.get("detected"));
        assertEquals("fs_error", a.get("cause"));
        assertEquals(List.of("/data", "/srv/bind"), a.get("mountpoints"));
        // The incident's first error, not the aborted-journal follow-ups after it.
        assertEquals("trigger_test_error", a.get("function"));
        assertEquals("EFSCORRUPTED", a.get("errno"));
        assertEquals(Map.of("/", 0, "/data", 1, "/srv/bind", 1, "/merged", 1, "/logs", 0), gauge(t.snapshot(Map.of())));
    }

    @Test
    void anErrorOfAnEarlierMountDoesNotMakeTheMountInPlaceReadOnly() {
        Instant mounted = Instant.parse("2026-11-26T19:00:00Z");
        List<Event> seen = new ArrayList<>();
        // Failed, unmounted, mounted again without e2fsck: errors_count still 3, the errors older than s_mtime.
        FilesystemStateTracker t = startedWith(HEALTHY, errors(mounted.minusSeconds(60), mounted.minusSeconds(1)),
                new Ext4Superblock(mounted, Ext4Superblock.ErrorsBehavior.CONTINUE), seen);

        assertEquals(List.of(), seen);
        assertEquals(0, gauge(t.snapshot(Map.of())).get("/data"));
    }

    @Test
    void aCurrentErrorMakesTheMountReadOnlyOnlyUnderRemountRoShownOrByDefault() {
        Instant mounted = Instant.parse("2026-11-26T19:00:00Z");
        Ext4ErrorState recent = errors(mounted, mounted.plusSeconds(2));
        String noErrorsOption = node("rw,relatime", "rw", "rw,relatime");
        String continueOption = node("rw,relatime", "rw,errors=continue", "rw,relatime");

        assertEquals(1, gauge(startedWith(noErrorsOption, recent, new Ext4Superblock(mounted,
                Ext4Superblock.ErrorsBehavior.REMOUNT_RO), new ArrayList<>()).snapshot(Map.of())).get("/data"));
        assertEquals(0, gauge(startedWith(noErrorsOption, recent, new Ext4Superblock(mounted,
                Ext4Superblock.ErrorsBehavior.CONTINUE), new ArrayList<>()).snapshot(Map.of())).get("/data"));
        assertEquals(0, gauge(startedWith(continueOption, recent, new Ext4Superblock(mounted,
                Ext4Superblock.ErrorsBehavior.REMOUNT_RO), new ArrayList<>()).snapshot(Map.of())).get("/data"));
    }

    /** A tracker started on a node whose loop3 ext4 has this error record and superblock. */
    private static FilesystemStateTracker startedWith(String mountinfo, Ext4ErrorState loop3, Ext4Superblock disk,
            List<Event> seen) {
        FakeEnvironment late = new FakeEnvironment().device(253, 0, "vda").device(7, 3, "loop3").device(7, 4, "loop4");
        late.ext4Errors.put("vda", 0L);
        late.ext4Records.put("loop3", loop3);
        late.ext4Superblocks.put("loop3", disk);
        late.mountinfo = mountinfo;
        FilesystemStateTracker t = new FilesystemStateTracker(late, "node-a", seen::add,
                FilesystemStateTracker.Timing.DEFAULT);
        t.initialize(late.table());
        return t;
    }

    /** Three errors: trigger_fs_error's first, then two writes that met the aborted journal. */
    private static Ext4ErrorState errors(Instant first, Instant last) {
        return new Ext4ErrorState("loop3", 3, Optional.of(first), Optional.of("trigger_test_error"), OptionalInt.of(126),
                Optional.of(last), Optional.of("ext4_journal_check_start"), OptionalInt.of(83), OptionalInt.of(2),
                OptionalInt.of(5));
    }

    @Test
    void errorsThatOnlyErrorsCountShowAreReportedAndCountedOnce() {
        tracker.tick(true); // baseline taken at start: 0
        env.ext4Errors.put("loop3", 2L);
        tracker.tick(true);
        assertEquals(List.of(), names(), "the hooks' events get the grace period to arrive");
        env.advanceMillis(300);
        tracker.tick(true);
        assertEquals(List.of("filesystem.error"), names());
        assertEquals(2L, events.get(0).attributes().get("count"));
        assertEquals("sysfs", events.get(0).attributes().get("detected"));
        assertEquals(2, errors(Map.of()));

        // A reported error: the kernel counted it, errors_count follows; nothing new from sysfs.
        tracker.onFsEvent(ext4Error(FsEvent.ErrorsMode.CONTINUE));
        env.ext4Errors.put("loop3", 3L);
        tracker.tick(true);
        assertEquals(2, events.size());
        assertEquals(3, errors(Map.of(new FsEventProbe.DevKind(kernelDev(7, 3), FsEvent.Kind.EXT4_ERROR), 1L)));

        // An error whose ring buffer event was lost: the kernel counted it, errors_count reports it once.
        env.ext4Errors.put("loop3", 4L);
        tracker.tick(true);
        env.advanceMillis(300);
        tracker.tick(true);
        assertEquals(3, events.size(), "the lost event is reported from errors_count");
        assertEquals(4, errors(Map.of(new FsEventProbe.DevKind(kernelDev(7, 3), FsEvent.Kind.EXT4_ERROR), 2L)));
    }

    /** 6.1 under QEMU: errors_count rose before the tracepoint's event reached the tracker. */
    @Test
    void anErrorWhoseEventArrivesAfterErrorsCountRoseIsCountedOnce() {
        tracker.tick(true); // baseline 0
        // One write on 6.1 after the error: a tracepoint error (its event on the way) and one without.
        env.ext4Errors.put("loop3", 2L);
        tracker.tick(true);
        env.advanceMillis(100);
        tracker.onFsEvent(ext4Error(FsEvent.ErrorsMode.CONTINUE));
        env.advanceMillis(200);
        tracker.tick(true);

        assertEquals(List.of("filesystem.error", "filesystem.error"), names());
        assertEquals("kernel_event", events.get(0).attributes().get("detected"));
        assertEquals("sysfs", events.get(1).attributes().get("detected"));
        assertEquals(1L, events.get(1).attributes().get("count"));
        assertEquals(2, errors(Map.of(new FsEventProbe.DevKind(kernelDev(7, 3), FsEvent.Kind.EXT4_ERROR), 1L)));
        env.advanceMillis(1000);
        tracker.tick(true);
        assertEquals(2, events.size());
    }

    @Test
    void theFentryHookAddsErrorsWithoutATracepointAndForcedReadOnly() {
        FsEvent tp = ext4Error(FsEvent.ErrorsMode.CONTINUE);
        tracker.onFsEvent(tp);
        // The same error, seen again where every path ends: not a second error.
        tracker.onFsEvent(new FsEvent(tp.monotonicNs() + 1000, FsEvent.Kind.EXT4_HANDLE_ERROR, tp.kernelDev(),
                tp.line(), tp.pid(), 0, 0, FsEvent.ErrorsMode.CONTINUE, 0, tp.comm(), "loop3", tp.function()));
        assertEquals(List.of("filesystem.error"), names());
        // A journal abort: no tracepoint, an errno, and read-only forced.
        tracker.onFsEvent(new FsEvent(env.nanos, FsEvent.Kind.EXT4_HANDLE_ERROR, tp.kernelDev(), 1240, 9, 1, 5,
                FsEvent.ErrorsMode.CONTINUE, 0, "jbd2/loop3-8", "loop3", "__ext4_std_error"));
        assertEquals(List.of("filesystem.error", "filesystem.error", "filesystem.remount.readonly"), names());
        assertEquals("EIO", events.get(1).attributes().get("errno"));
        assertEquals(true, events.get(2).attributes().get("force_ro"));
        assertEquals(2, errors(Map.of(new FsEventProbe.DevKind(kernelDev(7, 3), FsEvent.Kind.EXT4_ERROR), 1L)));
    }

    @Test
    void anOlderTableThanTheLastAppliedIsIgnored() {
        long before = env.nanos;
        env.advanceMillis(10);
        env.mountinfo = node("ro,relatime", "ro,errors=remount-ro", "rw,relatime");
        tracker.onMountTable(env.table());
        tracker.onMountTable(dev.ioguard.exporter.mounts.MountTable.parse(HEALTHY, before + 1));
        assertEquals(1, gauge().get("/data"));
    }

    @Test
    void pseudoAndUnknownFilesystemsGetNoSeriesAndEscapedPathsAreDecoded() {
        env.mountinfo = HEALTHY + line(60, "7:3", "/sub", "/mnt/with\\040space", "rw", "ext4", "/dev/loop3",
                "rw,errors=remount-ro");
        tracker.onMountTable(env.table());
        assertEquals(Map.of("/", 0, "/data", 0, "/srv/bind", 0, "/merged", 0, "/logs", 0, "/mnt/with space", 0),
                gauge(), "no /proc, no foofs");
        tracker.onFsEvent(ext4Error(FsEvent.ErrorsMode.REMOUNT_RO));
        assertEquals(List.of("/data", "/srv/bind", "/mnt/with space"), events.get(1).attributes().get("mountpoints"));
    }

    @Test
    void aNamespaceWithThousandsOfMountsStaysCheap() {
        StringBuilder text = new StringBuilder(HEALTHY);
        for (int i = 0; i < 5000; i++) {
            text.append(line(1000 + i, "0:" + (100 + i), "/", "/run/containers/c" + i + "/merged", "rw",
                    "overlay", "overlay", "rw,lowerdir=/l,upperdir=/data/c" + i + "/up,workdir=/data/c" + i + "/work"));
            text.append(line(7000 + i, "0:" + (6000 + i), "/", "/run/containers/c" + i + "/shm", "rw", "tmpfs",
                    "shm", "rw"));
        }
        env.mountinfo = text.toString();
        long start = System.nanoTime();
        tracker.onMountTable(env.table());
        tracker.onFsEvent(ext4Error(FsEvent.ErrorsMode.REMOUNT_RO));
        FilesystemHealth health = snapshot();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(5 + 5000, health.readOnly().size(), "overlays yes, tmpfs no");
        assertEquals(5001, ((List<?>) events.get(1).attributes().get("overlays")).size());
        assertTrue(health.readOnly().stream().filter(m -> m.fsType().equals("overlay")).allMatch(MountReadOnly::readOnly));
        assertTrue(millis < 2000, "10,000 mounts took " + millis + " ms");
    }

    private FsEvent ext4Error(FsEvent.ErrorsMode mode) {
        return new FsEvent(env.nanos, FsEvent.Kind.EXT4_ERROR, kernelDev(7, 3), 129, (int) pidSeq++, 0, 0, mode, 0,
                "bash", "loop3", "trigger_test_error");
    }

    private MountSyscallEvent syscall(MountSyscallEvent.Syscall call, MountSyscallEvent.ReadOnlyRequest request,
            String target) {
        return syscall(call, request, target, env.nanos - 50_000, env.nanos - 10_000);
    }

    private MountSyscallEvent syscall(MountSyscallEvent.Syscall call, MountSyscallEvent.ReadOnlyRequest request,
            String target, long enter, long exit) {
        String comm = call == MountSyscallEvent.Syscall.MOUNT ? "mount" : "setattr-tool";
        return new MountSyscallEvent(enter, exit, 0, request == MountSyscallEvent.ReadOnlyRequest.SET ? 0x21 : 0x20,
                0, call, request, (int) pidSeq++, -1, comm, target);
    }

    private static int kernelDev(int major, int minor) {
        return (int) DeviceNumbers.kernelDevT(major, minor);
    }

    private List<String> names() {
        return events.stream().map(Event::name).toList();
    }

    private FilesystemHealth snapshot() {
        return tracker.snapshot(Map.of());
    }

    private long errors(Map<FsEventProbe.DevKind, Long> kernel) {
        List<FilesystemCount> counts = tracker.snapshot(kernel).errors();
        assertEquals(List.of("/data", "/srv/bind"), counts.stream().map(FilesystemCount::mountPoint).toList());
        return counts.get(0).count();
    }

    private Map<String, Integer> gauge() {
        return gauge(snapshot());
    }

    private static Map<String, Integer> gauge(FilesystemHealth health) {
        Map<String, Integer> values = new TreeMap<>();
        for (MountReadOnly m : health.readOnly()) {
            values.put(m.mountPoint(), m.readOnly() ? 1 : 0);
        }
        return values;
    }

    private static FilesystemCount count(String mountPoint, String cause, long n) {
        return new FilesystemCount("loop3", mountPoint, "ext4", cause, n);
    }
}
