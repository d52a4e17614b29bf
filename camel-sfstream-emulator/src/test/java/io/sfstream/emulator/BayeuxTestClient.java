package io.sfstream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A tiny raw Bayeux client over java.net.http, one cookie jar per instance. */
final class BayeuxTestClient {

    static final ObjectMapper MAPPER = new ObjectMapper();

    final SalesforceEmulator sf;
    final CookieManager cookies = new CookieManager();
    final HttpClient http;
    final String url;
    final AtomicInteger ids = new AtomicInteger();
    String token;
    String clientId;

    BayeuxTestClient(SalesforceEmulator sf) {
        this.sf = sf;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
        this.url = sf.cometdUrl("62.0");
    }

    /** Password grant; returns the token response. */
    static HttpResponse<String> login(SalesforceEmulator sf, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        HttpRequest request = HttpRequest.newBuilder(URI.create(sf.tokenUrl()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    BayeuxTestClient login() throws Exception {
        HttpResponse<String> r = login(sf, Map.of("grant_type", "password", "client_id", SalesforceEmulator.CLIENT_ID,
            "client_secret", SalesforceEmulator.CLIENT_SECRET, "username", SalesforceEmulator.USERNAME,
            "password", SalesforceEmulator.PASSWORD));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("login failed " + r.statusCode() + " " + r.body());
        }
        token = MAPPER.readTree(r.body()).get("access_token").asText();
        return this;
    }

    HttpResponse<String> postRaw(String path, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json;charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts messages, expects HTTP 200 and a JSON array back. */
    ArrayNode post(String path, ObjectNode... messages) throws Exception {
        ArrayNode array = MAPPER.createArrayNode();
        for (ObjectNode m : messages) {
            array.add(m);
        }
        HttpResponse<String> r = postRaw(path, array.toString(), "Bearer " + token);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return (ArrayNode) MAPPER.readTree(r.body());
    }

    ObjectNode message(String channel) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("channel", channel);
        m.put("id", Integer.toString(ids.incrementAndGet()));
        if (clientId != null && !"/meta/handshake".equals(channel)) {
            m.put("clientId", clientId);
        }
        return m;
    }

    static JsonNode reply(ArrayNode response, String channel) {
        for (JsonNode n : response) {
            if (channel.equals(n.path("channel").asText())) {
                return n;
            }
        }
        throw new AssertionError("no " + channel + " reply in " + response);
    }

    static List<JsonNode> events(ArrayNode response) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : response) {
            if (!n.path("channel").asText().startsWith("/meta/")) {
                out.add(n);
            }
        }
        return out;
    }

    JsonNode handshake() throws Exception {
        ObjectNode m = message("/meta/handshake");
        m.put("version", "1.0");
        m.put("minimumVersion", "1.0");
        m.putArray("supportedConnectionTypes").add("long-polling");
        m.putObject("ext").put("replay", true);
        JsonNode reply = reply(post("/handshake", m), "/meta/handshake");
        if (reply.path("successful").asBoolean()) {
            clientId = reply.get("clientId").asText();
        }
        return reply;
    }

    ArrayNode connect() throws Exception {
        ObjectNode m = message("/meta/connect");
        m.put("connectionType", "long-polling");
        return post("/connect", m);
    }

    ArrayNode connectFirst() throws Exception {
        ObjectNode m = message("/meta/connect");
        m.put("connectionType", "long-polling");
        m.putObject("advice").put("timeout", 0);
        return post("/connect", m);
    }

    JsonNode subscribe(String subscription, Object replayId) throws Exception {
        ObjectNode m = message("/meta/subscribe");
        m.put("subscription", subscription);
        if (replayId != null) {
            ObjectNode replay = m.putObject("ext").putObject("replay");
            replay.set(Channels.bare(subscription), MAPPER.valueToTree(replayId));
        }
        return reply(post("/subscribe", m), "/meta/subscribe");
    }

    JsonNode subscribeWithExt(String subscription, ObjectNode ext) throws Exception {
        ObjectNode m = message("/meta/subscribe");
        m.put("subscription", subscription);
        m.set("ext", ext);
        return reply(post("/subscribe", m), "/meta/subscribe");
    }

    JsonNode unsubscribe(String subscription) throws Exception {
        ObjectNode m = message("/meta/unsubscribe");
        m.put("subscription", subscription);
        return reply(post("/unsubscribe", m), "/meta/unsubscribe");
    }

    /** Handshake + first connect. */
    BayeuxTestClient open() throws Exception {
        if (token == null) {
            login();
        }
        JsonNode hs = handshake();
        if (!hs.path("successful").asBoolean()) {
            throw new IllegalStateException("handshake failed " + hs);
        }
        connectFirst();
        return this;
    }

    /** Connects until {@code n} events arrived (or the deadline passes); returns them in order. */
    List<JsonNode> collect(int n, Duration deadline) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        while (out.size() < n && System.nanoTime() < end) {
            ArrayNode r = connect();
            JsonNode reply = reply(r, "/meta/connect");
            if (!reply.path("successful").asBoolean()) {
                throw new IllegalStateException("connect failed " + reply);
            }
            out.addAll(events(r));
        }
        return out;
    }

    static long replayId(JsonNode event) {
        return event.path("data").path("event").path("replayId").asLong();
    }
}
