package io.sfstream.camel.pubsub;

import io.sfstream.camel.internal.transport.ChannelKind;
import io.sfstream.camel.internal.transport.EventData;
import io.sfstream.camel.internal.transport.EventTimestamps;
import io.sfstream.camel.internal.transport.StreamEvent;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.LongNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes a Pub/Sub event (an Avro payload and its writer schema) on the connection's thread, which is where a payload
 * that does not decode must be caught, and hands it over as {@link AvroData}: the decoded record, from which the route's
 * thread builds the body it is configured for. Every body has the shape of the Streaming API's {@code data} for the same
 * event: {@code {"schema": id, "payload": {...}, "event": {"EventUuid": .., "replayId": ..}}}. Differences, by what the
 * data allows: {@code replayId} is the base64 text of the replay id's bytes; fields typed {@code long} with a
 * {@code :DateTime} doc (CreatedDate) become ISO-8601 text as on the Streaming API; change events omit null fields not
 * named in {@code nulledFields} (as the Streaming API does) and their bitmaps become field names ({@link Bitmaps});
 * platform events keep every field of the schema, null when unset.
 */
final class EventReader {

    private static final Set<String> BITMAP_FIELDS = Set.of("changedFields", "nulledFields", "diffFields");

    /** Readers per writer schema: Avro resolves a schema's reading plan once. */
    private final Map<Schema, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

    /** What one payload holds: its data and the header values. */
    record Decoded(EventData data, StreamEvent.HeaderFields fields) {
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
        String uuid = eventUuid == null || eventUuid.isEmpty() ? null : eventUuid;
        boolean change = kind == ChannelKind.CHANGE_EVENT;
        GenericRecord header = change && record.getSchema().getField("ChangeEventHeader") != null
                ? (GenericRecord) record.get("ChangeEventHeader") : null;
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
        return new Decoded(new AvroData(record, schemaId, uuid, position, change, rawBitmaps, payload.length),
                new StreamEvent.HeaderFields(null, null, uuid, schemaId, createdDate, commitTimestamp, changeType,
                        entityName));
    }

    /**
     * A decoded event. Its bodies are built from the record by one walk into plain Java values ({@link #map}): a tree
     * and JSON text are made from that map by the endpoint's mapper, so that all body types agree.
     */
    static final class AvroData implements EventData {

        private final GenericRecord record;
        private final String schemaId;
        private final String eventUuid;
        private final String position;
        private final boolean change;
        private final boolean rawBitmaps;
        private final int size;

        AvroData(GenericRecord record, String schemaId, String eventUuid, String position, boolean change,
                 boolean rawBitmaps, int size) {
            this.record = record;
            this.schemaId = schemaId;
            this.eventUuid = eventUuid;
            this.position = position;
            this.change = change;
            this.rawBitmaps = rawBitmaps;
            this.size = size;
        }

        @Override
        public Map<String, Object> map(ObjectReader mapReader) {
            return walk(Numbers.of(mapReader));
        }

        @Override
        public JsonNode tree(ObjectMapper mapper) {
            return mapper.valueToTree(walk(Numbers.of(mapper)));
        }

        @Override
        public byte[] json(ObjectMapper mapper) throws IOException {
            return mapper.writeValueAsBytes(walk(Numbers.AS_AVRO_HAS_THEM));
        }

        @Override
        public Object record() {
            return record;
        }

        @Override
        public int size() {
            return size;
        }

        private Map<String, Object> walk(Numbers numbers) {
            Schema schema = record.getSchema();
            Set<String> nulled = change ? nulledFields(schema) : Set.of();
            Map<String, Object> data = new LinkedHashMap<>(4);
            data.put("schema", schemaId);
            data.put("payload", new Walk(schema, nulled, numbers).record(record, ""));
            Map<String, Object> event = new LinkedHashMap<>(4);
            if (eventUuid != null) {
                event.put("EventUuid", eventUuid);
            }
            event.put("replayId", position);
            data.put("event", event);
            return data;
        }

        private Set<String> nulledFields(Schema schema) {
            if (record.getSchema().getField("ChangeEventHeader") == null
                    || !(record.get("ChangeEventHeader") instanceof GenericRecord header)
                    || !(header.get("nulledFields") instanceof Collection<?> list) || list.isEmpty()) {
                return Set.of();
            }
            return new HashSet<>(Bitmaps.names(schema, strings(list)));
        }

        /** One walk over a record into plain Java values. */
        private final class Walk {
            private final Schema eventSchema;
            private final Set<String> nulled;
            private final Numbers numbers;

            Walk(Schema eventSchema, Set<String> nulled, Numbers numbers) {
                this.eventSchema = eventSchema;
                this.nulled = nulled;
                this.numbers = numbers;
            }

            Map<String, Object> record(GenericRecord value, String prefix) {
                List<Schema.Field> fields = value.getSchema().getFields();
                Map<String, Object> out = new LinkedHashMap<>(Math.max(4, fields.size() * 4 / 3 + 1));
                for (Schema.Field f : fields) {
                    Object v = value.get(f.pos());
                    String name = prefix.isEmpty() ? f.name() : prefix + f.name();
                    if (v == null && change && !nulled.contains(name)) {
                        // as on the Streaming API: a change event holds the fields that changed (or were nulled)
                        continue;
                    }
                    if (prefix.isEmpty() && v instanceof GenericRecord header && f.name().equals("ChangeEventHeader")) {
                        out.put(f.name(), header(header));
                    } else if (v instanceof GenericRecord nested) {
                        out.put(f.name(), record(nested, name + "."));
                    } else {
                        out.put(f.name(), value(v, f));
                    }
                }
                return out;
            }

            private Map<String, Object> header(GenericRecord header) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Schema.Field f : header.getSchema().getFields()) {
                    Object v = header.get(f.pos());
                    if (!rawBitmaps && v instanceof Collection<?> list && BITMAP_FIELDS.contains(f.name())) {
                        out.put(f.name(), Bitmaps.names(eventSchema, strings(list)));
                    } else {
                        out.put(f.name(), value(v, f));
                    }
                }
                return out;
            }

            private Object value(Object v, Schema.Field field) {
                if (v instanceof Long l && field != null && isDateTime(field)) {
                    return EventTimestamps.formatUtcMillis(l);
                }
                if (v instanceof CharSequence || v instanceof GenericData.EnumSymbol) {
                    return v.toString();
                }
                if (v instanceof Long l) {
                    return numbers.integer(l);
                }
                if (v instanceof Float f) {
                    return numbers.decimal(f);
                }
                if (v instanceof Double d) {
                    return numbers.decimal(d);
                }
                if (v instanceof ByteBuffer bytes) {
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.duplicate().get(copy);
                    return Base64.getEncoder().encodeToString(copy);
                }
                if (v instanceof GenericData.Fixed fixed) {
                    return Base64.getEncoder().encodeToString(fixed.bytes());
                }
                if (v instanceof GenericRecord nested) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (Schema.Field f : nested.getSchema().getFields()) {
                        out.put(f.name(), value(nested.get(f.pos()), f));
                    }
                    return out;
                }
                if (v instanceof Collection<?> list) {
                    List<Object> out = new ArrayList<>(list.size());
                    for (Object item : list) {
                        out.add(value(item, null));
                    }
                    return out;
                }
                if (v instanceof Map<?, ?> map) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        out.put(String.valueOf(e.getKey()), value(e.getValue(), null));
                    }
                    return out;
                }
                // null, Integer, Boolean
                return v;
            }
        }
    }

    /**
     * The Java types of numbers in a map body. Reading JSON text, Jackson gives an Integer for an integral number that
     * fits one and a Double for a decimal one, unless the mapper's USE_LONG_FOR_INTS or USE_BIG_DECIMAL_FOR_FLOATS say
     * otherwise; a map built from the Avro record gives the same types as a map parsed from the event's JSON would.
     */
    record Numbers(boolean longs, boolean bigDecimals, boolean narrow) {

        /** The record's own types, for writing text. */
        static final Numbers AS_AVRO_HAS_THEM = new Numbers(true, false, false);

        static Numbers of(ObjectReader reader) {
            return new Numbers(reader.isEnabled(DeserializationFeature.USE_LONG_FOR_INTS),
                    reader.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS), true);
        }

        static Numbers of(ObjectMapper mapper) {
            return new Numbers(mapper.isEnabled(DeserializationFeature.USE_LONG_FOR_INTS),
                    mapper.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS), true);
        }

        Object integer(long l) {
            if (narrow && !longs && l == (int) l) {
                // not a conditional expression: its Integer and Long operands would be promoted to a Long
                return Integer.valueOf((int) l);
            }
            return Long.valueOf(l);
        }

        Object decimal(float f) {
            if (!narrow) {
                return f;
            }
            // the decimal text a JSON writer would give, read back as a reader would
            return bigDecimals ? new BigDecimal(Float.toString(f)) : Double.valueOf(Float.toString(f));
        }

        Object decimal(double d) {
            return narrow && bigDecimals ? new BigDecimal(Double.toString(d)) : d;
        }
    }

    /** Salesforce marks date-time fields carried as epoch milliseconds with a doc such as {@code CreatedDate:DateTime}. */
    private static boolean isDateTime(Schema.Field field) {
        String doc = field.doc();
        return doc != null && doc.endsWith(":DateTime");
    }

    private static List<String> strings(Collection<?> values) {
        List<String> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(String.valueOf(v));
        }
        return out;
    }
}
