package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventShapeTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder().connectHold(Duration.ofMillis(200)));

    private static final String DATE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    private static JsonNode one(String channel, Map<String, Object> fields) throws Exception {
        long id = SF.emulator().publish(channel, fields);
        BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
        c.subscribe(channel, -2);
        List<JsonNode> events = c.collect(1, Duration.ofSeconds(5));
        JsonNode e = events.get(events.size() - 1);
        assertThat(e.path("channel").asText()).isEqualTo(channel);
        assertThat(e.path("data").path("event").path("replayId").asLong()).isEqualTo(id);
        return e.path("data");
    }

    @Test
    void pushTopic() throws Exception {
        JsonNode data = one("/topic/ShapeTopic", Map.of("Industry", "Energy"));
        assertThat(data.path("event").path("createdDate").asText()).matches(DATE);
        assertThat(data.path("event").path("type").asText()).isEqualTo("created");
        assertThat(data.path("sobject").path("Id").asText()).hasSize(18).startsWith("001");
        assertThat(data.path("sobject").path("Name").asText()).isNotEmpty();
        assertThat(data.path("sobject").path("Industry").asText()).isEqualTo("Energy");
    }

    @Test
    void genericStreaming() throws Exception {
        JsonNode data = one("/u/ShapeGeneric", Map.of("payload", "This is a message."));
        assertThat(data.path("event").path("createdDate").asText()).matches(DATE);
        assertThat(data.path("payload").isTextual()).isTrue();
        assertThat(data.path("payload").asText()).isEqualTo("This is a message.");
    }

    @Test
    void platformEvent() throws Exception {
        for (String channel : List.of("/event/Shape__e", "/event/Shape__chn")) {
            JsonNode data = one(channel, Map.of("Printer_Model__c", "XZO-5"));
            assertThat(data.path("schema").asText()).hasSize(22);
            assertThat(data.path("payload").path("CreatedDate").asText()).matches(DATE);
            assertThat(data.path("payload").path("CreatedById").asText()).startsWith("005")
                .isEqualTo(SF.emulator().userId());
            assertThat(data.path("payload").path("Printer_Model__c").asText()).isEqualTo("XZO-5");
            assertThat(data.path("event").path("EventUuid").asText())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        }
    }

    @Test
    void changeDataCapture() throws Exception {
        JsonNode data = one("/data/AccountChangeEvent", Map.of("changeType", "UPDATE", "Name", "Acme"));
        JsonNode header = data.path("payload").path("ChangeEventHeader");
        assertThat(data.path("schema").asText()).isNotEmpty();
        assertThat(header.path("entityName").asText()).isEqualTo("Account");
        assertThat(header.path("recordIds").get(0).asText()).hasSize(18);
        assertThat(header.path("changeType").asText()).isEqualTo("UPDATE");
        assertThat(header.path("changeOrigin").asText()).isNotEmpty();
        assertThat(header.path("transactionKey").asText()).isNotEmpty();
        assertThat(header.path("sequenceNumber").asInt()).isEqualTo(1);
        assertThat(header.path("commitTimestamp").isIntegralNumber()).isTrue();
        assertThat(header.path("commitUser").asText()).startsWith("005");
        assertThat(header.path("commitNumber").isIntegralNumber()).isTrue();
        assertThat(header.path("changedFields").toString()).isEqualTo("[\"Name\"]");
        assertThat(data.path("payload").path("Name").asText()).isEqualTo("Acme");

        JsonNode all = one("/data/ChangeEvents", Map.of());
        assertThat(all.path("payload").path("ChangeEventHeader").path("entityName").asText()).isEqualTo("Account");
        assertThat(all.path("payload").path("ChangeEventHeader").path("changeType").asText()).isEqualTo("CREATE");
        JsonNode custom = one("/data/Order__ChangeEvent", Map.of());
        assertThat(custom.path("payload").path("ChangeEventHeader").path("entityName").asText()).isEqualTo("Order__c");
    }

    @Test
    void payloadBytesPadsEventsToRoughlyThatSize() throws Exception {
        for (String channel : List.of("/topic/Pad", "/u/Pad", "/event/Pad__e", "/data/PadChangeEvent")) {
            SF.emulator().publish(channel, 3, 2000);
            BayeuxTestClient c = new BayeuxTestClient(SF.emulator()).open();
            c.subscribe(channel, -2);
            for (JsonNode e : c.collect(3, Duration.ofSeconds(5))) {
                int size = e.path("data").toString().length();
                assertThat(size).as(channel).isBetween(1900, 2100);
            }
        }
    }
}
