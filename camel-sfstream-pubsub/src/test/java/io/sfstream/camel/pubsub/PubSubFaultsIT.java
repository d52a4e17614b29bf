package io.sfstream.camel.pubsub;

import io.grpc.Status;
import io.sfstream.camel.RecordingExceptionHandler;
import io.sfstream.camel.SfStreamConsumer;
import io.sfstream.camel.TransportTimeoutException;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.PubSubErrors;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;


import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sfstream.camel.pubsub.PubSubReplayStartIT.range;
import static io.sfstream.camel.pubsub.PubSubReplayStartIT.seqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults between two halves of a channel's events: each must end with every event handed over exactly once, in
 * order (lost = 0 and no duplicate within one process, per replay id).
 */
class PubSubFaultsIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final int HALF = 100;
    private static final String BOGUS = "AAAAAAAAAAAAAAAAAAAAAA==";

    private final Map<String, String> markers = new ConcurrentHashMap<>();

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    private final RecordingExceptionHandler recorder = new RecordingExceptionHandler();
    /** What the consumer reported, in order. */
    private final List<Throwable> errors = recorder.errors;

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        registry.bind("markers", markers);
        registry.bind("errors", recorder);
    }

    /**
     * The server stays down: connectionTimeout is reported once while the stream keeps retrying, and once the outage
     * has lasted maxErroneousPeriod the channel stops for good (FAILED) with one report, and consumes nothing more
     * when the server is back, until the route restarts. The same rules, by the same code, as on the Streaming API.
     */
    @Test
    void anOutageLongerThanMaxErroneousPeriodStopsTheChannelForGood() throws Exception {
        String channel = "/event/" + uniqueName("Erroneous") + "__e";
        MockEndpoint mock = getMockEndpoint("mock:erroneous");
        publish(channel, 0, 5);
        context.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&connectionTimeout=1s&maxErroneousPeriod=4s"
                     + "&exceptionHandler=#errors").routeId("erroneous").to(mock);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 5);
        emulator().stopPubSub();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> errors.stream()
                    .anyMatch(e -> e.getMessage().contains("maxErroneousPeriod")));
            assertThat(errors.stream().filter(TransportTimeoutException.class::isInstance)).as("timed out once").hasSize(1);
            assertThat(errors.stream().filter(e -> e.getMessage().contains("maxErroneousPeriod"))).hasSize(1);
            SfStreamConsumer consumer = (SfStreamConsumer) context.getRoute("erroneous").getConsumer();
            assertThat(consumer.getSessionState()).isEqualTo("FAILED");
        } finally {
            emulator().startPubSub();
        }
        publish(channel, 5, 5);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> mock.getReceivedCounter() == 5);
    }

    @Test
    void streamReset() throws Exception {
        survives("Reset", () -> emulator().resetPubSubStreams());
    }

    @Test
    void expiredToken() throws Exception {
        int tokens = emulator().issuedTokens().size();
        survives("Expired", () -> emulator().expireTokens());
        // logged in again at once
        assertThat(emulator().issuedTokens().size()).isGreaterThan(tokens);
    }

    @Test
    void serverRestartOnTheSamePort() throws Exception {
        survives("Restart", () -> {
            emulator().stopPubSub();
            emulator().startPubSub();
        });
    }

    @Test
    void serviceUnavailable() throws Exception {
        survives("Unavailable", () -> {
            emulator().faults().failNextPubSubCalls(3, Status.Code.UNAVAILABLE, PubSubErrors.SERVICE_UNAVAILABLE);
            emulator().resetPubSubStreams();
        });
    }

    @Test
    void concurrentClientLimit() throws Exception {
        survives("Limit", () -> {
            emulator().faults().failNextPubSubCalls(2, Status.Code.RESOURCE_EXHAUSTED, PubSubErrors.CLIENT_LIMIT_EXCEEDED);
            emulator().resetPubSubStreams();
        });
    }

    @Test
    void corruptedMarkerWithoutFallbackStopsTheChannel() throws Exception {
        String channel = "/event/" + uniqueName("NoFallback") + "__e";
        publish(channel, 0, 20);
        markers.put(channel, BOGUS);
        MockEndpoint mock = getMockEndpoint("mock:none");
        addRoute("sfstream:" + channel + "?replayStore=#markers", mock.getEndpointUri());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> mock.getReceivedCounter() == 0 && streams(channel).isEmpty());
        assertThat(markers.get(channel)).contains(BOGUS);
    }

    @Test
    void corruptedMarkerFallsBackToAllEvents() throws Exception {
        String channel = "/event/" + uniqueName("FallbackAll") + "__e";
        publish(channel, 0, 20);
        markers.put(channel, BOGUS);
        MockEndpoint mock = getMockEndpoint("mock:all");
        addRoute("sfstream:" + channel + "?replayStore=#markers&replayFallback=ALL_EVENTS", mock.getEndpointUri());
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 20);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> mock.getReceivedCounter() == 20);
        assertThat(seqs(mock)).containsExactlyElementsOf(range(0, 20));
        String newest = positions(mock).get(19);
        await().atMost(Duration.ofSeconds(5)).until(() -> String.valueOf(markers.get(channel)).contains(newest));
    }

    @Test
    void corruptedMarkerFallsBackToNewEvents() throws Exception {
        String channel = "/event/" + uniqueName("FallbackNew") + "__e";
        publish(channel, 0, 20);
        markers.put(channel, BOGUS);
        MockEndpoint mock = getMockEndpoint("mock:newEvents");
        addRoute("sfstream:" + channel + "?replayStore=#markers&replayFallback=NEW_EVENTS", mock.getEndpointUri());
        await().atMost(Duration.ofSeconds(10)).until(() -> !streams(channel).isEmpty());
        publish(channel, 20, 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 5);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> mock.getReceivedCounter() == 5);
        assertThat(seqs(mock)).containsExactlyElementsOf(range(20, 25));
    }

    /** Half the events, the fault, the other half: every event exactly once and in order. */
    private void survives(String name, Runnable fault) throws Exception {
        String channel = "/event/" + uniqueName(name) + "__e";
        MockEndpoint mock = getMockEndpoint("mock:" + name);
        publish(channel, 0, HALF);
        addRoute("sfstream:" + channel + "?replay=ALL_EVENTS", mock.getEndpointUri());
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == HALF);
        fault.run();
        publish(channel, HALF, HALF);
        await().atMost(Duration.ofSeconds(30)).until(() -> mock.getReceivedCounter() >= 2 * HALF);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> mock.getReceivedCounter() == 2 * HALF);
        List<String> positions = positions(mock);
        assertThat(positions).doesNotHaveDuplicates();
        assertThat(seqs(mock)).containsExactlyElementsOf(range(0, 2 * HALF));
    }

    private void publish(String channel, int from, int count) {
        for (int i = from; i < from + count; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
    }
}
