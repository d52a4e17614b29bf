package io.sfstream.camel;

/**
 * The route failed to process an event and {@code ignoreSubscriberErrors=false}: the consumer stopped delivering and
 * the replay marker stays before the failed event, so restarting the route resumes with it.
 */
public class SubscriberErrorException extends SfStreamException {

    private final String channel;
    private final long replayId;

    private final String position;

    public SubscriberErrorException(String channel, long replayId, Throwable cause) {
        this(channel, Long.toString(replayId), cause);
    }

    /**
     * @param position the event's position: its decimal replayId on the Streaming API, the base64 text of its replay
     *                 id on the Pub/Sub API; null for an event the server sent without one
     */
    public SubscriberErrorException(String channel, String position, Throwable cause) {
        super("Processing " + (position == null ? "an event without a replay id" : "event " + position) + " of "
              + channel + " failed; the consumer stopped delivering and its replay"
              + " marker stays before this event (restart the route to retry it, or set ignoreSubscriberErrors=true to"
              + " skip failed events): " + (cause == null ? "no exception" : cause.getMessage()),
              cause);
        this.channel = channel;
        this.position = position;
        this.replayId = parseReplayId(position);
    }

    public String getChannel() {
        return channel;
    }

    /** The Streaming API's replayId of the event, -1 for a Pub/Sub API position (see {@link #getPosition()}). */
    public long getReplayId() {
        return replayId;
    }

    /**
     * The event's position as text: the decimal replayId, or the base64 of a Pub/Sub replay id; null when the server
     * sent the event without one.
     */
    public String getPosition() {
        return position;
    }

    private static long parseReplayId(String position) {
        try {
            return position == null ? -1 : Long.parseLong(position);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
