package io.sfstream.camel;

/**
 * What the body of an exchange holds.
 */
public enum BodyType {
    /** The event's {@code data} object as a {@code Map<String, Object>}. */
    MAP,
    /** The event's {@code data} object as a Jackson {@code JsonNode}. */
    JSON_NODE,
    /** The raw JSON text of the event's {@code data} object. */
    STRING,
    /**
     * The event's record bound to {@code unmarshalType} with the configured {@code ObjectMapper}: {@code sobject} for
     * PushTopic events, {@code payload} for platform events and Change Data Capture events, the whole {@code data}
     * object for generic streaming events.
     */
    POJO,
    /**
     * The event's Avro {@code org.apache.avro.generic.GenericRecord}, decoded with its writer schema: the platform event
     * or the change event itself, as Salesforce sent it (bitmap fields such as {@code changedFields} unconverted; the
     * replay id, EventUuid and schema id are in headers). Only with {@code api=PUBSUB}.
     */
    GENERIC_RECORD
}
