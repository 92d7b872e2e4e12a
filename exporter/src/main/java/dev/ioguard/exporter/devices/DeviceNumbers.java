package dev.ioguard.exporter.devices;

/**
 * Converts between device numbers and the two encodings of {@code dev_t} that ioguard meets.
 *
 * <p>Stateless; safe to call from any thread.
 *
 * <ul>
 *   <li>The in-kernel encoding ({@code MKDEV}: {@code major << 20 | minor}, 12 major and 20 minor bits),
 *       which BPF programs see in {@code sb->s_dev} or build from {@code disk->major} and
 *       {@code disk->first_minor}.
 *   <li>The user-space encoding of {@code stat(2)}'s {@code st_dev} (glibc's {@code makedev}), which Java
 *       returns as the {@code "unix:dev"} file attribute. It is a different bit layout: mixing the two
 *       silently maps a device to the wrong major:minor.
 * </ul>
 */
public final class DeviceNumbers {

    static final int MINOR_BITS = 20;
    static final int MAX_MINOR = (1 << MINOR_BITS) - 1;
    static final int MAX_MAJOR = (1 << (32 - MINOR_BITS)) - 1;
    private static final long MAX_KERNEL_DEV_T = 0xFFFF_FFFFL;

    private DeviceNumbers() {}

    /** The major number of an in-kernel {@code dev_t} (a 32-bit value, passed unsigned). */
    public static int major(long kernelDevT) {
        checkKernelDevT(kernelDevT);
        return (int) (kernelDevT >>> MINOR_BITS);
    }

    /** The minor number of an in-kernel {@code dev_t} (a 32-bit value, passed unsigned). */
    public static int minor(long kernelDevT) {
        checkKernelDevT(kernelDevT);
        return (int) (kernelDevT & MAX_MINOR);
    }

    /** The in-kernel {@code dev_t} for a device number, as {@code MKDEV(major, minor)} builds it. */
    public static long kernelDevT(int major, int minor) {
        if (major < 0 || major > MAX_MAJOR || minor < 0 || minor > MAX_MINOR) {
            throw new IllegalArgumentException("device number " + major + ":" + minor
                    + " does not fit the kernel's dev_t (major 0.." + MAX_MAJOR + ", minor 0.." + MAX_MINOR + ")");
        }
        return ((long) major << MINOR_BITS) | minor;
    }

    /** The major number of a user-space {@code st_dev}, as glibc's {@code major()} computes it. */
    public static int userMajor(long stDev) {
        return (int) (((stDev >>> 8) & 0xfffL) | ((stDev >>> 32) & 0xffff_f000L));
    }

    /** The minor number of a user-space {@code st_dev}, as glibc's {@code minor()} computes it. */
    public static int userMinor(long stDev) {
        return (int) ((stDev & 0xffL) | ((stDev >>> 12) & 0xffff_ff00L));
    }

    /** The user-space {@code st_dev} for a device number, as glibc's {@code makedev()} builds it. */
    public static long userDevT(int major, int minor) {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("negative device number " + major + ":" + minor);
        }
        long ma = major;
        long mi = minor;
        return ((ma & 0xfffL) << 8) | ((ma & 0xffff_f000L) << 32) | (mi & 0xffL) | ((mi & 0xffff_ff00L) << 12);
    }

    private static void checkKernelDevT(long kernelDevT) {
        if (kernelDevT < 0 || kernelDevT > MAX_KERNEL_DEV_T) {
            throw new IllegalArgumentException("in-kernel dev_t is a 32-bit value, got " + kernelDevT);
        }
    }
}
