package io.sfstream.camel.internal.delivery;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hooks of a consumer for metrics: events received, committed and failed. The default does nothing;
 * with Micrometer on the classpath and a {@code MeterRegistry} in the CamelContext's registry the consumer gets
 * {@link MicrometerConsumerMetrics}. Internal: called from the session, dispatcher and completion threads.
 */
public interface ConsumerMetrics {

    /** The hooks that do nothing. */
    ConsumerMetrics NONE = new ConsumerMetrics() {
    };

    String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    /**
     * The consumer (re)started: events received before and not committed will come again, and the sequence numbers of
     * {@link #received} and {@link #committed} start again at 1.
     */
    default void started() {
    }

    /**
     * An event came from Salesforce.
     *
     * @param sequence the event's arrival number since the consumer started: 1, 2, 3... in the order the transport
     *                 offered the events, on both APIs alike (the order delivery commits in, never replayId arithmetic)
     * @param position the event's position as text (a decimal replayId on the Streaming API, base64 on the Pub/Sub
     *                 API), only to tell a redelivery; may be null
     */
    default void received(long sequence, String position) {
    }

    /**
     * The replay marker advanced past the event with this arrival number (see {@link #received}): it and every event
     * received before it since the start are done.
     */
    default void committed(long sequence) {
    }

    /** An exchange carrying this many events failed. */
    default void failed(int events) {
    }

    /** The consumer is shut down: remove the meters. */
    default void close() {
    }

    /**
     * Micrometer hooks when {@code io.micrometer.core.instrument.MeterRegistry} can be loaded and one registry of that
     * type is bound in the CamelContext's registry; otherwise {@link #NONE}. No Micrometer class is touched unless it
     * is on the classpath.
     */
    static ConsumerMetrics create(CamelContext context, String channel, String routeId) {
        Class<?> registryType = context.getClassResolver().resolveClass(METER_REGISTRY);
        if (registryType == null) {
            return NONE;
        }
        Object registry;
        try {
            registry = context.getRegistry().findSingleByType(registryType);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ConsumerMetrics.class).debug("No single MeterRegistry for {}: {}", channel, e.getMessage());
            return NONE;
        }
        if (registry == null) {
            return NONE;
        }
        Logger log = LoggerFactory.getLogger(ConsumerMetrics.class);
        log.debug("Micrometer meters for {} of route {}", channel, routeId);
        return MicrometerConsumerMetrics.create(registry, channel, routeId);
    }
}
