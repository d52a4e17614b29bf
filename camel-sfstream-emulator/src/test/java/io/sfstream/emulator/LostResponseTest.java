package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The emulator behaves like a CometD server when a response in flight is lost: the events it carried are gone on the
 * server's side while the Bayeux session lives on, so a client that goes on with the same session never sees them,
 * and only a new subscription with the replay extension brings them back.
 */
class LostResponseTest {

    @Test
    void eventsOfACutOffResponseAreLostOnTheSessionButReplayable() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).build().start()) {
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            c.subscribe("/event/Cut__e", -1);
            sf.faults().cutNextEventResponses(1);
            List<Long> ids = sf.publish("/event/Cut__e", 2, 0);

            // the connect that would carry the events fails without a Bayeux reply
            assertThatThrownBy(() -> c.collect(1, Duration.ofSeconds(5))).isInstanceOf(java.io.IOException.class);

            // the session lives on, but what the lost response carried does not come again on it
            long later = sf.publish("/event/Cut__e", java.util.Map.of());
            List<JsonNode> after = c.collect(1, Duration.ofSeconds(5));
            assertThat(after).extracting(BayeuxTestClient::replayId).containsExactly(later);

            // a new subscription with the replay extension from the last event taken brings them back
            BayeuxTestClient fresh = new BayeuxTestClient(sf).open();
            long lastTakenBeforeTheCut = sf.replayIds("/event/Cut__e").get(0) - 1;
            fresh.subscribe("/event/Cut__e", -2);
            List<JsonNode> replayed = fresh.collect(3, Duration.ofSeconds(5));
            assertThat(replayed).extracting(BayeuxTestClient::replayId).containsExactly(ids.get(0), ids.get(1), later);
            assertThat(lastTakenBeforeTheCut).isLessThan(ids.get(0));
        }
    }

    @Test
    void anOutageRefusesConnectionsAndKeepsSessions() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).build().start()) {
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            c.subscribe("/event/Outage__e", -1);
            int port = sf.port();
            sf.beginOutage();
            // the port is closed: a new connection is refused (a pooled one of the client is closed under it)
            assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
            List<Long> ids = sf.publish("/event/Outage__e", 3, 0);
            sf.endOutage();
            assertThat(sf.port()).isEqualTo(port);
            // the same session goes on: its queue kept the events published while nothing could connect
            assertThat(c.collect(3, Duration.ofSeconds(5))).extracting(BayeuxTestClient::replayId)
                .containsExactlyElementsOf(ids);
        }
    }

    @Test
    void aRestartClosesThePortLosesSessionsAndServesOnTheSamePort() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).build().start()) {
            BayeuxTestClient c = new BayeuxTestClient(sf).open();
            int port = sf.port();
            long handshakes = sf.counters().handshakes();
            sf.restart();
            assertThat(sf.port()).isEqualTo(port);
            assertThat(BayeuxTestClient.reply(c.connect(), "/meta/connect").path("error").asText())
                .isEqualTo("403::Unknown client");
            c.clientId = null;
            assertThat(c.handshake().path("successful").asBoolean()).as("tokens survive").isTrue();
            assertThat(sf.counters().handshakes()).as("counters survive").isEqualTo(handshakes + 1);
        }
    }
}
