package dev.ioguard.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The rule for kernel tests that cannot run: skipped with the reason, except under CI=true. */
class KernelTestSupportTest {
    @Test
    void outsideCiAMissingKernelFeatureSkipsWithTheReason() {
        TestAbortedException skip = assertThrows(TestAbortedException.class,
                () -> KernelTestSupport.skipOrFail("no kernel BTF", false));
        assertEquals("no kernel BTF", skip.getMessage());
    }

    @Test
    void underCiAMissingKernelFeatureFails() {
        AssertionFailedError failure = assertThrows(AssertionFailedError.class,
                () -> KernelTestSupport.skipOrFail("no kernel BTF", true));
        assertEquals("kernel test cannot run, and CI=true forbids skipping it: no kernel BTF", failure.getMessage());
    }
}
