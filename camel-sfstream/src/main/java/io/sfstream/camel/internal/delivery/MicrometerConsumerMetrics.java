package io.sfstream.camel.internal.delivery;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Micrometer meters of one consumer, tagged with {@code channel} and {@code routeId}. Only loaded when Micrometer is on
 * the classpath (see {@link ConsumerMetrics#create}).
 * <ul>
 * <li>{@code sfstream.events.received}: events that came from Salesforce;</li>
 * <li>{@code sfstream.events.committed}: events the replay marker moved past (the commit policy's notion of done);</li>
 * <li>{@code sfstream.events.failed}: events whose exchange failed;</li>
 * <li>{@code sfstream.events.redelivered}: events received again after a restart of the consumer, i.e. at or before
 * the newest replayId it had received before that start (never committed, so Salesforce sends them again);</li>
 * <li>{@code sfstream.lag} (gauge): events received and not yet committed.</li>
 * </ul>
 * A restarted route may get a new consumer: the consumers of one route and channel share one instance per registry
 * (counted by {@link #create} and {@link #close}), so counters, lag and the redelivery high-water mark go on; the
 * meters are removed when the last of them is shut down.
 */
final class MicrometerConsumerMetrics implements ConsumerMetrics {

    /** Instances in use, per registry and (channel, routeId); guarded by itself. */
    private static final Map<MeterRegistry, Map<List<String>, MicrometerConsumerMetrics>> SHARED = new IdentityHashMap<>();

    private final MeterRegistry registry;
    private final List<String> key;
    /** Consumers holding this instance; guarded by SHARED. */
    private int users;
    private final Counter received;
    private final Counter committed;
    private final Counter failed;
    private final Counter redelivered;
    private final List<Meter> meters;
    /** ReplayIds received and not yet committed, oldest first; guarded by this. */
    private final ArrayDeque<Long> uncommitted = new ArrayDeque<>();
    /** Newest replayId received before the current start: what comes again up to it is a redelivery. */
    private long redeliveredUpTo = Long.MIN_VALUE;
    private long newestReceived = Long.MIN_VALUE;

    private MicrometerConsumerMetrics(MeterRegistry registry, String channel, String routeId) {
        this.registry = registry;
        this.key = List.of(channel, routeId == null ? "" : routeId);
        Tags tags = Tags.of("channel", channel, "routeId", routeId == null ? "" : routeId);
        received = Counter.builder("sfstream.events.received").tags(tags)
                .description("Events received from Salesforce").register(registry);
        committed = Counter.builder("sfstream.events.committed").tags(tags)
                .description("Events the replay marker advanced past").register(registry);
        failed = Counter.builder("sfstream.events.failed").tags(tags)
                .description("Events whose exchange failed").register(registry);
        redelivered = Counter.builder("sfstream.events.redelivered").tags(tags)
                .description("Events received again after a restart (received before, never committed)").register(registry);
        Gauge lag = Gauge.builder("sfstream.lag", this, MicrometerConsumerMetrics::lag).tags(tags)
                .description("Events received and not yet committed").register(registry);
        meters = List.of(received, committed, failed, redelivered, lag);
    }

    static ConsumerMetrics create(Object registry, String channel, String routeId) {
        MeterRegistry meterRegistry = (MeterRegistry) registry;
        synchronized (SHARED) {
            MicrometerConsumerMetrics metrics = SHARED.computeIfAbsent(meterRegistry, r -> new HashMap<>())
                    .computeIfAbsent(List.of(channel, routeId == null ? "" : routeId),
                            k -> new MicrometerConsumerMetrics(meterRegistry, channel, routeId));
            metrics.users++;
            return metrics;
        }
    }

    synchronized double lag() {
        return uncommitted.size();
    }

    @Override
    public synchronized void started() {
        // events received and never committed are dropped with the consumer's queue: they come again
        uncommitted.clear();
        redeliveredUpTo = Math.max(redeliveredUpTo, newestReceived);
    }

    @Override
    public void received(long replayId) {
        received.increment();
        boolean again;
        synchronized (this) {
            again = replayId <= redeliveredUpTo;
            newestReceived = Math.max(newestReceived, replayId);
            uncommitted.addLast(replayId);
        }
        if (again) {
            redelivered.increment();
        }
    }

    @Override
    public void committed(long replayId) {
        int done = 0;
        synchronized (this) {
            while (!uncommitted.isEmpty() && uncommitted.peekFirst() <= replayId) {
                uncommitted.pollFirst();
                done++;
            }
        }
        if (done > 0) {
            committed.increment(done);
        }
    }

    @Override
    public void failed(int events) {
        failed.increment(events);
    }

    @Override
    public void close() {
        synchronized (SHARED) {
            if (--users > 0) {
                return;
            }
            Map<List<String>, MicrometerConsumerMetrics> ofRegistry = SHARED.get(registry);
            if (ofRegistry != null && ofRegistry.get(key) == this) {
                ofRegistry.remove(key);
                if (ofRegistry.isEmpty()) {
                    SHARED.remove(registry);
                }
            }
        }
        meters.forEach(registry::remove);
    }
}
