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

    EventMapper(ChannelKind kind, BodyType bodyType, Class<?> unmarshalType, ObjectMapper mapper) {
        if (bodyType == BodyType.POJO && unmarshalType == null) {
            throw new IllegalArgumentException("bodyType=POJO needs the unmarshalType option naming the class to bind to");
        }
        this.kind = kind;
        this.bodyType = bodyType;
        this.unmarshalType = unmarshalType;
        this.mapper = mapper;
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
                case MAP -> mapper.convertValue(data, MAP_TYPE);
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

    /** ISO-8601 text or epoch milliseconds; anything else gives no header rather than a failed exchange. */
    static Instant instant(JsonNode node) {
        if (node.isNumber()) {
            return Instant.ofEpochMilli(node.asLong());
        }
        if (node.isTextual()) {
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
