package io.sfstream.camel;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.camel.support.service.ServiceSupport;

/**
 * Adapts any {@code Map<String,String>} (a plain map, a {@code ConcurrentMap}, Hazelcast's {@code IMap}, ...) as a
 * replay marker store. Values are kept in {@link ReplayMarker}'s text form, so other tools can read and seed them.
 * <p>
 * Write-through: every {@link #write} is a {@code put}, so the marker is as durable as the map makes it, and
 * {@link #flush()} has nothing to do. Thread safety is the map's: pass a concurrent map when several consumers share
 * the store.
 */
public final class MapReplayMarkerStore extends ServiceSupport implements ReplayMarkerStore {

    private final Map<String, String> map;

    public MapReplayMarkerStore(Map<String, String> map) {
        this.map = Objects.requireNonNull(map, "map");
    }

    /**
     * @throws IllegalArgumentException naming the key when the stored value is not a marker (or not a String): a
     *                                  corrupt value must stop the subscription, not restart it from the default
     */
    @Override
    public Optional<ReplayMarker> read(String key) {
        Objects.requireNonNull(key, "key");
        // read as Object: the map may come from an unchecked cast (a bean in the registry), and a foreign value type
        // deserves a message naming the key rather than a bare ClassCastException
        Object value = ((Map<?, ?>) map).get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("Invalid replay marker stored for " + key + ": expected a String but was "
                                               + value.getClass().getName());
        }
        return Optional.of(ReplayMarker.parse(key, text));
    }

    @Override
    public void write(String key, ReplayMarker marker) {
        map.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(marker, "marker").format());
    }

    @Override
    public void flush() {
        // write-through: put() already handed the value to the map
    }

    @Override
    public String toString() {
        return "MapReplayMarkerStore[" + map.getClass().getName() + "]";
    }
}
