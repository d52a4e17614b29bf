package io.sfstream.camel;

/**
 * When the replay marker of a subscription advances.
 */
public enum ReplayCommit {
    /**
     * When the exchange that carried the event completes successfully, and never past an earlier event of the channel
     * that is still in flight (the low watermark of delivery order).
     */
    ON_COMPLETION,
    /** When the event is handed to the route, before it is processed (at-most-once for the events in flight). */
    ON_RECEIVE,
    /**
     * When the route calls {@link ReplayCommitter#commit()} taken from the {@code CamelSfStreamReplayCommitter}
     * header; the low-watermark rule still holds.
     */
    MANUAL
}
