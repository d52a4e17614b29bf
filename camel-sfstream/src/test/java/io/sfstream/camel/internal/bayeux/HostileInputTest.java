package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.BayeuxTransportException;
import io.sfstream.camel.BodyType;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.SfStreamConstants;
import io.sfstream.camel.SubscriptionException;
import io.sfstream.camel.internal.delivery.EventMapper;
import io.sfstream.camel.internal.transport.ChannelKind;
import io.sfstream.camel.internal.transport.StreamEvent;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.sfstream.camel.TestEvents.withPosition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded random and malformed input (a property-style test without jqwik, which is not available offline) for the
 * Bayeux decoding and the event mapping: truncated bodies, wrong types for every field, huge arrays, deep nesting,
 * duplicate keys, negative or non-numeric replayIds, missing channels. Decoding either yields JSON objects or fails
 * with a BayeuxTransportException; mapping either succeeds or fails with a SubscriptionException naming channel and
 * replayId. Bounded: a few thousand cases, a few seconds. The seed is printed by failures for replay.
 */
public class HostileInputTest {

    private static final long SEED = Long.getLong("hostile.seed", 0x5F5EED9L);
    private static final int CASES = Integer.getInteger("hostile.cases", 3000);
    private static final URI URL = URI.create("https://na1.example.my.salesforce.com/cometd/64.0");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static CamelContext context;
    private final BayeuxTransport transport = new BayeuxTransport(java.net.http.HttpClient.newBuilder(), JSON,
            SfStreamConfiguration.DEFAULT_MAX_MESSAGE_SIZE, null, NetworkOptionsTest.requestThreads());

    @BeforeAll
    static void start() {
        context = new DefaultCamelContext();
    }

    @AfterAll
    static void stop() throws Exception {
        context.close();
    }

    // ------------------------------------------------------------------ generators

    private static JsonNode randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 7 : 10);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 4 -> NODES.textNode(randomText(random));
            case 5 -> NODES.numberNode(-random.nextInt(5));
            case 6 -> NODES.textNode(random.nextBoolean() ? "-" + random.nextInt(100) : "12a");
            case 7, 8 -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(randomKey(random), randomValue(random, depth + 1));
                }
                yield object;
            }
            default -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                yield array;
            }
        };
    }

    private static final String[] KEYS = { "channel", "data", "event", "replayId", "payload", "sobject", "createdDate",
                                           "CreatedDate", "ChangeEventHeader", "commitTimestamp", "schema", "EventUuid",
                                           "successful", "error", "clientId", "advice", "ext", "id", "type" };

    private static String randomKey(Random random) {
        return random.nextInt(5) == 0 ? randomText(random) : KEYS[random.nextInt(KEYS.length)];
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            text.append((char) (random.nextInt(5) == 0 ? random.nextInt(0x2FFF) : 'a' + random.nextInt(26)));
        }
        return text.toString();
    }

    /** A plausible event with one part made hostile: wrong types for a field, a missing part, odd replayIds. */
    private static ObjectNode hostileEvent(Random random) {
        ObjectNode event = NODES.objectNode();
        event.put("channel", "/topic/Orders");
        ObjectNode data = event.putObject("data");
        data.putObject("event").put("replayId", 1 + random.nextInt(1000)).put("createdDate", "2025-01-01T00:00:00.000Z")
                .put("type", "created");
        data.putObject("sobject").put("Id", "001").put("Name", "Acme");
        data.putObject("payload").put("CreatedDate", "2025-01-01T00:00:00Z").putObject("ChangeEventHeader")
                .put("changeType", "CREATE").put("entityName", "Account").put("commitTimestamp", 1735689600000L);
        data.put("schema", "abc");
        String[][] paths = { { "channel" }, { "data" }, { "data", "event" }, { "data", "event", "replayId" },
                             { "data", "event", "createdDate" }, { "data", "sobject" }, { "data", "payload" },
                             { "data", "payload", "CreatedDate" }, { "data", "payload", "ChangeEventHeader" },
                             { "data", "payload", "ChangeEventHeader", "commitTimestamp" }, { "data", "schema" } };
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            String[] path = paths[random.nextInt(paths.length)];
            ObjectNode parent = event;
            for (int i = 0; i < path.length - 1 && parent != null; i++) {
                parent = parent.get(path[i]) instanceof ObjectNode o ? o : null;
            }
            if (parent != null) {
                if (random.nextInt(4) == 0) {
                    parent.remove(path[path.length - 1]);
                } else {
                    parent.set(path[path.length - 1], randomValue(random, 0));
                }
            }
        }
        return event;
    }

    // ------------------------------------------------------------------ decoding

    private BayeuxResponse decodeOrClearError(byte[] body, Random random, String what) {
        try {
            BayeuxResponse response = transport.decode(URL, random.nextInt(10) == 0 ? 500 : 200, "application/json", body);
            assertThat(response.replies()).allMatch(JsonNode::isObject);
            for (StreamEvent event : response.events()) {
                // what the reader kept of data is what the body held: it reads back as JSON on its own
                assertThat(JSON.readTree(event.data().json(JSON))).as(what).isNotNull();
                assertThat(event.channel()).doesNotStartWith("/meta/");
            }
            return response;
        } catch (BayeuxTransportException e) {
            assertThat(e.getMessage()).as(what).startsWith("Bayeux endpoint " + URL + " answered HTTP");
            return null;
        } catch (Throwable e) {
            return fail("seed " + SEED + ", " + what + ": " + e, e);
        }
    }

    @Test
    void randomAndMalformedBodiesDecodeOrFailClearly() throws Exception {
        Random random = new Random(SEED);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            ArrayNode messages = NODES.arrayNode();
            for (int n = random.nextInt(5); n > 0; n--) {
                messages.add(random.nextBoolean() ? hostileEvent(random) : randomValue(random, 0));
            }
            byte[] body = JSON.writeValueAsBytes(random.nextInt(8) == 0 ? randomValue(random, 0) : messages);
            switch (random.nextInt(6)) {
                case 0 -> body = java.util.Arrays.copyOf(body, random.nextInt(body.length + 1)); // truncated
                case 1 -> body[random.nextInt(body.length)] = (byte) random.nextInt(256); // corrupted
                default -> {
                    // as generated
                }
            }
            if (decodeOrClearError(body, random, "case " + i) != null) {
                decoded++;
            } else {
                rejected++;
            }
        }
        assertThat(decoded).as("well-formed cases").isGreaterThan(CASES / 3);
        assertThat(rejected).as("malformed cases").isGreaterThan(CASES / 20);
    }

    @Test
    void deepNestingIsAClearErrorNotAStackOverflow() {
        int depth = 5000;
        String deep = "[".repeat(depth) + "]".repeat(depth);
        assertThatThrownBy(() -> transport.decode(URL, 200, "application/json", deep.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(BayeuxTransportException.class)
                .hasMessageContaining("beyond Jackson's limits").hasMessageContaining("nesting depth");
        String deepObject = "[{\"channel\":\"/topic/Orders\",\"data\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)
                            + "}]";
        assertThatThrownBy(() -> transport.decode(URL, 200, "application/json",
                deepObject.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(BayeuxTransportException.class).hasMessageContaining("nesting depth");
    }

    @Test
    void hugeArraysDuplicateKeysAndOddShapesAreHandled() {
        StringBuilder huge = new StringBuilder("[");
        for (int i = 0; i < 200_000; i++) {
            huge.append(i == 0 ? "" : ",").append(i % 2 == 0 ? "1" : "{}");
        }
        huge.append(']');
        assertThat(transport.decode(URL, 200, "application/json", huge.toString().getBytes(StandardCharsets.US_ASCII))
                .replies()).hasSize(100_000).allMatch(JsonNode::isObject);
        // duplicate keys: Jackson keeps the last one unless STRICT_DUPLICATE_DETECTION is on
        List<JsonNode> dup = transport.decode(URL, 200, "application/json",
                "[{\"channel\":\"/a\",\"channel\":\"/topic/Orders\"}]".getBytes(StandardCharsets.US_ASCII)).replies();
        assertThat(dup.get(0).path("channel").asText()).isEqualTo("/topic/Orders");
        assertThat(transport.decode(URL, 200, "application/json", "{\"channel\":\"/meta/connect\"}"
                .getBytes(StandardCharsets.US_ASCII)).replies()).hasSize(1);
        for (String odd : List.of("", "null", "42", "\"text\"", "true", "[", "]", "{", "<html>maintenance</html>",
                "[1,2,", "\uFEFF[]")) {
            decodeOrClearError(odd.getBytes(StandardCharsets.UTF_8), new Random(1), "body '" + odd + "'");
        }
        assertThatThrownBy(() -> transport.decode(URL, 503, "text/html", null))
                .isInstanceOf(BayeuxTransportException.class).hasMessageContaining("HTTP 503");
    }

    // ------------------------------------------------------------------ event mapping

    @Test
    void hostileEventsMapOrFailWithChannelAndReplayId() {
        Random random = new Random(SEED + 1);
        List<EventMapper> mappers = new ArrayList<>();
        for (ChannelKind kind : ChannelKind.values()) {
            for (BodyType type : List.of(BodyType.MAP, BodyType.JSON_NODE, BodyType.STRING, BodyType.POJO)) {
                mappers.add(new EventMapper(kind, type, type == BodyType.POJO ? Account.class : null, JSON));
            }
        }
        int mapped = 0;
        int failed = 0;
        for (int i = 0; i < CASES; i++) {
            ObjectNode event = hostileEvent(random);
            long replayId = random.nextLong();
            EventMapper mapper = mappers.get(random.nextInt(mappers.size()));
            Message message = new DefaultMessage(context);
            try {
                List<StreamEvent> events = transport.decode(URL, 200, "application/json", JSON.writeValueAsBytes(
                        NODES.arrayNode().add(event))).events();
                if (events.isEmpty()) {
                    // no data, or a /meta/ channel: a reply, never mapped
                    continue;
                }
                mapper.map(withPosition(events.get(0), replayId), message);
                assertThat(message.getHeader(SfStreamConstants.REPLAY_ID)).isEqualTo(replayId);
                mapped++;
            } catch (SubscriptionException e) {
                assertThat(e.getMessage()).contains("Cannot turn event " + replayId);
                failed++;
            } catch (Throwable e) {
                fail("seed " + (SEED + 1) + ", case " + i + " " + event + ": " + e, e);
            }
        }
        assertThat(mapped).isGreaterThan(CASES / 2);
        assertThat(failed).as("POJO binding of wrong types fails clearly").isPositive();
    }

    /** A strict POJO: wrong field types fail the binding. */
    public static class Account {
        public String Id;
        public String Name;
        public int NumberOfEmployees;
    }
}
