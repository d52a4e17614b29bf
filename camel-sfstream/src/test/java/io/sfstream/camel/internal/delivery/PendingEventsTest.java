package io.sfstream.camel.internal.delivery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PendingEventsTest {

    @Test
    void fullAtTheBoundAndFetchingAgainOnlyOnceHalfIsFree() throws Exception {
        PendingEvents events = new PendingEvents(4, 1, Duration.ZERO);
        for (long id = 1; id <= 3; id++) {
            events.add(null, id);
        }
        assertThat(events.isFull()).isFalse();
        events.add(null, 4);
        assertThat(events.isFull()).isTrue();

        assertThat(events.release(1)).as("3 of 4 still pending").isFalse();
        assertThat(events.release(1)).as("half free: the session may fetch again").isTrue();
        assertThat(events.release(1)).as("told once").isFalse();
        assertThat(events.size()).isEqualTo(1);
    }

    @Test
    void batchesGatherWhatArrivesWithinTheTimeoutUpToTheMaximum() throws Exception {
        PendingEvents events = new PendingEvents(100, 3, Duration.ofMillis(50));
        for (long id = 1; id <= 4; id++) {
            events.add(null, id);
        }
        assertThat(events.nextBatch()).extracting(PendingEvents.Event::replayId).containsExactly(1L, 2L, 3L);
        assertThat(events.nextBatch()).extracting(PendingEvents.Event::replayId).as("partial after the timeout")
                .containsExactly(4L);
    }

    @Test
    void suspendedHandsOutNothingAndReportsFullUntilResumed() throws Exception {
        PendingEvents events = new PendingEvents(100, 1, Duration.ZERO);
        events.suspend();
        events.add(null, 7);
        assertThat(events.isFull()).isTrue();
        CompletableFuture<List<PendingEvents.Event>> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return events.nextBatch();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !taken.isDone());

        events.resume();

        assertThat(taken.get(5, TimeUnit.SECONDS)).extracting(PendingEvents.Event::replayId).containsExactly(7L);
        assertThat(events.isFull()).isFalse();
    }

    @Test
    void drainDropsQueuedEventsAndStopEndsTheDispatcher() throws Exception {
        PendingEvents events = new PendingEvents(100, 1, Duration.ZERO);
        events.add(null, 1);
        events.add(null, 2);
        events.drain();
        assertThat(events.isDraining()).isTrue();
        assertThat(events.size()).isZero();

        events.stop();
        assertThat(events.nextBatch()).isNull();
    }
}
