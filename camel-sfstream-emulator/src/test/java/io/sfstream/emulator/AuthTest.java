package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthTest {

    private static final KeyPair KEYS;
    private static final KeyPair OTHER_KEYS;

    static {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KEYS = g.generateKeyPair();
            OTHER_KEYS = g.generateKeyPair();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder()
        .connectHold(Duration.ofMillis(200)).jwtPublicKey(KEYS.getPublic()));

    @BeforeAll
    static void noFaults() {
        SF.emulator().faults().reset();
    }

    private static Map<String, String> password(String pwd) {
        return Map.of("grant_type", "password", "client_id", SalesforceEmulator.CLIENT_ID,
            "client_secret", SalesforceEmulator.CLIENT_SECRET, "username", SalesforceEmulator.USERNAME,
            "password", pwd);
    }

    private static void assertGranted(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = BayeuxTestClient.MAPPER.readTree(r.body());
        SalesforceEmulator sf = SF.emulator();
        assertThat(json.path("access_token").asText()).startsWith("00D").contains("!AQ");
        assertThat(json.path("instance_url").asText()).isEqualTo(sf.baseUrl());
        assertThat(json.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(json.path("issued_at").asText()).matches("\\d{13}");
        assertThat(json.path("signature").asText()).isNotEmpty();
        String id = json.path("id").asText();
        assertThat(id).matches("http://127\\.0\\.0\\.1:\\d+/id/00D[A-Za-z0-9]{15}/005[A-Za-z0-9]{15}");
        assertThat(id).endsWith("/id/" + sf.orgId() + "/" + sf.userId());
    }

    private static void assertRefused(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}");
    }

    @Test
    void passwordGrant() throws Exception {
        long before = SF.emulator().counters().logins();
        assertGranted(BayeuxTestClient.login(SF.emulator(), password(SalesforceEmulator.PASSWORD)));
        assertThat(SF.emulator().counters().logins()).isEqualTo(before + 1);
        assertRefused(BayeuxTestClient.login(SF.emulator(), password("wrong")));
        assertThat(SF.emulator().counters().logins()).isEqualTo(before + 1);
    }

    @Test
    void refreshTokenGrant() throws Exception {
        assertGranted(BayeuxTestClient.login(SF.emulator(), Map.of("grant_type", "refresh_token",
            "client_id", SalesforceEmulator.CLIENT_ID, "client_secret", SalesforceEmulator.CLIENT_SECRET,
            "refresh_token", SalesforceEmulator.REFRESH_TOKEN)));
        assertRefused(BayeuxTestClient.login(SF.emulator(), Map.of("grant_type", "refresh_token",
            "client_id", SalesforceEmulator.CLIENT_ID, "refresh_token", "nope")));
    }

    @Test
    void clientCredentialsGrant() throws Exception {
        assertGranted(BayeuxTestClient.login(SF.emulator(), Map.of("grant_type", "client_credentials",
            "client_id", SalesforceEmulator.CLIENT_ID, "client_secret", SalesforceEmulator.CLIENT_SECRET)));
        assertRefused(BayeuxTestClient.login(SF.emulator(), Map.of("grant_type", "client_credentials",
            "client_id", SalesforceEmulator.CLIENT_ID, "client_secret", "bad")));
    }

    static String jwt(PrivateKey key, String iss, String sub, long expSeconds) throws Exception {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        String header = enc.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        String claims = enc.encodeToString(("{\"iss\":\"" + iss + "\",\"sub\":\"" + sub
            + "\",\"aud\":\"https://login.salesforce.com\",\"exp\":" + expSeconds + "}").getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + enc.encodeToString(s.sign());
    }

    @Test
    void jwtBearerGrantChecksSignatureAndClaims() throws Exception {
        long exp = System.currentTimeMillis() / 1000 + 300;
        String grant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
        assertGranted(BayeuxTestClient.login(SF.emulator(), Map.of("grant_type", grant, "assertion",
            jwt(KEYS.getPrivate(), SalesforceEmulator.CLIENT_ID, SalesforceEmulator.USERNAME, exp))));
        // signed by another key
        assertRefused(BayeuxTestClient.login(SF.emulator(), Map.of("grant_type", grant, "assertion",
            jwt(OTHER_KEYS.getPrivate(), SalesforceEmulator.CLIENT_ID, SalesforceEmulator.USERNAME, exp))));
        // expired
        assertRefused(BayeuxTestClient.login(SF.emulator(), Map.of("grant_type", grant, "assertion",
            jwt(KEYS.getPrivate(), SalesforceEmulator.CLIENT_ID, SalesforceEmulator.USERNAME, exp - 3600))));
        // wrong subject
        assertRefused(BayeuxTestClient.login(SF.emulator(), Map.of("grant_type", grant, "assertion",
            jwt(KEYS.getPrivate(), SalesforceEmulator.CLIENT_ID, "someone@else.com", exp))));
        assertRefused(BayeuxTestClient.login(SF.emulator(), Map.of("grant_type", grant, "assertion", "garbage")));
    }

    @Test
    void bayeuxWithoutTokenIsRejected() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator());
        HttpResponse<String> r = c.postRaw("/handshake",
            "[{\"channel\":\"/meta/handshake\",\"version\":\"1.0\",\"supportedConnectionTypes\":[\"long-polling\"]}]",
            null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("401::Request requires authentication");
    }

    @Test
    void handshakeWithInvalidTokenIsDenied() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator());
        c.token = "00Dinvalid!AQnope";
        JsonNode reply = c.handshake();
        assertThat(reply.path("successful").asBoolean()).isFalse();
        assertThat(reply.path("error").asText()).isEqualTo("403::Handshake denied");
        assertThat(reply.path("ext").path("sfdc").path("failureReason").asText())
            .isEqualTo("401::Authentication invalid");
        assertThat(reply.has("clientId")).isFalse();
    }

    @Test
    void oauthSchemeIsAcceptedLikeBearer() throws Exception {
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).login();
        HttpResponse<String> r = c.postRaw("/handshake", "[{\"channel\":\"/meta/handshake\",\"version\":\"1.0\","
            + "\"supportedConnectionTypes\":[\"long-polling\"],\"id\":\"1\"}]", "OAuth " + c.token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"successful\":true");
    }

    @Test
    void expiredTokensGiveAuthenticationInvalidOnConnect() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        sf.expireTokens();
        JsonNode reply = BayeuxTestClient.reply(c.connect(), "/meta/connect");
        assertThat(reply.path("successful").asBoolean()).isFalse();
        assertThat(reply.path("error").asText()).isEqualTo("401::Authentication invalid");
        assertThat(reply.path("advice").path("reconnect").asText()).isEqualTo("none");
        // a new login works again, and the old session is still there for a new handshake
        c.login();
        assertThat(c.handshake().path("successful").asBoolean()).isTrue();
    }

    @Test
    void revokedTokenIsInvalid() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
            .newBuilder(java.net.URI.create(sf.baseUrl() + "/services/oauth2/revoke"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + c.token)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(BayeuxTestClient.reply(c.connect(), "/meta/connect").path("error").asText())
            .isEqualTo("401::Authentication invalid");
    }

    @Test
    void browserCookieIsEnforced() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        BayeuxTestClient c = new BayeuxTestClient(sf).open();
        assertThat(c.cookies.getCookieStore().getCookies()).extracting(HttpCookie::getName).contains("BAYEUX_BROWSER");
        c.cookies.getCookieStore().removeAll();
        JsonNode reply = BayeuxTestClient.reply(c.connect(), "/meta/connect");
        assertThat(reply.path("successful").asBoolean()).isFalse();
        assertThat(reply.path("error").asText()).isEqualTo("400::Client " + c.clientId
            + " has established a session, but no BAYEUX_BROWSER cookie present");
        JsonNode sub = c.subscribe("/topic/NoCookie", -1);
        assertThat(sub.path("error").asText()).contains("no BAYEUX_BROWSER cookie present");

        // another client's cookie does not fit this session either
        BayeuxTestClient other = new BayeuxTestClient(sf).open();
        other.clientId = c.clientId;
        JsonNode stolen = BayeuxTestClient.reply(other.connect(), "/meta/connect");
        assertThat(stolen.path("error").asText()).contains("no BAYEUX_BROWSER cookie present");
    }
}
