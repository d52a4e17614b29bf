package io.sfstream.camel.internal.transport;

import java.util.Optional;

import io.sfstream.camel.SfStreamException;

/**
 * What a transport needs from the endpoint that subscribes one channel: the delivery core's side of the seam. The
 * transport calls every method from its own thread, one call at a time.
 */
public interface Subscriber {

    Channel channel();

    /**
     * Where to start when the transport opens the channel and has handed no event of it to this subscriber yet. After
     * that the transport resumes after the last event it handed over.
     */
    StartAt startAt();

    /** Takes one event, in the order the server sent the channel's events. Never refuses it. */
    void offer(StreamEvent event);

    /**
     * Whether the subscriber holds as many unprocessed events as it may: the transport then fetches no more (holds
     * back) until {@link Transport.Subscription#more()} is called.
     */
    boolean isFull();

    /**
     * The server rejected {@code rejectedPosition} as no longer retained (a stale position). Returns where to start
     * instead ({@link StartAt#NEW} or {@link StartAt#ALL}), or empty to give up on the channel.
     */
    Optional<StartAt> fallbackFor(String rejectedPosition, String error);

    /**
     * How many more events the subscriber may take before it is full; a transport that asks the server for a number of
     * events (the Pub/Sub API) never asks for more. The default knows only full or not.
     */
    default int room() {
        return isFull() ? 0 : Integer.MAX_VALUE;
    }

    /**
     * The server says that nothing newer than {@code position} exists on the channel beyond what the transport handed
     * over (the Pub/Sub API's keepalive {@code latest_replay_id}). A subscriber with nothing in flight and everything
     * committed may move its marker there, so that a marker of a quiet channel stays inside the retention window.
     */
    default void onLatest(String position) {
        // the Streaming API has no such thing
    }

    /** The channel is subscribed, starting at {@code from}. */
    void onSubscribed(StartAt from);

    /**
     * Something went wrong for this channel or the whole transport, classified. A {@link TransportError#channelFailed()}
     * error means the transport gave up on this channel until the endpoint is restarted.
     */
    void onError(TransportError error);

    /**
     * The transport stopped for good (maxErroneousPeriod): no event comes until the endpoint is restarted.
     */
    default void onFatal(SfStreamException error) {
        onError(new TransportError(TransportError.Kind.FATAL, error, true));
    }
}
