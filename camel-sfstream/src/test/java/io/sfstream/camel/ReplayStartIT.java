package io.sfstream.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where a subscription starts: NEW_EVENTS skips what was retained, an explicit replayId resumes after that event.
 */
class ReplayStartIT extends EmulatorTestSupport {

    @Test
    void newEventsGetsOnlyEventsPublishedAfterSubscribing() throws Exception {
        String channel = "/event/" + uniqueName("Fresh") + "__e";
        emulator().publish(channel, 5, 100);
        MockEndpoint mock = getMockEndpoint("mock:new");
        addRoute("sfstream:" + channel + "?replay=NEW_EVENTS", "mock:new");
        awaitSubscribed(channel);
        mock.expectedMessageCount(3);
        List<Long> after = emulator().publish(channel, 3, 100);
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(after);
        // nothing retained from before the subscription trickles in late
        mock.setAssertPeriod(500);
        mock.assertIsSatisfied();
    }

    @Test
    void explicitReplayIdResumesAfterThatEvent() throws Exception {
        String channel = "/topic/" + uniqueName("Resume");
        List<Long> published = emulator().publish(channel, 10, 100);
        long resumeAfter = published.get(3);
        MockEndpoint mock = getMockEndpoint("mock:resume");
        mock.expectedMessageCount(6);
        addRoute("sfstream:" + channel + "?replay=" + resumeAfter, "mock:resume");
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published.subList(4, 10));
    }

    private static void awaitSubscribed(String channel) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> {
            Map<String, Integer> subscriptions = emulator().counters().subscriptionsPerChannel();
            return subscriptions.getOrDefault(channel, 0) > 0;
        });
    }
}
