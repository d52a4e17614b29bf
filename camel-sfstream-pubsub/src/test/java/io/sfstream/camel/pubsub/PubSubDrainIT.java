package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamConstants;
import io.sfstream.emulator.EmulatorExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every retained event of a channel, in order, with the bodies the Streaming API gives for the same events: the same
 * endpoint options once with api=STREAMING and once with api=PUBSUB.
 */
class PubSubDrainIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final int EVENTS = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @Test
    void drainsPlatformEventsWithTheStreamingApisBodies() throws Exception {
        String channel = "/event/" + uniqueName("Drain") + "__e";
        for (int i = 0; i < EVENTS; i++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("Seq__c", i);
            fields.put("Note__c", "note " + i);
            emulator().publish(channel, fields);
        }
        List<Exchange> pubSub = drain(channel, "api=PUBSUB");
        List<Exchange> streaming = drain(channel, "api=STREAMING&subscriptionName=streaming");
        Instant soon = Instant.now().plusSeconds(5);
        for (int i = 0; i < EVENTS; i++) {
            Exchange ps = pubSub.get(i);
            Exchange st = streaming.get(i);
            assertThat(payload(ps).get("Seq__c")).isEqualTo(i);
            assertThat(payload(ps)).isEqualTo(payload(st));
            assertThat(body(ps).get("schema")).isEqualTo(body(st).get("schema"));
            assertThat(ps.getMessage().getHeader(SfStreamConstants.EVENT_UUID))
                    .isNotNull().isEqualTo(st.getMessage().getHeader(SfStreamConstants.EVENT_UUID));
            assertThat(ps.getMessage().getHeader(SfStreamConstants.SCHEMA_ID))
                    .isNotNull().isEqualTo(st.getMessage().getHeader(SfStreamConstants.SCHEMA_ID));
            assertThat(ps.getMessage().getHeader(SfStreamConstants.CREATED_DATE, Instant.class))
                    .isEqualTo(st.getMessage().getHeader(SfStreamConstants.CREATED_DATE, Instant.class)).isBefore(soon);
            assertThat(ps.getMessage().getHeader(SfStreamConstants.CHANNEL)).isEqualTo(channel);
            // the position: the base64 text of the replay id's bytes, in the body as in the header
            String position = ps.getMessage().getHeader(SfStreamConstants.REPLAY_ID, String.class);
            assertThat(position).matches("[A-Za-z0-9+/]+=*");
            assertThat(((Map<?, ?>) body(ps).get("event")).get("replayId")).isEqualTo(position);
            assertThat(ps.getMessage().getHeader(SfStreamConstants.RPC_ID, String.class)).isNotBlank();
            assertThat(st.getMessage().getHeader(SfStreamConstants.RPC_ID)).isNull();
        }
    }

    @Test
    void drainsChangeEventsWithTheStreamingApisBodies() throws Exception {
        String channel = "/data/" + uniqueName("Drain") + "ChangeEvent";
        for (int i = 0; i < EVENTS; i++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("changeType", i % 2 == 0 ? "CREATE" : "UPDATE");
            fields.put("Name", "Acme " + i);
            emulator().publish(channel, fields);
        }
        List<Exchange> pubSub = drain(channel, "api=PUBSUB");
        List<Exchange> streaming = drain(channel, "api=STREAMING&subscriptionName=streaming");
        for (int i = 0; i < EVENTS; i++) {
            Exchange ps = pubSub.get(i);
            Exchange st = streaming.get(i);
            assertThat(payload(ps).get("Name")).isEqualTo("Acme " + i);
            assertThat(payload(ps)).isEqualTo(payload(st));
            assertThat(ps.getMessage().getHeader(SfStreamConstants.CHANGE_TYPE)).isEqualTo(i % 2 == 0 ? "CREATE" : "UPDATE")
                    .isEqualTo(st.getMessage().getHeader(SfStreamConstants.CHANGE_TYPE));
            assertThat(ps.getMessage().getHeader(SfStreamConstants.ENTITY_NAME)).isNotNull()
                    .isEqualTo(st.getMessage().getHeader(SfStreamConstants.ENTITY_NAME));
            assertThat(ps.getMessage().getHeader(SfStreamConstants.CREATED_DATE, Instant.class))
                    .isEqualTo(st.getMessage().getHeader(SfStreamConstants.CREATED_DATE, Instant.class));
            assertThat(ps.getMessage().getHeader(SfStreamConstants.SCHEMA_ID)).isNotNull();
        }
    }

    /**
     * The Pub/Sub path builds bodies from the decoded Avro record, not from JSON text: every body type must still equal
     * the Streaming API's for the same event, and GENERIC_RECORD is the event's Avro record.
     */
    @Test
    void everyBodyTypeEqualsTheStreamingApisAndGenericRecordIsTheAvroRecord() throws Exception {
        String channel = "/data/" + uniqueName("Bodies") + "ChangeEvent";
        int events = 20;
        for (int i = 0; i < events; i++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("changeType", "UPDATE");
            fields.put("Name", "Acme " + i);
            fields.put("NumberOfEmployees", i);
            fields.put("AnnualRevenue", 1.5 * i);
            emulator().publish(channel, fields);
        }
        for (String type : List.of("JSON_NODE", "STRING", "POJO&unmarshalType=java.util.TreeMap")) {
            // a subscription of its own per body type: each drain starts from the first event, not a stored marker
            String name = type.replaceAll("\\W.*", "").toLowerCase();
            List<Exchange> pubSub = drain(channel, "api=PUBSUB&subscriptionName=ps" + name + "&bodyType=" + type, events);
            List<Exchange> streaming = drain(channel, "api=STREAMING&subscriptionName=st" + name + "&bodyType=" + type,
                    events);
            for (int i = 0; i < events; i++) {
                Object ps = pubSub.get(i).getMessage().getBody();
                Object st = streaming.get(i).getMessage().getBody();
                if (type.equals("STRING")) {
                    // the same JSON, but not necessarily the same text: the replay ids differ by API
                    ps = JSON.readTree((String) ps).path("payload");
                    st = JSON.readTree((String) st).path("payload");
                } else if (type.equals("JSON_NODE")) {
                    ps = ((JsonNode) ps).path("payload");
                    st = ((JsonNode) st).path("payload");
                }
                assertThat(ps).as(type + " body of event " + i).isEqualTo(st);
            }
        }
        List<Exchange> records = drain(channel, "api=PUBSUB&subscriptionName=record&bodyType=GENERIC_RECORD", events);
        for (int i = 0; i < events; i++) {
            GenericRecord record = records.get(i).getMessage().getBody(GenericRecord.class);
            assertThat(record.get("Name")).hasToString("Acme " + i);
            assertThat(record.getSchema().getFullName()).endsWith("ChangeEvent");
            assertThat(record.get("ChangeEventHeader")).isInstanceOf(GenericRecord.class);
            assertThat(records.get(i).getMessage().getHeader(SfStreamConstants.SCHEMA_ID)).isNotNull();
        }
    }

    private List<Exchange> drain(String channel, String api) throws Exception {
        return drain(channel, api, EVENTS);
    }

    /** Drains the channel from its first retained event; checks order and that nothing comes twice or late. */
    private List<Exchange> drain(String channel, String api, int events) throws Exception {
        MockEndpoint mock = getMockEndpoint("mock:" + channel.replace('/', '_') + api.replaceAll("[=&.]", "_"));
        mock.expectedMessageCount(events);
        addRoute("sfstream:" + channel + "?replay=ALL_EVENTS&" + api, mock.getEndpointUri());
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(60));
        // nothing twice, nothing late
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> mock.getReceivedCounter() == events);
        List<String> positions = positions(mock);
        assertThat(positions).doesNotHaveDuplicates().doesNotContainNull();
        return new ArrayList<>(mock.getReceivedExchanges());
    }
}
