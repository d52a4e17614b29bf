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
            first.received(10);
            first.received(11);
            first.received(12);
            first.committed(11);
            first.failed(1);
            assertThat(meters.get("sfstream.events.received").tag("channel", "/topic/A").tag("routeId", "r").counter().count())
                    .isEqualTo(3);
            assertThat(meters.get("sfstream.events.committed").counter().count()).isEqualTo(2);
            assertThat(meters.get("sfstream.events.failed").counter().count()).isEqualTo(1);
            assertThat(meters.get("sfstream.lag").gauge().value()).isEqualTo(1);
            // a restart: 12 was never committed and comes again, 13 is new
            first.started();
            first.received(12);
            first.received(13);
            assertThat(meters.get("sfstream.events.redelivered").counter().count()).isEqualTo(1);
            assertThat(meters.get("sfstream.lag").gauge().value()).isEqualTo(2);

            first.close();
            assertThat(meters.find("sfstream.lag").gauge()).isNotNull();
            second.close();
            assertThat(meters.getMeters()).isEmpty();
        }
    }
}
