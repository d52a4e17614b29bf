package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmokeTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension();

    @Test
    void handshakeSubscribeReplay() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Long> ids = sf.publish("/topic/Smoke", 5, 300);
        BayeuxTestClient c = new BayeuxTestClient(sf).login();
        JsonNode hs = c.handshake();
        System.out.println(hs);
        ArrayNode first = c.connectFirst();
        System.out.println(first);
        JsonNode sub = c.subscribe("/topic/Smoke", -2);
        System.out.println(sub);
        List<JsonNode> events = c.collect(5, Duration.ofSeconds(5));
        System.out.println(events.get(0));
        assertThat(events).extracting(BayeuxTestClient::replayId).containsExactlyElementsOf(ids);
        System.out.println(sf.counters());
    }
}
