package io.sfstream.camel;

import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.ReplayMarkerStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With threads(4) and random processing times exchanges complete out of order; every marker written to the store is
 * checked at the moment it is written: no event at or before it may still be in flight.
 */
class OutOfOrderCompletionIT extends EmulatorTestSupport {

    /** A store that checks each commit against what the route has finished. */
    static final class CheckingStore extends ServiceSupport implements ReplayMarkerStore {
        final Map<String, ReplayMarker> markers = new ConcurrentHashMap<>();
        final Set<Long> finished = ConcurrentHashMap.newKeySet();
        final List<Long> completionOrder = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicInteger writes = new AtomicInteger();
        volatile List<Long> published = List.of();

        @Override
        public Optional<ReplayMarker> read(String key) {
            return Optional.ofNullable(markers.get(key));
        }

        @Override
        public void write(String key, ReplayMarker marker) {
            writes.incrementAndGet();
            for (Long id : published) {
                if (id <= marker.replayId() && !finished.contains(id)) {
                    violations.add("marker " + marker.replayId() + " committed while event " + id + " was in flight");
                }
            }
            markers.put(key, marker);
        }

        @Override
        public void flush() {
        }
    }

    @Test
    void markersNeverPassAnEventInFlight() throws Exception {
        String channel = "/event/" + uniqueName("OutOfOrder") + "__e";
        CheckingStore store = new CheckingStore();
        context.getRegistry().bind("checking", store);
        store.published = emulator().publish(channel, 600, 100);

        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#checking&replayCommitInterval=10ms"
                     + "&maxPendingCount=40")
                        .threads(4)
                        .process(exchange -> {
                            Thread.sleep(ThreadLocalRandom.current().nextInt(6));
                            Long id = exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class);
                            store.finished.add(id);
                            store.completionOrder.add(id);
                        });
            }
        });

        long last = store.published.get(store.published.size() - 1);
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> store.markers.containsKey(channel) && store.markers.get(channel).replayId() == last);
        assertThat(store.finished).hasSize(600);
        assertThat(store.completionOrder).as("the route really completed out of order")
                .isNotEqualTo(store.published).containsExactlyInAnyOrderElementsOf(store.published);
        assertThat(store.writes.get()).as("commits checked while exchanges were in flight").isGreaterThan(10);
        assertThat(store.violations).isEmpty();
    }
}
