package io.sfstream.camel;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.support.service.ServiceSupport;

/**
 * Keeps replay markers in a {@link ConcurrentHashMap}: they live as long as this store object. This is the default
 * when no {@code replayStore} is configured: the component owns one instance, so markers survive route restarts for
 * as long as the CamelContext lives, but not a JVM restart.
 */
public final class InMemoryReplayMarkerStore extends ServiceSupport implements ReplayMarkerStore {

    private final Map<String, ReplayMarker> markers = new ConcurrentHashMap<>();

    @Override
    public Optional<ReplayMarker> read(String key) {
        return Optional.ofNullable(markers.get(Objects.requireNonNull(key, "key")));
    }

    @Override
    public void write(String key, ReplayMarker marker) {
        markers.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(marker, "marker"));
    }

    @Override
    public void flush() {
        // nothing to do: memory is all there is, and a write is visible as soon as it returns
    }

    @Override
    public String toString() {
        return "InMemoryReplayMarkerStore[" + markers.size() + " markers]";
    }
}
