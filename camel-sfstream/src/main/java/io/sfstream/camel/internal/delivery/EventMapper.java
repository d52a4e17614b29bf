package io.sfstream.camel.internal.delivery;

import io.sfstream.camel.BodyType;
import io.sfstream.camel.SfStreamApi;
import io.sfstream.camel.SfStreamConstants;
import io.sfstream.camel.SubscriptionException;
import io.sfstream.camel.internal.transport.ChannelKind;
import io.sfstream.camel.internal.transport.EventData;
import io.sfstream.camel.internal.transport.StreamEvent;
import io.sfstream.camel.replay.ReplayMarker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.apache.camel.Message;

/**
 * Turns one streaming event into the body and headers of a Camel message, according to the channel kind and the
 * configured body type.
 */
public final class EventMapper {

    private static final String POJO_NEEDS_TYPE
            = "bodyType=POJO needs the unmarshalType option naming the class to bind to";

    private static final TypeReference<Map<String, Object>> MAP_TYPE
            = new TypeReference<>() {
            };

    private final ChannelKind kind;
    private final BodyType bodyType;
    private final Class<?> unmarshalType;
    private final ObjectMapper mapper;
    /** The reader of MAP bodies: resolves the type and its deserializer once, not per event. */
    private final ObjectReader mapReader;

    public EventMapper(ChannelKind kind, BodyType bodyType, Class<?> unmarshalType, ObjectMapper mapper) {
        if (bodyType == BodyType.POJO && unmarshalType == null) {
            throw new IllegalArgumentException(POJO_NEEDS_TYPE);
        }
        this.kind = kind;
        this.bodyType = bodyType;
        this.unmarshalType = unmarshalType;
        this.mapper = mapper;
        this.mapReader = mapper.readerFor(MAP_TYPE);
    }

    /**
     * What the constructor checks, without a mapper: endpoints validate their options at creation, before any
     * ObjectMapper exists (the first one costs a cold JVM about 190 ms, spent by {@link BackgroundPreload} meanwhile).
     */
    public static void checkOptions(BodyType bodyType, Class<?> unmarshalType, SfStreamApi api) {
        if (bodyType == BodyType.POJO && unmarshalType == null) {
            throw new IllegalArgumentException(POJO_NEEDS_TYPE);
        }
        if (bodyType == BodyType.GENERIC_RECORD && api != SfStreamApi.PUBSUB) {
            throw new IllegalArgumentException("bodyType=GENERIC_RECORD needs api=PUBSUB: only the Pub/Sub API sends"
                                               + " Avro records; the Streaming API sends JSON (use MAP, JSON_NODE, STRING"
                                               + " or POJO)");
        }
    }

    /**
     * Fills {@code target} from {@code event}; a body that cannot be bound fails with the channel and position. The
     * {@link SfStreamConstants#REPLAY_ID} header is the position as a Long when it is a decimal replayId.
     *
     * @return the event's creation time (the {@link SfStreamConstants#CREATED_DATE} header), or null
     */
    public Instant map(StreamEvent event, Message target) {
        StreamEvent.HeaderFields fields = event.fields();
        String replayId = event.position();
        target.setHeader(SfStreamConstants.CHANNEL, event.channel());
        target.setHeader(SfStreamConstants.REPLAY_ID, replayIdHeader(replayId));
        if (event.failure() != null) {
            throw new SubscriptionException(event.channel(), null, event.failure());
        }
        Instant createdDate = fields.createdAt(kind);
        setIfPresent(target, SfStreamConstants.CREATED_DATE, createdDate);
        switch (kind) {
            case PUSH_TOPIC -> setIfPresent(target, SfStreamConstants.EVENT_TYPE, fields.eventType());
            case GENERIC -> {
                // a generic event has a creation date only
            }
            case PLATFORM_EVENT -> {
                setIfPresent(target, SfStreamConstants.EVENT_UUID, fields.eventUuid());
                setIfPresent(target, SfStreamConstants.SCHEMA_ID, fields.schema());
            }
            case CHANGE_EVENT -> {
                setIfPresent(target, SfStreamConstants.CHANGE_TYPE, fields.changeType());
                setIfPresent(target, SfStreamConstants.ENTITY_NAME, fields.entityName());
                setIfPresent(target, SfStreamConstants.SCHEMA_ID, fields.schema());
                setIfPresent(target, SfStreamConstants.EVENT_UUID, fields.eventUuid());
            }
            default -> throw new IllegalStateException("unknown channel kind " + kind);
        }
        setIfPresent(target, SfStreamConstants.RPC_ID, fields.rpcId());
        target.setBody(body(event.data(), event.channel(), replayId));
        return createdDate;
    }

    /**
     * A Long for a Streaming API replayId, the text for an opaque Pub/Sub position. Decided by looking, not by a
     * NumberFormatException: on the Pub/Sub path that would be thrown, stack trace and all, for every event.
     */
    private static Object replayIdHeader(String position) {
        if (!ReplayMarker.isReplayId(position)) {
            return position;
        }
        try {
            return Long.valueOf(position);
        } catch (NumberFormatException beyondLong) {
            return position;
        }
    }

    /**
     * The body, built once from {@code data} in the form the transport received it, with the configured mapper (its
     * modules and features apply).
     */
    private Object body(EventData data, String channel, String replayId) {
        try {
            return switch (bodyType) {
                case MAP -> data.map(mapReader);
                case JSON_NODE -> data.tree(mapper);
                case STRING -> new String(data.json(mapper), StandardCharsets.UTF_8);
                case POJO -> mapper.treeToValue(recordOf(data.tree(mapper)), unmarshalType);
                case GENERIC_RECORD -> genericRecord(data, channel, replayId);
            };
        } catch (IOException | IllegalArgumentException e) {
            throw new SubscriptionException(channel, null, "Cannot turn event " + replayId + " of " + channel + " into a "
                                                           + bodyType + " body" + (bodyType == BodyType.POJO
                                                                   ? " of " + unmarshalType.getName() : "")
                                                           + ": " + (e instanceof JsonProcessingException jpe
                                                                   ? jpe.getOriginalMessage() : e.getMessage()));
        }
    }

    private static Object genericRecord(EventData data, String channel, String replayId) {
        Object record = data.record();
        if (record == null) {
            // checked at endpoint creation: only a transport that decodes Avro gets here
            throw new IllegalStateException("Event " + replayId + " of " + channel + " has no Avro record");
        }
        return record;
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
}
