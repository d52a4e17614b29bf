package io.sfstream.camel.internal.transport;

/**
 * The kinds of Salesforce streaming channels, each with its own event shape.
 */
public enum ChannelKind {
    /** {@code /topic/Name}: PushTopic events, the record under {@code data.sobject}. */
    PUSH_TOPIC,
    /** {@code /u/Name}: generic streaming events, a string under {@code data.payload}. */
    GENERIC,
    /** {@code /event/Name__e} or {@code /event/Name__chn}: platform events. */
    PLATFORM_EVENT,
    /** {@code /data/ChangeEvents} or {@code /data/NameChangeEvent}: Change Data Capture events. */
    CHANGE_EVENT
}
