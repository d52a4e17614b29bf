package io.sfstream.bench.child;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfstream.emulator.SalesforceEmulator;

/** The OAuth username-password grant against the emulator, for the bare clients. */
final class Login {

    /** The token, its instance URL and the org id (from the identity URL {@code .../id/ORG_ID/USER_ID}). */
    record Token(String accessToken, String instanceUrl, String orgId) {
    }

    private Login() {
    }

    static Token login(HttpClient http, ObjectMapper json, String loginUrl) throws IOException, InterruptedException {
        Map<String, String> form = Map.of("grant_type", "password", "client_id", SalesforceEmulator.CLIENT_ID,
            "client_secret", SalesforceEmulator.CLIENT_SECRET, "username", SalesforceEmulator.USERNAME,
            "password", SalesforceEmulator.PASSWORD);
        String body = form.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(loginUrl + "/services/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("login failed with HTTP " + response.statusCode());
        }
        JsonNode token = json.readTree(response.body());
        String[] identity = token.path("id").asText("").split("/");
        return new Token(token.path("access_token").asText(), token.path("instance_url").asText(),
            identity.length >= 2 ? identity[identity.length - 2] : null);
    }
}
