package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamConstants;
import io.sfstream.emulator.EmulatorExtension;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A schema change mid-stream (an admin adds a field): later events are read with their own writer schema, fetched
 * when its id first appears; compound fields of change events come out of their bitmaps as {@code Parent.Child}, or
 * as the compound field's own name when every nested field changed; nulled fields are kept as nulls.
 */
class PubSubSchemaIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @Test
    void aNewSchemaIdMidStreamIsFetchedAndUsed() throws Exception {
        String channel = "/event/" + uniqueName("Schema") + "__e";
        MockEndpoint mock = getMockEndpoint("mock:schema");
        addRoute("sfstream:" + channel + "?replay=ALL_EVENTS", mock.getEndpointUri());
        for (int i = 0; i < 5; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 5);
        String first = emulator().schemaId(channel);
        for (int i = 5; i < 10; i++) {
            emulator().publish(channel, Map.of("Seq__c", i, "Added__c", "added " + i));
        }
        String second = emulator().schemaId(channel);
        assertThat(second).isNotEqualTo(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 10);
        List<Exchange> received = mock.getReceivedExchanges();
        for (int i = 0; i < 10; i++) {
            Exchange e = received.get(i);
            assertThat(payload(e).get("Seq__c")).isEqualTo(i);
            assertThat(e.getMessage().getHeader(SfStreamConstants.SCHEMA_ID)).isEqualTo(i < 5 ? first : second);
            assertThat(payload(e).get("Added__c")).isEqualTo(i < 5 ? null : "added " + i);
        }
        assertThat(payload(received.get(0))).doesNotContainKey("Added__c");
    }

    @Test
    void bitmapsOfChangeEventsBecomeFieldNamesWithCompoundFields() throws Exception {
        String channel = "/data/" + uniqueName("Bitmap") + "ChangeEvent";
        MockEndpoint mock = getMockEndpoint("mock:bitmaps");
        addRoute("sfstream:" + channel + "?replay=ALL_EVENTS", mock.getEndpointUri());

        Map<String, Object> someParts = new LinkedHashMap<>();
        someParts.put("changeType", "UPDATE");
        someParts.put("BillingAddress", Map.of("City", "Paris", "Street", "1 rue de Rivoli"));
        emulator().publish(channel, someParts);

        Map<String, Object> address = new LinkedHashMap<>();
        for (String part : List.of("Street", "City", "State", "PostalCode", "Country", "StateCode", "CountryCode",
                "GeocodeAccuracy")) {
            address.put(part, part.toLowerCase());
        }
        address.put("Latitude", 48.86);
        address.put("Longitude", 2.33);
        Map<String, Object> everyPart = new LinkedHashMap<>();
        everyPart.put("changeType", "UPDATE");
        everyPart.put("Name", "Acme");
        everyPart.put("BillingAddress", address);
        emulator().publish(channel, everyPart);

        Map<String, Object> nulled = new LinkedHashMap<>();
        nulled.put("changeType", "UPDATE");
        nulled.put("Name", null);
        emulator().publish(channel, nulled);

        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 3);
        List<Exchange> received = mock.getReceivedExchanges();

        Map<String, Object> header = header(received.get(0));
        assertThat(header.get("changedFields")).isEqualTo(List.of("BillingAddress.Street", "BillingAddress.City"));
        assertThat(payload(received.get(0)).get("BillingAddress"))
                .isEqualTo(Map.of("City", "Paris", "Street", "1 rue de Rivoli"));

        assertThat(header(received.get(1)).get("changedFields")).isEqualTo(List.of("Name", "BillingAddress"));
        assertThat(payload(received.get(1)).get("BillingAddress")).isEqualTo(address);

        assertThat(header(received.get(2)).get("changedFields")).isEqualTo(List.of("Name"));
        assertThat(header(received.get(2)).get("nulledFields")).isEqualTo(List.of("Name"));
        assertThat(payload(received.get(2))).containsEntry("Name", null);
        // a field null in Avro and not nulled did not change: left out, as on the Streaming API
        assertThat(payload(received.get(2))).doesNotContainKey("BillingAddress");
    }

    @Test
    void pubSubRawBitmapsKeepsSalesforcesForm() throws Exception {
        String channel = "/data/" + uniqueName("RawBitmap") + "ChangeEvent";
        MockEndpoint mock = getMockEndpoint("mock:raw");
        addRoute("sfstream:" + channel + "?replay=ALL_EVENTS&pubSubRawBitmaps=true", mock.getEndpointUri());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("changeType", "UPDATE");
        fields.put("Name", "Acme");
        fields.put("BillingAddress", Map.of("City", "Paris"));
        emulator().publish(channel, fields);
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 1);
        // Name is the schema's field 1 (after ChangeEventHeader); City is part 1 of BillingAddress, field 2
        assertThat(header(mock.getReceivedExchanges().get(0)).get("changedFields")).isEqualTo(List.of("0x02", "2-0x02"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> header(Exchange exchange) {
        return (Map<String, Object>) payload(exchange).get("ChangeEventHeader");
    }
}
