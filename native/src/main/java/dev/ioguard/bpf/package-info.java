/**
 * A small binding to libbpf 1.x over {@code java.lang.foreign}: load BPF objects, attach their
 * programs, read their maps and ring buffers.
 *
 * <p>Each step is visible: {@link dev.ioguard.bpf.CollectionSpec#open} parses an ELF object (no
 * privileges, no kernel state); the spec is configured (autoload flags, {@code const volatile}
 * globals); {@link dev.ioguard.bpf.CollectionSpec#load} creates maps and programs and returns a
 * {@link dev.ioguard.bpf.Collection}, which owns them; {@link dev.ioguard.bpf.Program#attach}
 * returns a {@link dev.ioguard.bpf.Link}; {@link dev.ioguard.bpf.RingBufferReader} consumes a ring
 * buffer on its own thread. Closing the collection closes everything made from it.
 *
 * <p>Threading: a spec is used by one thread at a time; a collection, its programs and maps, links
 * and readers may be used from any thread, and closing them is safe against concurrent use.
 * Failures are {@link dev.ioguard.bpf.BpfException}s naming the operation, the object, the errno
 * and what libbpf printed on the failing thread; "not found" is a value (null, false).
 *
 * <p>The JVM needs {@code --enable-native-access=ALL-UNNAMED} (or the manifest attribute
 * {@code Enable-Native-Access: ALL-UNNAMED}), and the host needs {@code libbpf.so.1}.
 */
package dev.ioguard.bpf;
