package dev.ioguard.exporter.fshealth;

import dev.ioguard.exporter.devices.DeviceNumbers;
import dev.ioguard.exporter.mounts.MountInfo;

/** A superblock's device number. Immutable. */
record DevNumber(int major, int minor) {
    static DevNumber fromKernel(int kernelDev) {
        long dev = Integer.toUnsignedLong(kernelDev);
        return new DevNumber(DeviceNumbers.major(dev), DeviceNumbers.minor(dev));
    }

    static DevNumber of(MountInfo mount) {
        return new DevNumber(mount.major(), mount.minor());
    }

    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
