package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Metadata;
import io.grpc.Status;
import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import io.sfstream.emulator.pubsub.proto.TopicRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The accesstoken, instanceurl and tenantid headers against the tokens of the emulator's OAuth endpoint. */
class PubSubAuthTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension();

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TopicRequest TOPIC = TopicRequest.newBuilder().setTopicName("/event/Auth__e").build();

    private static Throwable getTopic(PubSubTestClient c, Metadata headers) {
        return catchThrowable(() -> c.blocking(headers).getTopic(TOPIC));
    }

    private static void assertAuthError(Throwable t) {
        assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(PubSubTestClient.errorCode(t)).isEqualTo(PubSubErrors.AUTH_ERROR);
    }

    @Test
    void tokenFromTheOAuthEndpointIsAccepted() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        HttpResponse<String> login = BayeuxTestClient.login(sf, Map.of("grant_type", "password",
            "client_id", SalesforceEmulator.CLIENT_ID, "client_secret", SalesforceEmulator.CLIENT_SECRET,
            "username", SalesforceEmulator.USERNAME, "password", SalesforceEmulator.PASSWORD));
        JsonNode token = new ObjectMapper().readTree(login.body());
        String idUrl = token.path("id").asText();
        String tenant = idUrl.split("/")[idUrl.split("/").length - 2];
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf, token.path("access_token").asText())) {
            Metadata headers = PubSubTestClient.headers(token.path("access_token").asText(),
                token.path("instance_url").asText(), tenant);
            assertThat(c.blocking(headers).getTopic(TOPIC).getTenantGuid()).isEqualTo(sf.orgId());
        }
    }

    @Test
    void missingOrWrongHeadersAreRefused() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            assertAuthError(getTopic(c, PubSubTestClient.headers(null, sf.baseUrl(), sf.orgId())));
            assertAuthError(getTopic(c, PubSubTestClient.headers("00Dxx!forged", sf.baseUrl(), sf.orgId())));
            assertAuthError(getTopic(c, PubSubTestClient.headers(c.token, "https://other.my.salesforce.com",
                sf.orgId())));
            assertAuthError(getTopic(c, PubSubTestClient.headers(c.token, sf.baseUrl(), "00D000000000001AAA")));
            assertAuthError(getTopic(c, PubSubTestClient.headers(c.token, sf.baseUrl(), null)));
            // the 15-character org id is accepted as well
            assertThat(c.blocking(PubSubTestClient.headers(c.token, sf.baseUrl(), sf.orgId().substring(0, 15)))
                .getTopic(TOPIC).getCanSubscribe()).isTrue();
            PubSubTestClient.Subscription s = c.subscribe(PubSubTestClient.headers("bad", sf.baseUrl(), sf.orgId()),
                "/event/Auth__e", ReplayPreset.LATEST, null, 1);
            await().atMost(WAIT).until(s::ended);
            assertAuthError(s.error);
        }
    }

    @Test
    void expiredTokensEndOpenStreamsWithTheAuthError() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Auth__e", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() > 0);
            sf.expireTokens();
            await().atMost(WAIT).until(s::ended);
            assertAuthError(s.error);
            assertAuthError(getTopic(c, c.headers()));
        }
    }

    @Test
    void revokedTokenEndsItsStreamsOnly() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        try (PubSubTestClient revoked = PubSubTestClient.plaintext(sf);
             PubSubTestClient other = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription a = revoked.subscribe("/event/Auth__e", ReplayPreset.LATEST, null, 5);
            PubSubTestClient.Subscription b = other.subscribe("/event/Auth__e", ReplayPreset.LATEST, null, 5);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() == 2);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(sf.baseUrl() + "/services/oauth2/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + revoked.token)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            await().atMost(WAIT).until(a::ended);
            assertAuthError(a.error);
            sf.publish("/event/Auth__e", Map.of("Note__c", "still here"));
            await().atMost(WAIT).until(() -> b.events.size() == 1);
            assertThat(b.ended()).isFalse();
            b.cancel();
        }
    }
}
