package io.sfstream.camel;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Events for mapper tests, read from message JSON by the same reader the transport uses. */
final class TestEvents {

    private static final BayeuxResponseReader READER = new BayeuxResponseReader(new ObjectMapper());

    private TestEvents() {
    }

    /** The one event of a message's JSON text; fails when the message is not an event. */
    static StreamEvent event(String message) {
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
