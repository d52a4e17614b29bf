package io.sfstream.camel.internal.transport;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * The {@code data} object of one event, in the form its transport received it, read into a body only when the route
 * takes it and only in the shape the endpoint is configured with. The Streaming API receives JSON text, so its bodies
 * are parsed from it; the Pub/Sub API receives Avro records, whose bodies are built from the decoded record without a
 * detour through JSON text (which cost as much CPU per event as the rest of the delivery).
 */
public interface EventData {

    /** Data that arrived as UTF-8 JSON text (the Streaming API). */
    static EventData ofJson(byte[] utf8) {
        return new JsonText(utf8);
    }

    /** The UTF-8 JSON text of {@code data}; {@code mapper} writes it where the transport received no text. */
    byte[] json(ObjectMapper mapper) throws IOException;

    /** {@code data} as a map of plain Java values; {@code mapReader} reads it where the transport received text. */
    Map<String, Object> map(ObjectReader mapReader) throws IOException;

    /** {@code data} as a Jackson tree, made with {@code mapper}. */
    JsonNode tree(ObjectMapper mapper) throws IOException;

    /** The transport's own record of the event (an Avro {@code GenericRecord} on the Pub/Sub API), else null. */
    default Object record() {
        return null;
    }

    /** About how many bytes the server sent for it, for logs. */
    int size();

    /** JSON text as received: every body is parsed from it. */
    record JsonText(byte[] utf8) implements EventData {

        @Override
        public byte[] json(ObjectMapper mapper) {
            return utf8;
        }

        @Override
        public Map<String, Object> map(ObjectReader mapReader) throws IOException {
            return mapReader.readValue(utf8);
        }

        @Override
        public JsonNode tree(ObjectMapper mapper) throws IOException {
            return mapper.readTree(utf8);
        }

        @Override
        public int size() {
            return utf8.length;
        }
    }
}
