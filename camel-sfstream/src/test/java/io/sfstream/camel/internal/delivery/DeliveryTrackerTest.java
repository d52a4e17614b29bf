package io.sfstream.camel.internal.delivery;

import io.sfstream.camel.replay.ReplayMarker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The low watermark: never past an event still in flight, and never moved by an event that has no position. */
class DeliveryTrackerTest {

    private final DeliveryTracker tracker = new DeliveryTracker();

    @Test
    void theWatermarkWaitsForTheOldestEventInFlight() {
        DeliveryTracker.Ticket first = tracker.handedOver(marker("1"), 1);
        DeliveryTracker.Ticket second = tracker.handedOver(marker("2"), 2);
        DeliveryTracker.Ticket third = tracker.handedOver(marker("3"), 3);

        assertThat(tracker.done(third)).isNull();
        assertThat(tracker.done(second)).isNull();
        DeliveryTracker.Ticket watermark = tracker.done(first);
        assertThat(watermark.marker()).isEqualTo(marker("3"));
        assertThat(watermark.sequence()).as("the arrival number metrics count by").isEqualTo(3);
        assertThat(tracker.done(first)).as("done twice").isNull();
        assertThat(tracker.isEmpty()).isTrue();
    }

    @Test
    void anEventWithoutAPositionMovesNothingButHoldsNothingBack() {
        DeliveryTracker.Ticket first = tracker.handedOver(marker("1"), 1);
        DeliveryTracker.Ticket unpositioned = tracker.handedOver(null, 2);
        DeliveryTracker.Ticket third = tracker.handedOver(marker("3"), 3);

        assertThat(tracker.done(first).marker()).isEqualTo(marker("1"));
        assertThat(tracker.done(unpositioned)).as("skipped: no position to commit").isNull();
        DeliveryTracker.Ticket watermark = tracker.done(third);
        assertThat(watermark.marker()).isEqualTo(marker("3"));
        assertThat(watermark.sequence()).as("counts the unpositioned event with it").isEqualTo(3);

        DeliveryTracker.Ticket alone = tracker.handedOver(null, 4);
        assertThat(tracker.done(alone)).as("a first event without a position commits nothing").isNull();
        assertThat(tracker.isEmpty()).isTrue();
    }

    private static ReplayMarker marker(String position) {
        return new ReplayMarker(position, null);
    }
}
