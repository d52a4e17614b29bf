package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.internal.transport.EventData;
import io.sfstream.camel.internal.transport.StreamEvent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a Bayeux response body in one streaming pass. Replies become trees, as the session reads them. An event (a
 * message on a channel outside {@code /meta/} with a {@code data} field) gets no tree: its {@code data} object is kept
 * as the bytes the server sent, and only the fields headers need are read on the way through it. A connect response
 * carries up to thousands of events; building a tree for each and then a body from the tree cost about a third of a
 * drain's CPU, and the trees of the events waiting for the route were most of the consumer's heap (issue 8 profile,
 * camel-sfstream-benchmarks).
 * <p>
 * Stateless apart from the mapper; safe for concurrent use.
 */
public final class BayeuxResponseReader {

    /** A body that is JSON but neither a message nor an array of messages. */
    static final class NotBayeuxException extends Exception {
        private final JsonNodeType nodeType;

        NotBayeuxException(JsonNodeType nodeType) {
            super("not a Bayeux message array but " + nodeType, null, false, false);
            this.nodeType = nodeType;
        }

        JsonNodeType nodeType() {
            return nodeType;
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper json;

    public BayeuxResponseReader(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @return the messages, or null for a body without any JSON value
     * @throws IOException         malformed JSON (including Jackson's stream constraints)
     * @throws NotBayeuxException  a JSON value other than an object or an array
     */
    public BayeuxResponse read(byte[] body) throws IOException, NotBayeuxException {
        try (JsonParser parser = json.createParser(body)) {
            JsonToken root = parser.nextToken();
            if (root == null) {
                return null;
            }
            if (parser.currentTokenLocation().getByteOffset() < 0) {
                // a body in UTF-16 or UTF-32 is read through a Reader, which knows no byte offsets: read it once as a
                // tree and again as UTF-8 (Salesforce sends UTF-8; this only keeps such a body working)
                return read(json.writeValueAsBytes(json.readTree(body)));
            }
            Messages messages = new Messages(body);
            if (root == JsonToken.START_OBJECT) {
                message(parser, messages);
            } else if (root == JsonToken.START_ARRAY) {
                JsonToken token;
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (token == JsonToken.START_OBJECT) {
                        message(parser, messages);
                    } else {
                        // not a message: ignored, like any value a Bayeux client cannot use
                        parser.skipChildren();
                    }
                }
            } else {
                JsonNode value = parser.readValueAsTree();
                throw new NotBayeuxException(value == null ? JsonNodeType.NULL : value.getNodeType());
            }
            return new BayeuxResponse(messages.replies, messages.events);
        }
    }

    /** What one body holds, as it is read. */
    private static final class Messages {
        final byte[] body;
        final List<JsonNode> replies = new ArrayList<>(2);
        final List<StreamEvent> events = new ArrayList<>();
        /** The channel of the previous event: the events of a response share one String instead of one each. */
        String lastChannel;

        Messages(byte[] body) {
            this.body = body;
        }

        String channel(String channel) {
            if (!channel.equals(lastChannel)) {
                lastChannel = channel;
            }
            return lastChannel;
        }
    }

    /** Reads the message whose START_OBJECT is the current token. Of duplicate fields the last one counts. */
    private void message(JsonParser parser, Messages messages) throws IOException {
        ObjectNode fields = json.createObjectNode();
        boolean hasData = false;
        byte[] data = null;
        JsonNode dataTree = null;
        FieldsBuilder headers = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("data".equals(name)) {
                hasData = true;
                if (value == JsonToken.START_OBJECT) {
                    long start = parser.currentTokenLocation().getByteOffset();
                    headers = new FieldsBuilder();
                    data(parser, headers);
                    long end = parser.currentLocation().getByteOffset();
                    data = Arrays.copyOfRange(messages.body, Math.toIntExact(start), Math.toIntExact(end));
                    dataTree = null;
                } else {
                    dataTree = parser.readValueAsTree();
                    data = null;
                    headers = null;
                }
            } else {
                fields.set(name, value.isScalarValue() ? scalarNode(parser, value) : parser.readValueAsTree());
            }
        }
        String channel = fields.path("channel").asText("");
        if (hasData && !channel.startsWith("/meta/")) {
            messages.events.add(new StreamEvent(messages.channel(channel),
                    headers == null ? null : positionOf(headers.replayId),
                    headers == null ? FieldsBuilder.NONE : headers.build(),
                    EventData.ofJson(data != null ? data : json.writeValueAsBytes(dataTree))));
            return;
        }
        if (hasData) {
            fields.set("data", dataTree != null ? dataTree : json.readTree(data));
        }
        messages.replies.add(fields);
    }

    /** Walks the {@code data} object whose START_OBJECT is the current token, up to its END_OBJECT. */
    private static void data(JsonParser parser, FieldsBuilder headers) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "event" -> {
                    // a repeated field replaces the earlier one whole, as in a tree
                    headers.clearEvent();
                    if (value == JsonToken.START_OBJECT) {
                        event(parser, headers);
                    } else {
                        parser.skipChildren();
                    }
                }
                case "payload" -> {
                    headers.clearPayload();
                    if (value == JsonToken.START_OBJECT) {
                        payload(parser, headers);
                    } else {
                        parser.skipChildren();
                    }
                }
                case "schema" -> headers.schema = text(parser, value);
                default -> parser.skipChildren();
            }
        }
    }

    private static void event(JsonParser parser, FieldsBuilder headers) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                // any shape: the session tells a valid replayId from an invalid one
                case "replayId" -> headers.replayId = value.isScalarValue() ? scalarNode(parser, value)
                        : parser.readValueAsTree();
                case "createdDate" -> headers.eventCreatedDate = scalar(parser, value);
                case "type" -> headers.eventType = text(parser, value);
                case "EventUuid" -> headers.eventUuid = text(parser, value);
                default -> parser.skipChildren();
            }
        }
    }

    private static void payload(JsonParser parser, FieldsBuilder headers) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("CreatedDate".equals(name)) {
                headers.payloadCreatedDate = scalar(parser, value);
            } else if ("ChangeEventHeader".equals(name)) {
                headers.clearChangeEventHeader();
                if (value == JsonToken.START_OBJECT) {
                    changeEventHeader(parser, headers);
                } else {
                    parser.skipChildren();
                }
            } else {
                parser.skipChildren();
            }
        }
    }

    private static void changeEventHeader(JsonParser parser, FieldsBuilder headers) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "commitTimestamp" -> headers.commitTimestamp = scalar(parser, value);
                case "changeType" -> headers.changeType = text(parser, value);
                case "entityName" -> headers.entityName = text(parser, value);
                default -> parser.skipChildren();
            }
        }
    }

    /** A scalar other than null as text (a number as written); null for null, objects and arrays, which are skipped. */
    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    /** A scalar other than null as a node; null for null, objects and arrays, which are skipped. */
    private static JsonNode scalar(JsonParser parser, JsonToken value) throws IOException {
        if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
            return scalarNode(parser, value);
        }
        parser.skipChildren();
        return null;
    }

    /**
     * The node a tree would hold for the scalar token, built directly: {@code readValueAsTree} sets up a
     * deserialization context per call, which cost more than the rest of reading an event's header fields.
     */
    private static JsonNode scalarNode(JsonParser parser, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> parser.readValueAsTree();
        };
    }

    /** The header fields of one event as they are found. */
    private static final class FieldsBuilder {
        static final StreamEvent.HeaderFields NONE
                = new StreamEvent.HeaderFields(null, null, null, null, null, null, null, null);

        JsonNode replayId;
        JsonNode eventCreatedDate;
        String eventType;
        String eventUuid;
        String schema;
        JsonNode payloadCreatedDate;
        JsonNode commitTimestamp;
        String changeType;
        String entityName;

        void clearEvent() {
            replayId = null;
            eventCreatedDate = null;
            eventType = null;
            eventUuid = null;
        }

        void clearPayload() {
            payloadCreatedDate = null;
            clearChangeEventHeader();
        }

        void clearChangeEventHeader() {
            commitTimestamp = null;
            changeType = null;
            entityName = null;
        }

        StreamEvent.HeaderFields build() {
            return new StreamEvent.HeaderFields(eventCreatedDate, eventType, eventUuid, schema, payloadCreatedDate,
                    commitTimestamp, changeType, entityName);
        }
    }

    /**
     * The event's position: its replayId as decimal text when it is a non-negative long (a number, or text of at most 18
     * digits), else null. A negative, fractional or overflowing replayId would poison the session's last taken replayId
     * (dropping every later event as already taken) or the stored marker (-2 means replay everything).
     */
    static String positionOf(JsonNode replayId) {
        if (replayId == null) {
            return null;
        }
        if (replayId.isIntegralNumber() && replayId.canConvertToLong() && replayId.asLong() >= 0) {
            return Long.toString(replayId.asLong());
        }
        if (replayId.isTextual() && replayId.asText().matches("\\d{1,18}")) {
            return Long.toString(replayId.asLong());
        }
        return null;
    }
}
