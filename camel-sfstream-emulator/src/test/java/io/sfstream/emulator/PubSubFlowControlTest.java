package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfstream.emulator.pubsub.proto.FetchResponse;
import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pull-based flow control as Salesforce does it: num_requested counted across requests and capped at 100,
 * pending_num_requested reported, the stream closed when nothing is requested for the idle time, empty keepalives
 * carrying latest_replay_id, and the server-side counters in /admin/stats.
 */
class PubSubFlowControlTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder()
        .connectHold(Duration.ofMillis(200))
        .pubSubIdleTimeout(Duration.ofMillis(1500))
        .pubSubKeepaliveInterval(Duration.ofMillis(400))
        .pubSubMaxEventsPerResponse(40));

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void numRequestedIsCountedAcrossRequestsAndCappedAt100() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Flow_Cap__e", 250, 0);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Flow_Cap__e", ReplayPreset.EARLIEST, null, 30);
            await().atMost(WAIT).until(() -> s.events.size() == 30);
            assertThat(s.last().getPendingNumRequested()).isZero();
            // nothing more comes until asked
            sf.publish("/event/Flow_Cap__e", 1, 0);
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> s.events.size() == 30);

            s.request(500); // counts as 100
            await().atMost(WAIT).until(() -> s.events.size() == 130);
            // batches of at most 40 events, each telling what is still owed
            assertThat(s.responses.stream().filter(r -> r.getEventsCount() > 0).mapToInt(FetchResponse::getEventsCount))
                .allMatch(n -> n <= 40);
            assertThat(s.responses.stream().filter(r -> r.getEventsCount() > 0)
                .map(FetchResponse::getPendingNumRequested)).containsSubsequence(60, 20, 0);
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> s.events.size() == 130);

            PubSubStats.Stream stream = sf.pubSubStats().streams().stream()
                .filter(st -> "/event/Flow_Cap__e".equals(st.topic())).findFirst().orElseThrow();
            assertThat(stream.requested()).isEqualTo(130);
            assertThat(stream.delivered()).isEqualTo(130);
            assertThat(stream.pending()).isZero();
            assertThat(stream.maxPending()).isEqualTo(100);
            assertThat(sf.pubSubStats().maxOutstanding()).isEqualTo(100);

            JsonNode stats = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(sf.baseUrl() + "/admin/stats")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(stats.path("pubsub").path("maxOutstanding").asInt()).isEqualTo(100);
            assertThat(stats.path("pubsub").path("streamsOpen").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(stats.path("pubsub").path("streams").findValuesAsText("topic")).contains("/event/Flow_Cap__e");
            assertThat(stats.path("bayeux").has("handshakes")).isTrue();
            s.cancel();
        }
    }

    @Test
    void outstandingRequestsAddUpToTheCap() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Flow_Add__e", ReplayPreset.LATEST, null, 60);
            s.request(60); // 120 asked, 100 owed
            await().atMost(WAIT).until(() -> sf.pubSubStats().streams().stream()
                .anyMatch(st -> "/event/Flow_Add__e".equals(st.topic()) && st.pending() == 100));
            sf.publish("/event/Flow_Add__e", 110, 0);
            await().atMost(WAIT).until(() -> s.events.size() == 100);
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> s.events.size() == 100);
            s.cancel();
        }
    }

    @Test
    void streamWithNothingRequestedIsClosedAfterTheIdleTime() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Flow_Idle__e", 2, 0);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Flow_Idle__e", ReplayPreset.EARLIEST, null, 2);
            await().atMost(WAIT).until(() -> s.events.size() == 2);
            long owedNothingSince = System.nanoTime();
            await().atMost(WAIT).until(s::ended);
            assertThat(s.completed).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - owedNothingSince)).isGreaterThan(Duration.ofMillis(1200));

            // a client that keeps asking in time is not closed
            PubSubTestClient.Subscription kept = c.subscribe("/event/Flow_Idle__e", ReplayPreset.LATEST, null, 1);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streams().stream()
                .anyMatch(st -> "/event/Flow_Idle__e".equals(st.topic()) && st.pending() == 1));
            sf.publish("/event/Flow_Idle__e", 1, 0);
            await().atMost(WAIT).until(() -> kept.events.size() == 1);
            await().pollDelay(Duration.ofMillis(900)).atMost(WAIT).until(() -> true);
            kept.request(1);
            await().pollDelay(Duration.ofMillis(900)).atMost(WAIT).until(() -> true);
            assertThat(kept.ended()).isFalse();
            kept.cancel();
        }
    }

    @Test
    void quietStreamGetsEmptyKeepalivesWithTheLatestReplayId() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Flow_Keepalive__e", 3, 0);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Flow_Keepalive__e", ReplayPreset.EARLIEST, null, 50);
            await().atMost(WAIT).until(() -> s.events.size() == 3);
            int before = s.responses.size();
            await().atMost(WAIT).until(() -> s.responses.size() >= before + 2);
            FetchResponse keepalive = s.last();
            assertThat(keepalive.getEventsCount()).isZero();
            assertThat(keepalive.getLatestReplayId()).isEqualTo(s.events.get(2).getReplayId());
            assertThat(keepalive.getPendingNumRequested()).isEqualTo(47);
            assertThat(keepalive.getRpcId()).isNotEmpty();

            // the keepalive's id is a position a new stream can start after
            PubSubTestClient.Subscription resumed = c.subscribe("/event/Flow_Keepalive__e", ReplayPreset.CUSTOM,
                keepalive.getLatestReplayId(), 5);
            sf.publish("/event/Flow_Keepalive__e", java.util.Map.of("Note__c", "after"));
            await().atMost(WAIT).until(() -> resumed.events.size() == 1);
            assertThat(c.decode(resumed.events.get(0)).get("Note__c").toString()).isEqualTo("after");
            s.cancel();
            resumed.cancel();
        }
    }
}
