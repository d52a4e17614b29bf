package io.sfstream.camel;

import io.sfstream.camel.replay.ReplayMarker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sfstream.camel.EmulatorTestSupport.replayIdsOf;
import static io.sfstream.camel.EmulatorTestSupport.storedReplayId;
import static io.sfstream.camel.EmulatorTestSupport.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stored replayId that Salesforce no longer retains: fail clearly (NONE) or resubscribe that channel alone with -2 or
 * -1, also when the stale marker is met on the resubscription after a new handshake.
 */
class ReplayFallbackIT extends CamelTestSupport {

    /** Five events retained per channel, so a marker goes stale after a few publications. */
    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension(
            SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).retentionCount(5));

    private final Map<String, String> markers = new ConcurrentHashMap<>();
    private final RecordingExceptionHandler handler = new RecordingExceptionHandler();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        EmulatorTestSupport.useEmulator(context, EMULATOR.emulator());
        context.getRegistry().bind("markers", markers);
        context.getRegistry().bind("handler", handler);
        return context;
    }

    /** Publishes 8 events and stores a marker of the first, which retention (5) has dropped. */
    private List<Long> staleMarker(String channel) {
        List<Long> published = EMULATOR.emulator().publish(channel, 8, 100);
        markers.put(channel, ReplayMarker.of(published.get(0)).format());
        return published;
    }

    private String uri(String channel, String fallback) {
        return "sfstream:" + channel + "?replayStore=#markers&replayCommitInterval=20ms&exceptionHandler=#handler"
               + (fallback == null ? "" : "&replayFallback=" + fallback);
    }

    @Test
    void withoutFallbackTheSubscriptionFailsNamingChannelMarkerAndOption() throws Exception {
        String channel = "/event/" + uniqueName("StaleNone") + "__e";
        List<Long> published = staleMarker(channel);
        MockEndpoint mock = getMockEndpoint("mock:none");
        mock.expectedMessageCount(0);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(channel, null)).to("mock:none");
            }
        });
        await().atMost(20, TimeUnit.SECONDS).until(() -> !handler.of(SubscriptionException.class).isEmpty());
        SubscriptionException error = handler.of(SubscriptionException.class).get(0);
        assertThat(error.getChannel()).isEqualTo(channel);
        assertThat(error.getMessage()).contains(channel).contains(String.valueOf(published.get(0))).contains("replayFallback");
        mock.setAssertPeriod(500);
        mock.assertIsSatisfied();
        assertThat(storedReplayId(markers, channel)).as("the stale marker is left as it was").isEqualTo(published.get(0));
    }

    @Test
    void allEventsFallbackReplaysTheRetainedEventsAndReplacesTheMarker() throws Exception {
        String channel = "/event/" + uniqueName("StaleAll") + "__e";
        List<Long> published = staleMarker(channel);
        MockEndpoint mock = getMockEndpoint("mock:all");
        mock.expectedMessageCount(5);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(channel, "ALL_EVENTS")).to("mock:all");
            }
        });
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published.subList(3, 8));
        await().atMost(10, TimeUnit.SECONDS).until(() -> Long.valueOf(published.get(7)).equals(storedReplayId(markers, channel)));
        assertThat(handler.of(SubscriptionException.class)).anyMatch(e -> e.getMessage().contains("ALL_EVENTS"));
    }

    @Test
    void newEventsFallbackSkipsTheRetainedEvents() throws Exception {
        String channel = "/event/" + uniqueName("StaleNew") + "__e";
        staleMarker(channel);
        MockEndpoint mock = getMockEndpoint("mock:new");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(channel, "NEW_EVENTS")).to("mock:new");
            }
        });
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> EMULATOR.emulator().counters().subscriptionsPerChannel().getOrDefault(channel, 0) == 1);
        mock.expectedMessageCount(2);
        List<Long> fresh = EMULATOR.emulator().publish(channel, 2, 100);
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(fresh);
    }

    @Test
    void fallbackAppliesOnTheResubscriptionAfterARehandshakeAndSparesOtherChannels() throws Exception {
        String stale = "/event/" + uniqueName("GoesStale") + "__e";
        String healthy = "/topic/" + uniqueName("Healthy");
        SalesforceEmulator emulator = EMULATOR.emulator();
        List<Long> staleIds = emulator.publish(stale, 1, 100);
        List<Long> healthyIds = emulator.publish(healthy, 1, 100);
        // both markers valid and current: nothing to deliver at first
        markers.put(stale, ReplayMarker.of(staleIds.get(0)).format());
        markers.put(healthy, ReplayMarker.of(healthyIds.get(0)).format());
        MockEndpoint staleMock = getMockEndpoint("mock:stale");
        MockEndpoint healthyMock = getMockEndpoint("mock:healthy");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(stale, "ALL_EVENTS")).to("mock:stale");
                from(uri(healthy, "ALL_EVENTS")).to("mock:healthy");
            }
        });
        await().atMost(20, TimeUnit.SECONDS).until(() -> {
            Map<String, Integer> subscriptions = emulator.counters().subscriptionsPerChannel();
            return subscriptions.getOrDefault(stale, 0) == 1 && subscriptions.getOrDefault(healthy, 0) == 1;
        });
        long handshakes = emulator.counters().handshakes();

        // the server forgets the session; before the client handshakes again, retention drops the stale channel's marker
        emulator.faults().stallResponses(Duration.ofSeconds(1));
        emulator.dropAllSessions();
        staleMock.expectedMessageCount(5);
        List<Long> later = emulator.publish(stale, 7, 100);
        staleMock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
        assertThat(replayIdsOf(staleMock)).containsExactlyElementsOf(later.subList(2, 7));
        assertThat(emulator.counters().handshakes()).isGreaterThan(handshakes);
        // the healthy channel resumed from its own marker: nothing replayed, new events only
        healthyMock.expectedMessageCount(2);
        List<Long> healthyNew = emulator.publish(healthy, 2, 100);
        healthyMock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(healthyMock)).containsExactlyElementsOf(healthyNew);
        await().atMost(10, TimeUnit.SECONDS).until(() -> Long.valueOf(later.get(6)).equals(storedReplayId(markers, stale)));
    }
}
