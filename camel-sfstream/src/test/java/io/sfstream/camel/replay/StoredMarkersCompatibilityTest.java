package io.sfstream.camel.replay;

import io.sfstream.camel.WorkerStrategy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Markers written by the release before the restructuring (files under {@code stored-markers-0.1/}, made by that
 * release's own stores) are read by every store of today's code: plain replayIds, dated markers, leases.
 */
class StoredMarkersCompatibilityTest {

    private static final String DIR = "/stored-markers-0.1/";
    private static final Instant LEASE_END = Instant.parse("2026-11-21T18:05:00Z");

    @TempDir
    Path dir;

    @Test
    void fileStoreReadsTheFileOfTheLastRelease() throws IOException {
        Path file = dir.resolve("markers.txt");
        try (InputStream in = getClass().getResourceAsStream(DIR + "markers.txt")) {
            Files.copy(in, file);
        }
        FileReplayMarkerStore store = new FileReplayMarkerStore(file);
        store.start();
        try {
            assertReadsEveryMarker(store);
            assertThat(store.read("#odd=key\\name")).contains(ReplayMarker.of(42));
        } finally {
            store.stop();
        }
    }

    @Test
    void mapStoreReadsTheValuesOfTheLastRelease() throws IOException {
        assertReadsEveryMarker(new MapReplayMarkerStore(new ConcurrentHashMap<>(values())));
    }

    @Test
    void stateRepositoryStoreReadsTheValuesOfTheLastRelease() throws IOException {
        // a StateRepository store holds no leases (it is not atomic): it only ever wrote the lease-free values
        MemoryStateRepository repository = new MemoryStateRepository();
        values().forEach((key, value) -> {
            if (!value.contains(";lease=")) {
                repository.setState(key, value);
            }
        });
        assertReadsEveryMarker(new StateRepositoryReplayMarkerStore(repository));
    }

    private static void assertReadsEveryMarker(ReplayMarkerStore store) {
        assertThat(store.read("/topic/Orders")).contains(ReplayMarker.of(104853));
        assertThat(store.read("/topic/Orders").orElseThrow().format()).isEqualTo("104853");
        assertThat(store.read("/event/Order__e"))
                .contains(new ReplayMarker(7, Instant.parse("2026-11-21T18:02:11.208Z")));
        if (store.isAtomic()) {
            SubscriptionLease lease = new SubscriptionLease("host-1:4711", 3, WorkerStrategy.WAIT_FOR_FREE, LEASE_END);
            assertThat(store.readRecord("/data/AccountChangeEvent")).contains(
                    new SubscriptionRecord(new ReplayMarker(9001, Instant.parse("2026-11-21T18:03:00.5Z")), lease));
            assertThat(store.readRecord("/topic/LeaseOnly")).contains(new SubscriptionRecord(null, lease));
        }
    }

    private Map<String, String> values() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        try (InputStream in = getClass().getResourceAsStream(DIR + "map-values.properties")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int at = line.indexOf('=');
                if (at > 0) {
                    values.put(line.substring(0, at), line.substring(at + 1));
                }
            }
        }
        return values;
    }
}
