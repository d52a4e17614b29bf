package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.sfstream.emulator.pubsub.proto.ConsumerEvent;
import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Subscribe's replay presets, CUSTOM, corrupted and expired ids, and one journal shared with Bayeux. */
class PubSubSubscribeTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder()
        .connectHold(Duration.ofMillis(200)).retentionCount(50));

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void earliestDeliversEverythingRetainedThenLiveEvents() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Long> ids = sf.publish("/event/Sub_Earliest__e", 5, 0);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Sub_Earliest__e", ReplayPreset.EARLIEST, null, 10);
            await().atMost(WAIT).until(() -> s.events.size() == 5);
            sf.publish("/event/Sub_Earliest__e", Map.of("Note__c", "live"));
            await().atMost(WAIT).until(() -> s.events.size() == 6);
            assertThat(c.decode(s.events.get(5)).get("Note__c").toString()).isEqualTo("live");
            assertThat(s.last().getPendingNumRequested()).isEqualTo(4);
            assertThat(s.last().getLatestReplayId()).isEqualTo(s.events.get(5).getReplayId());
            assertThat(ids).hasSize(5);
        }
    }

    @Test
    void latestDeliversOnlyNewEvents() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Sub_Latest__e", 3, 0);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Sub_Latest__e", ReplayPreset.LATEST, null, 10);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streams().stream()
                .anyMatch(st -> "/event/Sub_Latest__e".equals(st.topic())));
            sf.publish("/event/Sub_Latest__e", Map.of("Note__c", "new"));
            await().atMost(WAIT).until(() -> s.events.size() == 1);
            assertThat(c.decode(s.events.get(0)).get("Note__c").toString()).isEqualTo("new");
        }
    }

    @Test
    void customStartsAfterTheGivenIdAndLaterPresetsAreIgnored() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Sub_Custom__e", 6, 0);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription all = c.subscribe("/event/Sub_Custom__e", ReplayPreset.EARLIEST, null, 6);
            await().atMost(WAIT).until(() -> all.events.size() == 6);
            ByteString third = all.events.get(2).getReplayId();

            PubSubTestClient.Subscription s = c.subscribe("/event/Sub_Custom__e", ReplayPreset.CUSTOM, third, 2);
            await().atMost(WAIT).until(() -> s.events.size() == 2);
            assertThat(s.events.get(0).getEvent().getId()).isEqualTo(all.events.get(3).getEvent().getId());
            // a later request asking for EARLIEST only asks for more: the stream goes on where it is
            s.requests.onNext(io.sfstream.emulator.pubsub.proto.FetchRequest.newBuilder()
                .setTopicName("/event/Sub_Custom__e").setReplayPreset(ReplayPreset.EARLIEST).setNumRequested(5).build());
            await().atMost(WAIT).until(() -> s.events.size() == 3);
            assertThat(s.events.get(2).getEvent().getId()).isEqualTo(all.events.get(5).getEvent().getId());
        }
    }

    @Test
    void replayIdsAreOpaque() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Long> positions = sf.publish("/event/Sub_Opaque__e", 3, 0);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Sub_Opaque__e", ReplayPreset.EARLIEST, null, 3);
            await().atMost(WAIT).until(() -> s.events.size() == 3);
            ByteString a = s.events.get(0).getReplayId();
            ByteString b = s.events.get(1).getReplayId();
            assertThat(a.size()).isEqualTo(16);
            // the journal position is not in the bytes, in either byte order
            byte[] bigEndian = java.nio.ByteBuffer.allocate(8).putLong(positions.get(0)).array();
            byte[] littleEndian = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(positions.get(0)).array();
            assertThat(indexOf(a.toByteArray(), bigEndian)).isEqualTo(-1);
            assertThat(indexOf(a.toByteArray(), littleEndian)).isEqualTo(-1);
            // adjacent events do not share a prefix a client could step through
            assertThat(a.substring(0, 8)).isNotEqualTo(b.substring(0, 8));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return java.util.Collections.indexOfSubList(toList(haystack), toList(needle));
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> out = new java.util.ArrayList<>(bytes.length);
        for (byte b : bytes) {
            out.add(b);
        }
        return out;
    }

    @Test
    void corruptedReplayIdEndsTheStreamWithSalesforcesErrorCode() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Sub_Corrupt__e", 2, 0);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription all = c.subscribe("/event/Sub_Corrupt__e", ReplayPreset.EARLIEST, null, 2);
            await().atMost(WAIT).until(() -> all.events.size() == 2);
            byte[] bytes = all.events.get(0).getReplayId().toByteArray();
            bytes[3] ^= 0x40;
            for (ByteString bad : List.of(ByteString.copyFrom(bytes), ByteString.copyFromUtf8("12345"),
                all.events.get(0).getReplayId().concat(ByteString.copyFrom(new byte[] {1})))) {
                PubSubTestClient.Subscription s = c.subscribe("/event/Sub_Corrupt__e", ReplayPreset.CUSTOM, bad, 5);
                await().atMost(WAIT).until(s::ended);
                assertThat(Status.fromThrowable(s.error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(PubSubTestClient.errorCode(s.error)).isEqualTo(PubSubErrors.REPLAY_ID_CORRUPTED);
            }
            // an id of another topic does not open either
            sf.publish("/event/Sub_Other__e", 1, 0);
            PubSubTestClient.Subscription s = c.subscribe("/event/Sub_Other__e", ReplayPreset.CUSTOM,
                all.events.get(0).getReplayId(), 5);
            await().atMost(WAIT).until(s::ended);
            assertThat(PubSubTestClient.errorCode(s.error)).isEqualTo(PubSubErrors.REPLAY_ID_CORRUPTED);
        }
    }

    @Test
    void replayIdOlderThanRetentionIsCorrupted() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Sub_Expired__e", 2, 0);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription first = c.subscribe("/event/Sub_Expired__e", ReplayPreset.EARLIEST, null, 1);
            await().atMost(WAIT).until(() -> first.events.size() == 1);
            ByteString old = first.events.get(0).getReplayId();
            sf.publish("/event/Sub_Expired__e", 60, 0); // retention is 50 events
            PubSubTestClient.Subscription s = c.subscribe("/event/Sub_Expired__e", ReplayPreset.CUSTOM, old, 5);
            await().atMost(WAIT).until(s::ended);
            assertThat(PubSubTestClient.errorCode(s.error)).isEqualTo(PubSubErrors.REPLAY_ID_CORRUPTED);
        }
    }

    @Test
    void legacyChannelsAreNotPubSubTopics() throws Exception {
        try (PubSubTestClient c = PubSubTestClient.plaintext(SF.emulator())) {
            PubSubTestClient.Subscription s = c.subscribe("/topic/Sub_Push", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(s::ended);
            assertThat(PubSubTestClient.errorCode(s.error)).isEqualTo(PubSubErrors.TOPIC_INVALID);
        }
    }

    @Test
    void bayeuxAndPubSubSubscribersGetTheSameEvents() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        BayeuxTestClient bayeux = new BayeuxTestClient(sf).open();
        bayeux.subscribe("/event/Sub_Shared__e", -1);
        try (PubSubTestClient c = PubSubTestClient.tls(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Sub_Shared__e", ReplayPreset.LATEST, null, 10);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streams().stream()
                .anyMatch(st -> "/event/Sub_Shared__e".equals(st.topic())));
            sf.publish("/event/Sub_Shared__e", Map.of("Printer_Model__c", "XZO-5", "Copies__c", 3));
            await().atMost(WAIT).until(() -> s.events.size() == 1);
            List<JsonNode> viaBayeux = bayeux.collect(1, WAIT);
            JsonNode data = viaBayeux.get(0).path("data");
            ConsumerEvent viaPubSub = s.events.get(0);
            assertThat(viaPubSub.getEvent().getId()).isEqualTo(data.path("event").path("EventUuid").asText());
            assertThat(viaPubSub.getEvent().getSchemaId()).isEqualTo(data.path("schema").asText());
            GenericRecord record = c.decode(viaPubSub);
            assertThat(record.get("Printer_Model__c").toString()).isEqualTo("XZO-5");
            assertThat(record.get("Copies__c")).isEqualTo(3L);
            assertThat(record.get("CreatedById").toString()).isEqualTo(sf.userId());
            assertThat((Long) record.get("CreatedDate")).isEqualTo(
                java.time.Instant.parse(data.path("payload").path("CreatedDate").asText()).toEpochMilli());
        }
    }
}
