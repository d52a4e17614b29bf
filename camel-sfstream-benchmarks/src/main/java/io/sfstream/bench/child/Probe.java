package io.sfstream.bench.child;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What every consumer variant calls once per event, from whatever thread delivers it: counts distinct replayIds (a
 * client that hands an event twice must not finish early), notes the first event, records publish-to-route latency
 * when asked, and stands for the route's work (a sleep in the memory run).
 */
public final class Probe {

    private final long expected;
    private final boolean recordLatency;
    private final long workMillis;
    private final CountDownLatch done = new CountDownLatch(1);

    // guarded by this
    private final BitSet seen = new BitSet();
    /** Replay ids that are not numbers (the Pub/Sub API's opaque bytes, or their base64 text). */
    private final java.util.Set<Object> seenOpaque = new java.util.HashSet<>();
    private long distinct;
    private long[] latencies;

    private volatile long startNanos;
    private volatile long startCpuNanos;
    private volatile long firstEventEpochMillis;
    private volatile long doneNanos;
    private volatile long doneCpuNanos;

    /**
     * Whether opaque replay ids are remembered to count each once. Not in the memory run: there the backlog is never
     * drained (so nothing can finish early), and a set of every id handed over (about 130 bytes each) would grow the
     * heap this run measures by some 1.7 MB over its 13,000 events, in every Pub/Sub variant alike.
     */
    private final boolean rememberOpaqueIds;

    Probe(long expected, boolean recordLatency, long workMillis) {
        this(expected, recordLatency, workMillis, true);
    }

    Probe(long expected, boolean recordLatency, long workMillis, boolean rememberOpaqueIds) {
        this.rememberOpaqueIds = rememberOpaqueIds;
        this.expected = expected;
        this.recordLatency = recordLatency;
        this.workMillis = workMillis;
        this.latencies = recordLatency ? new long[(int) Math.min(expected, 1_000_000)] : new long[0];
    }

    /** Whether the variant must extract each event's CreatedDate (only the latency run needs it). */
    public boolean wantsCreatedDate() {
        return recordLatency;
    }

    /** Marks the instant the consumer is started: the drain is timed from here. */
    void started() {
        startCpuNanos = processCpuNanos();
        startNanos = System.nanoTime();
    }

    /**
     * One event reached the route.
     *
     * @param createdEpochMillis the event's CreatedDate, or 0 when {@link #wantsCreatedDate()} is false
     */
    public void event(long replayId, long createdEpochMillis) {
        event(replayId, null, createdEpochMillis);
    }

    /**
     * One event with an opaque replay id reached the route (the Pub/Sub API's): counted once per distinct id.
     *
     * @param replayId anything with value equality: the id's bytes or its base64 text
     */
    public void opaqueEvent(Object replayId, long createdEpochMillis) {
        event(-1, java.util.Objects.requireNonNull(replayId, "replayId"), createdEpochMillis);
    }

    private void event(long replayId, Object opaqueReplayId, long createdEpochMillis) {
        long now = System.currentTimeMillis();
        boolean last = false;
        synchronized (this) {
            if (opaqueReplayId != null) {
                if (rememberOpaqueIds && !seenOpaque.add(opaqueReplayId)) {
                    return;
                }
            } else if (replayId < 0 || replayId > Integer.MAX_VALUE || seen.get((int) replayId)) {
                return;
            } else {
                seen.set((int) replayId);
            }
            if (distinct == 0) {
                firstEventEpochMillis = now;
            }
            if (recordLatency && distinct < latencies.length) {
                latencies[(int) distinct] = now - createdEpochMillis;
            }
            distinct++;
            last = distinct == expected;
        }
        if (last) {
            doneNanos = System.nanoTime();
            doneCpuNanos = processCpuNanos();
            done.countDown();
        }
        if (workMillis > 0) {
            try {
                Thread.sleep(workMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    synchronized long processed() {
        return distinct;
    }

    boolean await(long timeoutMillis) throws InterruptedException {
        return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The line the orchestrator parses. */
    synchronized String resultLine() {
        StringBuilder line = new StringBuilder("BENCH result");
        line.append(" count=").append(distinct);
        line.append(" elapsedMs=").append(String.format(java.util.Locale.ROOT, "%.3f", (doneNanos - startNanos) / 1e6));
        line.append(" drainCpuMs=").append(String.format(java.util.Locale.ROOT, "%.3f", (doneCpuNanos - startCpuNanos) / 1e6));
        line.append(" firstEventEpochMs=").append(firstEventEpochMillis);
        line.append(" jvmStartEpochMs=").append(ManagementFactory.getRuntimeMXBean().getStartTime());
        if (recordLatency) {
            long[] sorted = Arrays.copyOf(latencies, (int) Math.min(distinct, latencies.length));
            Arrays.sort(sorted);
            line.append(" p50Ms=").append(percentile(sorted, 50));
            line.append(" p99Ms=").append(percentile(sorted, 99));
            line.append(" maxMs=").append(sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
        }
        return line.toString();
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
