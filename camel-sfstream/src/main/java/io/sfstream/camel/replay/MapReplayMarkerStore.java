package io.sfstream.camel.replay;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;

import org.apache.camel.support.service.ServiceSupport;

/**
 * Adapts any {@code Map<String,String>} (a plain map, a {@code ConcurrentMap}, Hazelcast's {@code IMap}, ...) as a
 * replay marker store. Values are kept in {@link ReplayMarker}'s text form, so other tools can read and seed them.
 * <p>
 * Write-through: every {@link #write} is a {@code put}, so the marker is as durable as the map makes it, and
 * {@link #flush()} has nothing to do. Thread safety is the map's: pass a concurrent map when several consumers share
 * the store.
 * <p>
 * Atomic when the map is a {@link ConcurrentMap}: {@link #compareAndSet} is {@code putIfAbsent} or
 * {@code replace(key, old, new)} on the stored text, which Hazelcast's {@code IMap} and other data grids carry out
 * atomically across their cluster. With a lease the value is a {@link SubscriptionRecord}'s text (the marker followed
 * by {@code ;lease=...}).
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
        return readRecord(key).map(SubscriptionRecord::marker);
    }

    @Override
    public void write(String key, ReplayMarker marker) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(marker, "marker");
        if (!(map instanceof ConcurrentMap<String, String> concurrent)) {
            map.put(key, marker.format());
            return;
        }
        // keeps a lease of the key: a plain write moves only the marker
        while (true) {
            String current = concurrent.get(key);
            if (current == null) {
                if (concurrent.putIfAbsent(key, marker.format()) == null) {
                    return;
                }
            } else if (concurrent.replace(key, current,
                    SubscriptionRecord.parse(key, current).withMarker(marker).format())) {
                return;
            }
        }
    }

    @Override
    public boolean isAtomic() {
        return map instanceof ConcurrentMap;
    }

    @Override
    public Optional<SubscriptionRecord> readRecord(String key) {
        Objects.requireNonNull(key, "key");
        return Optional.ofNullable(text(key)).map(text -> SubscriptionRecord.parse(key, text));
    }

    @Override
    public boolean compareAndSet(String key, SubscriptionRecord expected, SubscriptionRecord replacement) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(replacement, "replacement");
        if (!(map instanceof ConcurrentMap<String, String> concurrent)) {
            return ReplayMarkerStore.super.compareAndSet(key, expected, replacement);
        }
        if (expected == null) {
            return concurrent.putIfAbsent(key, replacement.format()) == null;
        }
        // compare the parsed record, replace the exact text read: text written by another tool (another date
        // notation, spaces) still compares by meaning, and replace() fails if anyone changed it since
        String current = text(key);
        return current != null && SubscriptionRecord.parse(key, current).equals(expected)
               && concurrent.replace(key, current, replacement.format());
    }

    /**
     * The stored text, read as Object: the map may come from an unchecked cast (a bean in the registry), and a foreign
     * value type deserves a message naming the key rather than a bare ClassCastException.
     */
    private String text(String key) {
        Object value = ((Map<?, ?>) map).get(key);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("Invalid replay marker stored for " + key + ": expected a String but was "
                                               + value.getClass().getName());
        }
        return (String) value;
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
