package io.sfstream.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Builds the {@code data} object of an event in Salesforce's shape for each kind of channel. */
final class EventFactory {

    static final DateTimeFormatter SF_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final ObjectMapper mapper;
    private final String userId;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong commitNumber = new AtomicLong(10_000_000L);

    EventFactory(ObjectMapper mapper, String userId) {
        this.mapper = mapper;
        this.userId = userId;
    }

    static String randomId(String prefix, int length) {
        StringBuilder sb = new StringBuilder(prefix);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (sb.length() < length) {
            sb.append(ALNUM.charAt(r.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    /** A stable 22-character schema id per channel, as Salesforce sends (base64url-like). */
    static String schemaId(String channel) {
        UUID uuid = UUID.nameUUIDFromBytes(channel.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(16);
        bb.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bb.array());
    }

    /**
     * The data JSON of one event.
     *
     * @param fields       payload / sobject fields (may be empty)
     * @param payloadBytes when > 0, a padding field is added so that the data JSON is roughly that size
     */
    String data(String channel, Channels.Kind kind, long replayId, long createdMillis, Map<String, Object> fields,
                int payloadBytes, String schemaId) {
        Object givenUuid = fields.get("EventUuid");
        if (givenUuid != null) {
            fields = new LinkedHashMap<>(fields);
            fields.remove("EventUuid");
        }
        String created = SF_DATE.format(Instant.ofEpochMilli(createdMillis));
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, Object> event = new LinkedHashMap<>();
        String padField;
        Map<String, Object> padTarget;
        switch (kind) {
            case TOPIC -> {
                event.put("createdDate", created);
                event.put("replayId", replayId);
                event.put("type", "created");
                Map<String, Object> sobject = new LinkedHashMap<>();
                sobject.put("Id", randomId("001", 18));
                sobject.put("Name", "Record " + records.incrementAndGet());
                sobject.putAll(fields);
                data.put("event", event);
                data.put("sobject", sobject);
                padTarget = sobject;
                padField = "Description";
            }
            case GENERIC -> {
                event.put("createdDate", created);
                event.put("replayId", replayId);
                data.put("event", event);
                Object payload = fields.get("payload");
                if (payload == null) {
                    payload = fields.isEmpty() ? "Message " + records.incrementAndGet() : toJson(fields);
                }
                data.put("payload", String.valueOf(payload));
                padTarget = data;
                padField = "payload";
            }
            case PLATFORM_EVENT -> {
                data.put("schema", schemaId != null ? schemaId : schemaId(channel));
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("CreatedDate", created);
                payload.put("CreatedById", userId);
                payload.putAll(fields);
                data.put("payload", payload);
                event.put("EventUuid", givenUuid != null ? givenUuid.toString() : UUID.randomUUID().toString());
                event.put("replayId", replayId);
                data.put("event", event);
                padTarget = payload;
                padField = "Description__c";
            }
            case CHANGE_EVENT -> {
                data.put("schema", schemaId != null ? schemaId : schemaId(channel));
                Map<String, Object> payload = new LinkedHashMap<>();
                Map<String, Object> header = new LinkedHashMap<>();
                String entity = entityName(channel);
                header.put("entityName", entity);
                header.put("recordIds", List.of(randomId("001", 18)));
                String changeType = String.valueOf(fields.getOrDefault("changeType", "CREATE"));
                header.put("changeType", changeType);
                header.put("changeOrigin", "com/salesforce/api/soap/62.0;client=sfstream-emulator");
                header.put("transactionKey", UUID.randomUUID().toString().replace("-", "").substring(0, 20));
                header.put("sequenceNumber", 1);
                header.put("commitTimestamp", createdMillis);
                header.put("commitUser", userId);
                header.put("commitNumber", commitNumber.incrementAndGet());
                List<String> changed = new java.util.ArrayList<>();
                List<String> nulled = new java.util.ArrayList<>();
                for (Map.Entry<String, Object> f : fields.entrySet()) {
                    if (!EventTypes.CONTROL_KEYS.contains(f.getKey())) {
                        changed.add(f.getKey());
                        if (f.getValue() == null) {
                            nulled.add(f.getKey());
                        }
                    }
                }
                boolean create = "CREATE".equals(changeType);
                header.put("nulledFields", create ? List.of() : nulled);
                header.put("diffFields", fields.getOrDefault("diffFields", List.of()));
                header.put("changedFields", create ? List.of() : changed);
                payload.put("ChangeEventHeader", header);
                fields.forEach((k, v) -> {
                    if (!EventTypes.CONTROL_KEYS.contains(k)) {
                        payload.put(k, v);
                    }
                });
                if (!payload.containsKey("Name")) {
                    payload.put("Name", "Record " + records.incrementAndGet());
                }
                data.put("payload", payload);
                event.put("replayId", replayId);
                data.put("event", event);
                padTarget = payload;
                padField = "Description";
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        String json = toJson(data);
        if (payloadBytes > json.length()) {
            int missing = payloadBytes - json.length();
            if ("payload".equals(padField)) {
                padTarget.put(padField, data.get("payload") + " " + "x".repeat(Math.max(0, missing - 1)));
            } else {
                // "Description":"..." costs the key, quotes, colon and comma
                int overhead = padField.length() + 6;
                padTarget.put(padField, "x".repeat(Math.max(0, missing - overhead)));
            }
            json = toJson(data);
        }
        return json;
    }

    /** The field a publish with {@code payloadBytes} pads, for kinds that have a schema; else null. */
    static String padField(Channels.Kind kind) {
        return switch (kind) {
            case PLATFORM_EVENT -> "Description__c";
            case CHANGE_EVENT -> "Description";
            default -> null;
        };
    }

    static String entityName(String channel) {
        String name = channel.substring("/data/".length());
        if ("ChangeEvents".equals(name)) {
            return "Account";
        }
        if (name.endsWith("__ChangeEvent")) {
            return name.substring(0, name.length() - "__ChangeEvent".length()) + "__c";
        }
        if (name.endsWith("ChangeEvent")) {
            return name.substring(0, name.length() - "ChangeEvent".length());
        }
        return "Account";
    }

    private String toJson(Object o) {
        try {
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialize event fields", e);
        }
    }
}
