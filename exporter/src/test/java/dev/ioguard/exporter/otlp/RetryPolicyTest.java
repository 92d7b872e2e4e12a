package dev.ioguard.exporter.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final RetryPolicy POLICY =
            new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));

    @Test
    void backoffDoublesUpToTheCapWithEqualJitter() {
        // random 0 -> half the backoff; random -> 1 -> all of it.
        assertEquals(Duration.ofMillis(50), POLICY.backoff(1, 0));
        assertEquals(Duration.ofMillis(100), POLICY.backoff(2, 0));
        assertEquals(Duration.ofMillis(200), POLICY.backoff(3, 0));
        assertEquals(Duration.ofMillis(400), POLICY.backoff(4, 0));
        assertEquals(Duration.ofMillis(500), POLICY.backoff(5, 0), "capped at 1000 ms");
        assertEquals(Duration.ofMillis(500), POLICY.backoff(60, 0), "no overflow");
        assertEquals(Duration.ofMillis(75), POLICY.backoff(1, 0.5));
        assertEquals(999, POLICY.backoff(9, 0.999).toMillis());
    }

    @Test
    void invalidPoliciesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(1, Duration.ZERO, Duration.ofMillis(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(1, Duration.ofMillis(2), Duration.ofMillis(1)));
        assertThrows(IllegalArgumentException.class, () -> POLICY.backoff(0, 0));
    }
}
