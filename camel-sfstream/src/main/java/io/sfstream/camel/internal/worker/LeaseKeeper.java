package io.sfstream.camel.internal.worker;

import io.sfstream.camel.SubscriptionInUseException;
import io.sfstream.camel.WorkerStrategy;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.ReplayMarkerStore;
import io.sfstream.camel.replay.SubscriptionLease;
import io.sfstream.camel.replay.SubscriptionRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's lease on one subscription, kept in an {@linkplain ReplayMarkerStore#isAtomic() atomic} store: acquired
 * by compare-and-set, renewed every third of the lease duration, released on stop, and checked by every marker commit
 * (the fence). Everything is done with the store's two atomic operations, so every atomic store gets the same protocol.
 * <p>
 * States: IDLE, then HOLDING (acquired) or STANDBY (WAIT_FOR_FREE waiting for the holder to leave), then LOST (another
 * worker took the subscription, or the lease could not be renewed before it expired) or RELEASED (stopped). Every
 * transition goes through {@link #transition} under one monitor, which also serializes store operations of this
 * worker, so its own renewals and commits never race each other.
 * <p>
 * Safety does not depend on clocks: a commit succeeds only while the stored lease is this worker's tenure (worker id
 * and epoch), and every acquisition increments the epoch. Clocks decide only liveness (when a standby may take over).
 */
public final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    /** Bounds compare-and-set retries when other workers change the record at the same moment. */
    private static final int MAX_ATTEMPTS = 16;

    public enum State {
        IDLE,
        STANDBY,
        HOLDING,
        LOST,
        RELEASED
    }

    /** Called outside the keeper's monitor: on its scheduler thread, or on a thread whose commit was fenced out. */
    public interface Listener {
        /** A WAIT_FOR_FREE worker got the lease: start consuming. */
        void acquired(SubscriptionLease lease);

        /** The lease is gone: stop consuming; the new holder (if known) continues from the stored marker. */
        void lost(SubscriptionInUseException cause);
    }

    private final String key;
    private final String workerId;
    private final WorkerStrategy strategy;
    private final Duration leaseDuration;
    private final ReplayMarkerStore store;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Listener listener;
    private final Object monitor = new Object();

    // all guarded by monitor
    private State state = State.IDLE;
    private SubscriptionLease held;
    /** The holder seen last (for monitoring and messages), maybe this worker. */
    private SubscriptionLease lastSeen;
    /** What the store could prove about {@link #lastSeen}'s process when it was read. */
    private ReplayMarkerStore.Liveness lastSeenLiveness = ReplayMarkerStore.Liveness.UNKNOWN;
    /**
     * OPEN_IF_FREE on a store that cannot prove a holder dead: the holder found at start, whose lease decides. Renewed:
     * the holder lives and this worker refuses to start; expired unrenewed: this worker takes over. Null otherwise.
     */
    private SubscriptionLease unproven;
    /** Ties this worker's tenure to its process on stores that can prove a holder dead; closed when the lease ends. */
    private ReplayMarkerStore.Tenure tenure;
    private ScheduledFuture<?> task;
    /**
     * Until when the held lease runs, or null when not holding: lets {@link #mayProcess()}, called for every event,
     * answer without the monitor, which a commit holds during store I/O. Written under the monitor.
     */
    private volatile Instant liveUntil;

    public LeaseKeeper(String key, String workerId, WorkerStrategy strategy, Duration leaseDuration, ReplayMarkerStore store,
                Clock clock, ScheduledExecutorService scheduler, Listener listener) {
        if (!store.isAtomic()) {
            throw new IllegalArgumentException(store + " has no atomic compare-and-set for leases");
        }
        if (strategy == WorkerStrategy.CONCURRENT) {
            throw new IllegalArgumentException("strategy=CONCURRENT is not supported");
        }
        if (leaseDuration.toMillis() < 300) {
            throw new IllegalArgumentException("leaseDuration must be at least 300ms, was " + leaseDuration);
        }
        this.key = Objects.requireNonNull(key, "key");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.strategy = strategy;
        this.leaseDuration = leaseDuration;
        this.store = store;
        this.clock = clock;
        this.scheduler = scheduler;
        this.listener = listener;
    }

    /**
     * Takes the lease as the strategy says.
     *
     * @return true when this worker holds the lease now; false when it stands by (WAIT_FOR_FREE), in which case
     *         {@link Listener#acquired} follows once the subscription is free
     * @throws SubscriptionInUseException OPEN_IF_FREE or TAKE_OVER could not take it
     */
    public boolean start() {
        synchronized (monitor) {
            if (state != State.IDLE) {
                throw new IllegalStateException("Lease of " + key + " already started (" + state + ")");
            }
            SubscriptionLease lease = tryAcquire();
            if (lease != null) {
                hold(lease);
                return true;
            }
            if (strategy == WorkerStrategy.OPEN_IF_FREE && lastSeenLiveness == ReplayMarkerStore.Liveness.UNKNOWN) {
                // a holder this store cannot prove alive may be this instance's own dead predecessor: never fail the
                // application's start for it; its lease decides, within one lease duration
                unproven = lastSeen;
                log("Worker {} waits for subscription {}: it is held by {}, which {} cannot prove alive or dead;"
                         + " this worker takes over if that lease expires unrenewed, and refuses to start if it is"
                         + " renewed", workerId, key, describe(lastSeen), store);
            } else if (strategy != WorkerStrategy.WAIT_FOR_FREE) {
                throw inUse("cannot start");
            }
            transition(State.STANDBY, "held by " + describe(lastSeen));
            task = scheduler.scheduleWithFixedDelay(this::pollWhileStandingBy, standbyPoll().toMillis(),
                    standbyPoll().toMillis(), TimeUnit.MILLISECONDS);
            return false;
        }
    }

    /**
     * Writes the marker if this worker still holds the lease, atomically with that check; durable on return.
     *
     * @return false when fenced out: the lease is another worker's now (the listener hears {@link Listener#lost})
     */
    public boolean commit(ReplayMarker marker) {
        SubscriptionInUseException lost;
        synchronized (monitor) {
            if (state != State.HOLDING) {
                return false;
            }
            if (updateHeld(record -> record.withMarker(marker)) == Update.DONE) {
                return true;
            }
            lost = lose("its marker commit " + marker.position() + " was refused");
        }
        notifyLost(lost);
        return false;
    }

    /**
     * Whether this worker may start processing an event now: it holds the lease and its own clock says the lease runs.
     * After a pause past the lease (a long GC, SIGSTOP) it renews first: a renewal that succeeds means nobody took over
     * meanwhile; one that fails ends the lease (the listener hears {@link Listener#lost}) and the answer is false.
     */
    public boolean mayProcess() {
        Instant until = liveUntil;
        if (until != null && clock.instant().isBefore(until)) {
            return true;
        }
        synchronized (monitor) {
            if (state != State.HOLDING) {
                return false;
            }
            if (held.isLive(clock.instant())) {
                return true;
            }
        }
        renew();
        synchronized (monitor) {
            return state == State.HOLDING && held.isLive(clock.instant());
        }
    }

    /** Ends the lease so another worker can take over at once; idempotent. */
    public void release() {
        synchronized (monitor) {
            cancelTask();
            if (state == State.HOLDING) {
                try {
                    // NOT_OURS: someone else holds it already, nothing of ours to release
                    updateHeld(record -> record.withLease(record.lease().until(clock.instant())));
                } catch (RuntimeException e) {
                    // the lease then simply expires
                    LOG.warn("Cannot release the lease of {} for worker {}: {}", key, workerId, e.getMessage());
                }
            }
            if (state != State.RELEASED) {
                transition(State.RELEASED, "stopped");
            }
        }
    }

    public State state() {
        synchronized (monitor) {
            return state;
        }
    }

    /**
     * The lease this OPEN_IF_FREE worker waits out because the store cannot prove its holder alive or dead, or null when
     * it does not wait (readiness is DOWN while it does).
     */
    public SubscriptionLease waitingOut() {
        synchronized (monitor) {
            return state == State.STANDBY ? unproven : null;
        }
    }

    /** The holder this worker saw last (itself while holding), or null. */
    public SubscriptionLease holder() {
        synchronized (monitor) {
            return state == State.HOLDING ? held : lastSeen;
        }
    }

    // ------------------------------------------------------------------ under the monitor

    /** One compare-and-set round: this worker's new lease, or null when the strategy lets the holder keep it. */
    private SubscriptionLease tryAcquire() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<SubscriptionRecord> current = store.readRecord(key);
            SubscriptionLease lease = current.map(SubscriptionRecord::lease).orElse(null);
            Instant now = clock.instant();
            lastSeen = lease;
            boolean live = lease != null && lease.isLive(now) && !lease.workerId().equals(workerId);
            lastSeenLiveness = live ? store.holderLiveness(key, lease) : ReplayMarkerStore.Liveness.UNKNOWN;
            // a live lease of this very worker id is a previous run of this worker (restarted after a crash), and a
            // holder the store proves dead (killed) is gone for good: take either at once rather than wait for expiry
            boolean free = !live || lastSeenLiveness == ReplayMarkerStore.Liveness.GONE;
            if (!free) {
                if (strategy != WorkerStrategy.TAKE_OVER) {
                    return null;
                }
                if (lease.strategy() == WorkerStrategy.TAKE_OVER) {
                    throw inUse("cannot take it over: the holder uses TAKE_OVER too");
                }
            }
            SubscriptionLease mine = new SubscriptionLease(workerId, lease == null ? 1 : lease.epoch() + 1, strategy,
                    now.plus(leaseDuration));
            SubscriptionRecord replacement = current.map(r -> r.withLease(mine))
                    .orElseGet(() -> new SubscriptionRecord(null, mine));
            // the tenure is tied to this process before its lease exists, so a written lease never looks dead
            ReplayMarkerStore.Tenure opened = store.openTenure(key, mine.epoch());
            if (opened == null) {
                // another worker is taking the same epoch right now: read again
                continue;
            }
            if (store.compareAndSet(key, current.orElse(null), replacement)) {
                tenure = opened;
                if (live) {
                    log("Worker {} took {} over from {}{}", workerId, key, describe(lease),
                            lastSeenLiveness == ReplayMarkerStore.Liveness.GONE ? ", whose process is gone" : "");
                }
                return mine;
            }
            opened.close();
        }
        throw new SubscriptionInUseException(key, null, "Worker " + workerId + " could not take the lease of " + key
                                                        + ": other workers kept changing it");
    }

    private enum Update {
        /** Replaced. */
        DONE,
        /** The stored lease is another tenure's ({@link #lastSeen} says whose): nothing changed. */
        NOT_OURS,
        /** Other writers kept changing the record: nothing changed this time. */
        CONTENDED
    }

    /** Replaces the record with {@code change} of it, atomically with the check that the stored lease is ours. */
    private Update updateHeld(UnaryOperator<SubscriptionRecord> change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<SubscriptionRecord> current = store.readRecord(key);
            SubscriptionLease lease = current.map(SubscriptionRecord::lease).orElse(null);
            if (!held.sameTenure(lease)) {
                lastSeen = lease;
                return Update.NOT_OURS;
            }
            if (store.compareAndSet(key, current.get(), change.apply(current.get()))) {
                return Update.DONE;
            }
        }
        return Update.CONTENDED;
    }

    private void hold(SubscriptionLease lease) {
        held = lease;
        lastSeen = lease;
        transition(State.HOLDING, "epoch " + lease.epoch() + ", until " + lease.expiresAt());
        cancelTask();
        long period = renewInterval().toMillis();
        task = scheduler.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    private SubscriptionInUseException lose(String why) {
        cancelTask();
        SubscriptionInUseException cause = new SubscriptionInUseException(key, lastSeen == null ? null : lastSeen.workerId(),
                "Worker " + workerId + " lost the subscription " + key + " (" + why + "); it is now held by "
                                                                            + describe(lastSeen)
                                                                            + ". The consumer stopped; restart the route to"
                                                                            + " apply strategy=" + strategy + " again");
        transition(State.LOST, why);
        return cause;
    }

    private SubscriptionInUseException inUse(String what) {
        return new SubscriptionInUseException(key, lastSeen == null ? null : lastSeen.workerId(),
                "Worker " + workerId + " (strategy " + strategy + ") " + what + ": subscription " + key + " is held by "
                                                                                  + describe(lastSeen));
    }

    private void transition(State next, String why) {
        liveUntil = next == State.HOLDING ? held.expiresAt() : null;
        if (state == State.HOLDING && next != State.HOLDING && tenure != null) {
            try {
                tenure.close();
            } catch (RuntimeException e) {
                LOG.debug("Worker {} could not close its tenure of {}: {}", workerId, key, e.getMessage());
            }
            tenure = null;
        }
        if (next != State.STANDBY) {
            unproven = null;
        }
        LOG.debug("Lease of {} for worker {}: {} -> {} ({})", key, workerId, state, next, why);
        if (next == State.HOLDING || next == State.LOST || next == State.STANDBY) {
            log("Worker {} {} subscription {} ({})", workerId,
                    next == State.HOLDING ? "holds" : next == State.LOST ? "lost" : "stands by for", key, why);
        }
        state = next;
    }

    /** INFO where other workers can share the store, DEBUG on a store only this CamelContext sees. */
    private void log(String format, Object... arguments) {
        if (store.isShared()) {
            LOG.info(format, arguments);
        } else {
            LOG.debug(format, arguments);
        }
    }

    private void cancelTask() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    // ------------------------------------------------------------------ scheduler thread

    private void renew() {
        SubscriptionInUseException lost = null;
        synchronized (monitor) {
            if (state != State.HOLDING) {
                return;
            }
            try {
                SubscriptionLease renewed = held.until(clock.instant().plus(leaseDuration));
                Update update = updateHeld(record -> record.withLease(renewed));
                if (update == Update.DONE) {
                    held = renewed;
                    lastSeen = renewed;
                    liveUntil = renewed.expiresAt();
                    return;
                }
                if (update == Update.NOT_OURS) {
                    lost = lose(lastSeen != null && lastSeen.isLive(clock.instant())
                            ? "displaced by worker " + lastSeen.workerId() : "its lease was ended by another worker");
                }
            } catch (RuntimeException e) {
                LOG.warn("Worker {} cannot renew its lease of {} (expires {}): {}", workerId, key, held.expiresAt(),
                        e.getMessage());
            }
            if (lost == null && !held.isLive(clock.instant())) {
                // the store stayed unreachable for the whole lease: another worker may hold it by now
                lost = lose("its lease expired before it could be renewed");
            }
        }
        if (lost != null) {
            notifyLost(lost);
        }
    }

    private void pollWhileStandingBy() {
        SubscriptionLease acquired;
        SubscriptionInUseException refused = null;
        synchronized (monitor) {
            if (state != State.STANDBY) {
                return;
            }
            try {
                acquired = tryAcquire();
            } catch (RuntimeException e) {
                LOG.debug("Worker {} standing by for {}: {}", workerId, key, e.getMessage());
                return;
            }
            if (acquired == null) {
                refused = refuseIfHolderLives();
                if (refused == null) {
                    return;
                }
            } else {
                hold(acquired);
            }
        }
        if (refused != null) {
            notifyLost(refused);
            return;
        }
        try {
            listener.acquired(acquired);
        } catch (RuntimeException e) {
            LOG.warn("Worker {} could not start consuming {} after taking the lease: {}", workerId, key, e.getMessage(), e);
        }
    }

    /**
     * OPEN_IF_FREE waiting out an unproven holder: once that holder renews its lease (or another live worker holds it),
     * the subscription is in use and this worker refuses to start, as it would have at once with a live holder.
     */
    private SubscriptionInUseException refuseIfHolderLives() {
        if (unproven == null || lastSeen == null) {
            return null;
        }
        boolean renewed = !unproven.sameTenure(lastSeen) || lastSeen.expiresAt().isAfter(unproven.expiresAt());
        if (!renewed && lastSeenLiveness != ReplayMarkerStore.Liveness.ALIVE) {
            return null;
        }
        SubscriptionInUseException cause = inUse("cannot start (the holder renewed its lease)");
        cancelTask();
        transition(State.LOST, "the holder lives");
        return cause;
    }

    private void notifyLost(SubscriptionInUseException cause) {
        try {
            listener.lost(cause);
        } catch (RuntimeException e) {
            LOG.warn("Worker {} could not stop consuming {}: {}", workerId, key, e.getMessage(), e);
        }
    }

    private Duration renewInterval() {
        return leaseDuration.dividedBy(3);
    }

    /** A standby checks often enough to take over soon after expiry, but at most every 100 ms. */
    private Duration standbyPoll() {
        Duration third = leaseDuration.dividedBy(3);
        return third.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1)
                : third.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : third;
    }

    private static String describe(SubscriptionLease lease) {
        return lease == null ? "no worker" : lease.toString();
    }
}
