package dev.ioguard.exporter.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A busy Kubernetes node: 1,000 volumes, each mounted once and bind-mounted into a pod, 1,000 container
 * overlays with their upper directories on those volumes, 1,999 tmpfs secrets: 5,000 lines.
 */
class MountTableScaleTest {

    private static final int VOLUMES = 1_000;

    @Test
    void fiveThousandMountsParseAndAnswerEveryDeviceQueryQuickly() {
        String text = node();
        assertEquals(5_000, text.lines().count());

        long start = System.nanoTime();
        MountTable table = MountTable.parse(text);
        for (int i = 0; i < VOLUMES; i++) {
            int major = 8 + i / 256;
            int minor = i % 256;
            List<MountInfo> mounts = table.mountsOf(major, minor);
            assertEquals(2, mounts.size(), "volume " + i);
            assertEquals("/var/lib/kubelet/plugins/vol" + i, mounts.get(0).mountPoint());
            List<MountInfo> overlays = table.overlaysBackedBy(major, minor);
            assertEquals(1, overlays.size(), "volume " + i);
            assertEquals("/run/containerd/c" + i + "/rootfs", overlays.get(0).mountPoint());
            assertEquals(ReadOnlyState.WRITABLE, table.effectiveReadOnlyState(overlays.get(0)));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(5_000, table.all().size());
        assertEquals(0, table.skippedLines());
        // Measured here: ~100 ms cold. The bound catches a quadratic lookup (seconds at this size), not jitter.
        assertTrue(millis < 2_000, "parse and 3,000 queries took " + millis + " ms");
    }

    private static String node() {
        StringBuilder text = new StringBuilder("1 0 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n");
        int id = 2;
        for (int i = 0; i < VOLUMES; i++) {
            String dev = (8 + i / 256) + ":" + (i % 256);
            text.append(id++).append(" 1 ").append(dev).append(" / /var/lib/kubelet/plugins/vol").append(i)
                    .append(" rw,relatime shared:2 - ext4 /dev/vol").append(i).append(" rw,errors=remount-ro\n");
            text.append(id++).append(" 1 ").append(dev).append(" /pods /var/lib/kubelet/pods/pod").append(i)
                    .append("/volumes/kubernetes.io\\040csi/data rw,relatime shared:2 - ext4 /dev/vol").append(i)
                    .append(" rw,errors=remount-ro\n");
        }
        for (int i = 0; i < VOLUMES; i++) {
            String upper = "/var/lib/kubelet/plugins/vol" + i + "/containers/c" + i;
            text.append(id++).append(" 1 0:").append(1000 + i).append(" / /run/containerd/c").append(i)
                    .append("/rootfs rw,relatime - overlay overlay rw,lowerdir=/var/lib/containerd/snap/").append(i)
                    .append("/fs,upperdir=").append(upper).append("/up,workdir=").append(upper).append("/work\n");
        }
        for (int i = 0; id <= 5_000; i++) {
            text.append(id++).append(" 1 0:").append(3000 + i).append(" / /var/lib/kubelet/pods/pod").append(i % VOLUMES)
                    .append("/volumes/kubernetes.io~secret/s").append(i).append(" rw,relatime - tmpfs tmpfs rw,size=4k\n");
        }
        return text.toString();
    }
}
