package io.sfstream.camel;

import io.sfstream.camel.internal.bayeux.BayeuxResponseReader;
import io.sfstream.camel.internal.transport.EventData;
import io.sfstream.camel.internal.transport.StreamEvent;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Events for mapper tests, read from message JSON by the same reader the transport uses. */
public final class TestEvents {

    private static final BayeuxResponseReader READER = new BayeuxResponseReader(new ObjectMapper());

    private TestEvents() {
    }

    /** The event with another position, as a transport would hand it over. */
    public static StreamEvent withPosition(StreamEvent event, long replayId) {
        return new StreamEvent(event.channel(), Long.toString(replayId), event.fields(), event.data());
    }

    /** An event at a position, without data (queue tests). */
    public static StreamEvent event(long replayId) {
        return new StreamEvent("/topic/T", Long.toString(replayId), null, EventData.ofJson(new byte[0]));
    }

    /** The one event of a message's JSON text; fails when the message is not an event. */
    public static StreamEvent event(String message) {
        try {
            List<StreamEvent> events = READER.read(("[" + message + "]").getBytes(StandardCharsets.UTF_8)).events();
            if (events.size() != 1) {
                throw new IllegalArgumentException("not one event: " + message);
            }
            return events.get(0);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read " + message + ": " + e, e);
        }
    }
}
