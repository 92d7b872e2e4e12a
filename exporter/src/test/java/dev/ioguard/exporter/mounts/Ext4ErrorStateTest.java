package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading /sys/fs/ext4/&lt;dev&gt;/ from a fake sysfs holding the file contents measured on Linux 6.18. */
class Ext4ErrorStateTest {

    /** /sys/fs/ext4/vda on a healthy filesystem (measured). */
    private static final Map<String, String> HEALTHY = Map.of(
            "errors_count", "0\n",
            "first_error_time", "0\n", "first_error_func", "\n", "first_error_line", "0\n",
            "last_error_time", "0\n", "last_error_func", "\n", "last_error_line", "0\n");

    /** /sys/fs/ext4/loop0 after echo 1 > trigger_fs_error (measured). */
    private static final Map<String, String> AFTER_TRIGGER = Map.of(
            "errors_count", "1\n",
            "first_error_time", "1795722664\n", "first_error_func", "trigger_test_error\n", "first_error_line", "129\n",
            "last_error_time", "1795722664\n", "last_error_func", "trigger_test_error\n", "last_error_line", "129\n",
            "last_error_errcode", "5\n", "first_error_errcode", "5\n");

    @TempDir
    Path sysfsExt4;

    @Test
    void aHealthyFilesystemHasNoErrorsAndNoDetails() throws IOException {
        fs("vda", HEALTHY);

        Ext4ErrorState state = Ext4ErrorState.read(sysfsExt4, "vda").orElseThrow();

        assertEquals(new Ext4ErrorState("vda", 0, Optional.empty(), Optional.empty(), OptionalInt.empty(),
                Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty()), state);
        assertFalse(state.hasErrors());
    }

    @Test
    void anErrorIsCountedWithItsTimeFunctionAndLine() throws IOException {
        fs("loop0", AFTER_TRIGGER);

        Ext4ErrorState state = Ext4ErrorState.read(sysfsExt4, "loop0").orElseThrow();

        assertEquals(1, state.errorsCount());
        assertTrue(state.hasErrors());
        assertEquals(Optional.of(Instant.ofEpochSecond(1_795_722_664L)), state.firstErrorTime());
        assertEquals(Optional.of("trigger_test_error"), state.firstErrorFunction());
        assertEquals(OptionalInt.of(129), state.firstErrorLine());
        assertEquals(state.firstErrorTime(), state.lastErrorTime());
        assertEquals(Optional.of("trigger_test_error"), state.lastErrorFunction());
        assertEquals(OptionalInt.of(129), state.lastErrorLine());
        // ext4_error() without an errno records EFSCORRUPTED, ext4's code 5.
        assertEquals(OptionalInt.of(5), state.lastErrorCode());
        assertEquals("EFSCORRUPTED", Ext4ErrorState.errorCodeName(state.lastErrorCode().getAsInt()));
        assertEquals("EIO", Ext4ErrorState.errorCodeName(2));
        assertEquals("EXT4_ERR_99", Ext4ErrorState.errorCodeName(99));
        assertEquals(OptionalInt.of(5), state.firstErrorCode());
    }

    @Test
    void errorsAreDatedAgainstAMountTimeInWholeSeconds() throws IOException {
        fs("loop0", AFTER_TRIGGER);
        Ext4ErrorState state = Ext4ErrorState.read(sysfsExt4, "loop0").orElseThrow();
        Instant error = Instant.ofEpochSecond(1_795_722_664L);

        assertTrue(state.errorSince(error.minusSeconds(5)), "mounted before the error");
        assertTrue(state.errorSince(error), "an error in the mount's own second is this mount's");
        assertFalse(state.errorSince(error.plusSeconds(1)), "mounted after the error");
        assertTrue(state.firstErrorSince(error));
        assertFalse(state.firstErrorSince(error.plusSeconds(1)));
        fs("vda", HEALTHY);
        assertFalse(Ext4ErrorState.read(sysfsExt4, "vda").orElseThrow().errorSince(Instant.EPOCH));
    }

    @Test
    void aDeviceWithoutAMountedExt4FilesystemHasNoState() {
        assertEquals(Optional.empty(), Ext4ErrorState.read(sysfsExt4, "sdz"));
    }

    @Test
    void missingOrGarbledDetailFilesAreReportedAsAbsent() throws IOException {
        fs("old", Map.of("errors_count", "3\n", "first_error_time", "yesterday\n", "last_error_line", "-4\n"));

        Ext4ErrorState state = Ext4ErrorState.read(sysfsExt4, "old").orElseThrow();

        assertEquals(3, state.errorsCount());
        assertEquals(Optional.empty(), state.firstErrorTime());
        assertEquals(Optional.empty(), state.lastErrorFunction());
        assertEquals(OptionalInt.empty(), state.lastErrorLine());
    }

    @Test
    void aGarbledCountMeansNoState() throws IOException {
        fs("bad", Map.of("errors_count", "many\n"));

        assertEquals(Optional.empty(), Ext4ErrorState.read(sysfsExt4, "bad"));
    }

    @Test
    void aDeviceNameCannotLeaveTheSysfsDirectory() {
        assertThrows(IllegalArgumentException.class, () -> Ext4ErrorState.read(sysfsExt4, "../etc"));
        assertThrows(IllegalArgumentException.class, () -> Ext4ErrorState.read(sysfsExt4, ".."));
        assertThrows(IllegalArgumentException.class, () -> Ext4ErrorState.read(sysfsExt4, " "));
    }

    @Test
    void devicesAreTheDirectoriesExceptFeatures() throws IOException {
        fs("vda", HEALTHY);
        fs("loop0", AFTER_TRIGGER);
        Files.createDirectories(sysfsExt4.resolve("features"));

        assertEquals(List.of("loop0", "vda"), Ext4ErrorState.devices(sysfsExt4));
        assertEquals(List.of(), Ext4ErrorState.devices(sysfsExt4.resolve("absent")));
    }

    @Test
    void theRecordRejectsANegativeCount() {
        assertThrows(IllegalArgumentException.class, () -> new Ext4ErrorState("vda", -1, Optional.empty(), Optional.empty(),
                OptionalInt.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty(),
                OptionalInt.empty()));
    }

    /** Runs against this machine: every mounted ext4 filesystem has a record, with details exactly when it has errors. */
    @Test
    void everyLiveExt4FilesystemHasAConsistentRecord() {
        for (String device : Ext4ErrorState.devices(Ext4ErrorState.SYSFS_EXT4)) {
            Ext4ErrorState state = Ext4ErrorState.read(Ext4ErrorState.SYSFS_EXT4, device)
                    .orElseThrow(() -> new AssertionError("no record for " + device));
            assertEquals(state.hasErrors(), state.firstErrorTime().isPresent(), device + ": " + state);
            assertEquals(state.hasErrors(), state.firstErrorFunction().isPresent(), device + ": " + state);
        }
    }

    private void fs(String device, Map<String, String> files) throws IOException {
        Path dir = Files.createDirectories(sysfsExt4.resolve(device));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
    }
}
