package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.TestEvents;
import io.sfstream.camel.internal.delivery.EventMapperTest;
import io.sfstream.camel.internal.transport.StreamEvent;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The streaming reader of Bayeux responses: replies as trees, events as the bytes of their data plus header fields.
 */
class BayeuxResponseReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BayeuxResponseReader reader = new BayeuxResponseReader(JSON);

    private BayeuxResponse read(String body) throws Exception {
        return reader.read(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eventsKeepTheBytesOfTheirDataAndRepliesBecomeTrees() throws Exception {
        String data1 = "{\"event\":{\"createdDate\":\"2016-03-29T16:40:08.208Z\",\"replayId\":13,\"type\":\"created\"},"
                       + "\"sobject\":{\"Name\":\"caf\\u00e9 \u00e9\",\"List\":[1,{\"a\":null}]}}";
        String data2 = "{ \"event\" : { \"replayId\" : 14 } }";
        BayeuxResponse response = read("[{\"data\":" + data1 + ",\"channel\":\"/topic/T\"},"
                                       + "{\"channel\":\"/topic/T\",\"data\":" + data2 + "},"
                                       + "{\"channel\":\"/meta/connect\",\"successful\":true,\"advice\":{\"timeout\":110000}}]");

        assertThat(response.events()).hasSize(2);
        StreamEvent first = response.events().get(0);
        assertThat(new String(first.data().json(JSON), StandardCharsets.UTF_8)).isEqualTo(data1);
        assertThat(first.position()).isEqualTo("13");
        assertThat(first.fields().eventCreatedDate().asText()).isEqualTo("2016-03-29T16:40:08.208Z");
        assertThat(first.fields().eventType()).isEqualTo("created");
        StreamEvent second = response.events().get(1);
        assertThat(new String(second.data().json(JSON), StandardCharsets.UTF_8)).isEqualTo(data2);
        assertThat(second.position()).isEqualTo("14");
        // one String for the channel of a response's events, not one per event
        assertThat(second.channel()).isEqualTo("/topic/T").isSameAs(first.channel());

        assertThat(response.replies()).hasSize(1);
        assertThat(response.replies().get(0).path("advice").path("timeout").asLong()).isEqualTo(110000);
    }

    @Test
    void platformAndChangeEventHeaderFieldsAreRead() throws Exception {
        StreamEvent platform = TestEvents.event(EventMapperTest.PLATFORM_EVENT);
        assertThat(platform.fields().schema()).isEqualTo("dffQ2QLzDNHqwB8_sHMxdA");
        assertThat(platform.fields().payloadCreatedDate().asText()).isEqualTo("2017-04-09T18:31:40.517Z");
        assertThat(platform.fields().eventUuid()).isEqualTo("2ec0e371-6d7f-4a0e-a5c4-1e9c1b8a7c2d");

        StreamEvent change = TestEvents.event(EventMapperTest.CHANGE_EVENT);
        assertThat(change.fields().commitTimestamp().asLong()).isEqualTo(1600000000000L);
        assertThat(change.fields().changeType()).isEqualTo("UPDATE");
        assertThat(change.fields().entityName()).isEqualTo("Account");
        assertThat(change.position()).isEqualTo("42");
        assertThat(JSON.readTree(change.data().json(JSON))).isEqualTo(JSON.readTree(EventMapperTest.CHANGE_EVENT).get("data"));
    }

    @Test
    void aRepeatedFieldReplacesTheEarlierOneWholeAsInATree() throws Exception {
        StreamEvent event = TestEvents.event("{\"channel\":\"/topic/T\",\"data\":{\"event\":{\"replayId\":1,"
                                             + "\"type\":\"created\"},\"event\":{\"replayId\":2}}}");
        assertThat(event.position()).isEqualTo("2");
        assertThat(event.fields().eventType()).isNull();

        StreamEvent lastData = TestEvents.event("{\"channel\":\"/topic/T\",\"data\":{\"event\":{\"replayId\":1}},"
                                                + "\"data\":{\"event\":{\"replayId\":3}}}");
        assertThat(lastData.position()).isEqualTo("3");
        assertThat(JSON.readTree(lastData.data().json(JSON)).path("event").path("replayId").asLong()).isEqualTo(3);
    }

    @Test
    void oddShapesOfDataAndFieldsGiveNoHeaderAndNoReplayId() throws Exception {
        StreamEvent scalarData = TestEvents.event("{\"channel\":\"/topic/T\",\"data\":\"text\"}");
        assertThat(scalarData.position()).isNull();
        assertThat(new String(scalarData.data().json(JSON), StandardCharsets.UTF_8)).isEqualTo("\"text\"");

        StreamEvent odd = TestEvents.event("{\"channel\":\"/topic/T\",\"data\":{\"event\":{\"replayId\":\"7\","
                                           + "\"createdDate\":{\"x\":1},\"type\":[1]},\"schema\":null}}");
        // a replayId sent as text of digits is a position like a number
        assertThat(odd.position()).isEqualTo("7");
        assertThat(odd.fields().eventCreatedDate()).isNull();
        assertThat(odd.fields().eventType()).isNull();
        assertThat(odd.fields().schema()).isNull();
    }

    @Test
    void metaMessagesAndMessagesWithoutDataAreReplies() throws Exception {
        BayeuxResponse response = read("{\"channel\":\"/meta/handshake\",\"data\":{\"x\":1},\"successful\":true}");
        assertThat(response.events()).isEmpty();
        assertThat(response.replies()).singleElement()
                .satisfies(reply -> assertThat(reply.path("data").path("x").asInt()).isEqualTo(1));

        BayeuxResponse publishAck = read("[{\"channel\":\"/topic/T\",\"successful\":true},7,\"x\",null]");
        assertThat(publishAck.events()).isEmpty();
        assertThat(publishAck.replies()).hasSize(1);
    }

    @Test
    void aUtf16BodyIsReadToo() throws Exception {
        String body = "[{\"channel\":\"/topic/T\",\"data\":{\"event\":{\"replayId\":5},\"sobject\":{\"Name\":\"\u00e9\"}}}]";
        BayeuxResponse response = reader.read(body.getBytes(StandardCharsets.UTF_16));
        assertThat(response.events()).singleElement().satisfies(event -> {
            assertThat(event.position()).isEqualTo("5");
            assertThat(JSON.readTree(event.data().json(JSON)).path("sobject").path("Name").asText()).isEqualTo("\u00e9");
        });
    }

    @Test
    void scalarsAreNotBayeuxAndEmptyBodiesHoldNothing() throws Exception {
        assertThatThrownBy(() -> read("42")).isInstanceOf(BayeuxResponseReader.NotBayeuxException.class)
                .satisfies(e -> assertThat(((BayeuxResponseReader.NotBayeuxException) e).nodeType())
                        .isEqualTo(JsonNodeType.NUMBER));
        assertThat(read("   ")).isNull();
        assertThatThrownBy(() -> read("[{\"channel\":\"/topic/T\",\"data\":{\"event\":")).isInstanceOf(
                java.io.IOException.class);
    }
}
