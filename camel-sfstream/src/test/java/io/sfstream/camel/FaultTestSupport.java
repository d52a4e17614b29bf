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

    /** Waits for exactly the published events, in order, and none twice. */
    void assertReceivedExactly(String routeId, List<Long> published) {
        MockEndpoint mock = getMockEndpoint("mock:" + routeId);
        await().atMost(60, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() >= published.size());
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published);
    }
}
