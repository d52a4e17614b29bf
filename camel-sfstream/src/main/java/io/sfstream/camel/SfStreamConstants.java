package io.sfstream.camel;

import org.apache.camel.spi.Metadata;

/**
 * Headers the sfstream consumer sets on every exchange.
 */
public final class SfStreamConstants {

    @Metadata(description = "The channel the event was received on, e.g. /topic/Orders.", javaType = "String")
    public static final String CHANNEL = "CamelSfStreamChannel";
    @Metadata(description = "The event's replayId (data.event.replayId): opaque, increasing per channel, not contiguous."
                            + " A Long on the Streaming API; with api=PUBSUB a String, the base64 text of the replay id's"
                            + " bytes.",
              javaType = "Object")
    public static final String REPLAY_ID = "CamelSfStreamReplayId";
    @Metadata(description = "When the event was created: data.event.createdDate for PushTopic and generic events,"
                            + " payload.CreatedDate for platform events, ChangeEventHeader.commitTimestamp for change events."
                            + " Absent when the event does not carry it.",
              javaType = "java.time.Instant")
    public static final String CREATED_DATE = "CamelSfStreamCreatedDate";
    @Metadata(description = "PushTopic events: created, updated, deleted or undeleted.", javaType = "String")
    public static final String EVENT_TYPE = "CamelSfStreamEventType";
    @Metadata(description = "Platform events: the EventUuid, the stable identity of the event.", javaType = "String")
    public static final String EVENT_UUID = "CamelSfStreamEventUuid";
    @Metadata(description = "Platform and change events: the id of the event's schema (data.schema).", javaType = "String")
    public static final String SCHEMA_ID = "CamelSfStreamSchemaId";
    @Metadata(description = "Change events: ChangeEventHeader.changeType, e.g. CREATE, UPDATE, DELETE, UNDELETE, GAP_CREATE.",
              javaType = "String")
    public static final String CHANGE_TYPE = "CamelSfStreamChangeType";
    @Metadata(description = "Change events: ChangeEventHeader.entityName, e.g. Account.", javaType = "String")
    public static final String ENTITY_NAME = "CamelSfStreamEntityName";
    @Metadata(description = "With api=PUBSUB: the rpc_id of the FetchResponse that carried the event (Salesforce support"
                            + " asks for it when tracing a delivery).",
              javaType = "String")
    public static final String RPC_ID = "CamelSfStreamRpcId";

    @Metadata(description = "With replayCommit=MANUAL: the ReplayCommitter that commits this exchange's events.",
              javaType = "io.sfstream.camel.ReplayCommitter")
    public static final String REPLAY_COMMITTER = "CamelSfStreamReplayCommitter";
    @Metadata(description = "With maxBatchSize > 1: the number of events in the exchange's List body.", javaType = "Integer")
    public static final String BATCH_SIZE = "CamelSfStreamBatchSize";
    @Metadata(description = "With maxBatchSize > 1: a List with the headers of each event of the body, in the same order.",
              javaType = "java.util.List<java.util.Map<String, Object>>")
    public static final String BATCH_HEADERS = "CamelSfStreamBatchHeaders";

    private SfStreamConstants() {
    }
}
