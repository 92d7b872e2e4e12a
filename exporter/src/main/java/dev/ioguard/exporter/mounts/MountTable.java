package dev.ioguard.exporter.mounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The mounts of one mount namespace, from one read of {@code /proc/self/mountinfo}, indexed by device
 * and by mount point.
 *
 * <p>Immutable after construction and safe to share between threads; lookups cost a hash probe per path
 * component, so a namespace with thousands of mounts (a busy Kubernetes node) stays cheap. A table is a
 * snapshot; {@link MountTableWatcher} delivers fresh ones.
 *
 * <p>Several mounts can sit on one mount point (a mount over a mount); the one that path lookups reach
 * is the top of that stack: the mount that no other mount at the same point is mounted on.
 */
public final class MountTable {

    /** Where {@link #read()} looks. */
    public static final Path PROC_SELF_MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final List<MountInfo> mounts;
    private final int skippedLines;
    private final long readNanos;
    private final Map<Long, List<MountInfo>> byDevice = new HashMap<>();
    private final Map<String, List<MountInfo>> stacks = new HashMap<>();
    private final Map<Long, List<MountInfo>> overlaysByBackingDevice = new HashMap<>();
    private final Map<MountInfo, MountInfo> upperMountByOverlay = new HashMap<>();

    private MountTable(List<MountInfo> mounts, int skippedLines, long readNanos) {
        this.mounts = List.copyOf(mounts);
        this.skippedLines = skippedLines;
        this.readNanos = readNanos;
        List<MountInfo> overlays = new ArrayList<>();
        for (MountInfo mount : this.mounts) {
            byDevice.computeIfAbsent(key(mount.major(), mount.minor()), k -> new ArrayList<>()).add(mount);
            stacks.computeIfAbsent(mount.mountPoint(), k -> new ArrayList<>(1)).add(mount);
            if (mount.isOverlay()) {
                overlays.add(mount);
            }
        }
        // Resolved once per table: a collector asks for every device, and a node may run a thousand containers.
        for (MountInfo overlay : overlays) {
            MountInfo upper = overlay.overlayUpperDir().map(dir -> resolve(normalize(dir), overlay)).orElse(null);
            MountInfo work = overlay.overlayWorkDir().map(dir -> resolve(normalize(dir), overlay)).orElse(null);
            if (upper != null) {
                upperMountByOverlay.put(overlay, upper);
                addBacked(upper, overlay);
            }
            if (work != null && (upper == null || !sameDevice(upper, work))) {
                addBacked(work, overlay);
            }
        }
        byDevice.replaceAll((device, list) -> List.copyOf(list));
        overlaysByBackingDevice.replaceAll((device, list) -> List.copyOf(list));
    }

    /** The table a mountinfo text describes. Lines that do not parse are left out and counted. */
    public static MountTable parse(String mountinfoText) {
        return parse(mountinfoText, System.nanoTime());
    }

    /**
     * As {@link #parse(String)}, for a text read at {@code readNanos} ({@link System#nanoTime()}, taken
     * before the read began): the table shows every change made before that moment.
     */
    public static MountTable parse(String mountinfoText, long readNanos) {
        Objects.requireNonNull(mountinfoText, "mountinfoText");
        List<MountInfo> mounts = new ArrayList<>();
        int skipped = 0;
        int start = 0;
        int length = mountinfoText.length();
        while (start < length) {
            int end = mountinfoText.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            if (end > start) {
                MountInfo mount = MountinfoParser.parseLine(mountinfoText.substring(start, end));
                if (mount == null) {
                    skipped++;
                } else {
                    mounts.add(mount);
                }
            }
            start = end + 1;
        }
        return new MountTable(mounts, skipped, readNanos);
    }

    /**
     * Reads this process's {@code /proc/self/mountinfo} now.
     *
     * @throws UncheckedIOException when it cannot be read
     */
    public static MountTable read() {
        return read(PROC_SELF_MOUNTINFO);
    }

    /**
     * Reads a mountinfo file now (another process's, or a copy).
     *
     * @throws UncheckedIOException when it cannot be read
     */
    public static MountTable read(Path mountinfo) {
        long readNanos = System.nanoTime();
        return parse(readText(mountinfo), readNanos);
    }

    /** The raw text; a path is bytes, so invalid UTF-8 is replaced rather than failing the whole read. */
    static String readText(Path mountinfo) {
        try {
            return new String(Files.readAllBytes(mountinfo), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mountinfo, e);
        }
    }

    /** Every mount, in the order of the file. */
    public List<MountInfo> all() {
        return mounts;
    }

    /** When this table was read: {@link System#nanoTime()} just before reading began. */
    public long readNanos() {
        return readNanos;
    }

    /** Lines that did not have mountinfo's shape and were left out. */
    public int skippedLines() {
        return skippedLines;
    }

    /** Every mount of the superblock on this device, bind mounts included, in file order. */
    public List<MountInfo> mountsOf(int major, int minor) {
        return byDevice.getOrDefault(key(major, minor), List.of());
    }

    /**
     * The visible mount at exactly this mount point (the top of the stack there), if any. The argument
     * is normalized lexically ({@code //}, {@code .}, {@code ..}, a trailing slash); relative paths have no mount.
     */
    public Optional<MountInfo> byMountPoint(String mountPoint) {
        String path = normalize(mountPoint);
        return path == null ? Optional.empty() : Optional.ofNullable(top(stacks.get(path), null));
    }

    /**
     * The mount a path lies on: the visible mount whose mount point is the longest prefix of the path,
     * compared component by component ({@code /data2} is not on {@code /data}). Symbolic links are not
     * followed: the path is taken as written.
     */
    public Optional<MountInfo> resolve(String path) {
        return Optional.ofNullable(resolve(normalize(path), null));
    }

    /**
     * The overlay mounts whose upper or work directory lies on a mount of this device: the overlays that
     * fail when that filesystem fails.
     */
    public List<MountInfo> overlaysBackedBy(int major, int minor) {
        return overlaysByBackingDevice.getOrDefault(key(major, minor), List.of());
    }

    /** The mount an overlay's upper directory lies on; empty for non-overlays and overlays without an upper layer. */
    public Optional<MountInfo> overlayUpperMount(MountInfo overlay) {
        MountInfo known = upperMountByOverlay.get(overlay);
        if (known != null) {
            return Optional.of(known);
        }
        // An overlay of another table, or one whose upper directory lies on no mount here.
        return overlay.overlayUpperDir().map(dir -> resolve(normalize(dir), overlay));
    }

    /**
     * The read-only state that writes through this mount meet. For most mounts that is
     * {@link MountInfo#readOnlyState()}; an overlay also fails when the superblock under its upper
     * directory went read-only, although its own line still says {@code rw}. (A read-only bind of the
     * upper directory does not count: overlayfs writes through a private clone of the upper mount.)
     */
    public ReadOnlyState effectiveReadOnlyState(MountInfo mount) {
        ReadOnlyState own = mount.readOnlyState();
        return overlayUpperMount(mount)
                .map(MountInfo::readOnlyState)
                .filter(ReadOnlyState::superblockWide)
                .map(own::worse)
                .orElse(own);
    }

    private void addBacked(MountInfo backing, MountInfo overlay) {
        overlaysByBackingDevice.computeIfAbsent(key(backing.major(), backing.minor()), k -> new ArrayList<>()).add(overlay);
    }

    private static boolean sameDevice(MountInfo a, MountInfo b) {
        return a.major() == b.major() && a.minor() == b.minor();
    }

    /**
     * Walks from the path up to {@code /}, returning the first visible mount. An overlay's own directories
     * were looked up before it existed, so the overlay is excluded when resolving them.
     */
    private MountInfo resolve(String path, MountInfo excluded) {
        if (path == null) {
            return null;
        }
        String current = path;
        while (true) {
            MountInfo mount = top(stacks.get(current), excluded);
            if (mount != null) {
                return mount;
            }
            if (current.equals("/")) {
                return null;
            }
            int slash = current.lastIndexOf('/');
            current = slash == 0 ? "/" : current.substring(0, slash);
        }
    }

    /** The mount of a stack that nothing else in the stack is mounted on; the last one when that is ambiguous. */
    private static MountInfo top(List<MountInfo> stack, MountInfo excluded) {
        if (stack == null) {
            return null;
        }
        if (stack.size() == 1) {
            MountInfo only = stack.get(0);
            return only.equals(excluded) ? null : only;
        }
        Set<Integer> covered = new HashSet<>();
        for (MountInfo mount : stack) {
            if (!mount.equals(excluded)) {
                covered.add(mount.parentId());
            }
        }
        MountInfo candidate = null;
        for (MountInfo mount : stack) {
            if (!mount.equals(excluded) && (candidate == null || !covered.contains(mount.mountId()))) {
                candidate = mount;
            }
        }
        return candidate;
    }

    /** Lexical normalization of an absolute path ({@code //}, {@code .}, {@code ..}); null for a relative one. */
    public static String normalize(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static long key(int major, int minor) {
        return ((long) major << 32) | (minor & 0xFFFF_FFFFL);
    }
}
