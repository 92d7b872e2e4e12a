package dev.ioguard.exporter.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The BPF objects built by bpf/Makefile into the jar under /bpf. Stateless. */
public final class EmbeddedObjects {
    private EmbeddedObjects() {}

    /** The bytes of {@code /bpf/<name>.bpf.o}; fails clearly when the build did not embed it. */
    public static byte[] read(String name) {
        String resource = "/bpf/" + name + ".bpf.o";
        try (InputStream in = EmbeddedObjects.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("BPF object " + resource
                        + " is missing from the jar: rebuild with clang and libbpf-dev installed");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
