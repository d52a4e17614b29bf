package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultInjectionTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder().connectHold(Duration.ofMillis(200)));

    private static final String HANDSHAKE = "[{\"channel\":\"/meta/handshake\",\"version\":\"1.0\","
        + "\"supportedConnectionTypes\":[\"long-polling\"],\"id\":\"1\"}]";

    @AfterEach
    void reset() {
        SF.emulator().faults().reset();
    }

    @Test
    void failNextRequestsAnswersTheHttpStatus() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).login();
        SF.emulator().faults().failNextRequests(2, 503);
        String auth = "Bearer " + c.token;
        assertThat(c.postRaw("/handshake", HANDSHAKE, auth).statusCode()).isEqualTo(503);
        assertThat(c.postRaw("/handshake", HANDSHAKE, auth).statusCode()).isEqualTo(503);
        assertThat(c.postRaw("/handshake", HANDSHAKE, auth).statusCode()).isEqualTo(200);

        SF.emulator().faults().failNextRequests(1, 500);
        assertThat(c.postRaw("/handshake", HANDSHAKE, auth).statusCode()).isEqualTo(500);
        assertThat(c.postRaw("/handshake", HANDSHAKE, auth).statusCode()).isEqualTo(200);
    }

    @Test
    void htmlNextRequestsAnswersAnHtmlPage() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        SF.emulator().faults().htmlNextRequests(1);
        HttpResponse<String> r = c.postRaw("/connect", "[]", "Bearer " + c.token);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(r.body()).startsWith("<!DOCTYPE html>");

        SF.emulator().faults().htmlNextRequests(1, 200);
        HttpResponse<String> ok = c.postRaw("/connect", "[]", "Bearer " + c.token);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("<html>");
        // then back to JSON
        assertThat(BayeuxTestClient.reply(c.connect(), "/meta/connect").path("successful").asBoolean()).isTrue();
    }

    @Test
    void stallResponsesDelaysTheNextResponse() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).login();
        SF.emulator().faults().stallResponses(Duration.ofMillis(1500));
        long t0 = System.nanoTime();
        assertThat(c.handshake().path("successful").asBoolean()).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1450);
        long t1 = System.nanoTime();
        c.connectFirst();
        assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(1400);
    }

    @Test
    void stallNextRequestsDelaysSeveralResponses() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).login();
        SF.emulator().faults().stallNextRequests(2, Duration.ofMillis(1000));
        long t0 = System.nanoTime();
        c.handshake();
        c.connectFirst();
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1950);
        long t1 = System.nanoTime();
        c.subscribe("/topic/Stall", -1);
        assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(900);
    }

    @Test
    void failNextSubscribesAnswersTheFailureReason() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        SF.emulator().faults().failNextSubscribes(1, "503::Server is too busy");
        JsonNode failed = c.subscribe("/topic/Busy", -1);
        assertThat(failed.path("successful").asBoolean()).isFalse();
        assertThat(failed.path("error").asText()).isEqualTo("503::Server is too busy");
        assertThat(failed.path("ext").path("sfdc").path("failureReason").asText()).isEqualTo("503::Server is too busy");
        assertThat(SF.emulator().counters().subscriptions("/topic/Busy")).isZero();
        assertThat(c.subscribe("/topic/Busy", -1).path("successful").asBoolean()).isTrue();
    }

    @Test
    void failNextLoginsAnswersTheHttpStatus() throws Exception {
        SF.emulator().faults().failNextLogins(1, 503);
        Map<String, String> form = Map.of("grant_type", "password", "client_id", SalesforceEmulator.CLIENT_ID,
            "client_secret", SalesforceEmulator.CLIENT_SECRET, "username", SalesforceEmulator.USERNAME,
            "password", SalesforceEmulator.PASSWORD);
        assertThat(BayeuxTestClient.login(SF.emulator(), form).statusCode()).isEqualTo(503);
        assertThat(BayeuxTestClient.login(SF.emulator(), form).statusCode()).isEqualTo(200);
    }

    @Test
    void resetClearsEveryFault() throws Exception {
        Faults faults = SF.emulator().faults();
        faults.failNextRequests(5, 500);
        faults.htmlNextRequests(5);
        faults.stallResponses(Duration.ofSeconds(10));
        faults.failNextSubscribes(5, "503::x");
        faults.failNextLogins(5, 500);
        faults.reset();
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        assertThat(c.subscribe("/topic/Reset", -1).path("successful").asBoolean()).isTrue();
    }

    @Test
    void oversizedRequestIsRejected() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).login();
        String big = "[{\"channel\":\"/meta/handshake\",\"pad\":\"" + "x".repeat(40_000) + "\"}]";
        assertThat(c.postRaw("/handshake", big, "Bearer " + c.token).statusCode()).isEqualTo(413);
    }
}
