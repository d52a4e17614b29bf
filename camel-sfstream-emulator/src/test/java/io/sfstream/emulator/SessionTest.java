package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SessionTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder()
        .connectHold(Duration.ofMillis(400)).sessionTimeout(Duration.ofSeconds(30)));

    @Test
    void handshakeReplyCarriesReplayExtension() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).login();
        long before = SF.emulator().counters().handshakes();
        JsonNode hs = c.handshake();
        assertThat(hs.path("successful").asBoolean()).isTrue();
        assertThat(hs.path("clientId").asText()).isNotEmpty();
        assertThat(hs.path("ext").path("replay").asBoolean()).isTrue();
        assertThat(hs.path("ext").path("payload.format").asBoolean()).isTrue();
        assertThat(hs.path("supportedConnectionTypes").toString()).isEqualTo("[\"long-polling\"]");
        assertThat(hs.path("id").asText()).isEqualTo("1");
        assertThat(SF.emulator().counters().handshakes()).isEqualTo(before + 1);
    }

    @Test
    void firstConnectIsAnsweredAtOnceWithSalesforceAdviceLaterConnectsAreHeld() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(2000)).build().start()) {
            firstAndLaterConnects(sf);
        }
    }

    private static void firstAndLaterConnects(SalesforceEmulator sf) throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(sf).login();
        c.handshake();
        long t0 = System.nanoTime();
        JsonNode first = BayeuxTestClient.reply(c.connectFirst(), "/meta/connect");
        long firstMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(first.path("successful").asBoolean()).isTrue();
        assertThat(first.path("advice").path("interval").asLong()).isZero();
        assertThat(first.path("advice").path("timeout").asLong()).isEqualTo(110_000);
        assertThat(first.path("advice").path("reconnect").asText()).isEqualTo("retry");
        assertThat(firstMillis).isLessThan(1500);

        long t1 = System.nanoTime();
        JsonNode held = BayeuxTestClient.reply(c.connect(), "/meta/connect");
        long heldMillis = (System.nanoTime() - t1) / 1_000_000;
        assertThat(held.path("successful").asBoolean()).isTrue();
        assertThat(heldMillis).isBetween(1900L, 10_000L);
    }

    @Test
    void heldConnectReturnsAsSoonAsAnEventIsPublished() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        try (SalesforceEmulator slow = SalesforceEmulator.builder().connectHold(Duration.ofSeconds(20)).build()
            .start()) {
            BayeuxTestClient c = new BayeuxTestClient(slow).open();
            c.subscribe("/topic/Wake", -1);
            CompletableFuture<ArrayNode> pending = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.connect();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollDelay(Duration.ofMillis(200)).until(() -> true);
            long id = slow.publish("/topic/Wake", java.util.Map.of("Name", "wake up"));
            ArrayNode r = pending.get(5, TimeUnit.SECONDS);
            List<JsonNode> events = BayeuxTestClient.events(r);
            assertThat(events).hasSize(1);
            assertThat(BayeuxTestClient.replayId(events.get(0))).isEqualTo(id);
            // events come first, then the connect reply
            assertThat(r.get(r.size() - 1).path("channel").asText()).isEqualTo("/meta/connect");
        }
        assertThat(sf.port()).isPositive();
    }

    @Test
    void sessionExpiresWithoutConnectWithinDeadline() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200))
            .sessionTimeout(Duration.ofMillis(1500)).build().start()) {
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            c.subscribe("/topic/Expiry", -1);
            assertThat(sf.counters().liveSessions()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> sf.counters().liveSessions() == 0);
            assertThat(sf.counters().subscriptions("/topic/Expiry")).isZero();
            JsonNode reply = BayeuxTestClient.reply(c.connect(), "/meta/connect");
            assertThat(reply.path("successful").asBoolean()).isFalse();
            assertThat(reply.path("error").asText()).isEqualTo("403::Unknown client");
            assertThat(reply.path("advice").path("reconnect").asText()).isEqualTo("handshake");
            assertThat(reply.has("clientId")).isFalse();
        }
    }

    @Test
    void activeSessionDoesNotExpire() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300))
            .sessionTimeout(Duration.ofMillis(2000)).build().start()) {
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            for (int i = 0; i < 6; i++) {
                assertThat(BayeuxTestClient.reply(c.connect(), "/meta/connect").path("successful").asBoolean())
                    .isTrue();
            }
            assertThat(sf.counters().liveSessions()).isEqualTo(1);
        }
    }

    @Test
    void countersTrackSessionsSubscriptionsAndDeliveries() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200)).build()
            .start()) {
            BayeuxTestClient a = new BayeuxTestClient(sf).open();
            BayeuxTestClient b = new BayeuxTestClient(sf).open();
            a.subscribe("/topic/C1", -1);
            a.subscribe("/event/C2__e", -1);
            b.subscribe("/topic/C1", -1);
            Counters counters = sf.counters();
            assertThat(counters.logins()).isEqualTo(2);
            assertThat(counters.handshakes()).isEqualTo(2);
            assertThat(counters.liveSessions()).isEqualTo(2);
            assertThat(counters.subscriptionsPerChannel()).containsEntry("/topic/C1", 2).containsEntry("/event/C2__e", 1);
            sf.publish("/topic/C1", 3, 0);
            a.collect(3, Duration.ofSeconds(5));
            b.collect(3, Duration.ofSeconds(5));
            assertThat(sf.counters().eventsDelivered()).isEqualTo(6);
        }
    }

    @Test
    void dropAllSessionsGivesUnknownClient() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200)).build()
            .start()) {
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            c.subscribe("/topic/Drop", -1);
            sf.dropAllSessions();
            assertThat(sf.counters().liveSessions()).isZero();
            assertThat(sf.counters().subscriptionsPerChannel()).isEmpty();
            JsonNode reply = BayeuxTestClient.reply(c.connect(), "/meta/connect");
            assertThat(reply.path("error").asText()).isEqualTo("403::Unknown client");
            assertThat(reply.path("advice").path("reconnect").asText()).isEqualTo("handshake");
            // handshake again (same token) and resubscribe
            c.clientId = null;
            assertThat(c.handshake().path("successful").asBoolean()).isTrue();
            assertThat(c.subscribe("/topic/Drop", -1).path("successful").asBoolean()).isTrue();
        }
    }

    @Test
    void restartLosesSessionsKeepsEventsAndTokens() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200)).build()
            .start()) {
            List<Long> ids = sf.publish("/topic/Restart", 5, 0);
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            c.subscribe("/topic/Restart", -1);
            sf.restart();
            assertThat(BayeuxTestClient.reply(c.connect(), "/meta/connect").path("error").asText())
                .isEqualTo("403::Unknown client");
            assertThat(sf.replayIds("/topic/Restart")).containsExactlyElementsOf(ids);
            c.clientId = null;
            assertThat(c.handshake().path("successful").asBoolean()).as("token still valid").isTrue();
            c.connectFirst();
            c.subscribe("/topic/Restart", ids.get(1));
            List<JsonNode> events = c.collect(3, Duration.ofSeconds(5));
            assertThat(events).extracting(BayeuxTestClient::replayId).containsExactlyElementsOf(ids.subList(2, 5));
        }
    }

    @Test
    void serverDisconnectIsPushedToLiveSessions() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofSeconds(20)).build()
            .start()) {
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            c.subscribe("/topic/Bye", -1);
            CompletableFuture<ArrayNode> pending = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.connect();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollDelay(Duration.ofMillis(200)).until(() -> true);
            sf.sendServerDisconnect();
            ArrayNode r = pending.get(5, TimeUnit.SECONDS);
            assertThat(r.toString()).contains("/meta/disconnect");
            await().until(() -> sf.counters().liveSessions() == 0);
            assertThat(BayeuxTestClient.reply(c.connect(), "/meta/connect").path("error").asText())
                .isEqualTo("403::Unknown client");
        }
    }

    @Test
    void clientDisconnectEndsTheSession() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200)).build()
            .start()) {
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            JsonNode reply = BayeuxTestClient.reply(c.post("/disconnect", c.message("/meta/disconnect")),
                "/meta/disconnect");
            assertThat(reply.path("successful").asBoolean()).isTrue();
            assertThat(sf.counters().liveSessions()).isZero();
        }
    }

    @Test
    void clientsCannotPublish() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        var m = c.message("/topic/NoPublish");
        m.putObject("data").put("x", 1);
        JsonNode reply = c.post("", m).get(0);
        assertThat(reply.path("successful").asBoolean()).isFalse();
    }
}
