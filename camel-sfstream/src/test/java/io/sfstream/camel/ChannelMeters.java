package io.sfstream.camel;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The consumer's Micrometer meters of one channel as the tests read them, -1 standing for a meter that is not
 * registered. Public: the Pub/Sub module's tests use it from the test-jar.
 */
public final class ChannelMeters {

    private ChannelMeters() {
    }

    /** The count of the counter {@code name} tagged with {@code channel}, or -1. */
    public static double count(MeterRegistry meters, String name, String channel) {
        var counter = meters.find(name).tag("channel", channel).counter();
        return counter == null ? -1 : counter.count();
    }

    /** The value of the gauge sfstream.lag tagged with {@code channel}, or -1. */
    public static double lag(MeterRegistry meters, String channel) {
        var gauge = meters.find("sfstream.lag").tag("channel", channel).gauge();
        return gauge == null ? -1 : gauge.value();
    }
}
