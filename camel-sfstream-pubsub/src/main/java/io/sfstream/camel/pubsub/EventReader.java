package io.sfstream.camel.pubsub;

import io.sfstream.camel.internal.transport.ChannelKind;
import io.sfstream.camel.internal.transport.EventTimestamps;
import io.sfstream.camel.internal.transport.StreamEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Turns a Pub/Sub event (an Avro payload and its writer schema) into the {@code data} JSON the Streaming API gives for
 * the same event, so that every body type of the delivery core works unchanged:
 * {@code {"schema": id, "payload": {...}, "event": {"EventUuid": .., "replayId": ..}}}. Differences, by what the data
 * allows: {@code replayId} is the base64 text of the replay id's bytes; fields typed {@code long} with a
 * {@code :DateTime} doc (CreatedDate) become ISO-8601 text as on the Streaming API; change events omit null fields not
 * named in {@code nulledFields} (as the Streaming API does) and their bitmaps become field names ({@link Bitmaps});
 * platform events keep every field of the schema, null when unset.
 */
final class EventReader {

    private static final Set<String> BITMAP_FIELDS = Set.of("changedFields", "nulledFields", "diffFields");

    private final JsonFactory json;
    /** Readers per writer schema: Avro resolves a schema's reading plan once. */
    private final Map<Schema, GenericDatumReader<GenericRecord>> readers = new java.util.concurrent.ConcurrentHashMap<>();

    EventReader(JsonFactory json) {
        this.json = json;
    }

    /** What one payload holds: the data JSON and the header values. */
    record Decoded(byte[] data, StreamEvent.HeaderFields fields) {
    }

    /**
     * @throws IOException when the payload does not decode with the schema
     */
    Decoded read(ChannelKind kind, String schemaId, Schema schema, byte[] payload, String eventUuid, String position)
            throws IOException {
        return read(kind, schemaId, schema, payload, eventUuid, position, false);
    }

    /**
     * @param rawBitmaps keep changedFields, nulledFields and diffFields as Salesforce sent them (pubSubRawBitmaps)
     * @throws IOException when the payload does not decode with the schema
     */
    Decoded read(ChannelKind kind, String schemaId, Schema schema, byte[] payload, String eventUuid, String position,
                 boolean rawBitmaps) throws IOException {
        GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(schema, GenericDatumReader::new);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(payload, null);
        GenericRecord record;
        try {
            record = reader.read(null, decoder);
        } catch (RuntimeException e) {
            // Avro reports some malformed input as runtime exceptions (negative lengths, bad union branches)
            throw new IOException(e.toString(), e);
        }
        if (!decoder.isEnd()) {
            throw new IOException((payload.length - decoder.inputStream().available()) + " of " + payload.length
                                  + " bytes read: the payload does not match its schema");
        }
        boolean change = kind == ChannelKind.CHANGE_EVENT;
        GenericRecord header = change && record.getSchema().getField("ChangeEventHeader") != null
                ? (GenericRecord) record.get("ChangeEventHeader") : null;
        Set<String> nulled = new HashSet<>();
        if (header != null && header.get("nulledFields") instanceof Collection<?> list) {
            Bitmaps.names(schema, strings(list)).forEach(nulled::add);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length * 2 + 128);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", schemaId);
            g.writeFieldName("payload");
            writeRecord(g, record, schema, change, nulled, "", rawBitmaps);
            g.writeObjectFieldStart("event");
            if (eventUuid != null && !eventUuid.isEmpty()) {
                g.writeStringField("EventUuid", eventUuid);
            }
            g.writeStringField("replayId", position);
            g.writeEndObject();
            g.writeEndObject();
        }
        JsonNode createdDate = null;
        JsonNode commitTimestamp = null;
        String changeType = null;
        String entityName = null;
        if (header != null) {
            commitTimestamp = header.get("commitTimestamp") instanceof Long l ? LongNode.valueOf(l) : null;
            changeType = header.get("changeType") == null ? null : header.get("changeType").toString();
            entityName = header.get("entityName") == null ? null : header.get("entityName").toString();
        } else if (record.getSchema().getField("CreatedDate") != null && record.get("CreatedDate") instanceof Long l) {
            // the header takes the number as it is: formatting it only to parse it back cost CPU per event
            createdDate = LongNode.valueOf(l);
        }
        return new Decoded(out.toByteArray(), new StreamEvent.HeaderFields(null, null,
                eventUuid == null || eventUuid.isEmpty() ? null : eventUuid, schemaId, createdDate, commitTimestamp,
                changeType, entityName));
    }

    private void writeRecord(JsonGenerator g, GenericRecord record, Schema eventSchema, boolean change,
                             Set<String> nulled, String prefix, boolean rawBitmaps) throws IOException {
        g.writeStartObject();
        for (Schema.Field f : record.getSchema().getFields()) {
            Object value = record.get(f.pos());
            String name = prefix + f.name();
            if (value == null && change && !nulled.contains(name)) {
                // as on the Streaming API: a change event holds the fields that changed (or were nulled)
                continue;
            }
            g.writeFieldName(f.name());
            if (prefix.isEmpty() && f.name().equals("ChangeEventHeader") && value instanceof GenericRecord header) {
                writeHeader(g, header, eventSchema, rawBitmaps);
            } else if (value instanceof GenericRecord nested) {
                writeRecord(g, nested, eventSchema, change, nulled, name + ".", rawBitmaps);
            } else {
                writeValue(g, value, f);
            }
        }
        g.writeEndObject();
    }

    private void writeHeader(JsonGenerator g, GenericRecord header, Schema eventSchema, boolean rawBitmaps)
            throws IOException {
        g.writeStartObject();
        for (Schema.Field f : header.getSchema().getFields()) {
            Object value = header.get(f.pos());
            g.writeFieldName(f.name());
            if (!rawBitmaps && BITMAP_FIELDS.contains(f.name()) && value instanceof Collection<?> list) {
                g.writeStartArray();
                for (String name : Bitmaps.names(eventSchema, strings(list))) {
                    g.writeString(name);
                }
                g.writeEndArray();
            } else {
                writeValue(g, value, f);
            }
        }
        g.writeEndObject();
    }

    private void writeValue(JsonGenerator g, Object value, Schema.Field field) throws IOException {
        if (value instanceof Long l && field != null && isDateTime(field)) {
            g.writeString(EventTimestamps.formatUtcMillis(l));
            return;
        }
        writeValue(g, value);
    }

    private void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof CharSequence || value instanceof GenericData.EnumSymbol) {
            g.writeString(value.toString());
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof Integer i) {
            g.writeNumber(i);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Float f) {
            g.writeNumber(f);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof ByteBuffer bytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            g.writeString(Base64.getEncoder().encodeToString(copy));
        } else if (value instanceof GenericData.Fixed fixed) {
            g.writeString(Base64.getEncoder().encodeToString(fixed.bytes()));
        } else if (value instanceof GenericRecord nested) {
            g.writeStartObject();
            for (Schema.Field f : nested.getSchema().getFields()) {
                g.writeFieldName(f.name());
                writeValue(g, nested.get(f.pos()), f);
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                writeValue(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else {
            g.writeString(value.toString());
        }
    }

    /** Salesforce marks date-time fields carried as epoch milliseconds with a doc such as {@code CreatedDate:DateTime}. */
    private static boolean isDateTime(Schema.Field field) {
        return field.doc() != null && field.doc().endsWith(":DateTime");
    }

    private static List<String> strings(Collection<?> values) {
        List<String> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(String.valueOf(v));
        }
        return out;
    }
}
