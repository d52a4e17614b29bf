package io.sfstream.camel.replay;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.support.service.ServiceSupport;

/**
 * Keeps replay markers in a {@link ConcurrentHashMap}: they live as long as this store object. This is the default
 * when no {@code replayStore} is configured: the component owns one instance, so markers survive route restarts for
 * as long as the CamelContext lives, but not a JVM restart. Atomic, so routes of one CamelContext on one subscription
 * coordinate through worker strategies.
 */
public final class InMemoryReplayMarkerStore extends ServiceSupport implements ReplayMarkerStore {

    private final Map<String, SubscriptionRecord> records = new ConcurrentHashMap<>();

    @Override
    public Optional<ReplayMarker> read(String key) {
        return readRecord(key).map(SubscriptionRecord::marker);
    }

    @Override
    public void write(String key, ReplayMarker marker) {
        Objects.requireNonNull(marker, "marker");
        // keeps a lease of the key: a plain write moves only the marker
        records.merge(Objects.requireNonNull(key, "key"), SubscriptionRecord.of(marker),
                (current, fresh) -> current.withMarker(marker));
    }

    @Override
    public void flush() {
        // nothing to do: memory is all there is, and a write is visible as soon as it returns
    }

    @Override
    public boolean isAtomic() {
        return true;
    }

    @Override
    public boolean isShared() {
        return false;
    }

    @Override
    public Optional<SubscriptionRecord> readRecord(String key) {
        return Optional.ofNullable(records.get(Objects.requireNonNull(key, "key")));
    }

    @Override
    public boolean compareAndSet(String key, SubscriptionRecord expected, SubscriptionRecord replacement) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(replacement, "replacement");
        return expected == null ? records.putIfAbsent(key, replacement) == null
                : records.replace(key, expected, replacement);
    }

    /** Every holder lives in this JVM, and a stopping consumer releases its lease: a live lease's holder is alive. */
    @Override
    public Liveness holderLiveness(String key, SubscriptionLease lease) {
        return Liveness.ALIVE;
    }

    @Override
    public String toString() {
        return "InMemoryReplayMarkerStore[" + records.size() + " markers]";
    }
}
