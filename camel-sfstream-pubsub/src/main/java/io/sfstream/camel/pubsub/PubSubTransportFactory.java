package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamApi;
import io.sfstream.camel.internal.transport.TransportFactory;

/**
 * The Pub/Sub API transport as {@link java.util.ServiceLoader} finds it for endpoints with {@code api=PUBSUB}.
 */
public final class PubSubTransportFactory implements TransportFactory {

    @Override
    public String api() {
        return SfStreamApi.PUBSUB.name();
    }

    @Override
    public Transports create() {
        return new PubSubTransports();
    }
}
