package io.sfstream.camel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A failed exchange stops delivery before it (ignoreSubscriberErrors=false) or counts as done (true); a failure a dead
 * letter channel handled counts as completed.
 */
class SubscriberErrorsIT extends EmulatorTestSupport {

    private final Map<String, String> markers = new ConcurrentHashMap<>();
    private final RecordingExceptionHandler handler = new RecordingExceptionHandler();
    private final AtomicBoolean failing = new AtomicBoolean(true);

    @Test
    void aFailedEventStopsDeliveryAndARestartRetriesIt() throws Exception {
        String channel = "/event/" + uniqueName("Stop") + "__e";
        List<Long> published = emulator().publish(channel, 10, 100);
        long poison = published.get(4);
        MockEndpoint mock = route(channel, poison, "ignoreSubscriberErrors=false");

        await().atMost(20, TimeUnit.SECONDS).until(() -> !handler.of(SubscriberErrorException.class).isEmpty());
        SubscriberErrorException error = handler.of(SubscriberErrorException.class).get(0);
        assertThat(error.getReplayId()).isEqualTo(poison);
        assertThat(error.getChannel()).isEqualTo(channel);
        assertThat(error.getMessage()).contains(channel).contains(String.valueOf(poison)).contains("ignoreSubscriberErrors");
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> Long.valueOf(published.get(3)).equals(storedReplayId(markers, channel)));
        SfStreamConsumer consumer = (SfStreamConsumer) context.getRoute("errors").getConsumer();
        assertThat(consumer.getFailure()).isSameAs(error);

        // nothing more is delivered, not even new events
        emulator().publish(channel, 2, 100);
        await().during(Duration.ofMillis(700)).atMost(5, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() == 4);
        assertThat(storedReplayId(markers, channel)).isEqualTo(published.get(3));

        // a restart resumes at the failed event
        failing.set(false);
        mock.reset();
        mock.expectedMessageCount(8);
        context.getRouteController().stopRoute("errors");
        context.getRouteController().startRoute("errors");
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(mock).get(0)).isEqualTo(poison);
    }

    @Test
    void ignoredErrorsCountAsDoneAndDeliveryContinues() throws Exception {
        String channel = "/event/" + uniqueName("Ignore") + "__e";
        List<Long> published = emulator().publish(channel, 10, 100);
        long poison = published.get(4);
        MockEndpoint mock = route(channel, poison, "ignoreSubscriberErrors=true");
        mock.expectedMessageCount(9);
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(mock)).doesNotContain(poison);
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> Long.valueOf(published.get(9)).equals(storedReplayId(markers, channel)));
        assertThat(handler.of(SubscriberErrorException.class)).isEmpty();
        assertThat(handler.errors).anyMatch(e -> e instanceof IllegalStateException);
    }

    @Test
    void aFailureHandledByADeadLetterChannelCountsAsCompleted() throws Exception {
        context.getRegistry().bind("markers", markers);
        String channel = "/event/" + uniqueName("Dlc") + "__e";
        List<Long> published = emulator().publish(channel, 5, 100);
        long poison = published.get(2);
        MockEndpoint dead = getMockEndpoint("mock:dead");
        dead.expectedMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(deadLetterChannel("mock:dead"));
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#markers&replayCommitInterval=20ms")
                        .filter(header(SfStreamConstants.REPLAY_ID).isEqualTo(poison))
                        .throwException(new IllegalStateException("poison"));
            }
        });
        dead.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> Long.valueOf(published.get(4)).equals(storedReplayId(markers, channel)));
    }

    private MockEndpoint route(String channel, long poison, String policy) throws Exception {
        context.getRegistry().bind("markers", markers);
        context.getRegistry().bind("handler", handler);
        MockEndpoint mock = getMockEndpoint("mock:errors");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#markers&replayCommitInterval=20ms"
                     + "&exceptionHandler=#handler&" + policy)
                        .routeId("errors")
                        .process(exchange -> {
                            if (failing.get() && exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class)
                                    == poison) {
                                throw new IllegalStateException("cannot process " + poison);
                            }
                        })
                        .to("mock:errors");
            }
        });
        return mock;
    }
}
