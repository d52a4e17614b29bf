package io.sfstream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The event types of the org: per platform-event or change-event channel its fields, and the Avro schema that Pub/Sub
 * payloads are written with. Every version of a schema stays known by its id, so that an event keeps the schema it was
 * published under when its type changes later ({@link #define}). Fields published that the type does not have yet are
 * added (typed from their values), which also gives a new schema id.
 * <p>
 * Change events carry Salesforce's {@code ChangeEventHeader} and, for a person entity (Contact, Lead) the compound
 * {@code Name}, otherwise a plain {@code Name} and the compound {@code BillingAddress}; their {@code changedFields},
 * {@code nulledFields} and {@code diffFields} are written as Salesforce's field bitmaps.
 */
final class EventTypes {

    static final String NAMESPACE = "com.sforce.eventbus";
    /** Keys of a publish's field map that steer the event instead of being fields. */
    static final Set<String> CONTROL_KEYS = Set.of("changeType", "diffFields", "nulledFields", "EventUuid");

    /** The field types an event type can declare. */
    enum FieldType {
        STRING, LONG, DOUBLE, BOOLEAN, ADDRESS, PERSON_NAME;

        static FieldType parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "string", "text", "id" -> STRING;
                case "long", "int", "integer", "datetime" -> LONG;
                case "double", "number", "decimal", "currency" -> DOUBLE;
                case "boolean", "checkbox" -> BOOLEAN;
                case "address" -> ADDRESS;
                case "name", "personname" -> PERSON_NAME;
                default -> throw new IllegalArgumentException("Unknown field type " + s
                    + " (string, long, double, boolean, address or name)");
            };
        }

        boolean compound() {
            return this == ADDRESS || this == PERSON_NAME;
        }
    }

    private static final class Type {
        final Channels.Kind kind;
        final String recordName;
        final LinkedHashMap<String, FieldType> fields = new LinkedHashMap<>();
        Schema schema;
        String schemaId;

        Type(Channels.Kind kind, String recordName) {
            this.kind = kind;
            this.recordName = recordName;
        }
    }

    private static final Schema NULL = Schema.create(Schema.Type.NULL);
    private static final Schema STRING = Schema.create(Schema.Type.STRING);
    private static final List<String> CHANGE_TYPES = List.of("CREATE", "UPDATE", "DELETE", "UNDELETE", "GAP_CREATE",
        "GAP_UPDATE", "GAP_DELETE", "GAP_UNDELETE", "GAP_OVERFLOW", "SNAPSHOT");

    private final Map<String, Type> types = new ConcurrentHashMap<>();
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<String, String> schemaChannels = new ConcurrentHashMap<>();

    // ------------------------------------------------------------------ types and schema ids

    /**
     * The schema id an event with {@code fields} is published under on {@code channel}; fields the type lacks are
     * added first (a new schema id). Only platform events and change events have schemas; other channels get null.
     */
    synchronized String schemaIdFor(String channel, Map<String, Object> fields) {
        Type type = type(channel);
        if (type == null) {
            return null;
        }
        boolean added = false;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            String name = e.getKey();
            if (CONTROL_KEYS.contains(name) || reserved(type, name) || type.fields.containsKey(name)) {
                continue;
            }
            type.fields.put(name, infer(e.getValue()));
            added = true;
        }
        if (added) {
            rebuild(channel, type);
        }
        return type.schemaId;
    }

    /** Replaces the declared fields of an event type (compound defaults of change events stay); returns the schema id. */
    synchronized String define(String channel, Map<String, String> fieldTypes) {
        Type type = type(channel);
        if (type == null) {
            throw new IllegalArgumentException("Only /event/ and /data/ channels have event types: " + channel);
        }
        type.fields.clear();
        defaults(channel, type);
        fieldTypes.forEach((name, t) -> {
            if (!reserved(type, name)) {
                type.fields.put(name, FieldType.parse(t));
            }
        });
        rebuild(channel, type);
        return type.schemaId;
    }

    synchronized String currentSchemaId(String channel) {
        Type type = type(channel);
        return type == null ? null : type.schemaId;
    }

    /** The declared fields of the type on {@code channel} and their types, in schema order. */
    synchronized Map<String, String> fields(String channel) {
        Type type = type(channel);
        Map<String, String> out = new LinkedHashMap<>();
        if (type != null) {
            type.fields.forEach((k, v) -> out.put(k, v.name().toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    Schema schema(String schemaId) {
        return schemaId == null ? null : schemas.get(schemaId);
    }

    /** The channel a schema id belongs to, or null. */
    String channelOf(String schemaId) {
        return schemaId == null ? null : schemaChannels.get(schemaId);
    }

    private Type type(String channel) {
        Channels.Kind kind = Channels.kind(channel);
        if (kind != Channels.Kind.PLATFORM_EVENT && kind != Channels.Kind.CHANGE_EVENT) {
            return null;
        }
        return types.computeIfAbsent(channel, c -> {
            String name = c.substring(c.lastIndexOf('/') + 1);
            if (kind == Channels.Kind.CHANGE_EVENT) {
                String entity = EventFactory.entityName(c);
                name = entity.endsWith("__c") ? entity.substring(0, entity.length() - 3) + "__ChangeEvent"
                    : entity + "ChangeEvent";
            }
            Type t = new Type(kind, name);
            defaults(c, t);
            rebuild(c, t);
            return t;
        });
    }

    private static void defaults(String channel, Type type) {
        if (type.kind == Channels.Kind.CHANGE_EVENT) {
            String entity = EventFactory.entityName(channel);
            if (entity.equals("Contact") || entity.equals("Lead")) {
                type.fields.put("Name", FieldType.PERSON_NAME);
            } else {
                type.fields.put("Name", FieldType.STRING);
                type.fields.put("BillingAddress", FieldType.ADDRESS);
            }
        }
    }

    private static boolean reserved(Type type, String name) {
        return type.kind == Channels.Kind.PLATFORM_EVENT
            ? name.equals("CreatedDate") || name.equals("CreatedById")
            : name.equals("ChangeEventHeader");
    }

    private static FieldType infer(Object value) {
        if (value instanceof Boolean) {
            return FieldType.BOOLEAN;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof BigInteger) {
            return FieldType.LONG;
        }
        if (value instanceof Number) {
            return FieldType.DOUBLE;
        }
        return FieldType.STRING;
    }

    private void rebuild(String channel, Type type) {
        List<Schema.Field> fields = new ArrayList<>();
        if (type.kind == Channels.Kind.PLATFORM_EVENT) {
            fields.add(new Schema.Field("CreatedDate", Schema.create(Schema.Type.LONG), "CreatedDate:DateTime", null));
            fields.add(new Schema.Field("CreatedById", STRING, "CreatedBy:EntityId", null));
        } else {
            fields.add(new Schema.Field("ChangeEventHeader", changeEventHeader(), null, null));
        }
        type.fields.forEach((name, t) -> fields.add(
            new Schema.Field(name, Schema.createUnion(NULL, avroType(t)), null, Schema.Field.NULL_DEFAULT_VALUE)));
        Schema schema = Schema.createRecord(type.recordName, null, NAMESPACE, false, fields);
        String id = schemaId(schema.toString());
        type.schema = schema;
        type.schemaId = id;
        schemas.putIfAbsent(id, schema);
        schemaChannels.putIfAbsent(id, channel);
    }

    private static Schema avroType(FieldType t) {
        return switch (t) {
            case STRING -> STRING;
            case LONG -> Schema.create(Schema.Type.LONG);
            case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case ADDRESS -> compound("Address", List.of("Street", "City", "State", "PostalCode", "Country",
                "StateCode", "CountryCode", "GeocodeAccuracy"), List.of("Latitude", "Longitude"));
            case PERSON_NAME -> compound("Switchable_PersonName", List.of("Salutation", "FirstName", "LastName",
                "MiddleName", "InformalName", "Suffix"), List.of());
        };
    }

    private static Schema compound(String name, List<String> strings, List<String> doubles) {
        List<Schema.Field> fields = new ArrayList<>();
        for (String s : strings) {
            fields.add(new Schema.Field(s, Schema.createUnion(NULL, STRING), null, Schema.Field.NULL_DEFAULT_VALUE));
        }
        for (String d : doubles) {
            fields.add(new Schema.Field(d, Schema.createUnion(NULL, Schema.create(Schema.Type.DOUBLE)), null,
                Schema.Field.NULL_DEFAULT_VALUE));
        }
        return Schema.createRecord(name, null, NAMESPACE, false, fields);
    }

    private static Schema changeEventHeader() {
        Schema strings = Schema.createArray(STRING);
        List<Schema.Field> f = new ArrayList<>();
        f.add(new Schema.Field("entityName", STRING));
        f.add(new Schema.Field("recordIds", strings));
        f.add(new Schema.Field("changeType",
            Schema.createEnum("ChangeType", null, NAMESPACE, CHANGE_TYPES)));
        f.add(new Schema.Field("changeOrigin", STRING));
        f.add(new Schema.Field("transactionKey", STRING));
        f.add(new Schema.Field("sequenceNumber", Schema.create(Schema.Type.INT)));
        f.add(new Schema.Field("commitTimestamp", Schema.create(Schema.Type.LONG)));
        f.add(new Schema.Field("commitNumber", Schema.create(Schema.Type.LONG)));
        f.add(new Schema.Field("commitUser", STRING));
        f.add(new Schema.Field("nulledFields", Schema.createArray(STRING)));
        f.add(new Schema.Field("diffFields", Schema.createArray(STRING)));
        f.add(new Schema.Field("changedFields", Schema.createArray(STRING)));
        return Schema.createRecord("ChangeEventHeader", null, NAMESPACE, false, f);
    }

    /** Salesforce-looking schema ids: 22 characters, the same for the same schema. */
    static String schemaId(String schemaJson) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(schemaJson.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ Avro payloads

    /** The Avro binary payload of a stored event's {@code data} JSON (its {@code payload} object). */
    static byte[] encode(Schema schema, JsonNode data) {
        JsonNode payload = data.path("payload");
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            JsonNode value = payload.get(f.name());
            if (f.name().equals("CreatedDate") && f.schema().getType() == Schema.Type.LONG) {
                record.put(f.pos(), value == null || value.isNull() ? 0L
                    : value.isNumber() ? value.asLong() : Instant.parse(value.asText()).toEpochMilli());
            } else if (f.name().equals("ChangeEventHeader")) {
                record.put(f.pos(), header(f.schema(), schema, value == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : value, payload));
            } else {
                record.put(f.pos(), convert(f.schema(), value));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Object convert(Schema schema, JsonNode value) {
        if (schema.getType() == Schema.Type.UNION) {
            if (value == null || value.isNull() || value.isMissingNode()) {
                return null;
            }
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return convert(branch, value);
                }
            }
            return null;
        }
        if (value == null || value.isNull() || value.isMissingNode()) {
            return switch (schema.getType()) {
                case STRING -> "";
                case LONG -> 0L;
                case INT -> 0;
                case DOUBLE -> 0.0d;
                case BOOLEAN -> false;
                case ARRAY -> List.of();
                default -> null;
            };
        }
        return switch (schema.getType()) {
            case STRING -> value.isTextual() ? value.asText() : value.toString();
            case LONG -> value.isTextual() && !value.asText().matches("-?\\d+")
                ? Instant.parse(value.asText()).toEpochMilli() : value.asLong();
            case INT -> value.asInt();
            case DOUBLE -> value.asDouble();
            case BOOLEAN -> value.isTextual() ? Boolean.parseBoolean(value.asText()) : value.asBoolean();
            case ENUM -> new GenericData.EnumSymbol(schema,
                schema.hasEnumSymbol(value.asText()) ? value.asText() : schema.getEnumSymbols().get(0));
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                if (value.isArray()) {
                    value.forEach(v -> items.add(convert(schema.getElementType(), v)));
                }
                yield new GenericData.Array<>(schema, items);
            }
            case RECORD -> {
                GenericRecord r = new GenericData.Record(schema);
                if (value.isObject()) {
                    for (Schema.Field f : schema.getFields()) {
                        r.put(f.pos(), convert(f.schema(), value.get(f.name())));
                    }
                } else {
                    // a plain text for a compound field: the part a person would type
                    String part = schema.getField("LastName") != null ? "LastName" : "Street";
                    r.put(part, value.asText());
                }
                yield r;
            }
            default -> throw new IllegalStateException("Unsupported Avro type " + schema.getType());
        };
    }

    private static GenericRecord header(Schema headerSchema, Schema eventSchema, JsonNode header, JsonNode payload) {
        GenericRecord r = new GenericData.Record(headerSchema);
        for (Schema.Field f : headerSchema.getFields()) {
            switch (f.name()) {
                case "changedFields", "nulledFields", "diffFields" -> {
                    List<String> names = new ArrayList<>();
                    header.path(f.name()).forEach(n -> names.add(n.asText()));
                    if (f.name().equals("nulledFields") && !header.has("nulledFields")) {
                        for (JsonNode n : header.path("changedFields")) {
                            JsonNode v = payload.get(n.asText());
                            if (v != null && v.isNull()) {
                                names.add(n.asText());
                            }
                        }
                    }
                    r.put(f.pos(), new GenericData.Array<>(f.schema(), bitmap(eventSchema, names, payload)));
                }
                default -> r.put(f.pos(), convert(f.schema(), header.get(f.name())));
            }
        }
        return r;
    }

    /**
     * Field names in Salesforce's bitmap form: first {@code 0x...} for top-level fields (bit i = the i-th field of
     * the event schema; the hex digits are the bytes in reverse order), then {@code p-0x...} per compound field at
     * position p for its nested fields. A changed compound field whose value is an object names the nested fields it
     * holds; {@code Parent.Child} names one nested field.
     */
    static List<String> bitmap(Schema eventSchema, Collection<String> names, JsonNode payload) {
        BitSet top = new BitSet();
        Map<Integer, BitSet> nested = new TreeMap<>();
        for (String name : new LinkedHashSet<>(names)) {
            int dot = name.indexOf('.');
            if (dot > 0) {
                Schema.Field parent = eventSchema.getField(name.substring(0, dot));
                Schema inner = parent == null ? null : compoundSchema(parent.schema());
                Schema.Field child = inner == null ? null : inner.getField(name.substring(dot + 1));
                if (child != null) {
                    nested.computeIfAbsent(parent.pos(), p -> new BitSet()).set(child.pos());
                }
                continue;
            }
            Schema.Field f = eventSchema.getField(name);
            if (f == null) {
                continue;
            }
            Schema inner = compoundSchema(f.schema());
            JsonNode value = payload == null ? null : payload.get(name);
            if (inner != null && value != null && value.isObject()) {
                BitSet bits = nested.computeIfAbsent(f.pos(), p -> new BitSet());
                value.fieldNames().forEachRemaining(child -> {
                    Schema.Field c = inner.getField(child);
                    if (c != null) {
                        bits.set(c.pos());
                    }
                });
            } else {
                top.set(f.pos());
            }
        }
        List<String> out = new ArrayList<>();
        if (!top.isEmpty()) {
            out.add(hex(top));
        }
        nested.forEach((pos, bits) -> out.add(pos + "-" + hex(bits)));
        return out;
    }

    private static Schema compoundSchema(Schema fieldSchema) {
        if (fieldSchema.getType() == Schema.Type.UNION) {
            for (Schema branch : fieldSchema.getTypes()) {
                if (branch.getType() == Schema.Type.RECORD) {
                    return branch;
                }
            }
        }
        return fieldSchema.getType() == Schema.Type.RECORD ? fieldSchema : null;
    }

    private static String hex(BitSet bits) {
        byte[] little = bits.toByteArray();
        StringBuilder sb = new StringBuilder("0x");
        for (int i = little.length - 1; i >= 0; i--) {
            sb.append(String.format("%02X", little[i] & 0xff));
        }
        return sb.toString();
    }

    /**
     * The fields of a payload published through Pub/Sub, as the emulator's publish map: nested records become maps,
     * Avro strings Java strings; {@code CreatedDate}/{@code CreatedById} are left to the emulator, as Salesforce sets
     * them itself.
     */
    static Map<String, Object> decode(Schema schema, byte[] payload) throws IOException {
        GenericRecord record = new GenericDatumReader<GenericRecord>(schema)
            .read(null, DecoderFactory.get().binaryDecoder(payload, null));
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Schema.Field f : schema.getFields()) {
            if (f.name().equals("CreatedDate") || f.name().equals("CreatedById")) {
                continue;
            }
            Object v = record.get(f.pos());
            if (v != null) {
                fields.put(f.name(), plain(v));
            }
        }
        return fields;
    }

    private static Object plain(Object v) {
        if (v instanceof CharSequence cs) {
            return cs.toString();
        }
        if (v instanceof GenericRecord r) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Schema.Field f : r.getSchema().getFields()) {
                Object x = r.get(f.pos());
                if (x != null) {
                    m.put(f.name(), plain(x));
                }
            }
            return m;
        }
        if (v instanceof Collection<?> c) {
            List<Object> l = new ArrayList<>();
            c.forEach(x -> l.add(plain(x)));
            return l;
        }
        if (v instanceof BigDecimal d) {
            return d.doubleValue();
        }
        return v;
    }
}
