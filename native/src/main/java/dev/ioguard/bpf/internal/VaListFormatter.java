package dev.ioguard.bpf.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Thread-safe: stateless. Formats a C {@code printf} format and {@code va_list} into a String.
 *
 * <p>A va_list can be consumed only once and the message length is unknown (a verifier log can
 * be megabytes), so where the ABI is known the va_list is first copied as {@code va_copy} would,
 * the copy measures, and the original formats into an exact buffer. Elsewhere the message is cut
 * at {@link #FALLBACK_SIZE}.
 */
final class VaListFormatter {
    static final int FALLBACK_SIZE = 64 * 1024;

    private VaListFormatter() {}

    static String format(MemorySegment format, MemorySegment vaList) {
        try (Arena arena = Arena.ofConfined()) {
            long size = FALLBACK_SIZE;
            if (Structs.VA_LIST_SIZE > 0) {
                MemorySegment copy = arena.allocate(Structs.VA_LIST_SIZE, 16);
                copy.copyFrom(vaList.reinterpret(Structs.VA_LIST_SIZE));
                int length = Libc.vsnprintf(MemorySegment.NULL, 0, format, copy);
                if (length < 0) {
                    return "(unformattable libbpf message) " + NativeLibrary.string(format);
                }
                size = length + 1L;
            }
            MemorySegment buffer = arena.allocate(size);
            int length = Libc.vsnprintf(buffer, size, format, vaList);
            if (length < 0) {
                return "(unformattable libbpf message) " + NativeLibrary.string(format);
            }
            String text = buffer.getString(0);
            return length >= size ? text + "...(truncated)\n" : text;
        }
    }
}
