package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionAndMainTest {

    @Test
    void retentionByCountKeepsTheNewestEvents() {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().retentionCount(100).build().start()) {
            List<Long> ids = sf.publish("/u/Count", 250, 0);
            assertThat(sf.replayIds("/u/Count")).containsExactlyElementsOf(ids.subList(150, 250));
            List<Long> more = sf.publish("/u/Count", 10, 0);
            assertThat(sf.replayIds("/u/Count")).hasSize(100).endsWith(more.toArray(new Long[0]));
        }
    }

    /** A clock the test moves. */
    static final class MovableClock extends java.time.Clock {
        private final java.util.concurrent.atomic.AtomicLong millis =
            new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void retentionByAgeDropsOldEvents() throws Exception {
        MovableClock clock = new MovableClock();
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200))
            .retention(Duration.ofHours(24)).clock(clock).build().start()) {
            List<Long> old = sf.publish("/topic/Age", 5, 0);
            clock.advance(Duration.ofHours(23));
            List<Long> fresh = sf.publish("/topic/Age", 2, 0);
            assertThat(sf.replayIds("/topic/Age")).hasSize(7);
            clock.advance(Duration.ofHours(2));
            assertThat(sf.replayIds("/topic/Age")).containsExactlyElementsOf(fresh);
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            JsonNode expired = c.subscribe("/topic/Age", old.get(4));
            assertThat(expired.path("error").asText()).startsWith("400::The replayId {" + old.get(4) + "} you provided"
                + " was invalid.");
            assertThat(c.subscribe("/topic/Age", -2).path("successful").asBoolean()).isTrue();
            List<JsonNode> events = c.collect(2, Duration.ofSeconds(5));
            assertThat(events).extracting(BayeuxTestClient::replayId).containsExactlyElementsOf(fresh);
            // CreatedDate follows the emulator's clock
            assertThat(events.get(0).path("data").path("event").path("createdDate").asText())
                .isEqualTo(EventFactory.SF_DATE.format(clock.instant().minus(Duration.ofHours(2))));
        }
    }

    @Test
    void retentionByAgeWithTheSystemClock() {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().retention(Duration.ofMillis(300)).build().start()) {
            sf.publish("/u/AgeReal", 3, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> sf.replayIds("/u/AgeReal").isEmpty());
        }
    }

    @Test
    void standaloneMainPrintsUrlAndCredentials() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (SalesforceEmulator sf = EmulatorMain.run(new String[] {"--port", "0", "--hold-ms", "250"}, out)) {
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("Salesforce emulator listening on http://127.0.0.1:" + sf.port())
                .contains(SalesforceEmulator.CLIENT_ID).contains(SalesforceEmulator.PASSWORD);
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            long t0 = System.nanoTime();
            c.connect();
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(150L, 3000L);
        }
        assertThat(EmulatorMain.run(new String[] {"--help"}, out)).isNull();
        assertThatThrownBy(() -> EmulatorMain.run(new String[] {"--bogus"}, out))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fixedPortIsHonoured() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SalesforceEmulator sf = SalesforceEmulator.builder().port(port).build().start()) {
            assertThat(sf.port()).isEqualTo(port);
            assertThat(sf.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(sf.cometdUrl("62.0")).isEqualTo("http://127.0.0.1:" + port + "/cometd/62.0");
        }
    }
}
