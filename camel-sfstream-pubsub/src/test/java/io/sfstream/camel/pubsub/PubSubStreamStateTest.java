package io.sfstream.camel.pubsub;

import io.sfstream.camel.pubsub.PubSubStream.State;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream's transitions: what each state allows, and that CLOSED and FAILED are ends. */
class PubSubStreamStateTest {

    @Test
    void legalMoves() {
        assertThat(State.IDLE.mayMoveTo(State.CONNECTING)).isTrue();
        assertThat(State.CONNECTING.mayMoveTo(State.SUBSCRIBED)).isTrue();
        assertThat(State.SUBSCRIBED.mayMoveTo(State.CONNECTING)).as("resubscribe at once (auth, idle close)").isTrue();
        assertThat(State.SUBSCRIBED.mayMoveTo(State.WAITING_FOR_ROOM)).isTrue();
        assertThat(State.WAITING_TO_RETRY.mayMoveTo(State.CONNECTING)).isTrue();
        assertThat(State.WAITING_FOR_ROOM.mayMoveTo(State.CONNECTING)).isTrue();
    }

    @Test
    void illegalMovesAreRefused() {
        assertThat(State.IDLE.mayMoveTo(State.SUBSCRIBED)).isFalse();
        assertThat(State.CONNECTING.mayMoveTo(State.CONNECTING)).isFalse();
        assertThat(State.WAITING_FOR_ROOM.mayMoveTo(State.SUBSCRIBED)).isFalse();
        assertThat(State.WAITING_TO_RETRY.mayMoveTo(State.WAITING_FOR_ROOM)).isFalse();
        for (State next : State.values()) {
            assertThat(State.CLOSED.mayMoveTo(next)).as("CLOSED -> " + next).isFalse();
            assertThat(State.FAILED.mayMoveTo(next)).as("FAILED -> " + next).isEqualTo(next == State.CLOSED);
        }
    }
}
