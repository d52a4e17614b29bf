package io.sfstream.camel.pubsub;

import io.sfstream.camel.RecordingExceptionHandler;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionRecord;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keepalives with an empty latest_replay_id (the emulator's fault) on a quiet channel: reported once, naming the
 * channel; the marker does not move on them, and moves on the first keepalive that has a position again.
 */
class PubSubEmptyLatestIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder()
            .pubSubKeepaliveInterval(Duration.ofMillis(200)));

    private final Map<String, String> markers = new ConcurrentHashMap<>();
    private final RecordingExceptionHandler recorder = new RecordingExceptionHandler();

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("markers", markers);
        registry.bind("reports", recorder);
    }

    private String storedPosition(String key) {
        String text = markers.get(key);
        ReplayMarker marker = text == null ? null : SubscriptionRecord.parse(key, text).marker();
        return marker == null ? null : marker.position();
    }

    @Test
    void emptyLatestIdsAreReportedOnceAndMoveNoMarker() throws Exception {
        String channel = "/event/" + uniqueName("EmptyLatest") + "__e";
        for (int i = 0; i < 5; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
        emulator().faults().emptyLatestReplayIdInNextKeepalives(3);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replayStore=#markers&replayCommitInterval=100ms&exceptionHandler=#reports")
                        .routeId("empty-latest").to("mock:empty-latest");
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.reports.isEmpty());
        assertThat(recorder.messages()).singleElement().asString().contains(channel).contains("no latest_replay_id");
        assertThat(storedPosition(channel)).as("no marker from an empty latest_replay_id").isNull();

        // the fourth keepalive has a position again: the quiet channel's marker moves there
        await().atMost(Duration.ofSeconds(10)).until(() -> storedPosition(channel) != null);
        assertThat(recorder.reports).as("reported once, not once per keepalive").hasSize(1);
        assertThat(getMockEndpoint("mock:empty-latest").getReceivedCounter()).isZero();
    }
}
