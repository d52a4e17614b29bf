package io.sfstream.camel;

import io.sfstream.camel.internal.bayeux.BayeuxSession;
import io.sfstream.camel.internal.bayeux.SessionStatistics;
import io.sfstream.camel.internal.delivery.ConsumerMetrics;
import io.sfstream.camel.internal.delivery.DeliveryTracker;
import io.sfstream.camel.internal.delivery.EventMapper;
import io.sfstream.camel.internal.delivery.MarkerCommitter;
import io.sfstream.camel.internal.delivery.PendingEvents;
import io.sfstream.camel.internal.transport.Channel;
import io.sfstream.camel.internal.transport.SessionListener;
import io.sfstream.camel.internal.transport.StreamEvent;
import io.sfstream.camel.internal.worker.LeaseKeeper;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.ReplayMarkerStore;
import io.sfstream.camel.replay.SubscriptionLease;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.Suspendable;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the events of one channel to the route in the order Salesforce sent them and commits the replay marker of the
 * subscription as the policy says. The Bayeux session offers events from its own thread; a dispatcher thread of this
 * consumer runs the route, so a slow route never blocks the session's thread. A full endpoint makes the session hold its
 * next connect back (see {@link #isFull()}), which delays the other channels of the session too, for at most 30 s.
 */
@org.apache.camel.api.management.ManagedResource(description = "Managed sfstream consumer: session state, replay progress, errors")
public class SfStreamConsumer extends DefaultConsumer implements SessionListener, ShutdownAware, Suspendable {

    private static final Logger LOG = LoggerFactory.getLogger(SfStreamConsumer.class);

    private final SfStreamEndpoint endpoint;
    private final SfStreamConfiguration config;
    private final Channel channel;
    private final String markerKey;
    /** Events taken from the session and not yet completed by the route: queued plus in flight. */
    private final PendingEvents pending;
    /** Exchanges started and not yet done, for graceful shutdown. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final DeliveryTracker tracker = new DeliveryTracker();
    /** The first processing failure that stopped delivery, with ignoreSubscriberErrors=false. */
    private final AtomicReference<SubscriberErrorException> failure = new AtomicReference<>();
    /** Set when the session stopped for good (maxErroneousPeriod); cleared by a restart. */
    private final AtomicReference<SfStreamException> fatalError = new AtomicReference<>();
    /** Set when another worker took the subscription (or the lease expired); cleared by a restart. */
    private final AtomicReference<SubscriptionInUseException> leaseLost = new AtomicReference<>();
    /** Orders a standby's late subscription against doStop, so a stopped consumer never subscribes. */
    private final Object lifecycle = new Object();
    // guarded by lifecycle
    private boolean stopping;
    private EventMapper mapper;
    private ReplayMarkerStore store;
    private MarkerCommitter committer;
    /** The lease on the subscription when the store is atomic; null on stores that cannot coordinate workers. */
    private volatile LeaseKeeper lease;
    private ExecutorService dispatcher;
    private ScheduledExecutorService commitScheduler;
    private ScheduledExecutorService leaseScheduler;
    // volatile: the session reference is read by exchange-completion threads to resume the channel
    private volatile BayeuxSession session;
    // volatile: written by the session thread, read by health checks, JMX and the dev console
    private volatile long lastReceivedReplayId = -1;
    /** Received/committed/failed hooks: Micrometer meters when a MeterRegistry is bound, else no-ops. */
    private volatile ConsumerMetrics metrics = ConsumerMetrics.NONE;

    public SfStreamConsumer(SfStreamEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.channel = endpoint.channel();
        this.markerKey = endpoint.markerKey();
        this.pending = new PendingEvents(config.getMaxPendingCount(), config.getMaxBatchSize(), config.getBatchTimeout());
    }

    @Override
    public SfStreamEndpoint getEndpoint() {
        return endpoint;
    }

    /** Events fetched from Salesforce and not yet processed by the route. */
    @org.apache.camel.api.management.ManagedAttribute(description = "Events fetched and not yet processed by the route")
    public int getPendingCount() {
        return pending.size();
    }

    /** The newest marker written to the store, or null. */
    public ReplayMarker getCommittedMarker() {
        return committer == null ? null : committer.written();
    }

    /** The exception that stopped delivery, or null while delivering. */
    public SubscriberErrorException getFailure() {
        return failure.get();
    }

    /** Why the session of this consumer stopped for good (maxErroneousPeriod), or null; cleared by a restart. */
    public SfStreamException getFatalError() {
        return fatalError.get();
    }

    /** Whether the session has been unable to reconnect for connectionTimeout (readiness DOWN). */
    @org.apache.camel.api.management.ManagedAttribute(description = "Whether the session has been unable to reconnect for connectionTimeout")
    public boolean isConnectionTimedOut() {
        BayeuxSession current = session;
        return current != null && current.statistics().isTimedOut();
    }

    /** When the session's current outage began, or null when it is connected. */
    public Instant getUnhealthySince() {
        BayeuxSession current = session;
        return current == null ? null : current.statistics().unhealthySince();
    }

    // ------------------------------------------------------------------ monitoring (health check, JMX, dev console)

    /** The channel this consumer subscribes. */
    @org.apache.camel.api.management.ManagedAttribute(description = "Channel")
    public String getChannel() {
        return channel.toString();
    }

    /** The state of the Bayeux session carrying this consumer (IDLE before it starts). */
    @org.apache.camel.api.management.ManagedAttribute(description = "Session state")
    public String getSessionState() {
        BayeuxSession current = session;
        return current == null ? "IDLE" : current.statistics().state().name();
    }

    /** Since when the session is in its state (ISO-8601), or null. */
    @org.apache.camel.api.management.ManagedAttribute(description = "Session state since (ISO-8601)")
    public String getStateSince() {
        BayeuxSession current = session;
        return current == null ? null : text(current.statistics().stateSince());
    }

    /** The replayId of the newest event received from Salesforce on this channel, -1 before the first. */
    @org.apache.camel.api.management.ManagedAttribute(description = "ReplayId of the newest event received")
    public long getLastReceivedReplayId() {
        return lastReceivedReplayId;
    }

    /** The replayId of the newest marker written to the store, -1 before the first. */
    @org.apache.camel.api.management.ManagedAttribute(description = "ReplayId of the newest marker written to the store")
    public long getLastCommittedReplayId() {
        ReplayMarker marker = getCommittedMarker();
        return marker == null ? -1 : marker.replayId();
    }

    @org.apache.camel.api.management.ManagedAttribute(description = "Logins of the session")
    public long getLogins() {
        BayeuxSession current = session;
        return current == null ? 0 : current.statistics().logins();
    }

    @org.apache.camel.api.management.ManagedAttribute(description = "Bayeux handshakes of the session")
    public long getHandshakes() {
        BayeuxSession current = session;
        return current == null ? 0 : current.statistics().handshakes();
    }

    /** Reconnections of the session that needed a new handshake (expired session, server disconnect). */
    @org.apache.camel.api.management.ManagedAttribute(description = "Reconnections with a new handshake")
    public long getReconnects() {
        BayeuxSession current = session;
        return current == null ? 0 : current.statistics().rehandshakes();
    }

    /** The message of the newest error of the session or of this consumer's delivery (never a credential), or null. */
    @org.apache.camel.api.management.ManagedAttribute(description = "Newest error")
    public String getLastError() {
        SfStreamException fatal = getFatalError();
        if (fatal != null) {
            return fatal.getMessage();
        }
        SubscriptionInUseException lost = getLeaseLost();
        if (lost != null) {
            return lost.getMessage();
        }
        SubscriberErrorException stopped = getFailure();
        if (stopped != null) {
            return stopped.getMessage();
        }
        BayeuxSession current = session;
        return current == null ? null : current.statistics().lastError();
    }

    /** When the newest session error happened (ISO-8601), or null. */
    @org.apache.camel.api.management.ManagedAttribute(description = "When the newest error happened (ISO-8601)")
    public String getLastErrorSince() {
        BayeuxSession current = session;
        return current == null ? null : text(current.statistics().lastErrorAt());
    }

    /** This worker's id in leases (the workerId option, or the one made up for the endpoint). */
    @org.apache.camel.api.management.ManagedAttribute(description = "Worker id in the subscription lease")
    public String getWorkerId() {
        return endpoint.workerId();
    }

    @org.apache.camel.api.management.ManagedAttribute(description = "Worker strategy")
    public String getStrategy() {
        return config.getStrategy().name();
    }

    /**
     * NONE (the store cannot coordinate workers), STANDBY (WAIT_FOR_FREE, another worker holds the subscription),
     * HOLDING, LOST (another worker took it) or RELEASED (stopped).
     */
    @org.apache.camel.api.management.ManagedAttribute(description = "Lease state: NONE, IDLE, STANDBY, HOLDING, LOST or RELEASED")
    public String getLeaseState() {
        LeaseKeeper current = lease;
        return current == null ? "NONE" : current.state().name();
    }

    /** The worker id holding the subscription as this worker saw it last (itself while holding), or null. */
    @org.apache.camel.api.management.ManagedAttribute(description = "Worker holding the subscription, as last seen")
    public String getLeaseHolder() {
        SubscriptionLease holder = leaseHolder();
        return holder == null ? null : holder.workerId();
    }

    /** The lease seen last (itself while holding), or null. */
    SubscriptionLease leaseHolder() {
        LeaseKeeper current = lease;
        return current == null ? null : current.holder();
    }

    /**
     * The lease this OPEN_IF_FREE worker waits out at start because its store cannot prove the holder alive or dead, or
     * null when it does not wait.
     */
    SubscriptionLease leaseWaitingOut() {
        LeaseKeeper current = lease;
        return current == null ? null : current.waitingOut();
    }

    /** Why this worker stopped consuming after losing the subscription, or null; cleared by a restart. */
    public SubscriptionInUseException getLeaseLost() {
        return leaseLost.get();
    }

    /** The statistics of the session carrying this consumer, or null before it starts. */
    SessionStatistics sessionStatistics() {
        BayeuxSession current = session;
        return current == null ? null : current.statistics();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (getHealthCheck() == null && endpoint.getComponent().isHealthCheckConsumerEnabled()) {
            setHealthCheck(new SfStreamConsumerHealthCheck(this));
        }
        mapper = endpoint.eventMapper();
        tracker.clear();
        pending.reset();
        inFlight.set(0);
        failure.set(null);
        fatalError.set(null);
        leaseLost.set(null);
        synchronized (lifecycle) {
            stopping = false;
        }
        if (metrics == ConsumerMetrics.NONE) {
            metrics = ConsumerMetrics.create(getEndpoint().getCamelContext(), channel.toString(), getRouteId());
        }
        metrics.started();
        store = endpoint.getComponent().stores().acquire(endpoint);
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
        commitScheduler = executors.newSingleThreadScheduledExecutor(this, "SfStreamCommitter[" + markerKey + "]");
        long interval = Math.max(10, config.getReplayCommitInterval().toMillis());
        commitScheduler.scheduleWithFixedDelay(this::writeMarker, interval, interval, TimeUnit.MILLISECONDS);
        dispatcher = executors.newSingleThreadExecutor(this, "SfStreamConsumer[" + channel + "]");
        dispatcher.execute(this::dispatch);
        // OPEN_IF_FREE and TAKE_OVER throw SubscriptionInUseException here, failing the route's start
        if (keeper == null || keeper.start()) {
            session = endpoint.getComponent().sessions().subscribe(endpoint, this);
        }
        // else WAIT_FOR_FREE stands by: LeaseListener.acquired subscribes once the holder is gone
    }

    /** Lease events, on the lease scheduler's thread or a thread whose commit was fenced out. */
    private final class LeaseListener implements LeaseKeeper.Listener {
        @Override
        public void acquired(SubscriptionLease acquired) {
            synchronized (lifecycle) {
                if (stopping) {
                    return;
                }
                LOG.info("{} takes over subscription {} as worker {} (epoch {})", channel, markerKey,
                        acquired.workerId(), acquired.epoch());
                session = endpoint.getComponent().sessions().subscribe(endpoint, SfStreamConsumer.this);
            }
        }

        @Override
        public void lost(SubscriptionInUseException cause) {
            if (leaseLost.compareAndSet(null, cause)) {
                // events taken but not committed come again to the new holder, which resumes from the stored marker
                getExceptionHandler().handleException(cause.getMessage(), cause);
                leaveSession();
            }
        }
    }

    /** Pauses delivery: the exchange in flight finishes, queued events wait, the session holds its next connect back. */
    @Override
    protected void doSuspend() throws Exception {
        pending.suspend();
        LOG.debug("{} suspended with {} events pending", channel, pending.size());
    }

    /** Continues with the first queued event; the session fetches again once the endpoint has room. */
    @Override
    protected void doResume() throws Exception {
        pending.resume();
        BayeuxSession current = session;
        if (current != null) {
            current.resume(this);
        }
        LOG.debug("{} resumed with {} events pending", channel, pending.size());
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (lifecycle) {
            stopping = true;
        }
        leaveSession();
        // events queued but not started are dropped: they were never committed, so they come again on the next start
        pending.stop();
        var executors = getEndpoint().getCamelContext().getExecutorServiceManager();
        if (dispatcher != null) {
            executors.shutdownGraceful(dispatcher);
            dispatcher = null;
        }
        if (commitScheduler != null) {
            executors.shutdownNow(commitScheduler);
            commitScheduler = null;
        }
        writeMarker();
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

    private void leaveSession() {
        BayeuxSession current = session;
        session = null;
        if (current != null) {
            endpoint.getComponent().sessions().unsubscribe(current, this);
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
        return inFlight.get();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        if (suspendOnly) {
            // suspending (suspendRoute, a throttling policy) keeps the queue: doSuspend pauses, doResume continues
            return;
        }
        // start nothing new: buffered events not yet started are left for the next start
        pending.drain();
    }

    // ------------------------------------------------------------------ SessionListener, session thread

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public long initialReplayId() {
        Optional<ReplayMarker> stored = store.read(markerKey);
        if (stored.isPresent()) {
            LOG.info("{} resumes after the stored replay marker {} of {}", channel, stored.get(), markerKey);
            return stored.get().replayId();
        }
        return endpoint.initialReplayId();
    }

    @Override
    public OptionalLong fallbackFor(long rejectedReplayId, String error) {
        ReplayFallback fallback = config.getReplayFallback();
        if (fallback == ReplayFallback.NONE) {
            return OptionalLong.empty();
        }
        long replayId = fallback == ReplayFallback.ALL_EVENTS ? -2 : -1;
        reportLogged(
                "Salesforce rejected replayId " + rejectedReplayId + " of " + channel + " (" + error + "); replayFallback="
                                              + fallback + " resubscribes with " + replayId
                                              + " and replaces the stale marker once events flow",
                new SubscriptionException(channel.subscription(), error, "Stale replay marker " + rejectedReplayId + " of "
                                                                         + markerKey + " replaced by " + fallback));
        return OptionalLong.of(replayId);
    }

    @Override
    public void offer(StreamEvent event, long replayId) {
        lastReceivedReplayId = replayId;
        metrics.received(replayId);
        if (pending.isDraining() || stoppedDelivering()) {
            // never started, never committed: the next start (or the next holder) resumes before it
            return;
        }
        pending.add(event, replayId);
    }

    @Override
    public boolean isFull() {
        return pending.isFull();
    }

    @Override
    public void onSubscribed(long replayId) {
        LOG.debug("{} subscribed after replayId {}", channel, replayId);
    }

    @Override
    public void onError(SfStreamException error, boolean channelFailed) {
        reportLogged(error.getMessage(), error);
    }

    /**
     * Reports a session error that the session has logged already, once for all its channels: to the exception handler
     * the route chose (bridgeErrorHandler, exceptionHandler=#bean), but not to Camel's default one, which would only log
     * it again, once per consumer and with a stack trace.
     */
    private void reportLogged(String message, SfStreamException error) {
        if (!(getExceptionHandler() instanceof LoggingExceptionHandler)) {
            getExceptionHandler().handleException(message, error);
        }
    }

    @Override
    public void onFatal(SfStreamException error) {
        if (fatalError.compareAndSet(null, error)) {
            // the route stays started and delivers nothing more until it is restarted
            reportLogged(error.getMessage(), error);
            stepDown();
        }
    }

    // ------------------------------------------------------------------ dispatcher thread

    private void dispatch() {
        while (true) {
            List<PendingEvents.Event> batch;
            try {
                batch = pending.nextBatch();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch == null) {
                return;
            }
            if (pending.isDraining() || stoppedDelivering() || !leaseAllowsProcessing()) {
                // never started: left for the next start (or the next holder), which resumes from the committed marker
                released(batch.size());
                continue;
            }
            process(batch);
        }
    }

    /** A failed exchange or a lost lease stopped delivery until the route restarts. */
    private boolean stoppedDelivering() {
        return failure.get() != null || leaseLost.get() != null;
    }

    /** Without a lease there is nothing to check; with one, this worker must still hold it (renewing after a pause). */
    private boolean leaseAllowsProcessing() {
        LeaseKeeper keeper = lease;
        return keeper == null || keeper.mayProcess();
    }

    private void process(List<PendingEvents.Event> batch) {
        PendingEvents.Event last = batch.get(batch.size() - 1);
        Exchange exchange = createExchange(false);
        Message message = exchange.getMessage();
        Instant createdDate = null;
        try {
            if (batch.size() == 1 && config.getMaxBatchSize() == 1) {
                createdDate = mapper.map(last.event(), last.replayId(), message);
            } else {
                createdDate = mapBatch(batch, exchange);
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
        ReplayMarker marker = new ReplayMarker(last.replayId(), createdDate);
        inFlight.incrementAndGet();
        if (exchange.getException() != null) {
            // the event cannot become a message: same policy as a failed exchange, without running the route
            DeliveryTracker.Ticket ticket = tracker.handedOver(marker);
            failed(ticket, last.replayId(), exchange.getException());
            finished(exchange, batch.size());
            return;
        }
        ReplayCommit policy = config.getReplayCommit();
        DeliveryTracker.Ticket ticket = policy == ReplayCommit.ON_RECEIVE ? null : tracker.handedOver(marker);
        if (policy == ReplayCommit.ON_RECEIVE) {
            committer.commit(marker);
            metrics.committed(marker.replayId());
        } else if (policy == ReplayCommit.MANUAL) {
            message.setHeader(SfStreamConstants.REPLAY_COMMITTER, (ReplayCommitter) () -> done(ticket));
        }
        Delivery delivery = new Delivery(exchange, ticket, last.replayId(), batch.size(), policy);
        exchange.getExchangeExtension().addOnCompletion(delivery);
        getAsyncProcessor().process(exchange, delivery);
    }

    /**
     * One exchange on its way through the route: as its on-completion it commits (ON_COMPLETION) or stops delivery
     * (a failure), and as its callback it frees the room its events took. One object per exchange for both roles.
     */
    private final class Delivery implements Synchronization, AsyncCallback {
        private final Exchange exchange;
        /** Null with ON_RECEIVE, which committed at hand-over. */
        private final DeliveryTracker.Ticket ticket;
        private final long replayId;
        private final int events;
        private final ReplayCommit policy;

        Delivery(Exchange exchange, DeliveryTracker.Ticket ticket, long replayId, int events, ReplayCommit policy) {
            this.exchange = exchange;
            this.ticket = ticket;
            this.replayId = replayId;
            this.events = events;
            this.policy = policy;
        }

        @Override
        public void onComplete(Exchange completed) {
            // MANUAL commits when the route calls the committer; ON_RECEIVE committed already
            if (policy == ReplayCommit.ON_COMPLETION) {
                SfStreamConsumer.this.done(ticket);
            }
        }

        @Override
        public void onFailure(Exchange failedExchange) {
            failed(ticket, replayId, failedExchange.getException());
        }

        @Override
        public void done(boolean doneSync) {
            finished(exchange, events);
        }
    }

    /** @return the creation time of the batch's last event, or null */
    private Instant mapBatch(List<PendingEvents.Event> batch, Exchange exchange) {
        List<Object> bodies = new ArrayList<>(batch.size());
        List<Map<String, Object>> headers = new ArrayList<>(batch.size());
        Message item = null;
        Instant createdDate = null;
        for (PendingEvents.Event event : batch) {
            item = new DefaultMessage(exchange.getContext());
            createdDate = mapper.map(event.event(), event.replayId(), item);
            bodies.add(item.getBody());
            headers.add(new HashMap<>(item.getHeaders()));
        }
        Message message = exchange.getMessage();
        message.getHeaders().putAll(item.getHeaders());
        message.setHeader(SfStreamConstants.BATCH_SIZE, batch.size());
        message.setHeader(SfStreamConstants.BATCH_HEADERS, headers);
        message.setBody(bodies);
        return createdDate;
    }

    private void finished(Exchange exchange, int events) {
        try {
            if (exchange.getException() != null) {
                metrics.failed(events);
            }
            if (exchange.getException() != null && config.isIgnoreSubscriberErrors()) {
                getExceptionHandler().handleException("Processing event " + exchange.getMessage()
                        .getHeader(SfStreamConstants.REPLAY_ID) + " of " + channel
                                                      + " failed; skipped (ignoreSubscriberErrors=true)",
                        exchange, exchange.getException());
            }
        } finally {
            releaseExchange(exchange, false);
            inFlight.decrementAndGet();
            released(events);
        }
    }

    // ------------------------------------------------------------------ commits, any thread

    private void done(DeliveryTracker.Ticket ticket) {
        if (ticket == null) {
            return;
        }
        ReplayMarker watermark = tracker.done(ticket);
        if (watermark != null) {
            committer.commit(watermark);
            metrics.committed(watermark.replayId());
        }
    }

    private void failed(DeliveryTracker.Ticket ticket, long replayId, Exception cause) {
        if (config.isIgnoreSubscriberErrors()) {
            done(ticket);
            return;
        }
        SubscriberErrorException error = new SubscriberErrorException(channel.subscription(), replayId, cause);
        if (failure.compareAndSet(null, error)) {
            // reported once, through the exception handler (logged by default, routed with bridgeErrorHandler)
            getExceptionHandler().handleException(error.getMessage(), error);
            // the marker stays before this event; no event of the channel is taken until the route restarts
            leaveSession();
            stepDown();
        }
    }

    /**
     * A worker that stopped delivering (failed exchange, session failed for good) writes its marker and hands the
     * subscription on, so a WAIT_FOR_FREE standby continues from that marker (RavenDB: an erroring worker ends).
     */
    private void stepDown() {
        LeaseKeeper keeper = lease;
        if (keeper != null) {
            writeMarker();
            keeper.release();
        }
    }

    private void writeMarker() {
        MarkerCommitter current = committer;
        if (current == null) {
            return;
        }
        try {
            current.writeAndFlush();
        } catch (RuntimeException e) {
            getExceptionHandler().handleException("Cannot write the replay marker of " + markerKey, e);
        }
    }

    /** Once half the bound is free again, a session holding back for this endpoint may fetch again. */
    private void released(int events) {
        BayeuxSession current = session;
        if (pending.release(events) && current != null) {
            current.resume(this);
        }
    }
}
