package dev.ioguard.bpf.internal;

import static dev.ioguard.bpf.internal.Structs.BTF_TYPE;
import static dev.ioguard.bpf.internal.Structs.MAP_BATCH_OPTS;
import static dev.ioguard.bpf.internal.Structs.OPEN_OPTS;
import static dev.ioguard.bpf.internal.Structs.RING_BUFFER_OPTS;
import static dev.ioguard.bpf.internal.Structs.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ioguard.bpf.BpfMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C layouts and constants the binding hard-codes. The pinned values are libbpf 1.1.2's on
 * x86-64 (measured, see JAVA-NOTES); where gcc and the libbpf headers are installed they are also
 * checked against what the compiler says.
 */
class StructsTest {
    /** Keys as layouts.c prints them. */
    private static Map<String, Long> javaSide() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("sizeof bpf_object_open_opts", OPEN_OPTS.byteSize());
        for (String field : new String[] {"sz", "object_name", "relaxed_maps", "pin_root_path", "kconfig",
            "btf_custom_path", "kernel_log_buf", "kernel_log_size", "kernel_log_level"}) {
            values.put("offsetof bpf_object_open_opts." + field, offset(OPEN_OPTS, field));
        }
        values.put("sizeof ring_buffer_opts", RING_BUFFER_OPTS.byteSize());
        values.put("offsetof ring_buffer_opts.sz", offset(RING_BUFFER_OPTS, "sz"));
        values.put("sizeof bpf_map_batch_opts", MAP_BATCH_OPTS.byteSize());
        for (String field : new String[] {"sz", "elem_flags", "flags"}) {
            values.put("offsetof bpf_map_batch_opts." + field, offset(MAP_BATCH_OPTS, field));
        }
        values.put("sizeof btf_type", BTF_TYPE.byteSize());
        values.put("offsetof btf_type.name_off", offset(BTF_TYPE, "name_off"));
        values.put("offsetof btf_type.info", offset(BTF_TYPE, "info"));
        values.put("offsetof btf_type.size", offset(BTF_TYPE, "size_or_type"));
        values.put("offsetof btf_type.type", offset(BTF_TYPE, "size_or_type"));
        values.put("offsetof bpf_prog_info.run_time_ns", Structs.PROG_INFO_RUN_TIME_NS);
        values.put("offsetof bpf_prog_info.run_cnt", Structs.PROG_INFO_RUN_CNT);
        values.put("offsetof bpf_prog_info.recursion_misses", Structs.PROG_INFO_RECURSION_MISSES);
        values.put("sizeof va_list", Structs.VA_LIST_SIZE);
        values.put("const BTF_KIND_PTR", (long) Structs.BTF_KIND_PTR);
        values.put("const BTF_KIND_ENUM", (long) Structs.BTF_KIND_ENUM);
        values.put("const BTF_KIND_ENUM64", (long) Structs.BTF_KIND_ENUM64);
        values.put("sizeof btf_enum", Structs.BTF_ENUM_SIZE);
        values.put("offsetof btf_enum.val", Structs.BTF_ENUM_VALUE);
        values.put("sizeof btf_enum64", Structs.BTF_ENUM64_SIZE);
        values.put("offsetof btf_enum64.val_lo32", Structs.BTF_ENUM_VALUE);
        values.put("const BTF_KIND_TYPEDEF", (long) Structs.BTF_KIND_TYPEDEF);
        values.put("const BTF_KIND_FUNC", (long) Structs.BTF_KIND_FUNC);
        values.put("const BTF_KIND_FUNC_PROTO", (long) Structs.BTF_KIND_FUNC_PROTO);
        values.put("const BPF_MAP_TYPE_HASH", (long) BpfMap.TYPE_HASH);
        values.put("const BPF_MAP_TYPE_ARRAY", (long) BpfMap.TYPE_ARRAY);
        values.put("const BPF_MAP_TYPE_PERCPU_HASH", (long) BpfMap.TYPE_PERCPU_HASH);
        values.put("const BPF_MAP_TYPE_PERCPU_ARRAY", (long) BpfMap.TYPE_PERCPU_ARRAY);
        values.put("const BPF_MAP_TYPE_LRU_HASH", (long) BpfMap.TYPE_LRU_HASH);
        values.put("const BPF_MAP_TYPE_LRU_PERCPU_HASH", (long) BpfMap.TYPE_LRU_PERCPU_HASH);
        values.put("const BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE", (long) BpfMap.TYPE_PERCPU_CGROUP_STORAGE);
        values.put("const BPF_MAP_TYPE_RINGBUF", (long) BpfMap.TYPE_RINGBUF);
        values.put("const BPF_ANY", BpfMap.UPDATE_ANY);
        values.put("const BPF_NOEXIST", BpfMap.UPDATE_NOEXIST);
        values.put("const BPF_EXIST", BpfMap.UPDATE_EXIST);
        values.put("const LIBBPF_WARN", (long) LibbpfLog.WARN);
        values.put("const LIBBPF_INFO", (long) LibbpfLog.INFO);
        values.put("const LIBBPF_DEBUG", (long) LibbpfLog.DEBUG);
        return values;
    }

    @Test
    void layoutsHaveLibbpf11Sizes() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "values pinned for x86-64");

        assertEquals(80, OPEN_OPTS.byteSize());
        assertEquals(8, offset(OPEN_OPTS, "object_name"));
        assertEquals(72, offset(OPEN_OPTS, "kernel_log_level"));
        assertEquals(8, RING_BUFFER_OPTS.byteSize());
        assertEquals(24, MAP_BATCH_OPTS.byteSize());
        assertEquals(16, offset(MAP_BATCH_OPTS, "flags"));
        assertEquals(12, BTF_TYPE.byteSize());
        assertEquals(8, offset(BTF_TYPE, "size_or_type"));
        assertEquals(24, Structs.VA_LIST_SIZE);
    }

    @Test
    void layoutsAndConstantsMatchTheInstalledHeaders(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(onPath("gcc"), "gcc is not installed: only the pinned values are checked");
        assumeTrue(Files.exists(Path.of("/usr/include/bpf/libbpf.h")), "libbpf headers (libbpf-dev) are not installed");
        Path source = dir.resolve("layouts.c");
        try (InputStream in = StructsTest.class.getResourceAsStream("layouts.c")) {
            Files.copy(in, source);
        }
        Path binary = dir.resolve("layouts");
        run(dir, "gcc", "-Wall", "-o", binary.toString(), source.toString());

        Map<String, Long> fromC = new TreeMap<>();
        for (String line : run(dir, binary.toString()).split("\n")) {
            int value = line.lastIndexOf(' ');
            fromC.put(line.substring(0, value), Long.parseLong(line.substring(value + 1)));
        }

        assertEquals(fromC, new TreeMap<>(javaSide()));
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, process.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
