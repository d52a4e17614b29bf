package io.sfstream.camel.internal.transport;

/**
 * The seam between the delivery core and a transport (the Streaming API's Bayeux session today, the Pub/Sub API
 * later): open a subscription for a subscriber, ask for more after holding back, read its status, close it.
 */
@FunctionalInterface
public interface Transport {

    /** Opens the subscriber's channel at {@link Subscriber#startAt()}; events and errors go to the subscriber. */
    Subscription open(Subscriber subscriber);

    /** One open subscription. */
    interface Subscription {

        /** The subscriber has room again: fetch more if the transport held back for it (flow control). */
        void more();

        /** The transport's status as it is now; safe from any thread. */
        TransportStatus status();

        /** Closes the subscription; a transport left without subscriptions ends. */
        void close();
    }
}
