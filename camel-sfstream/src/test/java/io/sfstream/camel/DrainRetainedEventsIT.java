package io.sfstream.camel;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * replay=ALL_EVENTS drains every retained event of each channel kind, in order, with the kind's headers and body.
 */
class DrainRetainedEventsIT extends EmulatorTestSupport {

    private static final int EVENTS = 1_000;

    @Test
    void drainsPushTopicEvents() throws Exception {
        List<Exchange> received = drain("/topic/" + uniqueName("Orders"));
        for (Exchange exchange : received) {
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.EVENT_TYPE)).isEqualTo("created");
            assertThat(bodyMap(exchange)).containsKeys("event", "sobject");
        }
    }

    @Test
    void drainsGenericEvents() throws Exception {
        List<Exchange> received = drain("/u/" + uniqueName("Notices"));
        for (Exchange exchange : received) {
            assertThat(bodyMap(exchange).get("payload")).isInstanceOf(String.class);
        }
    }

    @Test
    void drainsPlatformEvents() throws Exception {
        List<Exchange> received = drain("/event/" + uniqueName("Order_Placed") + "__e");
        for (Exchange exchange : received) {
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.EVENT_UUID, String.class)).isNotBlank();
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.SCHEMA_ID, String.class)).isNotBlank();
            assertThat(bodyMap(exchange)).containsKeys("schema", "payload", "event");
        }
        assertThat(received.stream().map(e -> e.getMessage().getHeader(SfStreamConstants.EVENT_UUID)).distinct())
                .hasSize(EVENTS);
    }

    @Test
    void drainsChangeDataCaptureEvents() throws Exception {
        List<Exchange> received = drain("/data/" + uniqueName("Account") + "ChangeEvent");
        for (Exchange exchange : received) {
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.CHANGE_TYPE, String.class)).isNotBlank();
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.ENTITY_NAME, String.class)).isNotBlank();
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.SCHEMA_ID, String.class)).isNotBlank();
            @SuppressWarnings("unchecked")
            Map<String, Object> payload = (Map<String, Object>) bodyMap(exchange).get("payload");
            assertThat(payload).containsKey("ChangeEventHeader");
        }
    }

    /** Publishes, then starts a route, and checks order, replayIds, channel and createdDate of every exchange. */
    private List<Exchange> drain(String channel) throws Exception {
        List<Long> published = emulator().publish(channel, EVENTS, 200);
        assertThat(published).hasSize(EVENTS);
        MockEndpoint mock = getMockEndpoint("mock:" + channel.replace('/', '_'));
        mock.expectedMessageCount(EVENTS);
        addRoute("sfstream:" + channel + "?replay=ALL_EVENTS", mock.getEndpointUri());
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(60));
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published);
        Instant before = Instant.now().plusSeconds(5);
        for (Exchange exchange : mock.getReceivedExchanges()) {
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.CHANNEL)).isEqualTo(channel);
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.CREATED_DATE, Instant.class))
                    .isNotNull().isBefore(before);
        }
        return mock.getReceivedExchanges();
    }
}
