package io.sfstream.camel;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Message;

/**
 * Turns one streaming event into the body and headers of a Camel message, according to the channel kind and the
 * configured body type.
 */
final class EventMapper {

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP_TYPE
            = new com.fasterxml.jackson.core.type.TypeReference<>() {
            };

    private final ChannelKind kind;
    private final BodyType bodyType;
    private final Class<?> unmarshalType;
    private final ObjectMapper mapper;
    /**
     * Whether {@code convertValue(data, Map)} would give exactly what {@link #toMap} builds: no module and no feature
     * that changes how untyped JSON binds. Then the tree is copied directly, without convertValue's round trip through
     * a token buffer, which cost more than the rest of the mapping (JFR, camel-sfstream-benchmarks).
     */
    private final boolean plainMaps;

    EventMapper(ChannelKind kind, BodyType bodyType, Class<?> unmarshalType, ObjectMapper mapper) {
        if (bodyType == BodyType.POJO && unmarshalType == null) {
            throw new IllegalArgumentException("bodyType=POJO needs the unmarshalType option naming the class to bind to");
        }
        this.kind = kind;
        this.bodyType = bodyType;
        this.unmarshalType = unmarshalType;
        this.mapper = mapper;
        var config = mapper.getDeserializationConfig();
        this.plainMaps = mapper.getRegisteredModuleIds().isEmpty()
                         && !config.isEnabled(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                         && !config.isEnabled(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                         && !config.isEnabled(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS)
                         && !config.isEnabled(com.fasterxml.jackson.databind.DeserializationFeature.USE_JAVA_ARRAY_FOR_JSON_ARRAY);
    }

    /** Fills {@code target} from {@code event}; a body that cannot be bound fails with the channel and replayId. */
    void map(JsonNode event, long replayId, Message target) {
        JsonNode data = event.path("data");
        String channel = event.path("channel").asText();
        target.setHeader(SfStreamConstants.CHANNEL, channel);
        target.setHeader(SfStreamConstants.REPLAY_ID, replayId);
        JsonNode eventNode = data.path("event");
        JsonNode payload = data.path("payload");
        switch (kind) {
            case PUSH_TOPIC -> {
                setIfPresent(target, SfStreamConstants.CREATED_DATE, instant(eventNode.path("createdDate")));
                setIfPresent(target, SfStreamConstants.EVENT_TYPE, text(eventNode.path("type")));
            }
            case GENERIC -> setIfPresent(target, SfStreamConstants.CREATED_DATE, instant(eventNode.path("createdDate")));
            case PLATFORM_EVENT -> {
                setIfPresent(target, SfStreamConstants.CREATED_DATE, instant(payload.path("CreatedDate")));
                setIfPresent(target, SfStreamConstants.EVENT_UUID, text(eventNode.path("EventUuid")));
                setIfPresent(target, SfStreamConstants.SCHEMA_ID, text(data.path("schema")));
            }
            case CHANGE_EVENT -> {
                JsonNode header = payload.path("ChangeEventHeader");
                setIfPresent(target, SfStreamConstants.CREATED_DATE, instant(header.path("commitTimestamp")));
                setIfPresent(target, SfStreamConstants.CHANGE_TYPE, text(header.path("changeType")));
                setIfPresent(target, SfStreamConstants.ENTITY_NAME, text(header.path("entityName")));
                setIfPresent(target, SfStreamConstants.SCHEMA_ID, text(data.path("schema")));
                setIfPresent(target, SfStreamConstants.EVENT_UUID, text(eventNode.path("EventUuid")));
            }
            default -> throw new IllegalStateException("unknown channel kind " + kind);
        }
        target.setBody(body(data, channel, replayId));
    }

    private Object body(JsonNode data, String channel, long replayId) {
        try {
            return switch (bodyType) {
                case MAP -> plainMaps && data.isObject() ? toMap(data) : mapper.convertValue(data, MAP_TYPE);
                case JSON_NODE -> data;
                case STRING -> mapper.writeValueAsString(data);
                case POJO -> mapper.treeToValue(recordOf(data), unmarshalType);
            };
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SubscriptionException(channel, null, "Cannot turn event " + replayId + " of " + channel + " into a "
                                                           + bodyType + " body" + (bodyType == BodyType.POJO
                                                                   ? " of " + unmarshalType.getName() : "")
                                                           + ": " + (e instanceof JsonProcessingException jpe
                                                                   ? jpe.getOriginalMessage() : e.getMessage()));
        }
    }

    /** The object as Jackson's untyped binding makes it: LinkedHashMap, ArrayList, String, Integer/Long/Double... */
    private static Map<String, Object> toMap(JsonNode object) {
        Map<String, Object> map = new java.util.LinkedHashMap<>(Math.max(4, object.size() * 4 / 3 + 1));
        for (var fields = object.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            map.put(field.getKey(), toValue(field.getValue()));
        }
        return map;
    }

    private static Object toValue(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> toMap(node);
            case ARRAY -> {
                java.util.List<Object> list = new java.util.ArrayList<>(node.size());
                for (JsonNode item : node) {
                    list.add(toValue(item));
                }
                yield list;
            }
            case STRING -> node.textValue();
            case NUMBER -> node.numberValue();
            case BOOLEAN -> node.booleanValue();
            case NULL, MISSING -> null;
            // never produced by parsing JSON text
            default -> node.asText();
        };
    }

    private JsonNode recordOf(JsonNode data) {
        return switch (kind) {
            case PUSH_TOPIC -> data.path("sobject");
            case PLATFORM_EVENT, CHANGE_EVENT -> data.path("payload");
            case GENERIC -> data;
        };
    }

    private static void setIfPresent(Message target, String header, Object value) {
        if (value != null) {
            target.setHeader(header, value);
        }
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    /**
     * Salesforce's own form, {@code 2016-03-29T16:40:08.208Z}, read without DateTimeFormatter (whose general parser cost
     * about a tenth of a drain's CPU); null for anything else, which the general parsers then read.
     */
    static Instant utcMillis(String text) {
        if (text.length() != 24 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(19) != '.' || text.charAt(23) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int millis = digits(text, 20, 3);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || millis < 0) {
            return null;
        }
        try {
            long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, millis * 1_000_000L);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** The decimal number of {@code length} ASCII digits at {@code from}, or -1. */
    private static int digits(String text, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** ISO-8601 text or epoch milliseconds; anything else gives no header rather than a failed exchange. */
    static Instant instant(JsonNode node) {
        if (node.isNumber()) {
            return Instant.ofEpochMilli(node.asLong());
        }
        if (node.isTextual()) {
            Instant fast = utcMillis(node.textValue());
            if (fast != null) {
                return fast;
            }
            try {
                return Instant.parse(node.asText());
            } catch (DateTimeParseException e) {
                try {
                    return java.time.OffsetDateTime.parse(node.asText(),
                            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX")).toInstant();
                } catch (DateTimeParseException again) {
                    return null;
                }
            }
        }
        return null;
    }
}
