package io.sfstream.camel;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shared steps of the fault tests: short back-off, a recording exception handler, one route per channel. */
abstract class FaultTestSupport extends EmulatorTestSupport {

    static final String FAST_RETRY = "timeToWaitBeforeConnectionRetry=100ms&maxReconnectDelay=500ms";
    /** Long enough for a reconnect and a replay to hand an event again, had it been taken twice. */
    static final java.time.Duration QUIET_PERIOD = java.time.Duration.ofSeconds(2);

    final RecordingExceptionHandler errors = new RecordingExceptionHandler();

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) throws Exception {
        registry.bind("errors", errors);
    }

    /** Starts a route from the channel to mock:&lt;routeId&gt; and waits until the emulator counts the subscription. */
    void route(String routeId, String channel, String options) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?exceptionHandler=#errors&" + FAST_RETRY + (options.isEmpty() ? "" : "&" + options))
                        .routeId(routeId).to("mock:" + routeId);
            }
        });
        awaitSubscribed(channel);
    }

    static void awaitSubscribed(String channel) {
        await().atMost(20, TimeUnit.SECONDS).until(() -> emulator().counters().subscriptions(channel) >= 1);
    }

    SfStreamConsumer consumer(String routeId) {
        return (SfStreamConsumer) context.getRoute(routeId).getConsumer();
    }

    /**
     * Waits for exactly the published events, in order, then for a quiet period in which nothing more arrives: a late
     * duplicate (an event handed again by a replay after a reconnect) fails the test instead of going unseen.
     */
    void assertReceivedExactly(String routeId, List<Long> published) {
        MockEndpoint mock = getMockEndpoint("mock:" + routeId);
        await().atMost(60, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() >= published.size());
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published);
        await("no late duplicates").during(QUIET_PERIOD).atMost(QUIET_PERIOD.plusSeconds(5))
                .until(() -> mock.getReceivedCounter() == published.size());
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published);
    }
}
