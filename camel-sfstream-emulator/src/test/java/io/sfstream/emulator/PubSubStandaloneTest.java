package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone emulator's Pub/Sub options, and Pub/Sub replay ids across emulators on one data directory. */
class PubSubStandaloneTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void mainStartsThePubSubApiOnTheGivenPortAndPrintsIt() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (SalesforceEmulator sf = EmulatorMain.run(new String[] {"--pubsub-port", Integer.toString(port),
            "--pubsub-idle-ms", "5000"}, out)) {
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertThat(sf.pubSubPort()).isEqualTo(port);
            assertThat(printed).contains("Pub/Sub API listening on 127.0.0.1:" + port)
                .contains("127.0.0.1:" + sf.pubSubTlsPort()).contains("-----BEGIN CERTIFICATE-----");
            try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
                sf.publish("/event/Main__e", Map.of("Note__c", "hi"));
                PubSubTestClient.Subscription s = c.subscribe("/event/Main__e", ReplayPreset.EARLIEST, null, 1);
                await().atMost(WAIT).until(() -> s.events.size() == 1);
            }
        }
        try (SalesforceEmulator sf = EmulatorMain.run(new String[] {"--no-pubsub"}, out)) {
            assertThat(sf.isPubSubRunning()).isFalse();
        }
    }

    @Test
    void replayIdsStayValidForANewEmulatorOnTheSameDataDirectory() throws Exception {
        ByteString second;
        String firstUuid;
        try (SalesforceEmulator sf = SalesforceEmulator.builder().dataDirectory(dir).build().start();
             PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            for (int i = 0; i < 3; i++) {
                sf.publish("/event/Kept__e", Map.of("Seq__c", i));
            }
            PubSubTestClient.Subscription s = c.subscribe("/event/Kept__e", ReplayPreset.EARLIEST, null, 3);
            await().atMost(WAIT).until(() -> s.events.size() == 3);
            second = s.events.get(1).getReplayId();
            firstUuid = s.events.get(0).getEvent().getId();
        }
        try (SalesforceEmulator sf = SalesforceEmulator.builder().dataDirectory(dir).build().start();
             PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Kept__e", ReplayPreset.CUSTOM, second, 5);
            await().atMost(WAIT).until(() -> s.events.size() == 1);
            assertThat(c.decode(s.events.get(0)).get("Seq__c")).isEqualTo(2L);
            PubSubTestClient.Subscription all = c.subscribe("/event/Kept__e", ReplayPreset.EARLIEST, null, 5);
            await().atMost(WAIT).until(() -> all.events.size() == 3);
            assertThat(all.events.get(0).getEvent().getId()).isEqualTo(firstUuid);
        }
    }
}
