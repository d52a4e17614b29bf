package io.sfstream.camel.internal.delivery;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.sfstream.camel.replay.ReplayMarker;

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
 * <li>{@code sfstream.events.redelivered}: events received again after a restart of the consumer (never committed, so
 * Salesforce sends them again). On the Streaming API an event at or before the newest replayId received before that
 * start. On the Pub/Sub API, whose positions are opaque and cannot be ordered, an event whose position equals one of
 * the last {@value #PUBSUB_WINDOW} Pub/Sub positions received before that start: redeliveries older than that window
 * are not counted;</li>
 * <li>{@code sfstream.lag} (gauge): events received and not yet committed.</li>
 * </ul>
 * Received, committed and lag count events by their arrival number since the start ({@link ConsumerMetrics#received}),
 * the order the delivery core commits in, so they work alike for decimal replayIds and opaque Pub/Sub positions.
 * <p>
 * A restarted route may get a new consumer: the consumers of one route and channel share one instance per registry
 * (counted by {@link #create} and {@link #close}), so counters, lag and the redelivery high-water mark go on; the
 * meters are removed when the last of them is shut down.
 */
final class MicrometerConsumerMetrics implements ConsumerMetrics {

    /** How many Pub/Sub positions received before a restart are remembered to tell a redelivery. */
    static final int PUBSUB_WINDOW = 1024;

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
    /** Arrival number of the newest event received since the start; guarded by this. */
    private long receivedUpTo;
    /** Arrival number of the newest event the marker moved past since the start; guarded by this. */
    private long committedUpTo;
    /** Newest replayId received before the current start: what comes again up to it is a redelivery. */
    private long redeliveredUpTo = Long.MIN_VALUE;
    private long newestReceived = Long.MIN_VALUE;
    /** The last Pub/Sub positions received, across starts, as a ring; null until the first. Guarded by this. */
    private String[] recentPositions;
    private int nextRecent;
    /** The Pub/Sub positions of {@link #recentPositions} at the current start: one received again is a redelivery. */
    private Set<String> redeliverable = Set.of();

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
        return Math.max(0, receivedUpTo - committedUpTo);
    }

    @Override
    public synchronized void started() {
        // events received and never committed are dropped with the consumer's queue: they come again, and the
        // dispatcher numbers the events of the new start from 1
        receivedUpTo = 0;
        committedUpTo = 0;
        redeliveredUpTo = Math.max(redeliveredUpTo, newestReceived);
        if (recentPositions != null) {
            Set<String> window = new HashSet<>(recentPositions.length * 2);
            for (String position : recentPositions) {
                if (position != null) {
                    window.add(position);
                }
            }
            redeliverable = window;
        }
    }

    @Override
    public void received(long sequence, String position) {
        received.increment();
        boolean again;
        synchronized (this) {
            receivedUpTo = Math.max(receivedUpTo, sequence);
            again = position != null && receivedAgain(position);
        }
        if (again) {
            redelivered.increment();
        }
    }

    /** Whether an event at this position counts as a redelivery; remembers the position. Holds the lock. */
    private boolean receivedAgain(String position) {
        // a replayId of up to 18 digits fits a long: parsed without any exception; longer text is compared as text
        if (ReplayMarker.isReplayId(position) && position.length() <= 18) {
            long replayId = Long.parseLong(position);
            newestReceived = Math.max(newestReceived, replayId);
            return replayId <= redeliveredUpTo;
        }
        // an opaque Pub/Sub position: no order, only equality with one seen before the start
        if (recentPositions == null) {
            recentPositions = new String[PUBSUB_WINDOW];
        }
        recentPositions[nextRecent] = position;
        nextRecent = (nextRecent + 1) % PUBSUB_WINDOW;
        return !redeliverable.isEmpty() && redeliverable.contains(position);
    }

    @Override
    public void committed(long sequence) {
        long done;
        synchronized (this) {
            // never past what was received (a commit of the server's newest position counts what came, no more)
            long upTo = Math.min(sequence, receivedUpTo);
            done = upTo - committedUpTo;
            if (done > 0) {
                committedUpTo = upTo;
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
