package io.sfstream.camel.internal.transport;

import io.sfstream.camel.SfStreamConfiguration;

import org.apache.camel.CamelContext;

/**
 * A transport other than the built-in Streaming API one, found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.sfstream.camel.internal.transport.TransportFactory} entry), so that its dependencies
 * (gRPC, protobuf, Avro for the Pub/Sub API) stay out of the runtime of users who do not need it. Public only because
 * ServiceLoader needs it: no part of the documented API.
 */
public interface TransportFactory {

    /** The {@code api} option value this factory serves, e.g. {@code PUBSUB}. */
    String api();

    /** The transports of one component: created once per component, closed when the component stops. */
    Transports create();

    /** The transports of one component, sharing what endpoints of equal settings may share (connections, logins). */
    interface Transports extends AutoCloseable {

        /** The transport of an endpoint's settings. */
        Transport transport(SfStreamConfiguration config, CamelContext context);

        /** Closes every connection and subscription left. */
        @Override
        void close();
    }
}
