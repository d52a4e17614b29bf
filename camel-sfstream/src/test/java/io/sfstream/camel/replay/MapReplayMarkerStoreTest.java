package io.sfstream.camel.replay;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MapReplayMarkerStoreTest {

    @Test
    void writesThroughInTheMarkerTextFormat() {
        Map<String, String> map = new HashMap<>();
        MapReplayMarkerStore store = new MapReplayMarkerStore(map);

        store.write("/topic/Orders", new ReplayMarker(5, Instant.parse("2026-11-21T18:02:11.208Z")));

        // no flush: the value must already be in the map
        assertThat(map).containsEntry("/topic/Orders", "5|2026-11-21T18:02:11.208Z");
        assertThat(store.isWriteThrough()).isTrue();
    }

    @Test
    void readsBackWhatItWrote() {
        MapReplayMarkerStore store = new MapReplayMarkerStore(new ConcurrentHashMap<>());
        ReplayMarker marker = new ReplayMarker(9, Instant.parse("2026-01-01T00:00:00Z"));

        store.write("sub", marker);

        assertThat(store.read("sub")).contains(marker);
        assertThat(store.read("other")).isEmpty();
    }

    @Test
    void readsPlainNumbersSeededByOtherTools() {
        MapReplayMarkerStore store = new MapReplayMarkerStore(new HashMap<>(Map.of("/data/AccountChangeEvent", "77")));

        assertThat(store.read("/data/AccountChangeEvent")).contains(ReplayMarker.of(77));
    }

    @Test
    void corruptValueFailsNamingTheKey() {
        MapReplayMarkerStore store = new MapReplayMarkerStore(new HashMap<>(Map.of("/topic/Bad", "not-a-number")));

        assertThatThrownBy(() -> store.read("/topic/Bad"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/topic/Bad");
    }

    @Test
    @SuppressWarnings({ "unchecked", "rawtypes" })
    void nonStringValueFailsNamingTheKey() {
        Map raw = new HashMap();
        raw.put("/topic/Typed", 42L);
        MapReplayMarkerStore store = new MapReplayMarkerStore(raw);

        assertThatThrownBy(() -> store.read("/topic/Typed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/topic/Typed")
                .hasMessageContaining("java.lang.Long");
    }
}
