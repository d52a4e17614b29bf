package io.sfstream.camel;

/**
 * Another worker holds the subscription: an OPEN_IF_FREE or TAKE_OVER worker could not start, or a worker lost its
 * lease (displaced by a TAKE_OVER worker, or expired while it was paused or cut off from the store) and stopped.
 */
public class SubscriptionInUseException extends SfStreamException {

    private final String subscriptionName;
    private final String holder;

    public SubscriptionInUseException(String subscriptionName, String holder, String message) {
        super(message);
        this.subscriptionName = subscriptionName;
        this.holder = holder;
    }

    /** The subscription key (subscriptionName, else the bare channel). */
    public String getSubscriptionName() {
        return subscriptionName;
    }

    /** The worker id of the holder, or null when unknown (the store could not be read). */
    public String getHolder() {
        return holder;
    }
}
