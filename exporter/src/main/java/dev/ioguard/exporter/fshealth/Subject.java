package dev.ioguard.exporter.fshealth;

import java.util.List;
import java.util.Objects;

/**
 * What an incident is about: a superblock (or one mount of it) as a person looks for it. Immutable.
 *
 * @param device      the kernel name of the device ({@code loop3}); major:minor when it has none
 * @param mountPoints every mount point of the superblock (bind mounts included), or the one mount
 *                    a per-mount change touched
 * @param overlays    the mount points of overlays whose upper or work directory lies on it
 */
record Subject(String device, DevNumber dev, String fsType, List<String> mountPoints,
        List<String> overlays) {
    Subject {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(fsType, "fsType");
        mountPoints = List.copyOf(mountPoints);
        overlays = List.copyOf(overlays);
    }
}
