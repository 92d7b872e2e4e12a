package dev.ioguard.exporter.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.bpf.Tracefs;
import dev.ioguard.exporter.devices.DeviceNumbers;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.KernelAssumptions;
import dev.ioguard.exporter.testsupport.LoopDevice;
import dev.ioguard.exporter.testsupport.Mount;
import dev.ioguard.exporter.testsupport.MountSyscalls;
import dev.ioguard.exporter.testsupport.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernel test (root, BPF): real ext4 errors, ext4 shutdowns and xfs shutdowns on loop devices made
 * by the test reach Java decoded, through the tp_btf programs and through their classic tracepoint
 * fallbacks; the optional fentry hook is live or reported with its reason.
 */
class FsEventProbeKernelTest {
    private final BlockingQueue<FsEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void needsRootBpfAndTools() {
        Root.require();
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel has no BTF (/sys/kernel/btf/vmlinux)");
        KernelAssumptions.requireProgram("mkfs.ext4");
        KernelAssumptions.requireProgram("mkfs.xfs");
        KernelAssumptions.requireProgram("xfs_io");
    }

    @Test
    void tpBtfProgramsReportErrorsAndShutdownsWithTheirDetails() throws Exception {
        HookRegistry hooks = new HookRegistry();
        try (Tracefs tracefs = Tracefs.ensure();
                FsEventProbe probe = FsEventProbe.start(hooks, tracefs, events::add)) {
            assertTrue(hooks.all().stream().anyMatch(h -> h.name().equals("tp_btf/ext4_error")
                    && h.state() == Hook.State.LIVE), hooks.all().toString());
            Hook fentry = hooks.all().stream().filter(h -> h.name().equals("fentry/ext4_handle_error"))
                    .findFirst().orElseThrow();
            assertTrue(fentry.state() == Hook.State.LIVE
                    || fentry.state() == Hook.State.NOT_USED && fentry.detail().contains("errno"), fentry.toString());
            assertTrue(hooks.healthy(), "an optional hook the kernel refuses leaves the exporter healthy");
            assertTrue(probe.xfsShutdownsLive());

            exerciseFailures(probe, true);
        }
    }

    @Test
    void classicTracepointFallbacksReportTheSameFailures() throws Exception {
        HookRegistry hooks = new HookRegistry();
        try (Tracefs tracefs = Tracefs.ensure()) {
            KernelAssumptions.require(tracefs.available(), "classic tracepoints need tracefs: " + tracefs.reason());
            try (FsEventProbe probe = FsEventProbe.start(hooks, tracefs, events::add,
                    FsEventProbe.Preference.CLASSIC_ONLY)) {
                for (String hook : new String[] {"tracepoint/ext4/ext4_error", "tracepoint/ext4/ext4_shutdown",
                    "tracepoint/xfs/xfs_force_shutdown"}) {
                    assertTrue(hooks.all().stream().anyMatch(h -> h.name().equals(hook)
                            && h.state() == Hook.State.LIVE), hook + ": " + hooks.all());
                }
                assertTrue(probe.xfsShutdownsLive());
                exerciseFailures(probe, false);
            }
        }
    }

    @Test
    void theKernelCountStaysExactWhenTheRingBufferOverflows() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (Tracefs tracefs = Tracefs.ensure(); LoopDevice loop = LoopDevice.create(64, false)) {
            loop.mkfs("ext4");
            java.util.concurrent.atomic.AtomicLong ours = new java.util.concurrent.atomic.AtomicLong();
            try (FsEventProbe probe = FsEventProbe.start(new HookRegistry(), tracefs, e -> {
                try {
                    release.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (dev(e).equals(loop.devNumber())) {
                    ours.incrementAndGet();
                }
            }); Mount mount = loop.mount("errors=continue")) {
                int errors = 2500; // 256 KiB hold about 1,600 events of 160 bytes
                Path trigger = Path.of("/sys/fs/ext4", loop.name(), "trigger_fs_error");
                for (int i = 0; i < errors; i++) {
                    Files.writeString(trigger, "1");
                }
                long dropped = probe.droppedInKernel();
                release.countDown();
                assertEquals((long) errors, probe.counts().get(new FsEventProbe.DevKind(
                        (int) DeviceNumbers.kernelDevT(loop.major(), loop.minor()), FsEvent.Kind.EXT4_ERROR)));
                assertTrue(dropped > 0, "the ring buffer overflowed");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (ours.get() + dropped < errors && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(ours.get() + dropped >= errors, "read " + ours.get() + " + dropped " + dropped);
                assertTrue(ours.get() < errors);
            }
        }
    }

    private void exerciseFailures(FsEventProbe probe, boolean btf) throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        try (LoopDevice ext4 = LoopDevice.create(64, false); LoopDevice other = LoopDevice.create(64, false);
                LoopDevice xfs = LoopDevice.create(320, false)) {
            ext4.mkfs("ext4");
            other.mkfs("ext4");
            xfs.mkfs("xfs");
            try (Mount failing = ext4.mount("errors=remount-ro"); Mount shut = other.mount("errors=continue");
                    Mount x = xfs.mount("")) {
                String comm = MountSyscalls.threadComm();
                Files.writeString(Path.of("/sys/fs/ext4", ext4.name(), "trigger_fs_error"), "1");
                FsEvent error = await(e -> e.kind() == FsEvent.Kind.EXT4_ERROR && dev(e).equals(ext4.devNumber()));
                assertEquals("trigger_test_error", error.function());
                assertTrue(error.line() > 0, error.toString());
                assertEquals(pid, error.pid());
                assertEquals(comm, error.comm());
                assertEquals(btf ? FsEvent.ErrorsMode.REMOUNT_RO : FsEvent.ErrorsMode.UNKNOWN, error.errorsMode());
                assertEquals(btf ? ext4.name() : "", error.fsId());

                Command.run("xfs_io", "-x", "-c", "shutdown", shut.mountPoint().toString());
                FsEvent ext4Down = await(e -> e.kind() == FsEvent.Kind.EXT4_SHUTDOWN && dev(e).equals(other.devNumber()));
                assertEquals(2, ext4Down.flags(), "xfs_io shutdown without -f: EXT4_GOING_FLAGS_NOLOGFLUSH");
                assertEquals("xfs_io", ext4Down.comm());

                Command.run("xfs_io", "-x", "-c", "shutdown", x.mountPoint().toString());
                FsEvent xfsDown = await(e -> e.kind() == FsEvent.Kind.XFS_SHUTDOWN && dev(e).equals(xfs.devNumber()));
                assertEquals(6, xfsDown.flags(), "log_io | force_umount");
                assertEquals("fs/xfs/xfs_fsops.c", xfsDown.function());
                assertTrue(xfsDown.line() > 0, xfsDown.toString());
                assertEquals("xfs_io", xfsDown.comm());

                // The exact counts hold the same failures.
                assertEquals(1L, probe.counts().get(new FsEventProbe.DevKind(
                        (int) DeviceNumbers.kernelDevT(ext4.major(), ext4.minor()), FsEvent.Kind.EXT4_ERROR)));
                assertEquals(1L, probe.counts().get(new FsEventProbe.DevKind(
                        (int) DeviceNumbers.kernelDevT(xfs.major(), xfs.minor()), FsEvent.Kind.XFS_SHUTDOWN)));
                assertEquals(0, probe.droppedInKernel());
            }
        }
    }

    private FsEvent await(Predicate<FsEvent> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            FsEvent e = events.poll(50, TimeUnit.MILLISECONDS);
            if (e != null && wanted.test(e)) {
                return e;
            }
        }
        assertNotNull(null, "no such event within 2 s");
        return null;
    }

    private static String dev(FsEvent e) {
        long dev = Integer.toUnsignedLong(e.kernelDev());
        return DeviceNumbers.major(dev) + ":" + DeviceNumbers.minor(dev);
    }
}
