package io.sfstream.camel;

import io.sfstream.camel.replay.SubscriptionRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile events inside a live session (WireMock as the Bayeux endpoint, a fixed access token): events with missing,
 * negative, fractional, huge or non-numeric replayIds, missing channels and wrong types are skipped and reported; the
 * well-formed events around them are delivered in order, the session stays usable for the next connect, and the
 * replay marker never passes an event that was not delivered.
 */
class HostileSessionTest {

    static final String COMETD_PATH = "/cometd/64.0";
    static final String BAYEUX_CLIENT_ID = "bayeux-client-hostile";
    static final String TOKEN = "fixed-hostile-token-TOK313";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final CamelContext context = new DefaultCamelContext();
    private final BayeuxEndpointErrorsTest.CollectingHandler handler = new BayeuxEndpointErrorsTest.CollectingHandler();
    private final Map<String, String> markers = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws Exception {
        context.close();
    }

    private static String event(Object replayId, String name) {
        return "{\"channel\":\"/topic/Orders\",\"data\":{\"event\":{\"replayId\":" + replayId
               + ",\"createdDate\":\"2025-01-01T00:00:00.000Z\",\"type\":\"created\"},\"sobject\":{\"Name\":\"" + name
               + "\"}}}";
    }

    private static String connectReply() {
        return "{\"channel\":\"/meta/connect\",\"clientId\":\"" + BAYEUX_CLIENT_ID + "\",\"successful\":true,"
               + "\"advice\":{\"interval\":0,\"timeout\":110000,\"reconnect\":\"retry\"}}";
    }

    /** Malformed events: none of them carries a usable replayId on a subscribed channel. */
    private static List<String> hostileEvents(Random random) {
        List<String> bad = new ArrayList<>(List.of(
                event("-5", "negative"), event("-2", "all events"), event("\"abc\"", "text"), event("7.5", "fraction"),
                event("99999999999999999999999", "huge"), event("\"99999999999999999999999\"", "huge text"),
                event("null", "null"), event("{\"a\":1}", "object"), event("[1]", "array"), event("true", "boolean"),
                "{\"data\":{\"event\":{\"replayId\":150}}}", // no channel
                "{\"channel\":17,\"data\":{\"event\":{\"replayId\":151}}}", // channel of the wrong type
                "{\"channel\":\"/topic/Other\",\"data\":{\"event\":{\"replayId\":152}}}", // not subscribed
                "{\"channel\":\"/topic/Orders\",\"data\":\"text\"}", "{\"channel\":\"/topic/Orders\",\"data\":[]}",
                "{\"channel\":\"/topic/Orders\",\"data\":{\"event\":\"x\"}}", "{\"channel\":\"/topic/Orders\"}",
                "17", "\"text\"", "null", "[]"));
        java.util.Collections.shuffle(bad, random);
        return bad;
    }

    private void session(List<String> first, List<String> second) {
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH))
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/handshake")))
                .willReturn(okJson("[{\"channel\":\"/meta/handshake\",\"clientId\":\"" + BAYEUX_CLIENT_ID + "\","
                                   + "\"successful\":true,\"version\":\"1.0\",\"supportedConnectionTypes\":"
                                   + "[\"long-polling\"],\"ext\":{\"replay\":true,\"payload.format\":true},\"id\":\"1\"}]")));
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH))
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/subscribe")))
                .willReturn(okJson("[{\"channel\":\"/meta/subscribe\",\"clientId\":\"" + BAYEUX_CLIENT_ID + "\","
                                   + "\"subscription\":\"/topic/Orders\",\"successful\":true}]")));
        for (String meta : List.of("/meta/unsubscribe", "/meta/disconnect")) {
            wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).withRequestBody(matchingJsonPath("$[0].channel", equalTo(meta)))
                    .willReturn(okJson("[{\"channel\":\"" + meta + "\",\"successful\":true}]")));
        }
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).inScenario("connect").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/connect")))
                .willReturn(okJson("[" + String.join(",", first) + "," + connectReply() + "]"))
                .willSetStateTo("second"));
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).inScenario("connect").whenScenarioStateIs("second")
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/connect")))
                .willReturn(okJson("[" + String.join(",", second) + "," + connectReply() + "]"))
                .willSetStateTo("idle"));
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).inScenario("connect").whenScenarioStateIs("idle")
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/connect")))
                .willReturn(okJson("[" + connectReply() + "]").withFixedDelay(300)));
    }

    @Test
    void malformedEventsAreSkippedAndReportedAndTheSessionGoesOn() throws Exception {
        Random random = new Random(0xBADL);
        List<String> first = new ArrayList<>();
        first.add(event(101, "first"));
        first.addAll(hostileEvents(random));
        first.add(event(102, "second"));
        List<String> second = new ArrayList<>(hostileEvents(random));
        second.add(event(103, "third"));

        session(first, second);
        context.getRegistry().bind("handler", handler);
        context.getRegistry().bind("markers", markers);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:/topic/Orders?accessToken=" + TOKEN + "&instanceUrl=http://localhost:" + wm.getPort()
                     + "&exceptionHandler=#handler&replayStore=#markers&replayCommitInterval=100ms"
                     + "&timeToWaitBeforeConnectionRetry=100ms&maxReconnectDelay=200ms")
                        .routeId("orders").to("mock:orders");
            }
        });
        context.start();
        MockEndpoint orders = context.getEndpoint("mock:orders", MockEndpoint.class);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> orders.getReceivedCounter() >= 3);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("received " + orders.getReceivedCounter() + ", reported " + handler.errors
                                     + ", connects " + wm.findAll(com.github.tomakehurst.wiremock.client.WireMock
                                             .postRequestedFor(urlPathEqualTo(COMETD_PATH))).size(), e);
        }
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).until(() -> orders.getReceivedCounter() == 3);

        List<Long> replayIds = orders.getReceivedExchanges().stream()
                .map(e -> e.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class)).toList();
        assertThat(replayIds).containsExactly(101L, 102L, 103L);
        assertThat(handler.ofType(SubscriptionException.class)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getMessage()).contains("/topic/Orders"));
        await().atMost(Duration.ofSeconds(5)).until(() -> markers.values().stream().anyMatch(v -> v.startsWith("103|")));
        // the malformed replayIds (-5, 99999) never became the marker
        assertThat(markers).allSatisfy((key, value) -> assertThat(SubscriptionRecord.parse(key, value).marker().replayId())
                .isEqualTo(103L));
        for (Exchange exchange : orders.getReceivedExchanges()) {
            assertThat(exchange.getMessage().getBody(Map.class)).containsKey("sobject");
        }
    }
}
