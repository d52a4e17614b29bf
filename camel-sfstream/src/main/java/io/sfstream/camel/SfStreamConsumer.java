package io.sfstream.camel;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.sfstream.camel.internal.delivery.ConsumerMetrics;
import io.sfstream.camel.internal.delivery.Dispatcher;
import io.sfstream.camel.internal.delivery.MarkerCommitter;
import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.Transport;
import io.sfstream.camel.internal.worker.LeaseKeeper;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.ReplayMarkerStore;
import io.sfstream.camel.replay.SubscriptionLease;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.Suspendable;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel face of one channel's subscription: lifecycle and wiring only. It starts the replay store, the lease (when
 * the store can hold one), the marker committer and the {@link Dispatcher}, which delivers events from the transport to
 * the route in the order the server sent them and commits their markers as the policy says; then it opens the
 * transport subscription. Its attributes read one {@link ConsumerStatus}, as the health check and the dev console do.
 */
@ManagedResource(description = "Managed sfstream consumer: session state, replay progress, errors")
public class SfStreamConsumer extends DefaultConsumer implements ShutdownAware, Suspendable {

    private static final Logger LOG = LoggerFactory.getLogger(SfStreamConsumer.class);

    private final SfStreamEndpoint endpoint;
    private final SfStreamConfiguration config;
    private final String markerKey;
    private final Dispatcher dispatcher;
    /** Set when another worker took the subscription (or the lease expired); cleared by a restart. */
    private final AtomicReference<SubscriptionInUseException> leaseLost = new AtomicReference<>();
    /** Orders a standby's late subscription against doStop, so a stopped consumer never subscribes. */
    private final Object lifecycle = new Object();
    // guarded by lifecycle
    private boolean stopping;
    private ReplayMarkerStore store;
    /** The lease on the subscription when the store is atomic; null on stores that cannot coordinate workers. */
    private volatile LeaseKeeper lease;
    private ExecutorService dispatcherThread;
    private ScheduledExecutorService commitScheduler;
    private ScheduledExecutorService leaseScheduler;
    private volatile ConsumerMetrics metrics = ConsumerMetrics.NONE;

    public SfStreamConsumer(SfStreamEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.markerKey = endpoint.markerKey();
        long initial = endpoint.initialReplayId();
        StartAt start = initial == -1 ? StartAt.NEW : initial == -2 ? StartAt.ALL : StartAt.after(Long.toString(initial));
        this.dispatcher = new Dispatcher(endpoint.channel(), markerKey, config, start, new Host());
    }

    @Override
    public SfStreamEndpoint getEndpoint() {
        return endpoint;
    }

    // ------------------------------------------------------------------ status (JMX, health check, dev console)

    /** This consumer's status now. */
    ConsumerStatus status() {
        Transport.Subscription subscription = dispatcher.subscription();
        LeaseKeeper keeper = lease;
        return new ConsumerStatus(endpoint.channel().toString(), subscription == null ? null : subscription.status(),
                dispatcher.pendingCount(), dispatcher.committedMarker(), dispatcher.lastReceived(), endpoint.workerId(),
                config.getStrategy().name(), keeper == null ? "NONE" : keeper.state().name(),
                keeper == null ? null : keeper.holder(), keeper == null ? null : keeper.waitingOut(),
                dispatcher.fatalError(), dispatcher.failure(), leaseLost.get(), config.getConnectionTimeout());
    }

    @ManagedAttribute(description = "Events fetched and not yet processed by the route")
    public int getPendingCount() {
        return dispatcher.pendingCount();
    }

    /** The newest marker written to the store, or null. */
    public ReplayMarker getCommittedMarker() {
        return dispatcher.committedMarker();
    }

    /** The exception that stopped delivery, or null while delivering. */
    public SubscriberErrorException getFailure() {
        return dispatcher.failure();
    }

    /** Why the session of this consumer stopped for good (maxErroneousPeriod), or null; cleared by a restart. */
    public SfStreamException getFatalError() {
        return dispatcher.fatalError();
    }

    /** Why this worker stopped consuming after losing the subscription, or null; cleared by a restart. */
    public SubscriptionInUseException getLeaseLost() {
        return leaseLost.get();
    }

    @ManagedAttribute(description = "Whether the session has been unable to reconnect for connectionTimeout")
    public boolean isConnectionTimedOut() {
        return status().connectionTimedOut();
    }

    /** When the session's current outage began, or null when it is connected. */
    public Instant getUnhealthySince() {
        return status().unhealthySince();
    }

    @ManagedAttribute(description = "Channel")
    public String getChannel() {
        return endpoint.channel().toString();
    }

    @ManagedAttribute(description = "Session state")
    public String getSessionState() {
        return status().state();
    }

    @ManagedAttribute(description = "Session state since (ISO-8601)")
    public String getStateSince() {
        return text(status().stateSince());
    }

    @ManagedAttribute(description = "ReplayId of the newest event received")
    public long getLastReceivedReplayId() {
        return status().lastReceivedReplayId();
    }

    @ManagedAttribute(description = "ReplayId of the newest marker written to the store")
    public long getLastCommittedReplayId() {
        return status().lastCommittedReplayId();
    }

    @ManagedAttribute(description = "Logins of the session")
    public long getLogins() {
        return status().logins();
    }

    @ManagedAttribute(description = "Bayeux handshakes of the session")
    public long getHandshakes() {
        return status().handshakes();
    }

    @ManagedAttribute(description = "Reconnections with a new handshake")
    public long getReconnects() {
        return status().reconnects();
    }

    /** The message of the newest error of the session or of this consumer's delivery (never a credential), or null. */
    @ManagedAttribute(description = "Newest error")
    public String getLastError() {
        return status().lastError();
    }

    @ManagedAttribute(description = "When the newest error happened (ISO-8601)")
    public String getLastErrorSince() {
        return text(status().lastErrorAt());
    }

    @ManagedAttribute(description = "Worker id in the subscription lease")
    public String getWorkerId() {
        return endpoint.workerId();
    }

    @ManagedAttribute(description = "Worker strategy")
    public String getStrategy() {
        return config.getStrategy().name();
    }

    @ManagedAttribute(description = "Lease state: NONE, IDLE, STANDBY, HOLDING, LOST or RELEASED")
    public String getLeaseState() {
        return status().leaseState();
    }

    @ManagedAttribute(description = "Worker holding the subscription, as last seen")
    public String getLeaseHolder() {
        return status().leaseHolderId();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (getHealthCheck() == null && endpoint.getComponent().isHealthCheckConsumerEnabled()) {
            setHealthCheck(new SfStreamConsumerHealthCheck(getRouteId(), this::status));
        }
        leaseLost.set(null);
        synchronized (lifecycle) {
            stopping = false;
        }
        if (metrics == ConsumerMetrics.NONE) {
            metrics = ConsumerMetrics.create(getEndpoint().getCamelContext(), getChannel(), getRouteId());
        }
        metrics.started();
        store = endpoint.getComponent().stores().acquire(config.getReplayStore(), endpoint.getCamelContext());
        try {
            startDelivery();
        } catch (RuntimeException e) {
            // unwind what started (executors, the store's use count) so a failed start leaves nothing running
            doStop();
            throw e;
        }
    }

    private void startDelivery() {
        var executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        WorkerStrategy strategy = config.getStrategy();
        LeaseKeeper keeper = null;
        MarkerCommitter committer;
        if (store.isAtomic()) {
            leaseScheduler = executors.newSingleThreadScheduledExecutor(this, "SfStreamLease[" + markerKey + "]");
            keeper = new LeaseKeeper(markerKey, endpoint.workerId(), strategy, config.getLeaseDuration(), store,
                    Clock.systemUTC(), leaseScheduler, new LeaseListener());
            committer = new MarkerCommitter(markerKey, keeper::commit);
        } else if (strategy != WorkerStrategy.OPEN_IF_FREE) {
            throw new IllegalArgumentException("strategy=" + strategy + " needs a replay store with atomic operations to"
                                               + " hold a lease, but " + store + " has none (a StateRepository or a"
                                               + " plain Map): use a file path, a ConcurrentMap bean (e.g. a Hazelcast"
                                               + " IMap), the in-memory default or an atomic ReplayMarkerStore");
        } else {
            committer = new MarkerCommitter(markerKey, store);
        }
        lease = keeper;
        dispatcher.start(endpoint.eventMapper(), store, committer, metrics);
        commitScheduler = executors.newSingleThreadScheduledExecutor(this, "SfStreamCommitter[" + markerKey + "]");
        long interval = Math.max(10, config.getReplayCommitInterval().toMillis());
        commitScheduler.scheduleWithFixedDelay(dispatcher::writeMarker, interval, interval, TimeUnit.MILLISECONDS);
        dispatcherThread = executors.newSingleThreadExecutor(this, "SfStreamConsumer[" + getChannel() + "]");
        dispatcherThread.execute(dispatcher);
        // OPEN_IF_FREE and TAKE_OVER throw SubscriptionInUseException here, failing the route's start
        if (keeper == null || keeper.start()) {
            subscribe();
        }
        // else WAIT_FOR_FREE stands by: LeaseListener.acquired subscribes once the holder is gone
    }

    private void subscribe() {
        dispatcher.attach(endpoint.transport().open(dispatcher));
    }

    /** Lease events, on the lease scheduler's thread or a thread whose commit was fenced out. */
    private final class LeaseListener implements LeaseKeeper.Listener {
        @Override
        public void acquired(SubscriptionLease acquired) {
            synchronized (lifecycle) {
                if (stopping) {
                    return;
                }
                LOG.info("{} takes over subscription {} as worker {} (epoch {})", getChannel(), markerKey,
                        acquired.workerId(), acquired.epoch());
                subscribe();
            }
        }

        @Override
        public void lost(SubscriptionInUseException cause) {
            if (leaseLost.compareAndSet(null, cause)) {
                // events taken but not committed come again to the new holder, which resumes from the stored marker
                getExceptionHandler().handleException(cause.getMessage(), cause);
                leaveTransport();
            }
        }
    }

    /** What the dispatcher asks of this consumer. */
    private final class Host implements Dispatcher.Host {
        @Override
        public Exchange createExchange() {
            return SfStreamConsumer.this.createExchange(false);
        }

        @Override
        public void releaseExchange(Exchange exchange) {
            SfStreamConsumer.this.releaseExchange(exchange, false);
        }

        @Override
        public AsyncProcessor processor() {
            return getAsyncProcessor();
        }

        @Override
        public ExceptionHandler exceptionHandler() {
            return getExceptionHandler();
        }

        @Override
        public boolean leaseLost() {
            return leaseLost.get() != null;
        }

        @Override
        public boolean mayProcess() {
            LeaseKeeper keeper = lease;
            return keeper == null || keeper.mayProcess();
        }

        /**
         * A worker that stopped delivering (failed exchange, session failed for good) writes its marker and hands the
         * subscription on, so a WAIT_FOR_FREE standby continues from that marker (RavenDB: an erroring worker ends).
         */
        @Override
        public void stepDown(boolean leaveTransport) {
            if (leaveTransport) {
                leaveTransport();
            }
            LeaseKeeper keeper = lease;
            if (keeper != null) {
                dispatcher.writeMarker();
                keeper.release();
            }
        }
    }

    /** Pauses delivery: the exchange in flight finishes, queued events wait, the session holds its next connect back. */
    @Override
    protected void doSuspend() throws Exception {
        dispatcher.suspend();
        LOG.debug("{} suspended with {} events pending", getChannel(), dispatcher.pendingCount());
    }

    /** Continues with the first queued event; the session fetches again once the endpoint has room. */
    @Override
    protected void doResume() throws Exception {
        dispatcher.resume();
        LOG.debug("{} resumed with {} events pending", getChannel(), dispatcher.pendingCount());
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (lifecycle) {
            stopping = true;
        }
        leaveTransport();
        // events queued but not started are dropped: they were never committed, so they come again on the next start
        dispatcher.stop();
        var executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        if (dispatcherThread != null) {
            executors.shutdownGraceful(dispatcherThread);
            dispatcherThread = null;
        }
        if (commitScheduler != null) {
            executors.shutdownNow(commitScheduler);
            commitScheduler = null;
        }
        dispatcher.writeMarker();
        LeaseKeeper keeper = lease;
        if (keeper != null) {
            // after the last commit: the next holder continues exactly from it
            keeper.release();
        }
        if (leaseScheduler != null) {
            executors.shutdownNow(leaseScheduler);
            leaseScheduler = null;
        }
        if (store != null) {
            endpoint.getComponent().stores().release(store);
            store = null;
        }
        super.doStop();
    }

    @Override
    protected void doShutdown() throws Exception {
        metrics.close();
        metrics = ConsumerMetrics.NONE;
        super.doShutdown();
    }

    private void leaveTransport() {
        Transport.Subscription current = dispatcher.attach(null);
        if (current != null) {
            current.close();
        }
    }

    // ------------------------------------------------------------------ graceful shutdown

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        // let exchanges in flight finish and commit before the consumer stops
        return true;
    }

    @Override
    public int getPendingExchangesSize() {
        return dispatcher.inFlight();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        if (suspendOnly) {
            // suspending (suspendRoute, a throttling policy) keeps the queue: doSuspend pauses, doResume continues
            return;
        }
        // start nothing new: buffered events not yet started are left for the next start
        dispatcher.drain();
    }
}
