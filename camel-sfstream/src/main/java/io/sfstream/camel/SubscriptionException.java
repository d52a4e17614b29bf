package io.sfstream.camel;

/**
 * Salesforce refused a subscription, or an event of a subscribed channel could not be handed to the route.
 */
public class SubscriptionException extends SfStreamException {

    private final String channel;
    private final String bayeuxError;

    public SubscriptionException(String channel, String bayeuxError, String message) {
        super(message);
        this.channel = channel;
        this.bayeuxError = bayeuxError;
    }

    public String getChannel() {
        return channel;
    }

    /** The Bayeux {@code error} or {@code ext.sfdc.failureReason} text, e.g. {@code 400::The replayId {5} ...}. */
    public String getBayeuxError() {
        return bayeuxError;
    }
}
