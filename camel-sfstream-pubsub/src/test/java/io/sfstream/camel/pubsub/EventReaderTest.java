package io.sfstream.camel.pubsub;

import io.sfstream.camel.internal.transport.ChannelKind;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The data JSON of a platform event, and payloads that do not decode with their schema. */
class EventReaderTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"Order_Event__e","namespace":"com.sforce.eventbus","fields":[
              {"name":"CreatedDate","type":"long","doc":"CreatedDate:DateTime"},
              {"name":"CreatedById","type":"string"},
              {"name":"Amount__c","type":["null","double"],"default":null},
              {"name":"Note__c","type":["null","string"],"default":null},
              {"name":"Count__c","type":["null","long"],"default":null},
              {"name":"Ratio__c","type":["null","float"],"default":null}]}""");

    private final ObjectMapper json = new ObjectMapper();
    private final EventReader reader = new EventReader();

    @Test
    void aPlatformEventHasTheStreamingApisShape() throws Exception {
        EventReader.Decoded decoded = read(orderEvent());
        JsonNode data = json.readTree(decoded.data().json(json));
        assertThat(data.path("schema").asText()).isEqualTo("sch-1");
        assertThat(data.path("payload").path("CreatedDate").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(data.path("payload").path("Amount__c").asDouble()).isEqualTo(12.5);
        assertThat(data.path("payload").has("Note__c")).as("platform events keep unset fields as null").isTrue();
        assertThat(data.path("payload").path("Note__c").isNull()).isTrue();
        assertThat(data.path("event").path("EventUuid").asText()).isEqualTo("uuid-1");
        assertThat(data.path("event").path("replayId").asText()).isEqualTo("AAEC");
        assertThat(decoded.fields().eventUuid()).isEqualTo("uuid-1");
        assertThat(decoded.fields().schema()).isEqualTo("sch-1");
        assertThat(decoded.fields().createdAt(ChannelKind.PLATFORM_EVENT)).as("the header's date, kept as epoch millis")
                .isEqualTo(Instant.parse("2023-11-14T22:13:20.123Z"));
    }

    /**
     * Every body is built from the decoded record, not from JSON text: each must equal what reading the event's JSON
     * text gives, numbers' Java types included, and GENERIC_RECORD is the record itself.
     */
    @Test
    void everyBodyAgreesWithTheEventsJsonText() throws Exception {
        GenericRecord record = orderEvent();
        record.put("Count__c", 7L);
        record.put("Ratio__c", 0.1f);
        EventReader.Decoded decoded = read(record);
        byte[] text = decoded.data().json(json);
        ObjectReader maps = json.readerFor(new TypeReference<Map<String, Object>>() {
        });
        assertThat(decoded.data().map(maps)).isEqualTo(maps.readValue(text));
        assertThat(decoded.data().tree(json)).isEqualTo(json.readTree(text));
        assertThat(decoded.data().record()).isEqualTo(record);

        ObjectReader longs = maps.with(DeserializationFeature.USE_LONG_FOR_INTS,
                DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        assertThat(decoded.data().map(longs)).as("the mapper's number features apply")
                .isEqualTo(longs.readValue(text));
    }

    @Test
    void aPayloadThatDoesNotMatchItsSchemaFails() {
        assertThatThrownBy(() -> reader.read(ChannelKind.PLATFORM_EVENT, "sch-1", SCHEMA,
                "not avro at all".getBytes(StandardCharsets.UTF_8), "uuid-1", "AAEC")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> reader.read(ChannelKind.PLATFORM_EVENT, "sch-1", SCHEMA, new byte[0], "uuid-1", "AAEC"))
                .isInstanceOf(IOException.class);
    }

    /** An order event created 2023-11-14T22:13:20.123Z by 005xx, of amount 12.5; the other fields unset. */
    private static GenericRecord orderEvent() {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("CreatedDate", 1_700_000_000_123L);
        record.put("CreatedById", "005xx");
        record.put("Amount__c", 12.5);
        return record;
    }

    /** Reads {@code record} as platform event uuid-1 at replay id AAEC, with schema id sch-1. */
    private EventReader.Decoded read(GenericRecord record) throws IOException {
        return reader.read(ChannelKind.PLATFORM_EVENT, "sch-1", SCHEMA, encode(record), "uuid-1", "AAEC");
    }

    private static byte[] encode(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
