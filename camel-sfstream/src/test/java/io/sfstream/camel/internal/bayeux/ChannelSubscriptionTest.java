package io.sfstream.camel.internal.bayeux;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a channel resumes, above all one that started from new events and has received nothing yet. */
class ChannelSubscriptionTest {

    private static final Instant STARTED = Instant.parse("2026-12-03T10:00:00Z");

    private final ChannelSubscription channel = new ChannelSubscription(new BayeuxSessionStateTest.Listener());

    @Test
    void aNewEventsChannelWithoutEventsReplaysAllRetainedAndSkipsWhatPrecedesItsStart() {
        assertThat(channel.replayFrom()).as("the first subscribe: new events").isEqualTo(-1);
        channel.subscribing(-1);
        channel.subscribed(-1, STARTED);
        assertThat(channel.take(9, STARTED.minusSeconds(3600)))
                .as("a live subscription's event, whatever its date (the server's clock may be behind)").isTrue();
        ChannelSubscription quiet = new ChannelSubscription(new BayeuxSessionStateTest.Listener());
        quiet.subscribing(-1);
        quiet.subscribed(-1, STARTED);
        assertThat(quiet.replayFrom()).as("after that: every retained event, not -1 again").isEqualTo(-2);
        assertThat(quiet.resumesNewEvents()).isTrue();
        quiet.subscribing(quiet.replayFrom());

        assertThat(quiet.take(10, STARTED.minus(ChannelSubscription.CLOCK_SKEW_MARGIN).minusMillis(1)))
                .as("replayed, created before the start beyond the clock margin").isFalse();
        assertThat(quiet.take(11, STARTED.minusSeconds(5))).as("within the margin: delivered, not risked").isTrue();
        assertThat(quiet.replayFrom()).as("from now on after the last event taken").isEqualTo(11);
        assertThat(quiet.take(12, STARTED.minusSeconds(3600))).as("once one is taken, no date is checked").isTrue();
    }

    @Test
    void anEventWithoutADateIsTakenRatherThanRisked() {
        channel.subscribing(-1);
        channel.subscribed(-1, STARTED);
        channel.subscribing(channel.replayFrom());
        assertThat(channel.take(5, null)).isTrue();
    }

    @Test
    void aChannelStartedFromAllEventsOrAPositionIsUnchanged() {
        channel.subscribed(-2, STARTED);
        assertThat(channel.replayFrom()).as("the subscriber's own start (NEW in this listener)").isEqualTo(-1);
        ChannelSubscription after = new ChannelSubscription(new BayeuxSessionStateTest.Listener());
        after.subscribed(42, STARTED);
        assertThat(after.resumesNewEvents()).isFalse();
        assertThat(after.take(43, STARTED.minusSeconds(3600))).isTrue();
        assertThat(after.take(43, STARTED)).as("already taken").isFalse();
    }
}
