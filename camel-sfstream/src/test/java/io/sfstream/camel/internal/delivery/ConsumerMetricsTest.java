package io.sfstream.camel.internal.delivery;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.DefaultClassResolver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Micrometer meters only with Micrometer on the classpath and a MeterRegistry bound; no-op hooks otherwise. */
class ConsumerMetricsTest {

    @Test
    void noOpWithoutARegistry() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            assertThat(ConsumerMetrics.create(context, "/topic/A", "r")).isSameAs(ConsumerMetrics.NONE);
        }
    }

    @Test
    void noOpWhenMicrometerCannotBeLoaded() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("meters", new SimpleMeterRegistry());
            context.setClassResolver(new DefaultClassResolver(context) {
                @Override
                public Class<?> resolveClass(String name) {
                    return name.startsWith("io.micrometer.") ? null : super.resolveClass(name);
                }
            });
            assertThat(ConsumerMetrics.create(context, "/topic/A", "r")).isSameAs(ConsumerMetrics.NONE);
        }
    }

    @Test
    void metersWithARegistryRemovedByTheLastUser() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("meters", meters);
            ConsumerMetrics first = ConsumerMetrics.create(context, "/topic/A", "r");
            ConsumerMetrics second = ConsumerMetrics.create(context, "/topic/A", "r");
            assertThat(first).isInstanceOf(MicrometerConsumerMetrics.class).isSameAs(second);
            first.started();
            first.received(1, "10");
            first.received(2, "11");
            first.received(3, "12");
            first.committed(2);
            first.failed(1);
            assertThat(meters.get("sfstream.events.received").tag("channel", "/topic/A").tag("routeId", "r").counter().count())
                    .isEqualTo(3);
            assertThat(meters.get("sfstream.events.committed").counter().count()).isEqualTo(2);
            assertThat(meters.get("sfstream.events.failed").counter().count()).isEqualTo(1);
            assertThat(meters.get("sfstream.lag").gauge().value()).isEqualTo(1);
            // a restart: 12 was never committed and comes again, 13 is new; the arrival numbers start again
            first.started();
            assertThat(meters.get("sfstream.lag").gauge().value()).isZero();
            first.received(1, "12");
            first.received(2, "13");
            assertThat(meters.get("sfstream.events.redelivered").counter().count()).isEqualTo(1);
            assertThat(meters.get("sfstream.lag").gauge().value()).isEqualTo(2);

            first.close();
            assertThat(meters.find("sfstream.lag").gauge()).isNotNull();
            second.close();
            assertThat(meters.getMeters()).isEmpty();
        }
    }
    private static double count(SimpleMeterRegistry meters, String name) {
        return meters.get(name).counter().count();
    }

    private static double lag(SimpleMeterRegistry meters) {
        return meters.get("sfstream.lag").gauge().value();
    }

    /** The base64 text of an 8-byte Pub/Sub replay id, as the Pub/Sub transport makes a position of it. */
    private static String opaque(long id) {
        return java.util.Base64.getEncoder().encodeToString(java.nio.ByteBuffer.allocate(8).putLong(id).array());
    }

    @Test
    void pubSubPositionsCountByArrivalNotByReplayId() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ConsumerMetrics metrics = MicrometerConsumerMetrics.create(meters, "/event/B__e", "r");
        try {
            metrics.started();
            for (int i = 1; i <= 5; i++) {
                metrics.received(i, opaque(i));
            }
            assertThat(count(meters, "sfstream.events.received")).isEqualTo(5);
            assertThat(lag(meters)).isEqualTo(5);
            metrics.committed(3);
            assertThat(count(meters, "sfstream.events.committed")).isEqualTo(3);
            assertThat(lag(meters)).isEqualTo(2);
            // watermarks reported out of order by two completion threads: counted once
            metrics.committed(2);
            assertThat(count(meters, "sfstream.events.committed")).isEqualTo(3);
            // the server's newest position with nothing pending: no more than what came is committed
            metrics.committed(7);
            assertThat(count(meters, "sfstream.events.committed")).isEqualTo(5);
            assertThat(lag(meters)).isZero();
            assertThat(count(meters, "sfstream.events.redelivered")).isZero();
        } finally {
            metrics.close();
        }
    }

    @Test
    void pubSubRedeliveryIsAPositionSeenBeforeTheStart() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ConsumerMetrics metrics = MicrometerConsumerMetrics.create(meters, "/event/C__e", "r");
        try {
            metrics.started();
            for (int i = 1; i <= 4; i++) {
                metrics.received(i, opaque(i));
            }
            metrics.committed(2);
            // the same positions within the start are no redelivery
            assertThat(count(meters, "sfstream.events.redelivered")).isZero();

            // a restart after the marker at 2: 3 and 4 come again (positions equal, fresh String instances), 5 is new
            metrics.started();
            metrics.received(1, new String(opaque(3)));
            metrics.received(2, new String(opaque(4)));
            metrics.received(3, opaque(5));
            assertThat(count(meters, "sfstream.events.redelivered")).isEqualTo(2);
            assertThat(count(meters, "sfstream.events.received")).isEqualTo(7);
            assertThat(lag(meters)).isEqualTo(3);
            metrics.committed(3);
            assertThat(count(meters, "sfstream.events.committed")).isEqualTo(5);
            assertThat(lag(meters)).isZero();
        } finally {
            metrics.close();
        }
    }

    @Test
    void pubSubRedeliveryRemembersABoundedWindow() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ConsumerMetrics metrics = MicrometerConsumerMetrics.create(meters, "/event/D__e", "r");
        try {
            metrics.started();
            int received = MicrometerConsumerMetrics.PUBSUB_WINDOW + 10;
            for (int i = 1; i <= received; i++) {
                metrics.received(i, opaque(i));
            }
            metrics.started();
            // the oldest ten fell out of the window: not counted; the newest one is
            metrics.received(1, opaque(1));
            metrics.received(2, opaque(10));
            metrics.received(3, opaque(11));
            metrics.received(4, opaque(received));
            assertThat(count(meters, "sfstream.events.redelivered")).isEqualTo(2);
        } finally {
            metrics.close();
        }
    }

    @Test
    void aReplayIdBeyondALongIsComparedAsText() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ConsumerMetrics metrics = MicrometerConsumerMetrics.create(meters, "/topic/E", "r");
        try {
            metrics.started();
            metrics.received(1, "99999999999999999999");
            metrics.started();
            metrics.received(1, "99999999999999999999");
            metrics.received(2, "5");
            assertThat(count(meters, "sfstream.events.redelivered")).isEqualTo(1);
        } finally {
            metrics.close();
        }
    }
}
