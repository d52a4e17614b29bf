package io.sfstream.camel.pubsub;

import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionRecord;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sfstream.camel.pubsub.PubSubReplayStartIT.range;
import static io.sfstream.camel.pubsub.PubSubReplayStartIT.seqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a quiet channel the keepalive's latest_replay_id moves the stored marker: a route started with NEW_EVENTS after
 * 10 events stores the newest position without receiving an event, and after a restart resumes exactly after it.
 */
class PubSubKeepaliveIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder()
            .pubSubKeepaliveInterval(Duration.ofMillis(300)));

    private final Map<String, String> markers = new ConcurrentHashMap<>();

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        registry.bind("markers", markers);
    }

    private String storedPosition(String key) {
        String text = markers.get(key);
        ReplayMarker marker = text == null ? null : SubscriptionRecord.parse(key, text).marker();
        return marker == null ? null : marker.position();
    }

    @Test
    void theKeepaliveMovesTheMarkerOfAQuietChannel() throws Exception {
        String channel = "/event/" + uniqueName("Quiet") + "__e";
        for (int i = 0; i < 10; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
        MockEndpoint mock = getMockEndpoint("mock:quiet");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replayStore=#markers&replayCommitInterval=100ms").routeId("quiet")
                        .to(mock);
            }
        });
        // the lease is stored under the key at once; the marker only when the keepalive gave a position
        await().atMost(Duration.ofSeconds(10)).until(() -> storedPosition(channel) != null);
        assertThat(mock.getReceivedCounter()).isZero();
        context.getRouteController().stopRoute("quiet");

        // a restart resumes after the position the keepalive gave: the 10 old events stay behind it
        emulator().publish(channel, Map.of("Seq__c", 10));
        context.getRouteController().startRoute("quiet");
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> mock.getReceivedCounter() == 1);
        assertThat(seqs(mock)).containsExactlyElementsOf(range(10, 11));
    }
}
