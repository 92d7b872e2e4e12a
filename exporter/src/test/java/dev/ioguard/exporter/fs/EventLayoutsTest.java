package dev.ioguard.exporter.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ioguard.exporter.testsupport.Command;
import dev.ioguard.exporter.testsupport.ProjectFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java mirrors of bpf/fs_events.h and bpf/mount_syscalls.h: pinned sizes and offsets, a round
 * trip through each decoder, and, where gcc is installed, the offsets and constants the C compiler
 * gives the headers themselves.
 */
class EventLayoutsTest {
    @TempDir
    Path dir;

    private static Map<String, Long> javaSide() {
        Map<String, Long> v = new LinkedHashMap<>();
        v.put("fs_event", (long) FsEventLayout.SIZE);
        v.put("fs_event.timestamp_ns", (long) FsEventLayout.OFF_TIMESTAMP);
        v.put("fs_event.kind", (long) FsEventLayout.OFF_KIND);
        v.put("fs_event.dev", (long) FsEventLayout.OFF_DEV);
        v.put("fs_event.line", (long) FsEventLayout.OFF_LINE);
        v.put("fs_event.pid", (long) FsEventLayout.OFF_PID);
        v.put("fs_event.flags", (long) FsEventLayout.OFF_FLAGS);
        v.put("fs_event.error", (long) FsEventLayout.OFF_ERROR);
        v.put("fs_event.errors_mode", (long) FsEventLayout.OFF_ERRORS_MODE);
        v.put("fs_event.ptag", (long) FsEventLayout.OFF_PTAG);
        v.put("fs_event.comm", (long) FsEventLayout.OFF_COMM);
        v.put("fs_event.fs_id", (long) FsEventLayout.OFF_FS_ID);
        v.put("fs_event.function", (long) FsEventLayout.OFF_FUNCTION);
        v.put("fs_count_key", (long) FsEventLayout.COUNT_KEY_SIZE);
        v.put("mount_syscall_event", (long) MountSyscallLayout.SIZE);
        v.put("mount_syscall_event.enter_ns", (long) MountSyscallLayout.OFF_ENTER);
        v.put("mount_syscall_event.exit_ns", (long) MountSyscallLayout.OFF_EXIT);
        v.put("mount_syscall_event.ret", (long) MountSyscallLayout.OFF_RET);
        v.put("mount_syscall_event.flags", (long) MountSyscallLayout.OFF_FLAGS);
        v.put("mount_syscall_event.attr_clr", (long) MountSyscallLayout.OFF_ATTR_CLR);
        v.put("mount_syscall_event.syscall", (long) MountSyscallLayout.OFF_SYSCALL);
        v.put("mount_syscall_event.readonly", (long) MountSyscallLayout.OFF_READONLY);
        v.put("mount_syscall_event.pid", (long) MountSyscallLayout.OFF_PID);
        v.put("mount_syscall_event.fd", (long) MountSyscallLayout.OFF_FD);
        v.put("mount_syscall_event.comm", (long) MountSyscallLayout.OFF_COMM);
        v.put("mount_syscall_event.target", (long) MountSyscallLayout.OFF_TARGET);
        for (FsEvent.Kind k : FsEvent.Kind.values()) {
            v.put("const FS_EVENT_" + k.name(), (long) k.code());
        }
        for (FsEvent.ErrorsMode m : FsEvent.ErrorsMode.values()) {
            v.put("const FS_ERRORS_" + m.name(), (long) m.code());
        }
        for (MountSyscallEvent.Syscall s : MountSyscallEvent.Syscall.values()) {
            v.put("const MOUNT_SYSCALL_" + s.name(), (long) s.code());
        }
        v.put("const MOUNT_RO_UNCHANGED", (long) MountSyscallEvent.ReadOnlyRequest.UNCHANGED.code());
        v.put("const MOUNT_RO_SET", (long) MountSyscallEvent.ReadOnlyRequest.SET.code());
        v.put("const MOUNT_RO_CLEAR", (long) MountSyscallEvent.ReadOnlyRequest.CLEAR.code());
        return v;
    }

    @Test
    void layoutsArePinned() {
        assertEquals(152, FsEventLayout.SIZE);
        assertEquals(88, FsEventLayout.OFF_FUNCTION);
        assertEquals(328, MountSyscallLayout.SIZE);
        assertEquals(72, MountSyscallLayout.OFF_TARGET);
    }

    @Test
    void anFsEventSurvivesTheRoundTrip() {
        FsEvent e = new FsEvent(123_456_789L, FsEvent.Kind.XFS_SHUTDOWN, 7 << 20 | 4, 475, 4711, 6, -5,
                FsEvent.ErrorsMode.REMOUNT_RO, 0x40, "xfs_io", "loop4", "fs/xfs/xfs_fsops.c");
        assertEquals(e, FsEventLayout.decode(FsEventLayout.encode(e)));
    }

    @Test
    void stringsLongerThanTheirFieldAreCutAtTheField() {
        FsEvent e = new FsEvent(1, FsEvent.Kind.EXT4_ERROR, 1, 1, 1, 0, 0, FsEvent.ErrorsMode.UNKNOWN, 0,
                "c".repeat(40), "loop0", "f".repeat(200));
        FsEvent back = FsEventLayout.decode(FsEventLayout.encode(e));
        assertEquals(FsEventLayout.FUNCTION_LEN - 1, back.function().length());
        assertEquals(FsEventLayout.COMM_LEN - 1, back.comm().length());
    }

    @Test
    void aMountSyscallEventSurvivesTheRoundTrip() {
        MountSyscallEvent e = new MountSyscallEvent(10, 20, -16, 0xC0ED0021L, 0, MountSyscallEvent.Syscall.MOUNT,
                MountSyscallEvent.ReadOnlyRequest.SET, 99, -1, "mount", "/var/lib/data dir");
        assertEquals(e, MountSyscallLayout.decode(MountSyscallLayout.encode(e)));
        MountSyscallEvent setattr = new MountSyscallEvent(1, 2, 0, 1, 0, MountSyscallEvent.Syscall.MOUNT_SETATTR,
                MountSyscallEvent.ReadOnlyRequest.SET, 5, -100, "java", "");
        assertEquals(setattr, MountSyscallLayout.decode(MountSyscallLayout.encode(setattr)));
    }

    @Test
    void shortOrUnknownRecordsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FsEventLayout.decode(ByteBuffer.allocate(100)));
        assertThrows(IllegalArgumentException.class, () -> MountSyscallLayout.decode(ByteBuffer.allocate(300)));
        ByteBuffer unknownKind = ByteBuffer.allocate(FsEventLayout.SIZE).order(ByteOrder.nativeOrder());
        unknownKind.putInt(FsEventLayout.OFF_KIND, 99);
        assertThrows(IllegalArgumentException.class, () -> FsEventLayout.decode(unknownKind));
    }

    @Test
    void theCompilerAgreesWithTheJavaLayouts() throws IOException {
        assumeTrue(Command.find("gcc").isPresent(), "gcc is not installed: only the pinned values are checked");
        Path bpf = ProjectFiles.root().resolve("bpf");
        StringBuilder c = new StringBuilder("""
                #include <stdio.h>
                #include <stddef.h>
                #include <linux/types.h>
                #include "fs_events.h"
                #include "mount_syscalls.h"
                #define SZ(s) printf("%s %zu\\n", #s, sizeof(struct s))
                #define OFF(s, f) printf("%s.%s %zu\\n", #s, #f, offsetof(struct s, f))
                #define CONST(c) printf("const %s %ld\\n", #c, (long)(c))
                int main(void) {
                """);
        for (String key : javaSide().keySet()) {
            if (key.startsWith("const ")) {
                c.append("CONST(").append(key.substring(6)).append(");\n");
            } else if (key.contains(".")) {
                String[] parts = key.split("\\.");
                c.append("OFF(").append(parts[0]).append(", ").append(parts[1]).append(");\n");
            } else {
                c.append("SZ(").append(key).append(");\n");
            }
        }
        c.append("return 0; }\n");
        Path source = dir.resolve("layouts.c");
        Files.writeString(source, c.toString());
        Path binary = dir.resolve("layouts");
        Command.run("gcc", "-Wall", "-Werror", "-I" + bpf, "-o", binary.toString(), source.toString());
        Map<String, Long> compiler = new TreeMap<>();
        for (String line : Command.run(binary.toString()).split("\n")) {
            int space = line.lastIndexOf(' ');
            compiler.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
        }
        assertEquals(compiler, new TreeMap<>(javaSide()));
    }
}
