package io.sfstream.camel.internal.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.sfstream.camel.SubscriptionInUseException;
import io.sfstream.camel.WorkerStrategy;
import io.sfstream.camel.internal.delivery.Dispatcher;
import io.sfstream.camel.internal.delivery.MarkerCommitter;
import io.sfstream.camel.replay.ReplayMarkerStore;
import io.sfstream.camel.replay.SubscriptionLease;
import org.apache.camel.spi.ExecutorServiceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's part in a subscription that several workers may share: the lease when the store can hold one (a
 * {@link LeaseKeeper}), when to subscribe (at once, or once a standby took over), when to leave (the lease was lost)
 * and how to step down. On a store that cannot coordinate there is no lease and the worker subscribes at once.
 */
public final class SubscriptionWorker implements Dispatcher.Host {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionWorker.class);

    private final String channel;
    private final String markerKey;
    private final String workerId;
    private final WorkerStrategy strategy;
    private final Duration leaseDuration;
    /** Set when another worker took the subscription (or the lease expired); cleared by a restart. */
    private final AtomicReference<SubscriptionInUseException> leaseLost = new AtomicReference<>();
    /** Orders a standby's late subscription against stopping, so a stopped worker never subscribes. */
    private final Object lifecycle = new Object();
    // guarded by lifecycle
    private boolean stopping;
    /** The lease on the subscription when the store is atomic; null on stores that cannot coordinate workers. */
    private volatile LeaseKeeper lease;
    private ScheduledExecutorService leaseScheduler;
    /** Closes the transport subscription, writes the marker: set by {@link #prepare}. */
    private volatile Runnable leave = () -> { };
    private volatile Runnable writeMarker = () -> { };

    public SubscriptionWorker(String channel, String markerKey, String workerId, WorkerStrategy strategy,
                              Duration leaseDuration) {
        this.channel = channel;
        this.markerKey = markerKey;
        this.workerId = workerId;
        this.strategy = strategy;
        this.leaseDuration = leaseDuration;
    }

    /**
     * Prepares a start on the store: with an atomic store a lease (not taken yet) and a committer fenced by it, else a
     * committer writing to the store.
     *
     * @param subscribe opens the transport subscription (at {@link #begin}, or when a standby takes over)
     * @param leave       closes it (the lease was lost, delivery stopped)
     * @param writeMarker writes the newest committed marker before the lease is handed on
     * @param report      reports the lost lease to the route's exception handler
     * @throws IllegalArgumentException when the strategy needs a lease and the store cannot hold one
     */
    public MarkerCommitter prepare(ReplayMarkerStore store, ExecutorServiceManager executors, Object owner,
                                   Runnable subscribe, Runnable leave, Runnable writeMarker,
                                   Consumer<SubscriptionInUseException> report) {
        this.leave = leave;
        this.writeMarker = writeMarker;
        leaseLost.set(null);
        synchronized (lifecycle) {
            stopping = false;
        }
        if (store.isAtomic()) {
            leaseScheduler = executors.newSingleThreadScheduledExecutor(owner, "SfStreamLease[" + markerKey + "]");
            LeaseKeeper keeper = new LeaseKeeper(markerKey, workerId, strategy, leaseDuration, store, Clock.systemUTC(),
                    leaseScheduler, new LeaseListener(subscribe, report));
            lease = keeper;
            return new MarkerCommitter(markerKey, keeper::commit);
        }
        if (strategy != WorkerStrategy.OPEN_IF_FREE) {
            throw new IllegalArgumentException("strategy=" + strategy + " needs a replay store with atomic operations to"
                                               + " hold a lease, but " + store + " has none (a StateRepository or a"
                                               + " plain Map): use a file path, a ConcurrentMap bean (e.g. a Hazelcast"
                                               + " IMap), the in-memory default or an atomic ReplayMarkerStore");
        }
        lease = null;
        return new MarkerCommitter(markerKey, store);
    }

    /**
     * Takes the lease and subscribes; OPEN_IF_FREE and TAKE_OVER throw {@link SubscriptionInUseException} here, failing
     * the route's start; WAIT_FOR_FREE stands by and subscribes once the holder is gone.
     */
    public void begin(Runnable subscribe) {
        LeaseKeeper keeper = lease;
        if (keeper == null || keeper.start()) {
            subscribe.run();
        }
    }

    /** From now on a standby does not subscribe any more. */
    public void stopping() {
        synchronized (lifecycle) {
            stopping = true;
        }
    }

    @Override
    public boolean mayProcess() {
        LeaseKeeper keeper = lease;
        return keeper == null || keeper.mayProcess();
    }

    @Override
    public boolean leaseLost() {
        return leaseLost.get() != null;
    }

    /** Why this worker stopped consuming after losing the subscription, or null; cleared by a restart. */
    public SubscriptionInUseException lostLease() {
        return leaseLost.get();
    }

    /**
     * A worker that stopped delivering (failed exchange, session failed for good) writes its marker and hands the
     * subscription on, so a WAIT_FOR_FREE standby continues from that marker (RavenDB: an erroring worker ends).
     */
    @Override
    public void stepDown(boolean leaveTransport) {
        if (leaveTransport) {
            leave.run();
        }
        LeaseKeeper keeper = lease;
        if (keeper != null) {
            writeMarker.run();
            keeper.release();
        }
    }

    /** Ends the lease after the last commit (the next holder continues exactly from it) and its scheduler. */
    public void release(ExecutorServiceManager executors) {
        LeaseKeeper keeper = lease;
        if (keeper != null) {
            keeper.release();
        }
        if (leaseScheduler != null) {
            executors.shutdownNow(leaseScheduler);
            leaseScheduler = null;
        }
    }

    /** NONE (the store cannot coordinate workers), IDLE, STANDBY, HOLDING, LOST or RELEASED. */
    public String leaseState() {
        LeaseKeeper keeper = lease;
        return keeper == null ? "NONE" : keeper.state().name();
    }

    /** The lease seen last (itself while holding), or null. */
    public SubscriptionLease holder() {
        LeaseKeeper keeper = lease;
        return keeper == null ? null : keeper.holder();
    }

    /** The lease this OPEN_IF_FREE worker waits out at start, or null when it does not wait. */
    public SubscriptionLease waitingOut() {
        LeaseKeeper keeper = lease;
        return keeper == null ? null : keeper.waitingOut();
    }

    /** Lease events, on the lease scheduler's thread or a thread whose commit was fenced out. */
    private final class LeaseListener implements LeaseKeeper.Listener {
        private final Runnable subscribe;
        private final Consumer<SubscriptionInUseException> report;

        LeaseListener(Runnable subscribe, Consumer<SubscriptionInUseException> report) {
            this.subscribe = subscribe;
            this.report = report;
        }

        @Override
        public void acquired(SubscriptionLease acquired) {
            synchronized (lifecycle) {
                if (stopping) {
                    return;
                }
                LOG.info("{} takes over subscription {} as worker {} (epoch {})", channel, markerKey,
                        acquired.workerId(), acquired.epoch());
                subscribe.run();
            }
        }

        @Override
        public void lost(SubscriptionInUseException cause) {
            if (leaseLost.compareAndSet(null, cause)) {
                // events taken but not committed come again to the new holder, which resumes from the stored marker
                report.accept(cause);
                leave.run();
            }
        }
    }
}
