package io.sfstream.camel.internal.transport;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event as a transport hands it to an endpoint: the channel, its opaque position (the decimal replayId on the
 * Streaming API; null when the server sent none that is valid: the Streaming API's transport reports and skips such an
 * event, the Pub/Sub API's hands it over {@link #unreadable}, to fail or be skipped without moving a marker), the few fields
 * the message headers are made of, and the event's {@code data} object
 * as the transport received it (JSON bytes on the Streaming API, a decoded Avro record on the Pub/Sub API). Keeping it
 * in that form instead of a Jackson tree makes an event that waits for the route cost about its size in the heap, and
 * lets the endpoint build the body once, of the type it is configured with, on the route's thread.
 *
 * @param channel  the channel the event arrived on
 * @param position the event's position, or null when it has no valid one
 * @param fields   the values headers are made of
 * @param data     the event's {@code data}
 * @param failure  why the event could not be read (see {@link #unreadable}), else null
 */
public record StreamEvent(String channel, String position, HeaderFields fields, EventData data, String failure) {

    private static final EventData NO_DATA = EventData.ofJson(new byte[0]);

    /** An event that could be read. */
    public StreamEvent(String channel, String position, HeaderFields fields, EventData data) {
        this(channel, position, fields, data, null);
    }

    /**
     * An event the transport received but could not read (a payload that does not decode with its schema, an unknown
     * schema id, no replay id): handed over like any event so that it fails like an exchange that failed, and the
     * marker never moves past it unless ignoreSubscriberErrors says so.
     *
     * @param position its position, or null when it has none: skipping it then moves no marker
     * @param failure  why it cannot be read, naming the channel, the replay id and the schema id
     */
    public static StreamEvent unreadable(String channel, String position, String failure) {
        return new StreamEvent(channel, position,
                new HeaderFields(null, null, null, null, null, null, null, null), NO_DATA, failure);
    }

    /**
     * The header values of an event, by where Salesforce puts them; each is null when absent or not a scalar. Which of
     * them apply depends on the channel kind (the delivery core's event mapper).
     *
     * @param eventCreatedDate   {@code data.event.createdDate} (PushTopic and generic events)
     * @param eventType          {@code data.event.type} (PushTopic: created, updated, deleted, undeleted)
     * @param eventUuid          {@code data.event.EventUuid} (platform and change events)
     * @param schema             {@code data.schema} (platform and change events)
     * @param payloadCreatedDate {@code data.payload.CreatedDate} (platform events)
     * @param commitTimestamp    {@code data.payload.ChangeEventHeader.commitTimestamp} (change events)
     * @param changeType         {@code data.payload.ChangeEventHeader.changeType}
     * @param entityName         {@code data.payload.ChangeEventHeader.entityName}
     * @param rpcId              the Pub/Sub API's {@code rpc_id} of the response that carried the event, else null
     */
    public record HeaderFields(JsonNode eventCreatedDate, String eventType, String eventUuid, String schema,
                        JsonNode payloadCreatedDate, JsonNode commitTimestamp, String changeType, String entityName,
                        String rpcId) {

        /** When the server created the event, from where the channel kind puts it; null when absent or unreadable. */
        public Instant createdAt(ChannelKind kind) {
            return EventTimestamps.instant(switch (kind) {
                case PUSH_TOPIC, GENERIC -> eventCreatedDate;
                case PLATFORM_EVENT -> payloadCreatedDate;
                case CHANGE_EVENT -> commitTimestamp;
            });
        }

        /** The fields of a Streaming API event, which has no rpc id. */
        public HeaderFields(JsonNode eventCreatedDate, String eventType, String eventUuid, String schema,
                            JsonNode payloadCreatedDate, JsonNode commitTimestamp, String changeType,
                            String entityName) {
            this(eventCreatedDate, eventType, eventUuid, schema, payloadCreatedDate, commitTimestamp, changeType,
                    entityName, null);
        }

        /** These fields with the rpc id of the response that carried the event. */
        public HeaderFields withRpcId(String id) {
            return new HeaderFields(eventCreatedDate, eventType, eventUuid, schema, payloadCreatedDate, commitTimestamp,
                    changeType, entityName, id);
        }
    }

    /** Only what identifies the event: its data may be large, and is not the log's business above TRACE anyway. */
    @Override
    public String toString() {
        return "StreamEvent[" + channel + " position " + position + ", " + data.size() + " bytes"
               + (failure == null ? "" : ", unreadable") + "]";
    }
}
