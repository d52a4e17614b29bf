package io.sfstream.camel;

/**
 * The route failed to process an event and {@code ignoreSubscriberErrors=false}: the consumer stopped delivering and
 * the replay marker stays before the failed event, so restarting the route resumes with it.
 */
public class SubscriberErrorException extends SfStreamException {

    private final String channel;
    private final long replayId;

    public SubscriberErrorException(String channel, long replayId, Throwable cause) {
        super("Processing event " + replayId + " of " + channel + " failed; the consumer stopped delivering and its replay"
              + " marker stays before this event (restart the route to retry it, or set ignoreSubscriberErrors=true to"
              + " skip failed events): " + (cause == null ? "no exception" : cause.getMessage()),
              cause);
        this.channel = channel;
        this.replayId = replayId;
    }

    public String getChannel() {
        return channel;
    }

    public long getReplayId() {
        return replayId;
    }
}
