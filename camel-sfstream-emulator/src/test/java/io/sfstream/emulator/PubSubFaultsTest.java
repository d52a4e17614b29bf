package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import io.sfstream.emulator.pubsub.proto.TopicRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every Pub/Sub fault, through the Java API and the admin HTTP API. */
class PubSubFaultsTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension();

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TopicRequest TOPIC = TopicRequest.newBuilder().setTopicName("/event/Fault__e").build();

    @AfterEach
    void clearFaults() {
        SF.emulator().faults().reset();
        if (!SF.emulator().isPubSubRunning()) {
            SF.emulator().startPubSub();
        }
    }

    private static int admin(String pathAndQuery) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(SF.emulator().baseUrl() + pathAndQuery))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void failNextCallsWithAGivenCode() throws Exception {
        try (PubSubTestClient c = PubSubTestClient.plaintext(SF.emulator())) {
            assertThat(admin("/admin/faults/failNextPubSubCalls?count=2&status=UNAVAILABLE"
                + "&errorCode=sfdc.platform.eventbus.grpc.service.unavailable")).isEqualTo(200);
            for (int i = 0; i < 2; i++) {
                Throwable t = catchThrowable(() -> c.blocking().getTopic(TOPIC));
                assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(PubSubTestClient.errorCode(t)).isEqualTo(PubSubErrors.SERVICE_UNAVAILABLE);
            }
            assertThat(c.blocking().getTopic(TOPIC).getCanSubscribe()).isTrue();

            SF.emulator().faults().failNextPubSubCalls(1, Status.Code.INVALID_ARGUMENT,
                PubSubErrors.REPLAY_ID_VALIDATION_FAILED);
            PubSubTestClient.Subscription s = c.subscribe("/event/Fault__e", ReplayPreset.LATEST, null, 1);
            await().atMost(WAIT).until(s::ended);
            assertThat(PubSubTestClient.errorCode(s.error)).isEqualTo(PubSubErrors.REPLAY_ID_VALIDATION_FAILED);
        }
    }

    @Test
    void resetStreamsEndsThemWithUnavailable() throws Exception {
        try (PubSubTestClient c = PubSubTestClient.plaintext(SF.emulator())) {
            PubSubTestClient.Subscription a = c.subscribe("/event/Fault__e", ReplayPreset.LATEST, null, 5);
            PubSubTestClient.Subscription b = c.subscribe("/event/Fault__e", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(() -> SF.emulator().pubSubStats().streamsOpen() == 2);
            assertThat(admin("/admin/pubsub/resetStreams")).isEqualTo(200);
            await().atMost(WAIT).until(() -> a.ended() && b.ended());
            assertThat(Status.fromThrowable(a.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(Status.fromThrowable(a.error).getDescription()).contains("RST_STREAM");
            assertThat(SF.emulator().pubSubStats().streamsOpen()).isZero();
        }
    }

    @Test
    void stopAndRestartOnTheSamePort() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        int plain = sf.pubSubPort();
        int tls = sf.pubSubTlsPort();
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Fault__e", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() == 1);
            assertThat(admin("/admin/pubsub/stop")).isEqualTo(200);
            await().atMost(WAIT).until(s::ended);
            assertThat(Status.fromThrowable(s.error).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(Status.fromThrowable(catchThrowable(() -> c.blocking().getTopic(TOPIC))).getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);

            assertThat(admin("/admin/pubsub/start")).isEqualTo(200);
            assertThat(sf.pubSubPort()).isEqualTo(plain);
            assertThat(sf.pubSubTlsPort()).isEqualTo(tls);
            // the same channel reconnects; events published meanwhile are there
            sf.publish("/event/Fault__e", Map.of("Note__c", "after restart"));
            await().atMost(WAIT).ignoreExceptions().until(() -> c.blocking().getTopic(TOPIC).getCanSubscribe());
            PubSubTestClient.Subscription again = c.subscribe("/event/Fault__e", ReplayPreset.EARLIEST, null, 50);
            await().atMost(WAIT).until(() -> again.events.stream().anyMatch(e -> {
                try {
                    return "after restart".equals(String.valueOf(c.decode(e).get("Note__c")));
                } catch (Exception ex) {
                    return false;
                }
            }));
            again.cancel();
        }
        try (PubSubTestClient t = PubSubTestClient.tls(sf)) {
            assertThat(t.blocking().getTopic(TOPIC).getCanSubscribe()).isTrue();
        }
    }

    @Test
    void concurrentClientLimit() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            assertThat(admin("/admin/faults/pubSubStreamLimit?limit=1")).isEqualTo(200);
            PubSubTestClient.Subscription first = c.subscribe("/event/Fault__e", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() == 1);
            PubSubTestClient.Subscription second = c.subscribe("/event/Fault__e", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(second::ended);
            assertThat(Status.fromThrowable(second.error).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(PubSubTestClient.errorCode(second.error)).isEqualTo(PubSubErrors.CLIENT_LIMIT_EXCEEDED);
            assertThat(first.ended()).isFalse();
            first.cancel();
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() == 0);
            PubSubTestClient.Subscription third = c.subscribe("/event/Fault__e", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() == 1);
            assertThat(third.ended()).isFalse();
            third.cancel();
        }
    }

    @Test
    void stalledResponsesComeLate() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Fault__e", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() == 1);
            assertThat(admin("/admin/faults/stallPubSub?millis=800&count=1")).isEqualTo(200);
            long start = System.nanoTime();
            sf.publish("/event/Fault__e", Map.of("Note__c", "late"));
            await().atMost(WAIT).until(() -> s.events.size() == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(750));

            sf.faults().stallPubSubResponses(1, Duration.ofMillis(600));
            start = System.nanoTime();
            c.blocking().getTopic(TOPIC);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(550));
            s.cancel();
        }
    }

    @Test
    void expiredTokensThroughTheAdminApi() throws Exception {
        try (PubSubTestClient c = PubSubTestClient.plaintext(SF.emulator())) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Fault__e", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(() -> SF.emulator().pubSubStats().streamsOpen() == 1);
            assertThat(admin("/admin/expireTokens")).isEqualTo(200);
            await().atMost(WAIT).until(s::ended);
            assertThat(PubSubTestClient.errorCode(s.error)).isEqualTo(PubSubErrors.AUTH_ERROR);
        }
    }

    @Test
    void corruptPayloadsGoOutExactlyKTimes() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        String topic = "/event/Corrupt__e";
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe(topic, ReplayPreset.LATEST, null, 20);
            await().atMost(WAIT).until(() -> streamsOn(topic) == 1);
            assertThat(admin("/admin/faults/corruptPubSubPayloads?count=2")).isEqualTo(200);
            publish(topic, 0, 3);
            await().atMost(WAIT).until(() -> s.events.size() == 3);
            sf.faults().corruptNextPubSubPayloads(1);
            publish(topic, 3, 3);
            await().atMost(WAIT).until(() -> s.events.size() == 6);

            List<Boolean> decodes = s.events.stream().map(e -> catchThrowable(() -> c.decode(e)) == null).toList();
            assertThat(decodes).containsExactly(false, false, true, false, true, true);
            String schemaId = sf.schemaId(topic);
            assertThat(s.events).allSatisfy(e -> {
                assertThat(e.getEvent().getSchemaId()).isEqualTo(schemaId);
                assertThat(e.getReplayId().isEmpty()).isFalse();
            });
            assertThat(catchThrowable(() -> c.decode(s.events.get(0)))).isInstanceOf(java.io.EOFException.class);
            s.cancel();

            // the stored events are intact: a replay of all of them decodes (and the fault is used up)
            PubSubTestClient.Subscription again = c.subscribe(topic, ReplayPreset.EARLIEST, null, 20);
            await().atMost(WAIT).until(() -> again.events.size() == 6);
            for (int i = 0; i < 6; i++) {
                assertThat(c.decode(again.events.get(i)).get("Seq__c")).isEqualTo((long) i);
                assertThat(again.events.get(i).getReplayId()).isEqualTo(s.events.get(i).getReplayId());
            }
            again.cancel();
        }
    }

    @Test
    void replayIdsAreLeftOutExactlyKTimes() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        String topic = "/event/NoReplayId__e";
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe(topic, ReplayPreset.LATEST, null, 20);
            await().atMost(WAIT).until(() -> streamsOn(topic) == 1);
            assertThat(admin("/admin/faults/omitPubSubReplayIds?count=1")).isEqualTo(200);
            publish(topic, 0, 2);
            await().atMost(WAIT).until(() -> s.events.size() == 2);
            sf.faults().omitReplayIdInNextPubSubEvents(2);
            publish(topic, 2, 4);
            await().atMost(WAIT).until(() -> s.events.size() == 6);

            assertThat(s.events.stream().map(e -> e.getReplayId().isEmpty()).toList())
                .containsExactly(true, false, true, true, false, false);
            for (int i = 0; i < 6; i++) {
                assertThat(c.decode(s.events.get(i)).get("Seq__c")).isEqualTo((long) i);
            }
            // the responses still carry the stream's position
            assertThat(s.responses).allSatisfy(r -> assertThat(r.getLatestReplayId().isEmpty()).isFalse());
            s.cancel();

            PubSubTestClient.Subscription again = c.subscribe(topic, ReplayPreset.EARLIEST, null, 20);
            await().atMost(WAIT).until(() -> again.events.size() == 6);
            assertThat(again.events).allSatisfy(e -> assertThat(e.getReplayId().isEmpty()).isFalse());
            again.cancel();
        }
    }

    @Test
    void resetClearsTheEventFaults() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        String topic = "/event/ResetEventFaults__e";
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe(topic, ReplayPreset.LATEST, null, 20);
            await().atMost(WAIT).until(() -> streamsOn(topic) == 1);
            sf.faults().corruptNextPubSubPayloads(5);
            sf.faults().omitReplayIdInNextPubSubEvents(5);
            assertThat(admin("/admin/faults/reset")).isEqualTo(200);
            publish(topic, 0, 2);
            await().atMost(WAIT).until(() -> s.events.size() == 2);
            for (int i = 0; i < 2; i++) {
                assertThat(c.decode(s.events.get(i)).get("Seq__c")).isEqualTo((long) i);
                assertThat(s.events.get(i).getReplayId().isEmpty()).isFalse();
            }
            s.cancel();
        }
    }

    private static long streamsOn(String topic) {
        return SF.emulator().pubSubStats().streams().stream().filter(st -> topic.equals(st.topic())).count();
    }

    private static void publish(String topic, int from, int count) {
        for (int i = from; i < from + count; i++) {
            SF.emulator().publish(topic, Map.of("Seq__c", i));
        }
    }
}
