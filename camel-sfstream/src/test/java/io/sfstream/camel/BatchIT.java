package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * maxBatchSize delivers several events of a channel in one exchange, with a parallel list of their headers, flushes a
 * partial batch after batchTimeout, and commits the batch's last event.
 */
class BatchIT extends EmulatorTestSupport {

    @Test
    @SuppressWarnings("unchecked")
    void deliversBatchesAndCommitsTheLastEventOfEach() throws Exception {
        Map<String, String> markers = new ConcurrentHashMap<>();
        context.getRegistry().bind("markers", markers);
        String channel = "/data/" + uniqueName("Batch") + "ChangeEvent";
        List<Long> published = emulator().publish(channel, 35, 100);
        MockEndpoint mock = getMockEndpoint("mock:batches");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#markers&maxBatchSize=10&batchTimeout=300ms"
                     + "&replayCommitInterval=20ms")
                        .to("mock:batches");
            }
        });
        await().atMost(20, TimeUnit.SECONDS).until(() -> mock.getReceivedExchanges().stream()
                .mapToInt(e -> e.getMessage().getHeader(SfStreamConstants.BATCH_SIZE, Integer.class)).sum() == 35);

        List<Long> delivered = new ArrayList<>();
        for (Exchange exchange : mock.getReceivedExchanges()) {
            List<Object> body = exchange.getMessage().getBody(List.class);
            List<Map<String, Object>> headers = exchange.getMessage().getHeader(SfStreamConstants.BATCH_HEADERS, List.class);
            assertThat(body).hasSizeBetween(1, 10).hasSameSizeAs(headers);
            assertThat(body.get(0)).isInstanceOf(Map.class);
            headers.forEach(h -> delivered.add((Long) h.get(SfStreamConstants.REPLAY_ID)));
            assertThat(headers.get(0)).containsKeys(SfStreamConstants.CHANGE_TYPE, SfStreamConstants.ENTITY_NAME);
            // the exchange's own headers are those of the batch's last event
            assertThat(exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID))
                    .isEqualTo(headers.get(headers.size() - 1).get(SfStreamConstants.REPLAY_ID));
        }
        assertThat(delivered).containsExactlyElementsOf(published);
        assertThat(mock.getReceivedExchanges()).hasSizeLessThan(35);
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> Long.valueOf(published.get(34)).equals(storedReplayId(markers, channel)));
    }
}
