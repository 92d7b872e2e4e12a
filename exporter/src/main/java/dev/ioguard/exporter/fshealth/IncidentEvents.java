package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.events.Event;
import dev.ioguard.exporter.events.Severity;
import dev.ioguard.exporter.fs.FsEvent;
import dev.ioguard.exporter.fs.MountSyscallEvent;
import dev.ioguard.exporter.mounts.Ext4ErrorState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The events of filesystem incidents, attribute by attribute: {@code device}, {@code dev}
 * ({@code major:minor}), {@code fs_type}, the mount points, then what is known of the cause, then
 * {@code node}. Stateless.
 */
final class IncidentEvents {
    static final String REMOUNT_READONLY = "filesystem.remount.readonly";
    static final String REMOUNT_READWRITE = "filesystem.remount.readwrite";
    static final String ERROR = "filesystem.error";
    static final String SHUTDOWN = "filesystem.shutdown";

    /** How the incident was noticed: the {@code detected} attribute. */
    enum Detection {
        /** a kernel tracepoint (or fentry hook) reported it as it happened */
        KERNEL_EVENT("kernel_event"),
        /** the mount table changed, and the cause was looked for in the other sources */
        MOUNT_TABLE("mount_table"),
        /** ext4's errors_count rose without a kernel event */
        SYSFS("sysfs"),
        /** stat(2) of an xfs mount failed with EIO without a kernel event */
        STAT("stat"),
        /** the state was already there when the exporter started */
        AT_START("at_start");

        final String label;

        Detection(String label) {
            this.label = label;
        }
    }

    private IncidentEvents() {}

    /** {@code filesystem.remount.readonly}: one per incident. */
    static Event readOnly(Subject s, Cause cause, Detection detection, Map<String, Object> details,
            String node, Instant time) {
        Map<String, Object> a = subject(s);
        a.put("cause", cause.label());
        a.put("detected", detection.label);
        a.putAll(details);
        a.put("node", node);
        return new Event(REMOUNT_READONLY, Severity.ERROR, time, a);
    }

    /** {@code filesystem.remount.readwrite}: the mount accepts writes again. */
    static Event readWrite(Subject s, Cause cause, Map<String, Object> details, String node,
            Instant time) {
        Map<String, Object> a = subject(s);
        a.put("cause", cause.label());
        a.put("detected", Detection.MOUNT_TABLE.label);
        a.putAll(details);
        a.put("node", node);
        return new Event(REMOUNT_READWRITE, Severity.INFO, time, a);
    }

    /** {@code filesystem.error} from a kernel hook. */
    static Event error(Subject s, FsEvent e, String node, Instant time) {
        Map<String, Object> a = subject(s);
        a.putAll(kernelError(e));
        a.put("detected", Detection.KERNEL_EVENT.label);
        a.put("node", node);
        return new Event(ERROR, Severity.ERROR, time, a);
    }

    /** {@code filesystem.error} for errors ext4 recorded that no hook reported. */
    static Event unseenErrors(Subject s, long count, Ext4ErrorState record, String node, Instant time) {
        Map<String, Object> a = subject(s);
        a.putAll(sysfsError(record));
        a.put("count", count);
        a.put("detected", Detection.SYSFS.label);
        a.put("node", node);
        return new Event(ERROR, Severity.ERROR, time, a);
    }

    /** {@code filesystem.shutdown}. */
    static Event shutdown(Subject s, Cause cause, Detection detection, Map<String, Object> details,
            String node, Instant time) {
        Map<String, Object> a = subject(s);
        a.put("cause", cause.label());
        a.put("detected", detection.label);
        a.putAll(details);
        a.put("node", node);
        return new Event(SHUTDOWN, Severity.ERROR, time, a);
    }

    /** What an ext4 error hook said: function, line, errno where known, errors=, the task. */
    static Map<String, Object> kernelError(FsEvent e) {
        Map<String, Object> a = new LinkedHashMap<>();
        if (!e.function().isEmpty()) {
            a.put("function", e.function());
        }
        if (e.line() > 0) {
            a.put("line", e.line());
        }
        if (e.error() != 0) {
            a.put("errno", Errnos.name(e.error()));
        }
        if (e.kind() == FsEvent.Kind.EXT4_HANDLE_ERROR && (e.flags() & 1) != 0) {
            a.put("force_ro", true);
        }
        if (e.errorsMode() != FsEvent.ErrorsMode.UNKNOWN) {
            a.put("errors_behavior", e.errorsMode().option());
        }
        a.put("pid", e.pid());
        a.put("comm", e.comm());
        return a;
    }

    /** What a shutdown hook said: flags and their names, where in the kernel, the task. */
    static Map<String, Object> kernelShutdown(FsEvent e) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("flags", e.flags());
        a.put("reasons", ShutdownFlags.names(e.kind(), e.flags()));
        if (!e.function().isEmpty()) {
            a.put(e.kind() == FsEvent.Kind.XFS_SHUTDOWN ? "file" : "function", e.function());
        }
        if (e.line() > 0) {
            a.put("line", e.line());
        }
        a.put("pid", e.pid());
        a.put("comm", e.comm());
        return a;
    }

    /** ext4's own record of its latest error, from sysfs. */
    static Map<String, Object> sysfsError(Ext4ErrorState record) {
        return sysfsError(record, Optional.empty());
    }

    /**
     * As {@link #sysfsError(Ext4ErrorState)}, but the first error when it happened in the current
     * mount (since {@code mountTime}): the incident's cause, rather than the follow-ups that writes
     * to an aborted journal record after it (6.1: "Detected aborted journal", ext4lazyinit's too).
     */
    static Map<String, Object> sysfsError(Ext4ErrorState record, Optional<Instant> mountTime) {
        boolean first = mountTime.isPresent() && record.firstErrorSince(mountTime.get());
        Map<String, Object> a = new LinkedHashMap<>();
        (first ? record.firstErrorFunction() : record.lastErrorFunction()).ifPresent(f -> a.put("function", f));
        (first ? record.firstErrorLine() : record.lastErrorLine()).ifPresent(l -> a.put("line", l));
        (first ? record.firstErrorCode() : record.lastErrorCode())
                .ifPresent(c -> a.put("errno", Ext4ErrorState.errorCodeName(c)));
        a.put("errors_count", record.errorsCount());
        return a;
    }

    /** Who asked, through which syscall, for which path. */
    static Map<String, Object> admin(MountSyscallEvent e) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pid", e.pid());
        a.put("comm", e.comm());
        a.put("syscall", e.syscall().label());
        if (!e.target().isEmpty()) {
            a.put("target", e.target());
        }
        return a;
    }

    private static Map<String, Object> subject(Subject s) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("device", s.device());
        a.put("dev", s.dev().toString());
        a.put("fs_type", s.fsType());
        a.put("mountpoints", List.copyOf(s.mountPoints()));
        a.put("overlays", List.copyOf(s.overlays()));
        return a;
    }
}
