package io.sfstream.camel;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Posts Bayeux message arrays to the streaming endpoint and parses the JSON arrays it answers. One transport, with
 * its own cookie jar, per Bayeux session: Salesforce ties a session to its {@code BAYEUX_BROWSER} cookie.
 */
final class BayeuxTransport {

    private final HttpClient http;
    private final CookieManager cookies;
    private final ObjectMapper json;

    BayeuxTransport(HttpClient.Builder httpBuilder, ObjectMapper json) {
        this.cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        this.http = httpBuilder.cookieHandler(cookies).build();
        this.json = json;
    }

    HttpClient http() {
        return http;
    }

    /** A new handshake starts a new session: cookies of the old one must not leak into it. */
    void clearCookies() {
        cookies.getCookieStore().removeAll();
    }

    /**
     * Sends messages and completes with the messages of the answer, in order, or exceptionally with a
     * {@link BayeuxTransportException}.
     */
    CompletableFuture<List<JsonNode>> send(URI url, String accessToken, ArrayNode messages, Duration timeout) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json;charset=UTF-8")
                    .header("Accept", "application/json")
                    .header("Authorization", "Bearer " + accessToken)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(messages)))
                    .build();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new BayeuxTransportException("Cannot encode Bayeux request", 0, e));
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        throw new BayeuxTransportException("Bayeux request to " + url + " failed: "
                                                           + SalesforceLogin.describe(cause), 0, cause);
                    }
                    return decode(url, response);
                });
    }

    private List<JsonNode> decode(URI url, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        JsonNode body = null;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            // not JSON: reported below with the status and content type
        }
        if (body != null && body.isObject()) {
            // tolerated: a single message instead of an array of one
            body = json.createArrayNode().add(body);
        }
        if (body == null || !body.isArray()) {
            String type = response.headers().firstValue("Content-Type").orElse("no content type");
            throw new BayeuxTransportException("Bayeux endpoint " + url + " answered HTTP " + status + " with a non-JSON body ("
                                               + type + ", " + response.body().length + " bytes)",
                    status, null);
        }
        List<JsonNode> messages = new ArrayList<>(body.size());
        for (JsonNode message : body) {
            if (message.isObject()) {
                messages.add(message);
            }
        }
        if (status != 200 && messages.stream().noneMatch(m -> m.has("error") || m.has("successful"))) {
            throw new BayeuxTransportException("Bayeux endpoint " + url + " answered HTTP " + status, status, null);
        }
        return messages;
    }
}
