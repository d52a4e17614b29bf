package io.sfstream.camel.pubsub;

import io.sfstream.camel.replay.FileReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.emulator.EmulatorExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** NEW_EVENTS (LATEST), and a stored marker in the file store (CUSTOM after it) across a route restart. */
class PubSubReplayStartIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    @TempDir
    Path dir;

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @Test
    void newEventsStartsAfterTheNewestEvent() throws Exception {
        String channel = "/event/" + uniqueName("New") + "__e";
        publish(channel, 0, 20);
        MockEndpoint mock = getMockEndpoint("mock:new");
        addRoute("sfstream:" + channel, mock.getEndpointUri());
        await().atMost(Duration.ofSeconds(10)).until(() -> !streams(channel).isEmpty());
        publish(channel, 20, 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 10);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> mock.getReceivedCounter() == 10);
        assertThat(seqs(mock)).containsExactlyElementsOf(range(20, 30));
    }

    @Test
    void aStoredMarkerResumesAfterTheLastProcessedEventAcrossRestarts() throws Exception {
        String channel = "/event/" + uniqueName("Stored") + "__e";
        Path markers = dir.resolve("markers");
        publish(channel, 0, 50);
        MockEndpoint mock = getMockEndpoint("mock:stored");
        context.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=" + markers).routeId("stored").to(mock);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 50);
        context.getRouteController().stopRoute("stored");
        String lastPosition = positions(mock).get(49);
        try (FileReplayMarkerStore store = new FileReplayMarkerStore(markers)) {
            store.start();
            Optional<ReplayMarker> stored = store.read(channel);
            assertThat(stored).map(ReplayMarker::position).contains(lastPosition);
            assertThat(stored.get().isReplayId()).isFalse();
        }
        publish(channel, 50, 30);
        mock.reset();
        context.getRouteController().startRoute("stored");
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 30);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> mock.getReceivedCounter() == 30);
        assertThat(seqs(mock)).containsExactlyElementsOf(range(50, 80));
        String newest = positions(mock).get(29);
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(markers).contains(newest));
    }

    private void publish(String channel, int from, int count) {
        for (int i = from; i < from + count; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
    }

    static List<Object> seqs(MockEndpoint mock) {
        return mock.getReceivedExchanges().stream().map(e -> payload(e).get("Seq__c")).toList();
    }

    static List<Object> range(int from, int to) {
        return IntStream.range(from, to).boxed().map(Object.class::cast).toList();
    }
}
