package io.sfstream.camel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the marker advances under each replayCommit policy, and that a stored marker wins over the replay option.
 */
class CommitPoliciesIT extends EmulatorTestSupport {

    private final Map<String, String> markers = new ConcurrentHashMap<>();

    @Test
    void onCompletionCommitsAndARestartResumesAfterTheMarker() throws Exception {
        context.getRegistry().bind("markers", markers);
        String channel = "/topic/" + uniqueName("Completion");
        List<Long> first = emulator().publish(channel, 5, 100);
        MockEndpoint mock = getMockEndpoint("mock:completion");
        mock.expectedMessageCount(5);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#markers&replayCommitInterval=20ms")
                        .routeId("completion").to("mock:completion");
            }
        });
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        await().atMost(10, TimeUnit.SECONDS).until(() -> Long.valueOf(first.get(4)).equals(storedReplayId(markers, channel)));
        assertThat(markers.get(channel)).as("marker text carries the event date").contains("|");

        context.getRouteController().stopRoute("completion");
        List<Long> second = emulator().publish(channel, 3, 100);
        mock.reset();
        mock.expectedMessageCount(3);
        context.getRouteController().startRoute("completion");
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        // replay=ALL_EVENTS would replay all 8: the stored marker wins
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(second);
        mock.setAssertPeriod(500);
        mock.assertIsSatisfied();
    }

    @Test
    void onReceiveCommitsBeforeProcessing() throws Exception {
        context.getRegistry().bind("markers", markers);
        RecordingExceptionHandler handler = new RecordingExceptionHandler();
        context.getRegistry().bind("handler", handler);
        String channel = "/topic/" + uniqueName("Receive");
        List<Long> published = emulator().publish(channel, 3, 100);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#markers&replayCommit=ON_RECEIVE"
                     + "&replayCommitInterval=20ms&exceptionHandler=#handler")
                        .throwException(new IllegalStateException("route always fails"));
            }
        });
        // the first event failed, yet its marker was committed when it was handed over
        await().atMost(20, TimeUnit.SECONDS).until(() -> !handler.of(SubscriberErrorException.class).isEmpty());
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> Long.valueOf(published.get(0)).equals(storedReplayId(markers, channel)));
    }

    @Test
    void manualCommitsOnlyWhatTheRouteCommitsAndNeverPastAGap() throws Exception {
        context.getRegistry().bind("markers", markers);
        String channel = "/event/" + uniqueName("Manual") + "__e";
        List<Long> published = emulator().publish(channel, 6, 100);
        long skipped = published.get(3);
        MockEndpoint mock = getMockEndpoint("mock:manual");
        mock.expectedMessageCount(6);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#markers&replayCommit=MANUAL"
                     + "&replayCommitInterval=20ms")
                        .process(exchange -> {
                            long id = exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class);
                            if (id != skipped) {
                                exchange.getMessage().getHeader(SfStreamConstants.REPLAY_COMMITTER, ReplayCommitter.class)
                                        .commit();
                            }
                        })
                        .to("mock:manual");
            }
        });
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        long beforeGap = published.get(2);
        await().atMost(10, TimeUnit.SECONDS).until(() -> Long.valueOf(beforeGap).equals(storedReplayId(markers, channel)));
        // events 5 and 6 were committed, but event 4 never was: the marker must stay before it
        await().during(Duration.ofMillis(500)).atMost(2, TimeUnit.SECONDS)
                .until(() -> Long.valueOf(beforeGap).equals(storedReplayId(markers, channel)));
    }
}
