package io.sfstream.camel.internal.bayeux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackOffTest {

    private static final Duration FIRST = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofMillis(1000);

    /** ceiling(n) = min(max, first * 2^n) */
    private static long ceiling(int attempt) {
        long c = FIRST.toMillis();
        for (int i = 0; i < attempt && c < MAX.toMillis(); i++) {
            c *= 2;
        }
        return Math.min(c, MAX.toMillis());
    }

    @Test
    void delaysGrowWithEveryAttemptUntilTheCap() {
        // with the top of the jitter range the delay equals the ceiling
        BackOff top = new BackOff(FIRST, MAX, () -> 0.999_999_999);
        List<Long> delays = new ArrayList<>();
        for (int attempt = 0; attempt < 8; attempt++) {
            delays.add(top.delay(attempt).toMillis());
        }
        assertThat(delays.subList(0, 4)).isSorted().doesNotHaveDuplicates();
        assertThat(delays).startsWith(99L, 199L, 399L, 799L);
        // with the bottom of the range it is half the ceiling, and also grows
        BackOff bottom = new BackOff(FIRST, MAX, () -> 0.0);
        assertThat(bottom.delay(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(bottom.delay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(bottom.delay(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(bottom.delay(3)).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void delaysAreCappedAtTheMaximum() {
        BackOff top = new BackOff(FIRST, MAX, () -> 0.999_999_999);
        for (int attempt = 4; attempt < 200; attempt++) {
            assertThat(top.delay(attempt)).as("attempt %d", attempt).isLessThanOrEqualTo(MAX)
                    .isGreaterThanOrEqualTo(MAX.dividedBy(2));
        }
        // very large attempt numbers do not overflow
        assertThat(top.delay(Integer.MAX_VALUE)).isLessThanOrEqualTo(MAX).isPositive();
    }

    @Test
    void everyDelayLiesBetweenHalfTheCeilingAndTheCeiling() {
        Random random = new Random(42);
        BackOff backOff = new BackOff(FIRST, MAX, random::nextDouble);
        for (int attempt = 0; attempt < 12; attempt++) {
            long ceiling = ceiling(attempt);
            for (int i = 0; i < 500; i++) {
                long delay = backOff.delay(attempt).toMillis();
                assertThat(delay).as("attempt %d", attempt).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void jitterSpreadsDelaysOverTheRange() {
        Random random = new Random(7);
        BackOff backOff = new BackOff(FIRST, MAX, random::nextDouble);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            long delay = backOff.delay(5).toMillis();
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertThat(min).isLessThan(600);
        assertThat(max).isGreaterThan(900);
    }

    @Test
    void maxBelowFirstIsRaisedToFirstAndNegativeDelaysAreRefused() {
        BackOff backOff = new BackOff(Duration.ofMillis(500), Duration.ofMillis(100), () -> 0.999_999_999);
        assertThat(backOff.max()).isEqualTo(Duration.ofMillis(500));
        assertThat(backOff.delay(10)).isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> new BackOff(Duration.ofMillis(-1), MAX, () -> 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
