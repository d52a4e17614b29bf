package io.sfstream.camel.internal.transport;

import io.sfstream.camel.SfStreamException;
import io.sfstream.camel.SubscriptionException;
import io.sfstream.camel.internal.bayeux.BayeuxSession;

/**
 * What a Bayeux session needs from the endpoint that subscribes one channel. The session calls every method from its
 * own thread, one call at a time.
 */
public interface SessionListener {

    Channel channel();

    /**
     * Where to start when the session subscribes the channel and has handed no event of it to this listener yet: -1,
     * -2 or a replayId whose successors are wanted. After that the session resumes after the last event it handed over.
     */
    long initialReplayId();

    /** Takes one event, in the order the server sent the channel's events. Never refuses it. */
    void offer(StreamEvent event, long replayId);

    /**
     * Whether the listener holds as many unprocessed events as it may: the session then fetches no more until
     * {@link BayeuxSession#resume} is called.
     */
    boolean isFull();

    /**
     * Salesforce rejected {@code rejectedReplayId} as no longer retained. Returns the replayId to resubscribe with (-1
     * or -2), or empty to give up on the channel.
     */
    java.util.OptionalLong fallbackFor(long rejectedReplayId, String error);

    /** The channel is subscribed, starting after {@code replayId}. */
    void onSubscribed(long replayId);

    /**
     * Something went wrong for this channel or the whole session. A {@link SubscriptionException} with
     * {@code channelFailed} true means the session gave up on this channel until the endpoint is restarted.
     */
    void onError(SfStreamException error, boolean channelFailed);

    /**
     * The session stopped for good (maxErroneousPeriod): no event comes until the endpoint is restarted.
     */
    default void onFatal(SfStreamException error) {
        onError(error, true);
    }
}
