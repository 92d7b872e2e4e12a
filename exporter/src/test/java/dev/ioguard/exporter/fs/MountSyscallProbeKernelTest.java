package dev.ioguard.exporter.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ioguard.exporter.bpf.Tracefs;
import dev.ioguard.exporter.hooks.Hook;
import dev.ioguard.exporter.hooks.HookRegistry;
import dev.ioguard.exporter.mounts.MountInfo;
import dev.ioguard.exporter.mounts.MountTable;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernel test (root, BPF, tracefs): remounts this test makes through mount(2), fspick(2) +
 * fsconfig(2), and mount_setattr(2) come back with this thread's pid and comm, what was asked for,
 * the path, and the return value; mounts that are no remounts come back not at all.
 */
class MountSyscallProbeKernelTest {
    private final BlockingQueue<MountSyscallEvent> events = new LinkedBlockingQueue<>();
    private final int pid = (int) ProcessHandle.current().pid();

    @BeforeEach
    void needsRootAndBpf() {
        Root.require();
        KernelAssumptions.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel has no BTF (/sys/kernel/btf/vmlinux)");
        KernelAssumptions.requireProgram("mkfs.ext4");
    }

    @Test
    void everyRemountSyscallIsReportedWithItsCallerAndOutcome() throws Exception {
        HookRegistry hooks = new HookRegistry();
        try (Tracefs tracefs = Tracefs.ensure()) {
            KernelAssumptions.require(tracefs.available(), "syscall tracepoints need tracefs: " + tracefs.reason());
            try (MountSyscallProbe probe = MountSyscallProbe.start(hooks, tracefs, events::add);
                    LoopDevice loop = LoopDevice.create(64, false)) {
                assertTrue(hooks.all().stream().allMatch(h -> h.state() == Hook.State.LIVE), hooks.all().toString());
                assertEquals(6, hooks.all().size());
                loop.mkfs("ext4");
                try (Mount mount = loop.mount("")) {
                    Path target = mount.mountPoint();
                    String comm = MountSyscalls.threadComm();

                    // mount(2): a fresh bind mount is no remount; remount ro and rw are.
                    Files.createDirectories(target.resolve("sub"));
                    try (Mount bind = Mount.bind(target.resolve("sub"), loop.directory().resolve("bind"))) {
                        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "mount(8) --bind is no remount");
                        assertEquals(0, MountSyscalls.mount(target, MountSyscalls.MS_REMOUNT | MountSyscalls.MS_RDONLY));
                        MountSyscallEvent ro = next();
                        assertEquals(MountSyscallEvent.Syscall.MOUNT, ro.syscall());
                        assertEquals(MountSyscallEvent.ReadOnlyRequest.SET, ro.readOnly());
                        assertEquals(0, ro.ret());
                        assertEquals(pid, ro.pid());
                        assertEquals(comm, ro.comm());
                        assertEquals(target.toString(), ro.target());
                        assertTrue(ro.enterNs() <= ro.exitNs() && ro.exitNs() <= System.nanoTime(), ro.toString());
                        assertTrue(superOptions(target).contains("ro"));

                        assertEquals(0, MountSyscalls.mount(target, MountSyscalls.MS_REMOUNT));
                        MountSyscallEvent rw = next();
                        assertEquals(MountSyscallEvent.ReadOnlyRequest.CLEAR, rw.readOnly());
                        assertEquals(0, rw.ret());

                        // A remount that fails: the error comes back too.
                        Path notMounted = loop.directory();
                        int einval = MountSyscalls.mount(notMounted, MountSyscalls.MS_REMOUNT | MountSyscalls.MS_RDONLY);
                        assertEquals(-22, einval);
                        MountSyscallEvent failed = next();
                        assertEquals(-22, failed.ret());
                        assertEquals(notMounted.toString(), failed.target());

                        // The new mount API: fspick + fsconfig(SET_FLAG "ro") + fsconfig(CMD_RECONFIGURE).
                        assertEquals(0, MountSyscalls.reconfigure(target, true));
                        MountSyscallEvent fsconfig = next();
                        assertEquals(MountSyscallEvent.Syscall.FSCONFIG, fsconfig.syscall());
                        assertEquals(MountSyscallEvent.ReadOnlyRequest.SET, fsconfig.readOnly());
                        assertEquals(0, fsconfig.ret());
                        assertEquals(comm, fsconfig.comm());
                        assertTrue(fsconfig.fd() >= 0, fsconfig.toString());
                        assertTrue(superOptions(target).contains("ro"), "fsconfig made the superblock ro");
                        assertEquals(0, MountSyscalls.reconfigure(target, false));
                        assertEquals(MountSyscallEvent.ReadOnlyRequest.CLEAR, next().readOnly());
                        assertTrue(superOptions(target).contains("rw"));

                        // mount_setattr: one mount read-only, then writable again.
                        assertEquals(0, MountSyscalls.mountSetattr(bind.mountPoint(), MountSyscalls.MOUNT_ATTR_RDONLY, 0));
                        MountSyscallEvent setattr = next();
                        assertEquals(MountSyscallEvent.Syscall.MOUNT_SETATTR, setattr.syscall());
                        assertEquals(MountSyscallEvent.ReadOnlyRequest.SET, setattr.readOnly());
                        assertEquals(bind.mountPoint().toString(), setattr.target());
                        assertEquals(MountSyscalls.MOUNT_ATTR_RDONLY, setattr.flags());
                        assertTrue(mount(bind.mountPoint()).mountOptions().contains("ro"));
                        assertEquals(0, MountSyscalls.mountSetattr(bind.mountPoint(), 0, MountSyscalls.MOUNT_ATTR_RDONLY));
                        MountSyscallEvent cleared = next();
                        assertEquals(MountSyscallEvent.ReadOnlyRequest.CLEAR, cleared.readOnly());
                        assertEquals(MountSyscalls.MOUNT_ATTR_RDONLY, cleared.attrClr());
                    }
                    assertNull(events.poll(200, TimeUnit.MILLISECONDS), "unmounting is no remount");
                    assertEquals(0, probe.droppedInKernel());
                }
            }
        }
    }

    @Test
    void eventsTheRingBufferCannotHoldAreCountedNotLost() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong ours = new java.util.concurrent.atomic.AtomicLong();
        try (Tracefs tracefs = Tracefs.ensure()) {
            KernelAssumptions.require(tracefs.available(), "syscall tracepoints need tracefs: " + tracefs.reason());
            try (MountSyscallProbe probe = MountSyscallProbe.start(new HookRegistry(), tracefs, e -> {
                try {
                    release.await(); // a consumer that stalls: the ring buffer fills up
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (e.pid() == pid) {
                    ours.incrementAndGet();
                }
            }); LoopDevice loop = LoopDevice.create(64, false)) {
                loop.mkfs("ext4");
                try (Mount mount = loop.mount("")) {
                    int calls = 1000; // 64 KiB hold about 190 events of 336 bytes
                    for (int i = 0; i < calls; i++) {
                        assertEquals(0, MountSyscalls.mount(mount.mountPoint(), MountSyscalls.MS_REMOUNT));
                    }
                    release.countDown();
                    long dropped = probe.droppedInKernel();
                    assertTrue(dropped > 0, "the ring buffer overflowed");
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (ours.get() + dropped < calls && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    // Others may remount meanwhile and take ring buffer room: every one of ours is read or dropped.
                    assertTrue(ours.get() + dropped >= calls, "read " + ours.get() + " + dropped " + dropped);
                    assertTrue(ours.get() < calls, "some were dropped: read " + ours.get());
                }
            }
        }
    }

    /** The next event this process caused (other processes may remount meanwhile). */
    private MountSyscallEvent next() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            MountSyscallEvent e = events.poll(50, TimeUnit.MILLISECONDS);
            if (e != null && e.pid() == pid) {
                return e;
            }
        }
        throw new AssertionError("no mount syscall event of this process within 2 s");
    }

    private static MountInfo mount(Path mountPoint) {
        return MountTable.read().byMountPoint(mountPoint.toString()).orElseThrow();
    }

    private static java.util.List<String> superOptions(Path mountPoint) {
        return mount(mountPoint).superOptions();
    }
}
