package io.sfstream.camel;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a Bayeux session needs from the endpoint that subscribes one channel. The session calls every method from its
 * own thread, one call at a time.
 */
interface SessionListener {

    Channel channel();

    /**
     * Where to start when the session subscribes the channel and has handed no event of it to this listener yet: -1,
     * -2 or a replayId whose successors are wanted. After that the session resumes after the last event it handed over.
     */
    long initialReplayId();

    /**
     * Takes one event. Returns false when the listener has no room: the session then stops taking events of this
     * channel and resumes after the last event taken once {@link BayeuxSession#resume} is called.
     */
    boolean offer(JsonNode message, long replayId);

    /** The channel is subscribed, starting after {@code replayId}. */
    void onSubscribed(long replayId);

    /**
     * Something went wrong for this channel or the whole session. A {@link SubscriptionException} with
     * {@code channelFailed} true means the session gave up on this channel until the endpoint is restarted.
     */
    void onError(SfStreamException error, boolean channelFailed);
}
