package io.sfstream.camel.internal.transport;

import io.sfstream.camel.MutableClock;
import io.sfstream.camel.SfStreamException;
import io.sfstream.camel.TransportTimeoutException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The outage rules, with time moved by the test and the tracker's timers run when the test says. */
class OutageTrackerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<Timer> timers = new ArrayList<>();
    private final List<TransportTimeoutException> timeouts = new ArrayList<>();
    private final List<SfStreamException> fatals = new ArrayList<>();
    private final OutageTracker tracker = new OutageTracker("s", Duration.ofSeconds(10), Duration.ofSeconds(60),
            clock, (delay, action) -> timers.add(new Timer(clock.instant().plus(delay), action)),
            new OutageTracker.Listener() {
                @Override
                public void timedOut(TransportTimeoutException timeout) {
                    timeouts.add(timeout);
                }

                @Override
                public void failedForGood(SfStreamException fatal) {
                    fatals.add(fatal);
                }
            });

    private record Timer(Instant due, Runnable action) {
    }

    @Test
    void theTimeoutIsReportedOnceEvenWithoutAFurtherFailure() {
        assertThat(tracker.failure(new SfStreamException("refused"))).isFalse();
        assertThat(tracker.since()).isEqualTo(clock.instant());
        advance(Duration.ofSeconds(10));
        assertThat(timeouts).hasSize(1);
        assertThat(timeouts.get(0)).hasMessageContaining("connectionTimeout=PT10S").hasMessageContaining("refused");
        assertThat(tracker.failure(new SfStreamException("refused again"))).isFalse();
        assertThat(timeouts).as("one report per outage").hasSize(1);
        assertThat(fatals).isEmpty();
    }

    @Test
    void anOutageLongerThanMaxErroneousPeriodFailsForGoodOnce() {
        tracker.failure(new SfStreamException("refused"));
        advance(Duration.ofSeconds(60));
        assertThat(fatals).hasSize(1);
        assertThat(fatals.get(0)).hasMessageContaining("maxErroneousPeriod=PT1M");
        assertThat(tracker.failure(new SfStreamException("later"))).as("no retry after the end").isTrue();
        advance(Duration.ofSeconds(60));
        assertThat(fatals).hasSize(1);
    }

    @Test
    void aSuccessEndsTheOutageAndItsTimersDoNothing() {
        tracker.failure(new SfStreamException("refused"));
        clock.advance(Duration.ofSeconds(3));
        assertThat(tracker.healthy()).isEqualTo(Duration.ofSeconds(3));
        assertThat(tracker.healthy()).as("no outage any more").isNull();
        advance(Duration.ofSeconds(120));
        assertThat(timeouts).isEmpty();
        assertThat(fatals).isEmpty();
        // a new outage starts its own clock
        tracker.failure(new SfStreamException("refused"));
        advance(Duration.ofSeconds(9));
        assertThat(timeouts).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(timeouts).hasSize(1);
    }

    @Test
    void aClosedTrackerReportsNothing() {
        tracker.failure(new SfStreamException("refused"));
        tracker.close();
        advance(Duration.ofSeconds(120));
        assertThat(timeouts).isEmpty();
        assertThat(fatals).isEmpty();
    }

    /** Moves the clock and runs the timers that became due, in order. */
    private void advance(Duration by) {
        clock.advance(by);
        List<Timer> due = new ArrayList<>(timers.stream().filter(t -> !t.due().isAfter(clock.instant())).toList());
        timers.removeAll(due);
        due.forEach(t -> t.action().run());
    }
}
