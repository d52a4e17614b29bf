package io.sfstream.bench.child;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Variant (a): the least a Bayeux long-poll consumer can do on the JDK's HttpClient and Jackson: handshake, subscribe
 * with the replay extension, then connect after connect on one thread, parsing each response into a tree and handing
 * each event's replayId to the probe. No reconnect logic, no flow control, no marker: the practical limit of the wire
 * and the emulator.
 */
final class BareHttpConsumer implements ChildMain.VariantConsumer {

    private final ChildMain.Settings settings;
    private final Probe probe;
    private final ObjectMapper json = new ObjectMapper();
    private HttpClient http;

    BareHttpConsumer(ChildMain.Settings settings, Probe probe) {
        this.settings = settings;
        this.probe = probe;
    }

    @Override
    public void prepare() {
        http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).build();
    }

    @Override
    public void start() {
        Thread loop = new Thread(() -> {
            try {
                run();
            } catch (Exception e) {
                e.printStackTrace();
                Runtime.getRuntime().halt(3);
            }
        }, "bare-long-poll");
        loop.start();
    }

    private void run() throws IOException, InterruptedException {
        Login.Token token = Login.login(http, json, settings.baseUrl());
        URI cometd = URI.create(token.instanceUrl() + "/cometd/62.0");
        ObjectNode handshake = json.createObjectNode().put("channel", "/meta/handshake").put("version", "1.0");
        handshake.putArray("supportedConnectionTypes").add("long-polling");
        handshake.putObject("ext").put("replay", true);
        String clientId = post(cometd, token, handshake).get(0).path("clientId").asText();

        ObjectNode subscribe = json.createObjectNode().put("channel", "/meta/subscribe").put("clientId", clientId)
            .put("subscription", settings.channel());
        subscribe.putObject("ext").putObject("replay").put(settings.channel(), settings.replayFrom());
        handle(post(cometd, token, subscribe));

        ObjectNode connect = json.createObjectNode().put("channel", "/meta/connect").put("clientId", clientId)
            .put("connectionType", "long-polling");
        while (true) {
            handle(post(cometd, token, connect));
        }
    }

    private void handle(JsonNode messages) {
        for (JsonNode message : messages) {
            JsonNode data = message.get("data");
            if (data == null || !settings.channel().equals(message.path("channel").asText())) {
                continue;
            }
            JsonNode event = data.path("event");
            long created = probe.wantsCreatedDate() ? Timestamps.epochMillis(event.path("createdDate").asText()) : 0;
            probe.event(event.path("replayId").asLong(), created);
        }
    }

    private JsonNode post(URI url, Login.Token token, ObjectNode message) throws IOException, InterruptedException {
        ArrayNode batch = json.createArrayNode().add(message);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(150))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token.accessToken())
            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(batch))).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return json.readTree(response.body());
    }
}
