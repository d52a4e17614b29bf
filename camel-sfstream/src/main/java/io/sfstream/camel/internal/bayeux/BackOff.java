package io.sfstream.camel.internal.bayeux;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off with full jitter between reconnection attempts: attempt n waits a random time between half and
 * all of {@code min(max, first * 2^n)}, so that many clients that lost the same server do not come back in step.
 */
record BackOff(Duration first, Duration max, DoubleSupplier random) {

    BackOff {
        if (first.isNegative() || max.isNegative()) {
            throw new IllegalArgumentException("Reconnect delays must not be negative");
        }
        if (max.compareTo(first) < 0) {
            max = first;
        }
    }

    /** The delay before attempt {@code attempt} (0 for the first retry). */
    Duration delay(int attempt) {
        long firstMs = first.toMillis();
        long maxMs = max.toMillis();
        long ceiling = firstMs;
        for (int i = 0; i < attempt && ceiling < maxMs; i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, maxMs);
        long half = ceiling / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
    }
}
