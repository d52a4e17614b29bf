package io.sfstream.camel.internal.delivery;

import io.sfstream.camel.internal.transport.StreamEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static io.sfstream.camel.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PendingEventsTest {

    @Test
    void fullAtTheBoundAndFetchingAgainOnlyOnceHalfIsFree() throws Exception {
        PendingEvents events = new PendingEvents(4, 1, Duration.ZERO);
        for (long id = 1; id <= 3; id++) {
            events.add(event(id));
        }
        assertThat(events.isFull()).isFalse();
        events.add(event(4));
        assertThat(events.isFull()).isTrue();

        assertThat(events.release(1)).as("3 of 4 still pending").isFalse();
        assertThat(events.release(1)).as("half free: the session may fetch again").isTrue();
        assertThat(events.release(1)).as("told once").isFalse();
        assertThat(events.size()).isEqualTo(1);
    }

    /**
     * What a transport that asks for a number of events (the Pub/Sub API) may ask for: nothing until half the bound is
     * free, so that a route keeping up never makes it ask for an event or two per request.
     */
    @Test
    void roomIsNothingUntilHalfTheBoundIsFreeThenTheReleaseReportsIt() {
        PendingEvents events = new PendingEvents(10, 1, Duration.ZERO);
        assertThat(events.room()).isEqualTo(10);
        for (long id = 1; id <= 9; id++) {
            events.add(event(id));
        }
        assertThat(events.room()).as("one free: not worth a request").isZero();
        assertThat(events.release(3)).as("6 pending").isFalse();
        assertThat(events.release(1)).as("half free: the transport may ask again").isTrue();
        assertThat(events.room()).isEqualTo(5);
        assertThat(events.release(5)).as("told once").isFalse();
        assertThat(events.room()).isEqualTo(10);
    }

    @Test
    void batchesGatherWhatArrivesWithinTheTimeoutUpToTheMaximum() throws Exception {
        PendingEvents events = new PendingEvents(100, 3, Duration.ofMillis(50));
        for (long id = 1; id <= 4; id++) {
            events.add(event(id));
        }
        assertThat(events.nextBatch()).extracting(StreamEvent::position).containsExactly("1", "2", "3");
        assertThat(events.nextBatch()).extracting(StreamEvent::position).as("partial after the timeout")
                .containsExactly("4");
    }

    @Test
    void suspendedHandsOutNothingAndReportsFullUntilResumed() throws Exception {
        PendingEvents events = new PendingEvents(100, 1, Duration.ZERO);
        events.suspend();
        events.add(event(7));
        assertThat(events.isFull()).isTrue();
        CompletableFuture<List<StreamEvent>> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return events.nextBatch();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !taken.isDone());

        events.resume();

        assertThat(taken.get(5, TimeUnit.SECONDS)).extracting(StreamEvent::position).containsExactly("7");
        assertThat(events.isFull()).isFalse();
    }

    @Test
    void drainDropsQueuedEventsAndStopEndsTheDispatcher() throws Exception {
        PendingEvents events = new PendingEvents(100, 1, Duration.ZERO);
        events.add(event(1));
        events.add(event(2));
        events.drain();
        assertThat(events.isDraining()).isTrue();
        assertThat(events.size()).isZero();

        events.stop();
        assertThat(events.nextBatch()).isNull();
    }
}
