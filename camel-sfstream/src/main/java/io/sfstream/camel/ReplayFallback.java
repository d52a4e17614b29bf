package io.sfstream.camel;

/**
 * What to do when Salesforce rejects the replayId a subscription resumes from because it is no longer retained.
 */
public enum ReplayFallback {
    /** Fail the subscription, naming the channel and the marker. */
    NONE,
    /** Resubscribe with every retained event (replayId -2): lossless within retention, may repeat events. */
    ALL_EVENTS,
    /** Resubscribe with new events only (replayId -1): the events between the marker and now are skipped. */
    NEW_EVENTS
}
