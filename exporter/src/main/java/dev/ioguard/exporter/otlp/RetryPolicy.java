package dev.ioguard.exporter.otlp;

import java.time.Duration;
import java.util.Objects;

/**
 * How the OTLP event sink retries one export: up to {@link #maxAttempts} attempts in all, waiting
 * between them an exponentially growing backoff (doubling from {@link #initialBackoff}, capped at
 * {@link #maxBackoff}) with "equal jitter": between half and all of it, so that a fleet of nodes
 * does not hammer a collector that comes back in lockstep. Immutable.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public static final String MAX_ATTEMPTS = "IOGUARD_OTLP_RETRY_MAX_ATTEMPTS";
    public static final String INITIAL_BACKOFF = "IOGUARD_OTLP_RETRY_INITIAL_BACKOFF_MS";
    public static final String MAX_BACKOFF = "IOGUARD_OTLP_RETRY_MAX_BACKOFF_MS";

    /** 10 attempts, 1 s doubling to 30 s: about 2.5 minutes before an event counts as failed. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(30));

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maximum backoff " + maxBackoff.toMillis()
                    + " ms is below the initial backoff " + initialBackoff.toMillis() + " ms");
        }
    }

    static RetryPolicy fromEnvironment(EnvironmentVariables env) {
        int attempts = env.positiveInt(MAX_ATTEMPTS, DEFAULT.maxAttempts);
        Duration initial = env.millis(INITIAL_BACKOFF, DEFAULT.initialBackoff);
        Duration max = env.millis(MAX_BACKOFF, initial.compareTo(DEFAULT.maxBackoff) > 0
                ? initial : DEFAULT.maxBackoff);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(MAX_BACKOFF + ": " + max.toMillis()
                    + " is below " + INITIAL_BACKOFF + " (" + initial.toMillis() + ")");
        }
        return new RetryPolicy(attempts, initial, max);
    }

    /**
     * The wait before retry number {@code retry} (1 for the second attempt), given a uniform random
     * number in [0, 1).
     */
    public Duration backoff(int retry, double random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1");
        }
        long cap = maxBackoff.toNanos();
        long base = initialBackoff.toNanos();
        for (int i = 1; i < retry && base < cap; i++) {
            base = base > cap / 2 ? cap : base * 2;
        }
        base = Math.min(base, cap);
        return Duration.ofNanos(base / 2 + (long) (random * (base - base / 2)));
    }
}
