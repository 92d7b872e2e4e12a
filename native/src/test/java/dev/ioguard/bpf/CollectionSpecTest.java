package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Opening and configuring a BPF object: parsing only, so no privileges are needed. */
class CollectionSpecTest {
    @BeforeAll
    static void libbpfIsInstalled() {
        assumeTrue(Libbpf.available(), "libbpf.so.1 is not loadable");
    }

    @Test
    void openingBytesThatAreNotElfThrowsWithErrnoAndLibbpfsReason() {
        byte[] garbage = "certainly not an ELF object".getBytes(StandardCharsets.US_ASCII);

        BpfException e = assertThrows(BpfException.class, () -> CollectionSpec.open("garbage", garbage));

        assertEquals("open", e.operation());
        assertEquals("garbage", e.objectName());
        assertEquals(4001, e.errno(), "libbpf's LIBBPF_ERRNO__FORMAT");
        assertEquals("LIBBPF_ERRNO__FORMAT", e.errnoName());
        assertEquals("open garbage: BPF object format invalid [LIBBPF_ERRNO__FORMAT] (errno 4001):"
                + " libbpf: elf: 'garbage' is not a proper ELF object", e.getMessage());
    }

    @Test
    void openingNoBytesThrowsEinval() {
        BpfException e = assertThrows(BpfException.class, () -> CollectionSpec.open("empty", new byte[0]));

        assertEquals(22, e.errno());
        assertTrue(e.getMessage().startsWith("open empty: Invalid argument [EINVAL] (errno 22)"), e.getMessage());
    }

    @Test
    void listsProgramsAndMapsWithLibbpfsNamesForInternalMaps() {
        try (CollectionSpec spec = Ringtest.open()) {
            assertEquals("ringtest", spec.name());
            assertEquals(List.of("on_sys_enter", "refused_fentry"), spec.programNames());
            assertEquals(List.of("counts", "percpu_counts", "totals", "events", "ringtest.rodata"), spec.mapNames());
            assertEquals("tp_btf/sys_enter", spec.sectionName("on_sys_enter"));
            assertTrue(spec.autoload("refused_fentry"), "libbpf loads every program by default");
        }
    }

    @Test
    void longObjectNamesAreCutAsLibbpfDoes() {
        try (CollectionSpec spec = CollectionSpec.open("a_very_long_object_name",
                KernelTestSupport.bpfObject(Ringtest.OBJECT))) {
            assertEquals("a_very_long_obj", spec.name(), "15 characters");
            assertTrue(spec.mapNames().contains("a_very_l.rodata"), "8 characters before .rodata: " + spec.mapNames());
            assertEquals(Ringtest.CONFIG_SIZE, spec.initialValue(".rodata").length, "the section name works too");
        }
    }

    @Test
    void initialValuesCanBeReadAndReplacedBeforeLoad() {
        try (CollectionSpec spec = Ringtest.open()) {
            byte[] config = spec.initialValue("ringtest.rodata");
            assertArrayEquals(new byte[Ringtest.CONFIG_SIZE], config, "const volatile config = {}");

            config[0] = 42;
            spec.setInitialValue("ringtest.rodata", config);

            assertArrayEquals(config, spec.initialValue(".rodata"));
        }
    }

    @Test
    void initialValueOfTheWrongSizeIsRefused() {
        try (CollectionSpec spec = Ringtest.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> spec.setInitialValue(".rodata", new byte[Ringtest.CONFIG_SIZE + 1]));
            assertEquals("initial value of map '.rodata' of ringtest is 16 bytes, not 17", e.getMessage());
        }
    }

    @Test
    void unknownNamesAndMapsWithoutInitialValueAreIllegalArguments() {
        try (CollectionSpec spec = Ringtest.open()) {
            IllegalArgumentException program = assertThrows(IllegalArgumentException.class,
                    () -> spec.setAutoload("no_such_program", false));
            assertTrue(program.getMessage().contains("no program 'no_such_program' in ringtest"), program.getMessage());
            assertThrows(IllegalArgumentException.class, () -> spec.initialValue("no_such_map"));
            IllegalArgumentException noData = assertThrows(IllegalArgumentException.class,
                    () -> spec.initialValue("counts"));
            assertTrue(noData.getMessage().contains("has no initial value"), noData.getMessage());
        }
    }

    @Test
    void closeIsIdempotentAndEndsTheSpec() {
        CollectionSpec spec = Ringtest.open();
        spec.setAutoload("refused_fentry", false);
        assertFalse(spec.autoload("refused_fentry"));

        spec.close();
        spec.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, spec::load);
        assertEquals("collection spec ringtest was already loaded or closed", e.getMessage());
        assertThrows(IllegalStateException.class, spec::programNames);
    }
}
