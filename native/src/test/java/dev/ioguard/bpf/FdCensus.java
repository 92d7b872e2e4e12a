package dev.ioguard.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Thread-safe: stateless. Counts this process's open file descriptors by what they point at, so
 * tests can show that closing gave back every BPF map, program, link and epoll fd. Only anonymous
 * inodes (the kinds libbpf creates) are compared: the JVM opens jar files and sockets on its own.
 */
final class FdCensus {
    private FdCensus() {}

    /** Open anonymous-inode fds by kind ("anon_inode:bpf-map", "anon_inode:bpf_link", ...). */
    static Map<String, Integer> anonymousInodes() {
        Map<String, Integer> census = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("anon_inode:")) {
                        census.merge(target, 1, Integer::sum);
                    }
                } catch (IOException closedMeanwhile) {
                    // The listing's own directory fd, or an fd another thread just closed.
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return census;
    }

    static int bpfFds(Map<String, Integer> census) {
        return census.entrySet().stream().filter(e -> e.getKey().contains("bpf")).mapToInt(Map.Entry::getValue).sum();
    }
}
