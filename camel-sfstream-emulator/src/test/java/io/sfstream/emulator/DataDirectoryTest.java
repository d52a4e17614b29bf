package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code builder().dataDirectory(dir)}: events and their replayIds survive a new emulator (a JVM restart). */
class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void eventsAndReplayIdsSurviveANewEmulator() throws Exception {
        List<Long> first = new ArrayList<>();
        String firstJson;
        try (SalesforceEmulator sf = SalesforceEmulator.builder().dataDirectory(dir).build().start()) {
            first.addAll(sf.publish("/topic/Persist", 3, 0));
            first.add(sf.publish("/topic/Persist", Map.of("Name", "kept")));
            sf.publish("/event/Kept__e", Map.of("Printer_Model__c", "XZO-5"));
            firstJson = sf.log("/topic/Persist").after(first.get(2), 1).get(0).dataJson();
        }
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200))
            .dataDirectory(dir).build().start()) {
            assertThat(sf.replayIds("/topic/Persist")).containsExactlyElementsOf(first);
            assertThat(sf.replayIds("/event/Kept__e")).hasSize(1);
            assertThat(sf.log("/topic/Persist").after(first.get(2), 1).get(0).dataJson()).isEqualTo(firstJson);
            // new ids continue after the reloaded ones
            long next = sf.publish("/topic/Persist", Map.of("Name", "new"));
            assertThat(next).isGreaterThan(first.get(3));
            // a client resumes after a replayId of the previous run
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            assertThat(c.subscribe("/topic/Persist", first.get(1)).path("successful").asBoolean()).isTrue();
            List<JsonNode> events = c.collect(3, Duration.ofSeconds(5));
            assertThat(events).extracting(BayeuxTestClient::replayId).containsExactly(first.get(2), first.get(3), next);
        }
        try (SalesforceEmulator sf = SalesforceEmulator.builder().dataDirectory(dir).build()) {
            assertThat(sf.replayIds("/topic/Persist")).hasSize(5);
        }
    }

    @Test
    void aTornLastLineIsCutOff() throws Exception {
        List<Long> ids;
        try (SalesforceEmulator sf = SalesforceEmulator.builder().dataDirectory(dir).build()) {
            ids = sf.publish("/u/Torn", 2, 0);
        }
        Path file = dir.resolve(EventJournal.fileName("/u/Torn"));
        Files.writeString(file, "99999999\t123\t{\"event\":", StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.APPEND);
        try (SalesforceEmulator sf = SalesforceEmulator.builder().dataDirectory(dir).build()) {
            assertThat(sf.replayIds("/u/Torn")).containsExactlyElementsOf(ids);
            long next = sf.publish("/u/Torn", Map.of());
            assertThat(next).isGreaterThan(ids.get(1));
        }
        try (SalesforceEmulator sf = SalesforceEmulator.builder().dataDirectory(dir).build()) {
            assertThat(sf.replayIds("/u/Torn")).hasSize(3);
        }
    }

    @Test
    void channelFileNamesRoundTrip() {
        assertThat(EventJournal.channelOf(EventJournal.fileName("/data/Custom__ChangeEvent")))
            .isEqualTo("/data/Custom__ChangeEvent");
    }
}
