package io.sfstream.camel;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With Micrometer and a MeterRegistry bound in the CamelContext, each consumer counts events received, committed,
 * failed and redelivered, and gauges its lag, tagged with channel and routeId.
 */
class MicrometerMetricsIT extends EmulatorTestSupport {

    private final MeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void bindRegistry() {
        context.getRegistry().bind("meters", meters);
    }

    private double count(String name, String channel) {
        return ChannelMeters.count(meters, name, channel);
    }

    private double lag(String channel) {
        return ChannelMeters.lag(meters, channel);
    }

    @Test
    void countsReceivedAndCommittedEvents() throws Exception {
        String channel = "/topic/" + uniqueName("Metrics");
        emulator().publish(channel, 7, 100);
        MockEndpoint mock = getMockEndpoint("mock:metrics");
        mock.expectedMessageCount(7);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS").routeId("metrics").to("mock:metrics");
            }
        });
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(count("sfstream.events.received", channel)).isEqualTo(7);
            assertThat(count("sfstream.events.committed", channel)).isEqualTo(7);
            assertThat(lag(channel)).isZero();
        });
        assertThat(count("sfstream.events.failed", channel)).isZero();
        assertThat(count("sfstream.events.redelivered", channel)).isZero();
        assertThat(meters.find("sfstream.events.received").tag("routeId", "metrics").counter()).isNotNull();

        context.getRouteController().stopRoute("metrics");
        context.removeRoute("metrics");
        assertThat(meters.find("sfstream.events.received").tag("channel", channel).counter())
                .as("meters removed with the consumer").isNull();
    }

    @Test
    void countsFailedEventsThatAreSkipped() throws Exception {
        String channel = "/event/" + uniqueName("MetricsFail") + "__e";
        emulator().publish(channel, 3, 100);
        context.getRegistry().bind("handler", new RecordingExceptionHandler());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("sfstream:" + channel + "?replay=ALL_EVENTS&ignoreSubscriberErrors=true&exceptionHandler=#handler")
                        .routeId("failing").throwException(new IllegalStateException("route always fails"));
            }
        });
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(count("sfstream.events.received", channel)).isEqualTo(3);
            assertThat(count("sfstream.events.failed", channel)).isEqualTo(3);
            // skipped failures count as done: the marker moves past them
            assertThat(count("sfstream.events.committed", channel)).isEqualTo(3);
            assertThat(lag(channel)).isZero();
        });
    }

    @Test
    void countsEventsRedeliveredAfterARestart() throws Exception {
        String channel = "/topic/" + uniqueName("MetricsRestart");
        List<Long> published = emulator().publish(channel, 5, 100);
        long poison = published.get(2);
        AtomicBoolean failedOnce = new AtomicBoolean();
        context.getRegistry().bind("handler", new RecordingExceptionHandler());
        MockEndpoint mock = getMockEndpoint("mock:restart");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayCommitInterval=20ms&exceptionHandler=#handler")
                        .routeId("restart")
                        .process(exchange -> {
                            long replayId = exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class);
                            if (replayId == poison && failedOnce.compareAndSet(false, true)) {
                                throw new IllegalStateException("fails once");
                            }
                        })
                        .to("mock:restart");
            }
        });
        // the third event fails: delivery stops, the marker stays after the second
        await().atMost(20, TimeUnit.SECONDS).until(() -> count("sfstream.events.failed", channel) == 1
                && count("sfstream.events.committed", channel) == 2);
        context.getRouteController().stopRoute("restart");
        double firstRun = count("sfstream.events.received", channel);
        assertThat(lag(channel)).as("received after the marker, not committed").isEqualTo(firstRun - 2);

        context.getRouteController().startRoute("restart");
        await().atMost(30, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() == 5);
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published);
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            // the events after the marker that the first run had received come again
            assertThat(count("sfstream.events.redelivered", channel)).isEqualTo(firstRun - 2);
            assertThat(count("sfstream.events.received", channel)).isEqualTo(firstRun + 3);
            assertThat(count("sfstream.events.committed", channel)).isEqualTo(5);
            assertThat(count("sfstream.events.failed", channel)).isEqualTo(1);
            assertThat(lag(channel)).isZero();
        });
    }
}
