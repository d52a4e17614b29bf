package io.sfstream.camel.internal.delivery;

import io.sfstream.camel.BodyType;
import io.sfstream.camel.SfStreamConstants;
import io.sfstream.camel.SubscriptionException;
import io.sfstream.camel.TestEvents;
import io.sfstream.camel.internal.transport.ChannelKind;
import io.sfstream.camel.internal.transport.EventTimestamps;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.sfstream.camel.TestEvents.withPosition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Headers and bodies of each channel kind, from the event shapes of the wire documentation (section 5).
 */
public class EventMapperTest {

    static final String PUSH_TOPIC = "{\"data\":{\"event\":{\"createdDate\":\"2016-03-29T16:40:08.208Z\",\"replayId\":13,"
                                     + "\"type\":\"created\"},\"sobject\":{\"Id\":\"001D000000KnaXjIAJ\",\"Name\":\"TicTacToe\"}},"
                                     + "\"channel\":\"/topic/TestAccountStreaming\"}";
    static final String GENERIC = "{\"data\":{\"event\":{\"createdDate\":\"2016-03-29T19:05:28.334Z\",\"replayId\":55},"
                                  + "\"payload\":\"This is a message.\"},\"channel\":\"/u/TestStreaming\"}";
    public static final String PLATFORM_EVENT = "{\"data\":{\"schema\":\"dffQ2QLzDNHqwB8_sHMxdA\",\"payload\":{\"CreatedDate\":"
                                         + "\"2017-04-09T18:31:40.517Z\",\"CreatedById\":\"005D0000001cSZs\","
                                         + "\"Printer_Model__c\":\"XZO-5\"},\"event\":{\"EventUuid\":"
                                         + "\"2ec0e371-6d7f-4a0e-a5c4-1e9c1b8a7c2d\",\"replayId\":2}},"
                                         + "\"channel\":\"/event/Low_Ink__e\"}";
    public static final String CHANGE_EVENT = "{\"data\":{\"schema\":\"IeRuaY6cbI_HsV8Rv1Mc5g\",\"payload\":{\"ChangeEventHeader\":"
                                       + "{\"entityName\":\"Account\",\"recordIds\":[\"001xx000003DGb2AAG\"],"
                                       + "\"changeType\":\"UPDATE\",\"changeOrigin\":\"com/salesforce/api/soap/51.0\","
                                       + "\"transactionKey\":\"0002343d-9d90-e395-ed20-cf416ba652ad\",\"sequenceNumber\":1,"
                                       + "\"commitTimestamp\":1600000000000,\"commitUser\":\"005xx000001SwR6AAK\","
                                       + "\"commitNumber\":123,\"changedFields\":[\"Name\"]},\"Name\":\"Acme\"},"
                                       + "\"event\":{\"replayId\":42}},\"channel\":\"/data/AccountChangeEvent\"}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CamelContext CONTEXT = new DefaultCamelContext();

    @AfterAll
    static void close() throws Exception {
        CONTEXT.close();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Account {
        @JsonProperty("Id")
        public String id;
        @JsonProperty("Name")
        public String name;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class LowInk {
        @JsonProperty("Printer_Model__c")
        public String printerModel;
        @JsonProperty("CreatedById")
        public String createdById;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class AccountChange {
        @JsonProperty("Name")
        public String name;
        @JsonProperty("ChangeEventHeader")
        public Map<String, Object> header;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class GenericMessage {
        public String payload;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Strict {
        @JsonProperty("Id")
        public int id;
    }

    private static Message map(ChannelKind kind, BodyType bodyType, Class<?> type, String event, long replayId)
            throws Exception {
        Message message = new DefaultMessage(CONTEXT);
        new EventMapper(kind, bodyType, type, JSON).map(withPosition(TestEvents.event(event), replayId), message);
        return message;
    }

    private static JsonNode data(String event) throws Exception {
        return JSON.readTree(event).get("data");
    }

    // ------------------------------------------------------------------ PushTopic

    @Test
    void pushTopicHeaders() throws Exception {
        Message message = map(ChannelKind.PUSH_TOPIC, BodyType.MAP, null, PUSH_TOPIC, 13);

        assertThat(message.getHeaders()).containsOnlyKeys(SfStreamConstants.CHANNEL, SfStreamConstants.REPLAY_ID,
                SfStreamConstants.CREATED_DATE, SfStreamConstants.EVENT_TYPE);
        assertThat(message.getHeader(SfStreamConstants.CHANNEL)).isEqualTo("/topic/TestAccountStreaming");
        assertThat(message.getHeader(SfStreamConstants.REPLAY_ID)).isEqualTo(13L);
        assertThat(message.getHeader(SfStreamConstants.CREATED_DATE))
                .isEqualTo(Instant.parse("2016-03-29T16:40:08.208Z"));
        assertThat(message.getHeader(SfStreamConstants.EVENT_TYPE)).isEqualTo("created");
    }

    @Test
    @SuppressWarnings("unchecked")
    void pushTopicBodies() throws Exception {
        Object map = map(ChannelKind.PUSH_TOPIC, BodyType.MAP, null, PUSH_TOPIC, 13).getBody();
        assertThat(map).isInstanceOf(Map.class);
        assertThat((Map<String, Object>) map).containsOnlyKeys("event", "sobject");
        assertThat((Map<String, Object>) ((Map<String, Object>) map).get("sobject"))
                .containsEntry("Id", "001D000000KnaXjIAJ").containsEntry("Name", "TicTacToe");

        Object node = map(ChannelKind.PUSH_TOPIC, BodyType.JSON_NODE, null, PUSH_TOPIC, 13).getBody();
        assertThat(node).isInstanceOf(JsonNode.class).isEqualTo(data(PUSH_TOPIC));

        Object string = map(ChannelKind.PUSH_TOPIC, BodyType.STRING, null, PUSH_TOPIC, 13).getBody();
        assertThat(string).isInstanceOf(String.class);
        assertThat(JSON.readTree((String) string)).isEqualTo(data(PUSH_TOPIC));

        Object pojo = map(ChannelKind.PUSH_TOPIC, BodyType.POJO, Account.class, PUSH_TOPIC, 13).getBody();
        assertThat(pojo).isInstanceOf(Account.class);
        assertThat(((Account) pojo).id).isEqualTo("001D000000KnaXjIAJ");
        assertThat(((Account) pojo).name).isEqualTo("TicTacToe");
    }

    // ------------------------------------------------------------------ generic

    @Test
    void genericHeadersAndBodies() throws Exception {
        Message message = map(ChannelKind.GENERIC, BodyType.MAP, null, GENERIC, 55);
        assertThat(message.getHeaders()).containsOnlyKeys(SfStreamConstants.CHANNEL, SfStreamConstants.REPLAY_ID,
                SfStreamConstants.CREATED_DATE);
        assertThat(message.getHeader(SfStreamConstants.CHANNEL)).isEqualTo("/u/TestStreaming");
        assertThat(message.getHeader(SfStreamConstants.REPLAY_ID)).isEqualTo(55L);
        assertThat(message.getHeader(SfStreamConstants.CREATED_DATE))
                .isEqualTo(Instant.parse("2016-03-29T19:05:28.334Z"));
        assertThat(message.getBody(Map.class)).containsEntry("payload", "This is a message.");

        assertThat(map(ChannelKind.GENERIC, BodyType.JSON_NODE, null, GENERIC, 55).getBody()).isEqualTo(data(GENERIC));
        assertThat(JSON.readTree(map(ChannelKind.GENERIC, BodyType.STRING, null, GENERIC, 55).getBody(String.class)))
                .isEqualTo(data(GENERIC));
        // POJO binds the whole data object of a generic event
        Object pojo = map(ChannelKind.GENERIC, BodyType.POJO, GenericMessage.class, GENERIC, 55).getBody();
        assertThat(pojo).isInstanceOf(GenericMessage.class);
        assertThat(((GenericMessage) pojo).payload).isEqualTo("This is a message.");
    }

    // ------------------------------------------------------------------ platform event

    @Test
    void platformEventHeaders() throws Exception {
        Message message = map(ChannelKind.PLATFORM_EVENT, BodyType.MAP, null, PLATFORM_EVENT, 2);

        assertThat(message.getHeaders()).containsOnlyKeys(SfStreamConstants.CHANNEL, SfStreamConstants.REPLAY_ID,
                SfStreamConstants.CREATED_DATE, SfStreamConstants.EVENT_UUID, SfStreamConstants.SCHEMA_ID);
        assertThat(message.getHeader(SfStreamConstants.CHANNEL)).isEqualTo("/event/Low_Ink__e");
        assertThat(message.getHeader(SfStreamConstants.REPLAY_ID)).isEqualTo(2L);
        assertThat(message.getHeader(SfStreamConstants.CREATED_DATE))
                .isEqualTo(Instant.parse("2017-04-09T18:31:40.517Z"));
        assertThat(message.getHeader(SfStreamConstants.EVENT_UUID)).isEqualTo("2ec0e371-6d7f-4a0e-a5c4-1e9c1b8a7c2d");
        assertThat(message.getHeader(SfStreamConstants.SCHEMA_ID)).isEqualTo("dffQ2QLzDNHqwB8_sHMxdA");
    }

    @Test
    @SuppressWarnings("unchecked")
    void platformEventBodies() throws Exception {
        Map<String, Object> map = map(ChannelKind.PLATFORM_EVENT, BodyType.MAP, null, PLATFORM_EVENT, 2).getBody(Map.class);
        assertThat(map).containsOnlyKeys("schema", "payload", "event");
        assertThat((Map<String, Object>) map.get("payload")).containsEntry("Printer_Model__c", "XZO-5");

        assertThat(map(ChannelKind.PLATFORM_EVENT, BodyType.JSON_NODE, null, PLATFORM_EVENT, 2).getBody())
                .isEqualTo(data(PLATFORM_EVENT));
        assertThat(JSON.readTree(map(ChannelKind.PLATFORM_EVENT, BodyType.STRING, null, PLATFORM_EVENT, 2)
                .getBody(String.class))).isEqualTo(data(PLATFORM_EVENT));

        Object pojo = map(ChannelKind.PLATFORM_EVENT, BodyType.POJO, LowInk.class, PLATFORM_EVENT, 2).getBody();
        assertThat(pojo).isInstanceOf(LowInk.class);
        assertThat(((LowInk) pojo).printerModel).isEqualTo("XZO-5");
        assertThat(((LowInk) pojo).createdById).isEqualTo("005D0000001cSZs");
    }

    // ------------------------------------------------------------------ Change Data Capture

    @Test
    void changeEventHeaders() throws Exception {
        Message message = map(ChannelKind.CHANGE_EVENT, BodyType.MAP, null, CHANGE_EVENT, 42);

        assertThat(message.getHeaders()).containsOnlyKeys(SfStreamConstants.CHANNEL, SfStreamConstants.REPLAY_ID,
                SfStreamConstants.CREATED_DATE, SfStreamConstants.CHANGE_TYPE, SfStreamConstants.ENTITY_NAME,
                SfStreamConstants.SCHEMA_ID);
        assertThat(message.getHeader(SfStreamConstants.CHANNEL)).isEqualTo("/data/AccountChangeEvent");
        assertThat(message.getHeader(SfStreamConstants.REPLAY_ID)).isEqualTo(42L);
        assertThat(message.getHeader(SfStreamConstants.CREATED_DATE)).isEqualTo(Instant.ofEpochMilli(1600000000000L));
        assertThat(message.getHeader(SfStreamConstants.CHANGE_TYPE)).isEqualTo("UPDATE");
        assertThat(message.getHeader(SfStreamConstants.ENTITY_NAME)).isEqualTo("Account");
        assertThat(message.getHeader(SfStreamConstants.SCHEMA_ID)).isEqualTo("IeRuaY6cbI_HsV8Rv1Mc5g");
    }

    @Test
    @SuppressWarnings("unchecked")
    void changeEventBodies() throws Exception {
        Map<String, Object> map = map(ChannelKind.CHANGE_EVENT, BodyType.MAP, null, CHANGE_EVENT, 42).getBody(Map.class);
        Map<String, Object> payload = (Map<String, Object>) map.get("payload");
        assertThat(payload).containsEntry("Name", "Acme");
        assertThat((Map<String, Object>) payload.get("ChangeEventHeader"))
                .containsEntry("changedFields", List.of("Name"));

        assertThat(map(ChannelKind.CHANGE_EVENT, BodyType.JSON_NODE, null, CHANGE_EVENT, 42).getBody())
                .isEqualTo(data(CHANGE_EVENT));
        assertThat(JSON.readTree(map(ChannelKind.CHANGE_EVENT, BodyType.STRING, null, CHANGE_EVENT, 42)
                .getBody(String.class))).isEqualTo(data(CHANGE_EVENT));

        Object pojo = map(ChannelKind.CHANGE_EVENT, BodyType.POJO, AccountChange.class, CHANGE_EVENT, 42).getBody();
        assertThat(pojo).isInstanceOf(AccountChange.class);
        assertThat(((AccountChange) pojo).name).isEqualTo("Acme");
        assertThat(((AccountChange) pojo).header).containsEntry("entityName", "Account");
    }

    // ------------------------------------------------------------------ errors and tolerance

    @Test
    void pojoBindingFailureNamesChannelAndReplayId() throws Exception {
        SubscriptionException error = catchThrowableOfType(SubscriptionException.class,
                () -> map(ChannelKind.PUSH_TOPIC, BodyType.POJO, Strict.class, PUSH_TOPIC, 13));

        assertThat(error).isNotNull();
        assertThat(error.getChannel()).isEqualTo("/topic/TestAccountStreaming");
        assertThat(error.getMessage()).contains("/topic/TestAccountStreaming").contains("13")
                .contains(Strict.class.getName());
    }

    @Test
    void pojoWithoutUnmarshalTypeIsRefused() {
        assertThatThrownBy(() -> new EventMapper(ChannelKind.PUSH_TOPIC, BodyType.POJO, null, JSON))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unmarshalType");
    }

    @Test
    void createdDateWithNumericOffsetIsParsedAndGarbageGivesNoHeader() throws Exception {
        String offset = PUSH_TOPIC.replace("2016-03-29T16:40:08.208Z", "2016-03-29T18:40:08.208+0200");
        assertThat(map(ChannelKind.PUSH_TOPIC, BodyType.MAP, null, offset, 13).getHeader(SfStreamConstants.CREATED_DATE))
                .isEqualTo(Instant.parse("2016-03-29T16:40:08.208Z"));

        String garbage = PUSH_TOPIC.replace("2016-03-29T16:40:08.208Z", "yesterday");
        Message message = map(ChannelKind.PUSH_TOPIC, BodyType.MAP, null, garbage, 13);
        assertThat(message.getHeaders()).doesNotContainKey(SfStreamConstants.CREATED_DATE)
                .containsEntry(SfStreamConstants.EVENT_TYPE, "created");
    }
    // ------------------------------------------------------------------ fast paths (issue 8)

    static final String RICH = "{\"data\":{\"event\":{\"createdDate\":\"2024-02-29T23:59:59.999Z\",\"replayId\":7},"
                               + "\"sobject\":{\"Id\":\"001\",\"Count\":3,\"Big\":12345678901,"
                               + "\"Huge\":123456789012345678901234567890,\"Ratio\":0.25,\"Flag\":true,\"None\":null,"
                               + "\"List\":[1,\"two\",[3.5],{\"k\":false}],\"Nested\":{\"a\":{\"b\":[]}},\"Empty\":{}}},"
                               + "\"channel\":\"/topic/Rich\"}";

    @Test
    void mapBodyIsWhatConvertValueGives() throws Exception {
        Object fast = map(ChannelKind.PUSH_TOPIC, BodyType.MAP, null, RICH, 7).getBody();
        Object reference = JSON.convertValue(data(RICH), Map.class);

        assertThat(fast).isEqualTo(reference);
        @SuppressWarnings("unchecked")
        Map<String, Object> sobject = (Map<String, Object>) ((Map<?, ?>) fast).get("sobject");
        assertThat(sobject.get("Count")).isInstanceOf(Integer.class);
        assertThat(sobject.get("Big")).isInstanceOf(Long.class);
        assertThat(sobject.get("Huge")).isInstanceOf(java.math.BigInteger.class);
        assertThat(sobject.get("Ratio")).isInstanceOf(Double.class);
        assertThat(sobject).containsKey("None");
        assertThat(List.copyOf(sobject.keySet())).containsExactly("Id", "Count", "Big", "Huge", "Ratio", "Flag", "None",
                "List", "Nested", "Empty");
    }

    @Test
    void mapBodyFollowsACustomMappersBindingFeatures() throws Exception {
        ObjectMapper decimals = new ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        Message message = new DefaultMessage(CONTEXT);
        new EventMapper(ChannelKind.PUSH_TOPIC, BodyType.MAP, null, decimals).map(withPosition(TestEvents.event(RICH), 7), message);

        Map<?, ?> sobject = (Map<?, ?>) message.getBody(Map.class).get("sobject");
        assertThat(sobject.get("Ratio")).isInstanceOf(java.math.BigDecimal.class);
    }

    @Test
    void salesforceDateFormIsReadLikeInstantParse() {
        for (String text : List.of("2016-03-29T16:40:08.208Z", "2024-02-29T23:59:59.999Z", "1970-01-01T00:00:00.000Z",
                "1969-12-31T23:59:59.001Z", "2099-12-31T00:00:00.000Z")) {
            assertThat(EventTimestamps.utcMillis(text)).as(text).isEqualTo(Instant.parse(text));
            assertThat(EventTimestamps.formatUtcMillis(Instant.parse(text).toEpochMilli())).as("written back").isEqualTo(text);
        }
        // anything else is left to the general parsers
        for (String text : List.of("2016-03-29T16:40:08Z", "2016-03-29T18:40:08.208+0200", "2023-02-29T00:00:00.000Z",
                "2016-13-29T16:40:08.208Z", "2016-03-29T24:40:08.208Z", "2016-03-29T16:40:08.2a8Z", "yesterday",
                "2016-03-29 16:40:08.208Z")) {
            assertThat(EventTimestamps.utcMillis(text)).as(text).isNull();
        }
    }
}
