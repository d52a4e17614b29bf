package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sfstream.emulator.pubsub.proto.ReplayPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fidelity: Apache camel-salesforce 4.18's {@code pubSubSubscribe} consumer, unchanged, consumes platform events and
 * change events from the emulator's Pub/Sub API with LATEST, EARLIEST and a stored replay id.
 * <p>
 * The consumer always speaks TLS with the JVM's default trust material, so this class makes the emulator's
 * certificate the JVM's trust store; the POM runs it alone in a JVM of its own (execution {@code pubsub-fidelity}).
 */
class CamelSalesforcePubSubFidelityTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension();

    private static final Duration WAIT = Duration.ofSeconds(30);
    private CamelContext camel;

    @BeforeAll
    static void trustTheEmulator() throws Exception {
        Path store = SF.emulator().writePubSubTrustStore(Files.createTempDirectory("pubsub-trust").resolve("trust.p12"));
        System.setProperty("javax.net.ssl.trustStore", store.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", SalesforceEmulator.PUBSUB_TRUST_STORE_PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    @AfterEach
    void stopCamel() {
        if (camel != null) {
            camel.stop();
        }
    }

    private List<Exchange> startRoute(String uri) throws Exception {
        SalesforceEmulator sf = SF.emulator();
        camel = new DefaultCamelContext();
        SalesforceComponent component = new SalesforceComponent();
        component.setLoginUrl(sf.baseUrl());
        component.setClientId(SalesforceEmulator.CLIENT_ID);
        component.setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        component.setUserName(SalesforceEmulator.USERNAME);
        component.setPassword(SalesforceEmulator.PASSWORD);
        component.setAuthenticationType(AuthenticationType.USERNAME_PASSWORD);
        component.setPubSubHost("localhost");
        component.setPubSubPort(sf.pubSubTlsPort());
        camel.addComponent("salesforce", component);
        List<Exchange> received = new CopyOnWriteArrayList<>();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pubsub-fidelity").process(received::add);
            }
        });
        camel.start();
        return received;
    }

    private static String field(Exchange e, String name) {
        return String.valueOf(e.getMessage().getBody(GenericRecord.class).get(name));
    }

    private static String replayId(Exchange e) {
        return e.getMessage().getHeader("CamelSalesforcePubSubReplayId", String.class);
    }

    private static void awaitStream(String topic) {
        await().atMost(WAIT).until(() -> SF.emulator().pubSubStats().streams().stream()
            .anyMatch(s -> topic.equals(s.topic()) && s.pending() > 0));
    }

    @Test
    void platformEventsFromEarliest() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        for (int i = 0; i < 5; i++) {
            sf.publish("/event/Fid_Earliest__e", Map.of("Seq__c", i));
        }
        List<Exchange> received = startRoute("salesforce:pubSubSubscribe:/event/Fid_Earliest__e"
            + "?replayPreset=EARLIEST&pubSubBatchSize=2");
        await().atMost(WAIT).until(() -> received.size() == 5);
        assertThat(received).extracting(e -> field(e, "Seq__c")).containsExactly("0", "1", "2", "3", "4");
        assertThat(received).extracting(e -> e.getMessage().getHeader("CamelSalesforcePubSubEventId", String.class))
            .doesNotContainNull().doesNotHaveDuplicates();
        // its flow control, seen from the server: never more than its batch size owed
        assertThat(sf.pubSubStats().streams()).filteredOn(s -> "/event/Fid_Earliest__e".equals(s.topic()))
            .singleElement().satisfies(s -> assertThat(s.maxPending()).isLessThanOrEqualTo(2));
        sf.publish("/event/Fid_Earliest__e", Map.of("Seq__c", 5));
        await().atMost(WAIT).until(() -> received.size() == 6);
    }

    @Test
    void platformEventsFromLatest() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Fid_Latest__e", Map.of("Seq__c", -1));
        List<Exchange> received = startRoute("salesforce:pubSubSubscribe:/event/Fid_Latest__e?replayPreset=LATEST");
        awaitStream("/event/Fid_Latest__e");
        for (int i = 0; i < 3; i++) {
            sf.publish("/event/Fid_Latest__e", Map.of("Seq__c", i));
        }
        await().atMost(WAIT).until(() -> received.size() == 3);
        assertThat(received).extracting(e -> field(e, "Seq__c")).containsExactly("0", "1", "2");
    }

    @Test
    void platformEventsAfterAStoredReplayId() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        for (int i = 0; i < 4; i++) {
            sf.publish("/event/Fid_Stored__e", Map.of("Seq__c", i));
        }
        String stored;
        try (PubSubTestClient raw = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Subscription s = raw.subscribe("/event/Fid_Stored__e", ReplayPreset.EARLIEST, null, 4);
            await().atMost(WAIT).until(() -> s.events.size() == 4);
            stored = Base64.getEncoder().encodeToString(s.events.get(1).getReplayId().toByteArray());
            s.cancel();
        }
        List<Exchange> received = startRoute("salesforce:pubSubSubscribe:/event/Fid_Stored__e?replayPreset=CUSTOM"
            + "&pubSubReplayId=RAW(" + stored + ")");
        await().atMost(WAIT).until(() -> received.size() == 2);
        assertThat(received).extracting(e -> field(e, "Seq__c")).containsExactly("2", "3");
        // what camel-salesforce hands the route as the replay id is what a later CUSTOM start can use
        String last = replayId(received.get(1));
        stopCamel();
        sf.publish("/event/Fid_Stored__e", Map.of("Seq__c", 4));
        List<Exchange> resumed = startRoute("salesforce:pubSubSubscribe:/event/Fid_Stored__e?replayPreset=CUSTOM"
            + "&pubSubReplayId=RAW(" + last + ")");
        await().atMost(WAIT).until(() -> resumed.size() == 1);
        assertThat(field(resumed.get(0), "Seq__c")).isEqualTo("4");
    }

    @Test
    void changeEventsFromEarliestAndLatest() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("changeType", "UPDATE");
        update.put("Name", "Fidelity Inc");
        update.put("BillingAddress", Map.of("City", "Porto"));
        sf.publish("/data/AccountChangeEvent", update);
        List<Exchange> received = startRoute("salesforce:pubSubSubscribe:/data/AccountChangeEvent"
            + "?replayPreset=EARLIEST");
        await().atMost(WAIT).until(() -> received.size() == 1);
        GenericRecord event = received.get(0).getMessage().getBody(GenericRecord.class);
        GenericRecord header = (GenericRecord) event.get("ChangeEventHeader");
        assertThat(header.get("changeType").toString()).isEqualTo("UPDATE");
        assertThat(header.get("entityName").toString()).isEqualTo("Account");
        assertThat(String.valueOf(((GenericRecord) event.get("BillingAddress")).get("City"))).isEqualTo("Porto");
        assertThat(((List<?>) header.get("changedFields"))).isNotEmpty();
        stopCamel();

        List<Exchange> live = startRoute("salesforce:pubSubSubscribe:/data/AccountChangeEvent?replayPreset=LATEST");
        awaitStream("/data/AccountChangeEvent");
        update.put("Name", "Fidelity Two");
        sf.publish("/data/AccountChangeEvent", update);
        await().atMost(WAIT).until(() -> live.size() == 1);
        assertThat(field(live.get(0), "Name")).isEqualTo("Fidelity Two");
    }
}
