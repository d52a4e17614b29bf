package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Request forms the emulator accepts, and the extension used per test (instance field) with parameter injection. */
class WireFormatTest {

    @RegisterExtension
    EmulatorExtension perTest = new EmulatorExtension(SalesforceEmulator.builder().connectHold(Duration.ofMillis(200)));

    @Test
    void singleMessageObjectWithoutContentTypeIsAccepted(SalesforceEmulator sf) throws Exception {
        assertThat(sf).isSameAs(perTest.emulator());
        assertThat(sf.isRunning()).isTrue();
        BayeuxTestClient c = new BayeuxTestClient(sf).login();
        HttpResponse<String> r = c.http.send(HttpRequest.newBuilder(URI.create(sf.cometdUrl("62.0") + "/handshake"))
            .header("Authorization", "Bearer " + c.token)
            .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"/meta/handshake\",\"version\":\"1.0\","
                + "\"supportedConnectionTypes\":[\"long-polling\"],\"id\":7}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode reply = BayeuxTestClient.MAPPER.readTree(r.body()).get(0);
        assertThat(reply.path("successful").asBoolean()).isTrue();
        assertThat(reply.path("id").asText()).isEqualTo("7");
    }

    @Test
    void bareCometdUrlAndMessageTypeUrlsBothWork(SalesforceEmulator sf) throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        assertThat(BayeuxTestClient.reply(c.post("", c.message("/meta/subscribe").put("subscription", "/u/Bare")),
            "/meta/subscribe").path("successful").asBoolean()).isTrue();
        assertThat(BayeuxTestClient.reply(c.post("/unsubscribe",
            c.message("/meta/unsubscribe").put("subscription", "/u/Bare")), "/meta/unsubscribe")
            .path("successful").asBoolean()).isTrue();
    }

    @Test
    void onlyLongPollingConnectsAreAccepted(SalesforceEmulator sf) throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        var m = c.message("/meta/connect");
        m.put("connectionType", "websocket");
        JsonNode reply = BayeuxTestClient.reply(c.post("/connect", m), "/meta/connect");
        assertThat(reply.path("successful").asBoolean()).isFalse();
        assertThat(reply.path("error").asText()).isEqualTo("400::Invalid connection type");
    }

    @Test
    void closeAndStartAgainKeepsEventsAndPort(SalesforceEmulator sf) throws Exception {
        List<Long> ids = sf.publish("/topic/Again", 3, 0);
        int port = sf.port();
        sf.close();
        assertThat(sf.isRunning()).isFalse();
        sf.start();
        assertThat(sf.port()).isEqualTo(port);
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        c.subscribe("/topic/Again", -2);
        assertThat(c.collect(3, Duration.ofSeconds(5))).extracting(BayeuxTestClient::replayId)
            .containsExactlyElementsOf(ids);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sf.baseUrl()
            + "/nowhere")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
    }
}
