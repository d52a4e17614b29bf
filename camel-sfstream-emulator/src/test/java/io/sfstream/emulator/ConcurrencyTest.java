package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    @Test
    void concurrentPublishersAndSeveralConsumersSeeEveryEventOnceInOrder() throws Exception {
        try (SalesforceEmulator sf = SalesforceEmulator.builder().connectHold(Duration.ofMillis(200))
            .maxEventsPerResponse(7).build().start()) {
            List<Long> early = sf.publish("/event/Busy__e", 100, 50);
            List<BayeuxTestClient> consumers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                BayeuxTestClient c = new BayeuxTestClient(sf).open();
                c.subscribe("/event/Busy__e", -2);
                consumers.add(c);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> publishers = new ArrayList<>();
                for (int p = 0; p < 3; p++) {
                    publishers.add(pool.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            sf.publish("/event/Busy__e", 2, 50);
                        }
                        return null;
                    }));
                }
                List<Future<List<JsonNode>>> received = new ArrayList<>();
                for (BayeuxTestClient c : consumers) {
                    received.add(pool.submit(() -> c.collect(400, Duration.ofSeconds(30))));
                }
                for (Future<?> f : publishers) {
                    f.get();
                }
                List<Long> all = sf.replayIds("/event/Busy__e");
                assertThat(all).hasSize(400).startsWith(early.toArray(new Long[0]));
                for (Future<List<JsonNode>> f : received) {
                    List<Long> ids = f.get().stream().map(BayeuxTestClient::replayId).toList();
                    assertThat(ids).containsExactlyElementsOf(all);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
