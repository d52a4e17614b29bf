package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReplayTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension();

    private static List<Long> ids(List<JsonNode> events) {
        List<Long> out = new ArrayList<>();
        for (JsonNode e : events) {
            out.add(BayeuxTestClient.replayId(e));
        }
        return out;
    }

    @Test
    void replayIdsIncreaseAndAreNotContiguous() {
        List<Long> ids = SF.emulator().publish("/topic/Ids", 200, 0);
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        boolean gap = false;
        for (int i = 1; i < ids.size(); i++) {
            gap |= ids.get(i) - ids.get(i - 1) > 1;
        }
        assertThat(gap).as("replayIds must not be contiguous").isTrue();
        assertThat(SF.emulator().replayIds("/topic/Ids")).containsExactlyElementsOf(ids);
    }

    @Test
    void minusTwoReplaysEveryRetainedEventThenLive() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Long> stored = sf.publish("/topic/All", 20, 100);
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        assertThat(c.subscribe("/topic/All", -2).path("successful").asBoolean()).isTrue();
        List<JsonNode> replayed = c.collect(20, Duration.ofSeconds(10));
        assertThat(ids(replayed)).containsExactlyElementsOf(stored);
        List<Long> live = sf.publish("/topic/All", 3, 100);
        assertThat(ids(c.collect(3, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
    }

    @Test
    void minusOneDeliversOnlyNewEvents() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/topic/New", 10, 0);
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        assertThat(c.subscribe("/topic/New", -1).path("successful").asBoolean()).isTrue();
        assertThat(BayeuxTestClient.events(c.connect())).isEmpty();
        List<Long> live = sf.publish("/topic/New", 2, 0);
        assertThat(ids(c.collect(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
    }

    @Test
    void noReplayExtensionMeansNewEventsOnly() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/u/NoExt", 4, 0);
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        assertThat(c.subscribe("/u/NoExt", null).path("successful").asBoolean()).isTrue();
        List<Long> live = sf.publish("/u/NoExt", 1, 0);
        assertThat(ids(c.collect(1, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
    }

    @Test
    void storedIdResumesStrictlyAfterIt() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Long> stored = sf.publish("/event/Resume__e", 10, 0);
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        assertThat(c.subscribe("/event/Resume__e", stored.get(3)).path("successful").asBoolean()).isTrue();
        assertThat(ids(c.collect(6, Duration.ofSeconds(10)))).containsExactlyElementsOf(stored.subList(4, 10));
    }

    @Test
    void replayIdAsStringIsAccepted() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Long> stored = sf.publish("/topic/AsString", 3, 0);
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        assertThat(c.subscribe("/topic/AsString", String.valueOf(stored.get(0))).path("successful").asBoolean())
            .isTrue();
        assertThat(ids(c.collect(2, Duration.ofSeconds(10)))).containsExactlyElementsOf(stored.subList(1, 3));
    }

    @Test
    void unknownOrExpiredIdGetsSalesforceInvalidReplayIdError() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200))
            .retentionCount(5).build().start()) {
            List<Long> ids = sf.publish("/topic/Expired", 10, 0);
            assertThat(sf.replayIds("/topic/Expired")).containsExactlyElementsOf(ids.subList(5, 10));
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            JsonNode reply = c.subscribe("/topic/Expired", ids.get(2));
            assertThat(reply.path("successful").asBoolean()).isFalse();
            assertThat(reply.path("error").asText()).isEqualTo("400::The replayId {" + ids.get(2) + "} you provided"
                + " was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.");
            assertThat(sf.counters().subscriptions("/topic/Expired")).isZero();
            // an id never assigned is invalid too
            JsonNode future = c.subscribe("/topic/Expired", ids.get(9) + 1000);
            assertThat(future.path("error").asText()).startsWith("400::The replayId {" + (ids.get(9) + 1000) + "}");
            // the oldest retained id is fine: events strictly after it
            assertThat(c.subscribe("/topic/Expired", ids.get(5)).path("successful").asBoolean()).isTrue();
            assertThat(ids(c.collect(4, Duration.ofSeconds(10)))).containsExactlyElementsOf(ids.subList(6, 10));
        }
    }

    @Test
    void emptyChannelRejectsAStoredId() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        JsonNode reply = c.subscribe("/topic/Empty", 12345);
        assertThat(reply.path("error").asText()).startsWith("400::The replayId {12345} you provided was invalid.");
    }

    @Test
    void pushTopicFilterIsKeyedByTheBareChannel() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Long> stored = sf.publish("/topic/Filtered", 3, 0);
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        JsonNode ok = c.subscribe("/topic/Filtered?Name='a'", -2);
        assertThat(ok.path("successful").asBoolean()).isTrue();
        assertThat(ok.path("subscription").asText()).isEqualTo("/topic/Filtered?Name='a'");
        assertThat(sf.counters().subscriptions("/topic/Filtered")).isEqualTo(1);
        // the filter is not applied: every event of the bare channel arrives
        assertThat(ids(c.collect(3, Duration.ofSeconds(10)))).containsExactlyElementsOf(stored);

        ObjectNode ext = BayeuxTestClient.MAPPER.createObjectNode();
        ext.putObject("replay").put("/topic/Filtered?Name='b'", -1);
        JsonNode bad = c.subscribeWithExt("/topic/Filtered?Name='b'", ext);
        assertThat(bad.path("successful").asBoolean()).isFalse();
        assertThat(bad.path("error").asText())
            .startsWith("400::The replayId for channel {/topic/Filtered} wasn't found using the provided replay ID map");
    }

    @Test
    void malformedChannelDoesNotExist() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        for (String ch : List.of("/topic/", "/event/NoSuffix", "/chat/room", "/data/Account", "/u/a?b")) {
            JsonNode reply = c.subscribe(ch, -1);
            assertThat(reply.path("successful").asBoolean()).as(ch).isFalse();
            assertThat(reply.path("error").asText()).as(ch)
                .isEqualTo("400::The channel you requested to subscribe to doesn't exist {" + ch + "}");
        }
    }

    @Test
    void channelMustExistRejectsUnknownChannels() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200))
            .channelMustExist(true).build().start()) {
            sf.createChannel("/event/Known__e");
            sf.publish("/topic/Published", 1, 0);
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            assertThat(c.subscribe("/event/Known__e", -1).path("successful").asBoolean()).isTrue();
            assertThat(c.subscribe("/topic/Published", -2).path("successful").asBoolean()).isTrue();
            JsonNode reply = c.subscribe("/topic/Unknown", -1);
            assertThat(reply.path("error").asText())
                .isEqualTo("400::The channel you requested to subscribe to doesn't exist {/topic/Unknown}");
        }
    }

    @Test
    void liveEventsDuringReplayArriveWithoutGapOrDuplicate() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200))
            .maxEventsPerResponse(50).build().start()) {
            List<Long> expected = new ArrayList<>(sf.publish("/data/AccountChangeEvent", 500, 100));
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            c.subscribe("/data/AccountChangeEvent", -2);
            List<JsonNode> got = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                ArrayNode r = c.connect();
                got.addAll(BayeuxTestClient.events(r));
                expected.addAll(sf.publish("/data/AccountChangeEvent", 7, 100));
            }
            got.addAll(c.collect(expected.size() - got.size(), Duration.ofSeconds(20)));
            assertThat(ids(got)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        c.subscribe("/topic/Unsub", -1);
        assertThat(sf.counters().subscriptions("/topic/Unsub")).isEqualTo(1);
        assertThat(c.unsubscribe("/topic/Unsub").path("successful").asBoolean()).isTrue();
        assertThat(sf.counters().subscriptions("/topic/Unsub")).isZero();
        sf.publish("/topic/Unsub", 2, 0);
        assertThat(BayeuxTestClient.events(c.connect())).isEmpty();
    }

    @Test
    void twoSessionsEachGetEveryEvent() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        BayeuxTestClient a = new BayeuxTestClient(sf).open();
        BayeuxTestClient b = new BayeuxTestClient(sf).open();
        a.subscribe("/event/Both__e", -1);
        b.subscribe("/event/Both__e", -1);
        await().until(() -> sf.counters().subscriptions("/event/Both__e") == 2);
        List<Long> live = sf.publish("/event/Both__e", 5, 0);
        assertThat(ids(a.collect(5, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
        assertThat(ids(b.collect(5, Duration.ofSeconds(10)))).containsExactlyElementsOf(live);
    }

    @Test
    void repeatedSubscribeOfTheSameChannelDoesNotReplayTwice() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Long> stored = sf.publish("/topic/Twice", 5, 0);
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        assertThat(c.subscribe("/topic/Twice", -2).path("successful").asBoolean()).isTrue();
        assertThat(c.subscribe("/topic/Twice", -2).path("successful").asBoolean()).isTrue();
        assertThat(sf.counters().subscriptions("/topic/Twice")).isEqualTo(1);
        List<JsonNode> got = c.collect(5, Duration.ofSeconds(10));
        got.addAll(BayeuxTestClient.events(c.connect()));
        assertThat(ids(got)).containsExactlyElementsOf(stored);
    }
}
