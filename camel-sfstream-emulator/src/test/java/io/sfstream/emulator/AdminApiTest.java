package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminApiTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder().connectHold(Duration.ofMillis(200)));

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static JsonNode call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(SF.emulator().baseUrl() + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(200);
        return BayeuxTestClient.MAPPER.readTree(r.body());
    }

    @Test
    void publishReadAndCount() throws Exception {
        JsonNode published = call("POST", "/admin/publish?channel=/topic/Admin&count=5&payloadBytes=300", null);
        assertThat(published.path("count").asInt()).isEqualTo(5);
        assertThat(published.path("replayIds")).hasSize(5);
        JsonNode one = call("POST", "/admin/publish?channel=/event/Admin__e", "{\"Printer_Model__c\":\"XZO-5\"}");
        assertThat(one.path("replayIds")).hasSize(1);
        JsonNode ids = call("GET", "/admin/replayIds?channel=/topic/Admin", null);
        assertThat(ids).hasSize(5);
        assertThat(ids.get(0).asLong()).isEqualTo(published.path("firstReplayId").asLong());

        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        c.subscribe("/topic/Admin", -2);
        assertThat(c.collect(5, Duration.ofSeconds(5))).hasSize(5);
        JsonNode counters = call("GET", "/admin/counters", null);
        assertThat(counters.path("liveSessions").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(counters.path("subscriptionsPerChannel").path("/topic/Admin").asInt()).isEqualTo(1);
        assertThat(counters.path("eventsDelivered").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(counters.path("logins").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(counters.path("handshakes").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void faultsOverHttp() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        call("POST", "/admin/faults/failNextSubscribes?count=1&reason=503::Server%20is%20too%20busy", null);
        assertThat(c.subscribe("/topic/AdminFault", -1).path("error").asText()).isEqualTo("503::Server is too busy");
        call("POST", "/admin/faults/failNextRequests?count=1&status=502", null);
        assertThat(c.postRaw("/connect", "[]", "Bearer " + c.token).statusCode()).isEqualTo(502);
        call("POST", "/admin/faults/htmlNextRequests?count=1", null);
        assertThat(c.postRaw("/connect", "[]", "Bearer " + c.token).body()).contains("<html>");
        call("POST", "/admin/faults/failNextLogins?count=1&status=500", null);
        assertThat(BayeuxTestClient.login(SF.emulator(), java.util.Map.of("grant_type", "password")).statusCode())
            .isEqualTo(500);
        call("POST", "/admin/faults/stall?millis=10", null);
        call("POST", "/admin/faults/reset", null);
    }

    @Test
    void sessionOperationsOverHttp() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        call("POST", "/admin/dropSessions", null);
        assertThat(BayeuxTestClient.reply(c.connect(), "/meta/connect").path("error").asText())
            .isEqualTo("403::Unknown client");
        c.clientId = null;
        c.handshake();
        call("POST", "/admin/restart", null);
        // the restart runs after its answer: wait until the restarted server answers, then the session is gone
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> "403::Unknown client".equals(
                BayeuxTestClient.reply(c.connect(), "/meta/connect").path("error").asText()));
        c.clientId = null;
        c.handshake();
        call("POST", "/admin/disconnect", null);
        assertThat(BayeuxTestClient.reply(c.connect(), "/meta/connect").path("error").asText())
            .isEqualTo("403::Unknown client");
        call("POST", "/admin/channels?channel=/event/Made__e", null);
        call("POST", "/admin/expireTokens", null);
        c.clientId = null;
        assertThat(c.handshake().path("error").asText()).isEqualTo("403::Handshake denied");
    }

    @Test
    void restEndpointsForClientsThatAskForVersions() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).login();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(SF.emulator().baseUrl() + "/services/data"))
            .header("Authorization", "Bearer " + c.token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"version\":\"62.0\"");
        HttpResponse<String> denied = HTTP.send(HttpRequest.newBuilder(URI.create(SF.emulator().baseUrl()
            + "/services/data")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.body()).contains("INVALID_SESSION_ID");
    }
}
