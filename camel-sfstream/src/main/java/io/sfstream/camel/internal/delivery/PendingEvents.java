package io.sfstream.camel.internal.delivery;

import io.sfstream.camel.internal.transport.EventData;
import io.sfstream.camel.internal.transport.StreamEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The events of one endpoint taken from the session and not yet completed by the route (the prefetch of
 * {@code maxPendingCount}): queued ones wait here for the dispatcher thread, in flight ones are counted until their
 * exchange finishes. The session thread adds, the dispatcher takes batches, exchange-completion threads release.
 * <p>
 * Full at {@code maxPendingCount}; once full, it reports that the session may fetch again only when half of the bound
 * is free, so the session does not wake for every single completion. Suspended, it reports full and hands out nothing.
 */
final class PendingEvents {

    /** Put on the queue to end the dispatcher after the exchange it is running. */
    private static final StreamEvent STOP = new StreamEvent(null, null, null, EventData.ofJson(new byte[0]));

    private final int maxPendingCount;
    private final int maxBatchSize;
    private final Duration batchTimeout;
    private final BlockingQueue<StreamEvent> queue = new LinkedBlockingQueue<>();
    /** Queued plus in flight. */
    private final AtomicInteger pending = new AtomicInteger();
    private final Object resumed = new Object();
    // volatile: set by the session thread when full, cleared by the thread that released enough
    private volatile boolean full;
    // volatile: set by the route controller's thread, read by the session and dispatcher threads
    private volatile boolean suspended;
    // volatile: set by Camel's shutdown thread, read by the dispatcher
    private volatile boolean draining;

    PendingEvents(int maxPendingCount, int maxBatchSize, Duration batchTimeout) {
        this.maxPendingCount = maxPendingCount;
        this.maxBatchSize = maxBatchSize;
        this.batchTimeout = batchTimeout;
    }

    /** Empties everything for a new start. */
    void reset() {
        queue.clear();
        pending.set(0);
        full = false;
        suspended = false;
        draining = false;
    }

    void add(StreamEvent event) {
        pending.incrementAndGet();
        queue.add(event);
    }

    /** Queued plus in flight. */
    int size() {
        return pending.get();
    }

    /**
     * How many more events may be asked for: the free part of the bound once at least half of it is free, else 0 (and
     * 0 while suspended). Reading 0 arms the release that reports half the bound free again, as {@link #isFull()} does.
     * Never a sliver: a transport that asks for what is free would otherwise ask for an event or two at a time while the
     * route keeps up, and every such request costs the server a response and both sides a round trip.
     */
    int room() {
        if (suspended) {
            return 0;
        }
        if (pending.get() <= maxPendingCount / 2) {
            return maxPendingCount - pending.get();
        }
        full = true;
        // the route may have drained between the check and the flag: never wait for a release that already happened
        int now = pending.get();
        if (now <= maxPendingCount / 2) {
            full = false;
            return maxPendingCount - now;
        }
        return 0;
    }

    boolean isDraining() {
        return draining;
    }

    /** Whether the session must hold its next fetch back for this endpoint. */
    boolean isFull() {
        if (suspended) {
            return true;
        }
        if (pending.get() < maxPendingCount) {
            return false;
        }
        full = true;
        // the route may have drained between the check and the flag: never wait for a release that already happened
        if (pending.get() <= maxPendingCount / 2) {
            full = false;
            return false;
        }
        return true;
    }

    /**
     * The events are done (completed, failed or dropped unstarted).
     *
     * @return true when this release made a full endpoint half empty: the session may fetch again
     */
    boolean release(int events) {
        int now = pending.addAndGet(-events);
        if (full && now <= maxPendingCount / 2) {
            full = false;
            return true;
        }
        return false;
    }

    /**
     * The next event, or up to maxBatchSize events gathered within batchTimeout, once not suspended; null when
     * stopping. Blocks the dispatcher thread.
     */
    List<StreamEvent> nextBatch() throws InterruptedException {
        StreamEvent first = queue.take();
        if (first == STOP) {
            return null;
        }
        List<StreamEvent> batch = new ArrayList<>(Math.min(maxBatchSize, 64));
        batch.add(first);
        long deadline = System.nanoTime() + batchTimeout.toNanos();
        while (batch.size() < maxBatchSize) {
            long left = deadline - System.nanoTime();
            StreamEvent next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            if (next == STOP) {
                queue.add(STOP);
                break;
            }
            batch.add(next);
        }
        synchronized (resumed) {
            while (suspended && !draining) {
                resumed.wait(1000);
            }
        }
        return batch;
    }

    /** The exchange in flight finishes, queued events wait, and the session is told the endpoint is full. */
    void suspend() {
        suspended = true;
    }

    void resume() {
        synchronized (resumed) {
            suspended = false;
            resumed.notifyAll();
        }
    }

    /** Graceful shutdown: nothing new starts; queued events are dropped (never started, so never committed). */
    void drain() {
        draining = true;
        int dropped = 0;
        while (queue.poll() != null) {
            dropped++;
        }
        pending.addAndGet(-dropped);
    }

    /** Ends the dispatcher after its current exchange; queued events are dropped (they come again next start). */
    void stop() {
        resume();
        queue.clear();
        queue.add(STOP);
    }
}
