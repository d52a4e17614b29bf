package io.sfstream.camel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Camel route on an sfstream endpoint against WireMock acting as both the OAuth token endpoint and the Bayeux
 * endpoint: transport errors and login failures reach the consumer's exception handler (or the route's error handler
 * with bridgeErrorHandler) with clear messages and no secrets; a well-formed session delivers its events.
 */
class BayeuxEndpointErrorsTest {

    static final String CLIENT_ID = "3MVG9-route-client-CID321";
    static final String CLIENT_SECRET = "route-secret-SEC654";
    static final String USERNAME = "bob.route@example.com";
    static final String PASSWORD = "route-password-PW987";
    static final String ACCESS_TOKEN = "00Dx0000000ROUTE!AR8AQ-access-TOK111";
    static final List<String> SECRETS = List.of(CLIENT_ID, CLIENT_SECRET, USERNAME, PASSWORD, ACCESS_TOKEN,
            "bob.route%40example.com");

    static final String TOKEN_PATH = "/services/oauth2/token";
    static final String COMETD_PATH = "/cometd/64.0";
    static final String BAYEUX_CLIENT_ID = "bayeux-client-4242";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Collects what the consumer reports to its exception handler. */
    static final class CollectingHandler implements ExceptionHandler {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public void handleException(Throwable exception) {
            handleException(null, null, exception);
        }

        @Override
        public void handleException(String message, Throwable exception) {
            handleException(message, null, exception);
        }

        @Override
        public void handleException(String message, Exchange exchange, Throwable exception) {
            messages.add(String.valueOf(message));
            errors.add(exception);
        }

        <T extends Throwable> List<T> ofType(Class<T> type) {
            return errors.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    private CamelContext context;
    private final CollectingHandler handler = new CollectingHandler();

    @BeforeEach
    void createContext() {
        context = new DefaultCamelContext();
        context.getShutdownStrategy().setTimeout(5);
        context.getRegistry().bind("handler", handler);
    }

    @AfterEach
    void stopContext() throws Exception {
        context.close();
    }

    private String uri(String extra) {
        return "sfstream:/topic/Orders?loginUrl=" + wm.baseUrl() + "&clientId=" + CLIENT_ID + "&clientSecret="
               + CLIENT_SECRET + "&username=" + USERNAME + "&password=" + PASSWORD
               + "&timeToWaitBeforeConnectionRetry=100ms&maxReconnectDelay=200ms" + extra;
    }

    private void startRoute(String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("orders").to("mock:orders");
            }
        });
        context.start();
    }

    private static void tokenEndpointSucceeds() {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson("{\"access_token\":\"" + ACCESS_TOKEN
                                                                       + "\",\"instance_url\":\"" + wm.baseUrl()
                                                                       + "\",\"token_type\":\"Bearer\","
                                                                       + "\"issued_at\":\"1278448832702\"}")));
    }

    private static void assertNoSecret(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            for (String secret : SECRETS) {
                assertThat(t.getMessage()).as("message of %s", t.getClass().getSimpleName()).doesNotContain(secret);
                assertThat(t.toString()).doesNotContain(secret);
            }
        }
    }

    // ------------------------------------------------------------------ transport errors

    @Test
    void http500FromTheBayeuxEndpointReachesTheExceptionHandler() throws Exception {
        tokenEndpointSucceeds();
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "text/plain").withBody("Internal Server Error")));

        startRoute(uri("&exceptionHandler=#handler"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !handler.ofType(BayeuxTransportException.class).isEmpty());
        BayeuxTransportException error = handler.ofType(BayeuxTransportException.class).get(0);
        assertThat(error.getHttpStatus()).isEqualTo(500);
        assertThat(error.getMessage()).contains("HTTP 500").contains(COMETD_PATH);
        assertNoSecret(error);
        handler.messages.forEach(m -> SECRETS.forEach(s -> assertThat(m).doesNotContain(s)));
        // the handshake was sent with the token from the login, then retried after the back-off
        await().atMost(Duration.ofSeconds(10))
                .until(() -> wm.findAll(postRequestedFor(urlEqualTo(COMETD_PATH))).size() >= 2);
    }

    @Test
    void http500WithAnEmptyJsonArrayNamesTheStatus() throws Exception {
        tokenEndpointSucceeds();
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("[]")));

        startRoute(uri("&exceptionHandler=#handler"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !handler.ofType(BayeuxTransportException.class).isEmpty());
        BayeuxTransportException error = handler.ofType(BayeuxTransportException.class).get(0);
        assertThat(error.getHttpStatus()).isEqualTo(500);
        assertThat(error.getMessage()).contains("HTTP 500");
        assertNoSecret(error);
    }

    @Test
    void htmlPageFromTheBayeuxEndpointIsANonJsonTransportError() throws Exception {
        tokenEndpointSucceeds();
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "text/html;charset=UTF-8")
                .withBody("<html><head><title>Maintenance</title></head><body>Back soon</body></html>")));

        startRoute(uri("&exceptionHandler=#handler"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !handler.ofType(BayeuxTransportException.class).isEmpty());
        BayeuxTransportException error = handler.ofType(BayeuxTransportException.class).get(0);
        assertThat(error.getHttpStatus()).isEqualTo(503);
        assertThat(error.getMessage()).contains("HTTP 503").contains("non-JSON").contains("text/html");
        assertNoSecret(error);
    }

    @Test
    void htmlPageWithStatus200IsANonJsonTransportError() throws Exception {
        tokenEndpointSucceeds();
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Login</body></html>")));

        startRoute(uri("&exceptionHandler=#handler"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !handler.ofType(BayeuxTransportException.class).isEmpty());
        BayeuxTransportException error = handler.ofType(BayeuxTransportException.class).get(0);
        assertThat(error.getHttpStatus()).isEqualTo(200);
        assertThat(error.getMessage()).contains("HTTP 200").contains("non-JSON");
        assertNoSecret(error);
    }

    // ------------------------------------------------------------------ login failure bridged to the route

    @Test
    void loginFailureReachesTheRoutesErrorHandlerWithBridgeErrorHandler() throws Exception {
        wm.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}")));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(deadLetterChannel("mock:errors"));
                from(uri("&bridgeErrorHandler=true")).routeId("orders").to("mock:orders");
            }
        });
        context.start();
        MockEndpoint errors = context.getEndpoint("mock:errors", MockEndpoint.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> errors.getReceivedCounter() >= 1);

        Exchange failed = errors.getReceivedExchanges().get(0);
        Throwable caught = failed.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        assertThat(caught).isInstanceOf(SalesforceLoginException.class);
        SalesforceLoginException login = (SalesforceLoginException) caught;
        assertThat(login.isCredentialsRejected()).isTrue();
        assertThat(login.getMessage()).contains("username-password").contains("authentication failure");
        assertNoSecret(login);
        assertThat(context.getEndpoint("mock:orders", MockEndpoint.class).getReceivedCounter()).isZero();
        // no Bayeux traffic without a token
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo(COMETD_PATH)))).isEmpty();
    }

    // ------------------------------------------------------------------ well-formed session

    private static String event(long replayId, String name) {
        return "{\"channel\":\"/topic/Orders\",\"data\":{\"event\":{\"createdDate\":\"2024-05-01T10:00:00.000Z\","
               + "\"replayId\":" + replayId + ",\"type\":\"created\"},\"sobject\":{\"Id\":\"a01" + replayId
               + "\",\"Name\":\"" + name + "\"}}}";
    }

    private static String connectReply() {
        return "{\"channel\":\"/meta/connect\",\"clientId\":\"" + BAYEUX_CLIENT_ID + "\",\"successful\":true,"
               + "\"advice\":{\"interval\":0,\"timeout\":110000,\"reconnect\":\"retry\"}}";
    }

    /** Handshake and subscribe succeed; the first connect answers with {@code events}, later ones hang a while. */
    private static void bayeuxSession(String... events) {
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH))
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/handshake")))
                .willReturn(okJson("[{\"channel\":\"/meta/handshake\",\"clientId\":\"" + BAYEUX_CLIENT_ID + "\","
                                   + "\"successful\":true,\"version\":\"1.0\",\"supportedConnectionTypes\":"
                                   + "[\"long-polling\"],\"ext\":{\"replay\":true,\"payload.format\":true},\"id\":\"1\"}]")
                        .withHeader("Set-Cookie", "BAYEUX_BROWSER=abc123; Path=/")));
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH))
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/subscribe")))
                .willReturn(okJson("[{\"channel\":\"/meta/subscribe\",\"clientId\":\"" + BAYEUX_CLIENT_ID + "\","
                                   + "\"subscription\":\"/topic/Orders\",\"successful\":true}]")));
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH))
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/unsubscribe")))
                .willReturn(okJson("[{\"channel\":\"/meta/unsubscribe\",\"subscription\":\"/topic/Orders\","
                                   + "\"successful\":true}]")));
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH))
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/disconnect")))
                .willReturn(okJson("[{\"channel\":\"/meta/disconnect\",\"successful\":true}]")));
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).inScenario("connect").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/connect")))
                .willReturn(okJson("[" + String.join(",", events) + (events.length > 0 ? "," : "") + connectReply() + "]"))
                .willSetStateTo("delivered"));
        wm.stubFor(post(urlPathEqualTo(COMETD_PATH)).inScenario("connect").whenScenarioStateIs("delivered")
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/connect")))
                .willReturn(okJson("[" + connectReply() + "]").withFixedDelay(300)));
    }

    private static List<JsonNode> bayeuxRequests(String channel) {
        List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlPathEqualTo(COMETD_PATH))
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo(channel))));
        return requests.stream().map(r -> {
            try {
                assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
                return JSON.readTree(r.getBodyAsString()).get(0);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void wellFormedSessionDeliversTheEventsWithHeadersAfterReplayHandshakeAndSubscribe() throws Exception {
        tokenEndpointSucceeds();
        bayeuxSession(event(101, "First order"), event(102, "Second order"));

        startRoute(uri("&exceptionHandler=#handler"));
        MockEndpoint orders = context.getEndpoint("mock:orders", MockEndpoint.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> orders.getReceivedCounter() >= 2);
        // later connects bring nothing: exactly the two events, in order
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
                .until(() -> orders.getReceivedCounter() == 2);

        List<Exchange> received = orders.getReceivedExchanges();
        for (int i = 0; i < 2; i++) {
            Exchange exchange = received.get(i);
            assertThat(exchange.getMessage().getBody()).isInstanceOf(Map.class);
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID)).isEqualTo(101L + i);
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.CHANNEL)).isEqualTo("/topic/Orders");
        }
        assertThat(received.get(0).getMessage().getBody(Map.class).get("sobject"))
                .isEqualTo(Map.of("Id", "a01101", "Name", "First order"));

        List<JsonNode> handshakes = bayeuxRequests("/meta/handshake");
        assertThat(handshakes).hasSize(1);
        assertThat(handshakes.get(0).path("ext").path("replay").isBoolean()).isTrue();
        assertThat(handshakes.get(0).path("ext").path("replay").asBoolean()).isTrue();
        assertThat(handshakes.get(0).path("supportedConnectionTypes").toString()).contains("long-polling");

        List<JsonNode> subscribes = bayeuxRequests("/meta/subscribe");
        assertThat(subscribes).hasSize(1);
        JsonNode subscribe = subscribes.get(0);
        assertThat(subscribe.path("subscription").asText()).isEqualTo("/topic/Orders");
        assertThat(subscribe.path("clientId").asText()).isEqualTo(BAYEUX_CLIENT_ID);
        assertThat(subscribe.path("ext").path("replay")).isEqualTo(JSON.readTree("{\"/topic/Orders\":-1}"));

        List<JsonNode> connects = bayeuxRequests("/meta/connect");
        assertThat(connects).isNotEmpty();
        assertThat(connects).allSatisfy(c -> {
            assertThat(c.path("clientId").asText()).isEqualTo(BAYEUX_CLIENT_ID);
            assertThat(c.path("connectionType").asText()).isEqualTo("long-polling");
        });
        // the session cookie of the handshake goes back with later requests
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo(COMETD_PATH))
                .withRequestBody(matchingJsonPath("$[0].channel", equalTo("/meta/connect")))))
                .allSatisfy(r -> assertThat(r.getHeader("Cookie")).contains("BAYEUX_BROWSER=abc123"));
        assertThat(handler.errors).isEmpty();
    }

    @Test
    void eventWithoutReplayIdIsReportedAndLaterEventsStillArrive() throws Exception {
        tokenEndpointSucceeds();
        String noReplayId = "{\"channel\":\"/topic/Orders\",\"data\":{\"event\":{\"createdDate\":"
                            + "\"2024-05-01T10:00:00.000Z\",\"type\":\"created\"},\"sobject\":{\"Id\":\"a01x\"}}}";
        bayeuxSession(event(101, "Before"), noReplayId, event(103, "After"));

        startRoute(uri("&exceptionHandler=#handler"));
        MockEndpoint orders = context.getEndpoint("mock:orders", MockEndpoint.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> orders.getReceivedCounter() >= 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> !handler.errors.isEmpty());

        assertThat(orders.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader(SfStreamConstants.REPLAY_ID))
                .containsExactly(101L, 103L);
        assertThat(handler.errors).hasSize(1);
        assertThat(handler.errors.get(0)).isInstanceOf(SubscriptionException.class)
                .hasMessageContaining("replayId").hasMessageContaining("/topic/Orders");
    }

    @Test
    void replayAllEventsIsSentAsMinusTwoOnTheBareChannel() throws Exception {
        tokenEndpointSucceeds();
        bayeuxSession();

        startRoute(uri("&exceptionHandler=#handler&replay=ALL_EVENTS"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !bayeuxRequests("/meta/subscribe").isEmpty());
        assertThat(bayeuxRequests("/meta/subscribe").get(0).path("ext").path("replay"))
                .isEqualTo(JSON.readTree("{\"/topic/Orders\":-2}"));
    }
}
