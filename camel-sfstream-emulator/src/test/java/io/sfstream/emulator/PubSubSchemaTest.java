package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.sfstream.emulator.pubsub.proto.ErrorCode;
import io.sfstream.emulator.pubsub.proto.ProducerEvent;
import io.sfstream.emulator.pubsub.proto.PublishRequest;
import io.sfstream.emulator.pubsub.proto.PublishResponse;
import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import io.sfstream.emulator.pubsub.proto.TopicInfo;
import io.sfstream.emulator.pubsub.proto.TopicRequest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Avro schemas named by GetTopic and served by GetSchema, a schema change mid-stream, change events with Salesforce's
 * field bitmaps (a compound field too), and Publish/PublishStream into the journal both APIs read.
 */
class PubSubSchemaTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension();

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void getTopicNamesTheSchemaGetSchemaServes() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Amount__c", "double");
        fields.put("Code__c", "string");
        sf.defineEventType("/event/Schema_Order__e", fields);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            TopicInfo topic = c.blocking().getTopic(TopicRequest.newBuilder().setTopicName("/event/Schema_Order__e")
                .build());
            assertThat(topic.getCanPublish()).isTrue();
            assertThat(topic.getCanSubscribe()).isTrue();
            assertThat(topic.getTenantGuid()).isEqualTo(sf.orgId());
            assertThat(topic.getSchemaId()).hasSize(22).isEqualTo(sf.schemaId("/event/Schema_Order__e"));
            Schema schema = c.schema(topic.getSchemaId());
            assertThat(schema.getName()).isEqualTo("Schema_Order__e");
            assertThat(schema.getNamespace()).isEqualTo("com.sforce.eventbus");
            assertThat(schema.getFields()).extracting(Schema.Field::name)
                .containsExactly("CreatedDate", "CreatedById", "Amount__c", "Code__c");
            assertThat(schema.getField("CreatedDate").schema().getType()).isEqualTo(Schema.Type.LONG);
            assertThat(schema.getField("Amount__c").schema().getTypes()).extracting(Schema::getType)
                .containsExactly(Schema.Type.NULL, Schema.Type.DOUBLE);

            TopicInfo cdc = c.blocking().getTopic(TopicRequest.newBuilder().setTopicName("/data/AccountChangeEvent")
                .build());
            assertThat(cdc.getCanPublish()).isFalse();
            Schema change = c.schema(cdc.getSchemaId());
            assertThat(change.getName()).isEqualTo("AccountChangeEvent");
            assertThat(change.getField("ChangeEventHeader").schema().getField("changedFields")).isNotNull();
        }
    }

    @Test
    void changingTheFieldsThroughTheAdminApiGivesANewSchemaMidStream() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            sf.publish("/event/Schema_Change__e", Map.of("Code__c", "A"));
            PubSubTestClient.Subscription s = c.subscribe("/event/Schema_Change__e", ReplayPreset.EARLIEST, null, 10);
            await().atMost(WAIT).until(() -> s.events.size() == 1);
            String before = s.events.get(0).getEvent().getSchemaId();

            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sf.baseUrl()
                    + "/admin/eventTypes?channel=/event/Schema_Change__e"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"Code__c\":\"string\",\"Quantity__c\":\"long\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = new ObjectMapper().readTree(r.body());
            String after = answer.path("schemaId").asText();
            assertThat(after).hasSize(22).isNotEqualTo(before);

            sf.publish("/event/Schema_Change__e", Map.of("Code__c", "B", "Quantity__c", 7));
            await().atMost(WAIT).until(() -> s.events.size() == 2);
            assertThat(s.events.get(1).getEvent().getSchemaId()).isEqualTo(after);
            GenericRecord first = c.decode(s.events.get(0));
            GenericRecord second = c.decode(s.events.get(1));
            assertThat(first.getSchema().getField("Quantity__c")).isNull();
            assertThat(second.get("Quantity__c")).isEqualTo(7L);
            assertThat(second.get("Code__c").toString()).isEqualTo("B");
            // the old schema is still served for the events written with it
            assertThat(c.schema(before).getField("Code__c")).isNotNull();
            s.cancel();
        }
    }

    @Test
    void changeEventsCarrySalesforcesFieldBitmapsWithACompoundField() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("changeType", "UPDATE");
        update.put("Name", "Acme Ltd");
        update.put("Description", null);
        update.put("BillingAddress", Map.of("City", "Lyon", "PostalCode", "69001"));
        update.put("diffFields", List.of("Description"));
        sf.defineEventType("/data/AccountChangeEvent", Map.of("Description", "string", "Industry", "string"));
        sf.publish("/data/AccountChangeEvent", update);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/data/AccountChangeEvent", ReplayPreset.EARLIEST, null, 5);
            await().atMost(WAIT).until(() -> s.events.size() == 1);
            GenericRecord event = c.decode(s.events.get(0));
            Schema schema = event.getSchema();
            GenericRecord header = (GenericRecord) event.get("ChangeEventHeader");
            assertThat(header.get("changeType").toString()).isEqualTo("UPDATE");
            assertThat(header.get("entityName").toString()).isEqualTo("Account");

            List<String> changed = strings(header.get("changedFields"));
            // top level: Name and Description; nested: City and PostalCode of BillingAddress
            assertThat(changed.get(0)).startsWith("0x");
            assertThat(decode(schema, changed)).containsExactlyInAnyOrder("Name", "Description",
                "BillingAddress.City", "BillingAddress.PostalCode");
            int address = schema.getField("BillingAddress").pos();
            assertThat(changed).anyMatch(e -> e.startsWith(address + "-0x"));
            assertThat(decode(schema, strings(header.get("nulledFields")))).containsExactly("Description");
            assertThat(decode(schema, strings(header.get("diffFields")))).containsExactly("Description");
            GenericRecord billing = (GenericRecord) event.get("BillingAddress");
            assertThat(billing.get("City").toString()).isEqualTo("Lyon");
            assertThat(event.get("Description")).isNull();
            s.cancel();
        }
    }

    @Test
    void personNameIsACompoundFieldOfContactChangeEvents() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("changeType", "UPDATE");
        update.put("Name", Map.of("Salutation", "Ms.", "FirstName", "Ada", "LastName", "Lovelace", "MiddleName",
            "A", "InformalName", "Ada", "Suffix", "III"));
        sf.publish("/data/ContactChangeEvent", update);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/data/ContactChangeEvent", ReplayPreset.EARLIEST, null, 5);
            await().atMost(WAIT).until(() -> s.events.size() == 1);
            GenericRecord event = c.decode(s.events.get(0));
            List<String> changed = strings(((GenericRecord) event.get("ChangeEventHeader")).get("changedFields"));
            int name = event.getSchema().getField("Name").pos();
            // every nested field of Name is named: 6 bits
            assertThat(changed).containsExactly(name + "-0x3F");
            assertThat(((GenericRecord) event.get("Name")).get("LastName").toString()).isEqualTo("Lovelace");
            s.cancel();
        }
    }

    @Test
    void publishedEventsReachPubSubAndBayeuxSubscribers() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.defineEventType("/event/Schema_Pub__e", Map.of("Code__c", "string"));
        BayeuxTestClient bayeux = new BayeuxTestClient(sf).open();
        bayeux.subscribe("/event/Schema_Pub__e", -1);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = c.subscribe("/event/Schema_Pub__e", ReplayPreset.LATEST, null, 10);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() > 0);
            String schemaId = c.blocking().getTopic(TopicRequest.newBuilder().setTopicName("/event/Schema_Pub__e")
                .build()).getSchemaId();
            Schema schema = c.schema(schemaId);
            String uuid = UUID.randomUUID().toString();
            PublishResponse published = c.blocking().publish(PublishRequest.newBuilder()
                .setTopicName("/event/Schema_Pub__e")
                .addEvents(ProducerEvent.newBuilder().setId(uuid).setSchemaId(schemaId)
                    .setPayload(payload(schema, Map.of("Code__c", "P-1"))))
                .addEvents(ProducerEvent.newBuilder().setId("bad").setSchemaId("nope")
                    .setPayload(ByteString.EMPTY))
                .build());
            assertThat(published.getResults(0).hasError()).isFalse();
            assertThat(published.getResults(0).getCorrelationKey()).isEqualTo(uuid);
            assertThat(published.getResults(1).getError().getCode()).isEqualTo(ErrorCode.PUBLISH);

            await().atMost(WAIT).until(() -> s.events.size() == 1);
            assertThat(s.events.get(0).getReplayId()).isEqualTo(published.getResults(0).getReplayId());
            assertThat(s.events.get(0).getEvent().getId()).isEqualTo(uuid);
            assertThat(c.decode(s.events.get(0)).get("Code__c").toString()).isEqualTo("P-1");
            List<JsonNode> viaBayeux = bayeux.collect(1, WAIT);
            assertThat(viaBayeux.get(0).path("data").path("event").path("EventUuid").asText()).isEqualTo(uuid);
            assertThat(viaBayeux.get(0).path("data").path("payload").path("Code__c").asText()).isEqualTo("P-1");

            // PublishStream: one response per request
            List<PublishResponse> responses = new CopyOnWriteArrayList<>();
            StreamObserver<PublishRequest> stream = c.async().publishStream(new StreamObserver<>() {
                @Override
                public void onNext(PublishResponse value) {
                    responses.add(value);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
            for (int i = 0; i < 3; i++) {
                stream.onNext(PublishRequest.newBuilder().setTopicName("/event/Schema_Pub__e")
                    .addEvents(ProducerEvent.newBuilder().setId("s" + i).setSchemaId(schemaId)
                        .setPayload(payload(schema, Map.of("Code__c", "S-" + i))))
                    .build());
            }
            stream.onCompleted();
            await().atMost(WAIT).until(() -> responses.size() == 3 && s.events.size() == 4);
            assertThat(responses).allMatch(r -> !r.getResults(0).hasError());
            s.cancel();
        }
    }

    @Test
    void changeEventTopicsRefusePublishing() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            String schemaId = c.blocking().getTopic(TopicRequest.newBuilder().setTopicName("/data/LeadChangeEvent")
                .build()).getSchemaId();
            PublishResponse r = c.blocking().publish(PublishRequest.newBuilder().setTopicName("/data/LeadChangeEvent")
                .addEvents(ProducerEvent.newBuilder().setId("x").setSchemaId(schemaId).setPayload(ByteString.EMPTY))
                .build());
            assertThat(r.getResults(0).getError().getCode()).isEqualTo(ErrorCode.PUBLISH);
        }
    }

    private static ByteString payload(Schema schema, Map<String, Object> fields) throws Exception {
        GenericRecord r = new GenericData.Record(schema);
        r.put("CreatedDate", System.currentTimeMillis());
        r.put("CreatedById", "005000000000001AAA");
        fields.forEach(r::put);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, encoder);
        encoder.flush();
        return ByteString.copyFrom(out.toByteArray());
    }

    private static List<String> strings(Object avroArray) {
        List<String> out = new ArrayList<>();
        ((List<?>) avroArray).forEach(o -> out.add(o.toString()));
        return out;
    }

    /** A client's reading of Salesforce's bitmaps (as the wire notes describe it), written independently here. */
    private static List<String> decode(Schema schema, List<String> bitmaps) {
        List<String> names = new ArrayList<>();
        for (String b : bitmaps) {
            if (b.startsWith("0x")) {
                for (int i : bits(b.substring(2))) {
                    names.add(schema.getFields().get(i).name());
                }
            } else {
                int dash = b.indexOf('-');
                Schema.Field parent = schema.getFields().get(Integer.parseInt(b.substring(0, dash)));
                Schema inner = parent.schema().getTypes().stream().filter(t -> t.getType() == Schema.Type.RECORD)
                    .findFirst().orElseThrow();
                for (int i : bits(b.substring(dash + 3))) {
                    names.add(parent.name() + "." + inner.getFields().get(i).name());
                }
            }
        }
        return names;
    }

    private static List<Integer> bits(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[bytes.length - 1 - i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        BitSet set = BitSet.valueOf(bytes);
        return set.stream().boxed().toList();
    }
}
