package io.sfstream.camel;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.sfstream.camel.internal.delivery.ConsumerMetrics;
import io.sfstream.camel.internal.delivery.Dispatcher;
import io.sfstream.camel.internal.delivery.MarkerCommitter;
import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.Transport;
import io.sfstream.camel.internal.worker.SubscriptionWorker;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.ReplayMarkerStore;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.Suspendable;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
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
    private final SubscriptionWorker worker;
    private ReplayMarkerStore store;
    private ExecutorService dispatcherThread;
    private ScheduledExecutorService commitScheduler;
    private volatile ConsumerMetrics metrics = ConsumerMetrics.NONE;

    public SfStreamConsumer(SfStreamEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
        this.markerKey = endpoint.markerKey();
        StartAt start = endpoint.initialStart();
        this.worker = new SubscriptionWorker(endpoint.channel().toString(), markerKey, endpoint.workerId(),
                config.getStrategy(), config.getLeaseDuration());
        this.dispatcher = new Dispatcher(endpoint.channel(), markerKey, config, start, this, worker);
    }

    @Override
    public SfStreamEndpoint getEndpoint() {
        return endpoint;
    }

    ConsumerStatus status() {
        Transport.Subscription subscription = dispatcher.subscription();
        return new ConsumerStatus(endpoint.channel().toString(), subscription == null ? null : subscription.status(),
                dispatcher.pendingCount(), dispatcher.committedMarker(), dispatcher.lastReceived(), endpoint.workerId(),
                config.getStrategy().name(), worker.leaseState(), worker.holder(), worker.waitingOut(),
                dispatcher.fatalError(), dispatcher.failure(), worker.lostLease(), config.getConnectionTimeout());
    }

    @ManagedAttribute(description = "Events fetched and not yet processed by the route")
    public int getPendingCount() {
        return dispatcher.pendingCount();
    }

    public ReplayMarker getCommittedMarker() {
        return dispatcher.committedMarker();
    }

    public SubscriberErrorException getFailure() {
        return dispatcher.failure();
    }

    public SfStreamException getFatalError() {
        return dispatcher.fatalError();
    }

    public SubscriptionInUseException getLeaseLost() {
        return worker.lostLease();
    }

    @ManagedAttribute(description = "Whether the session has been unable to reconnect for connectionTimeout")
    public boolean isConnectionTimedOut() {
        return status().connectionTimedOut();
    }

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
        return Objects.toString(status().stateSince(), null);
    }

    /** The replayId of the newest event received; -1 before the first and always on the Pub/Sub API. */
    @ManagedAttribute(description = "ReplayId of the newest event received; -1 before the first and always -1 on the"
                                    + " Pub/Sub API, whose positions are not numbers: see LastReceivedPosition")
    public long getLastReceivedReplayId() {
        return status().lastReceivedReplayId();
    }

    /** The replayId of the newest marker written; -1 before the first and always on the Pub/Sub API. */
    @ManagedAttribute(description = "ReplayId of the newest marker written to the store; -1 before the first and always"
                                    + " -1 on the Pub/Sub API, whose positions are not numbers: see LastCommittedPosition")
    public long getLastCommittedReplayId() {
        return status().lastCommittedReplayId();
    }

    /**
     * The position of the newest event received, as the text of its {@code CamelSfStreamReplayId} header: the decimal
     * replayId on the Streaming API, the base64 replay id on the Pub/Sub API; null before the first.
     */
    @ManagedAttribute(description = "Position of the newest event received, as its CamelSfStreamReplayId header shows"
                                    + " it (decimal replayId on the Streaming API, base64 replay id on the Pub/Sub API)")
    public String getLastReceivedPosition() {
        return status().lastReceivedPosition();
    }

    /** The position of the newest marker written to the store, as the store holds it (without its date); or null. */
    @ManagedAttribute(description = "Position of the newest marker written to the store, as it is stored (decimal"
                                    + " replayId on the Streaming API, base64 replay id on the Pub/Sub API)")
    public String getLastCommittedPosition() {
        return status().lastCommittedPosition();
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

    @ManagedAttribute(description = "Newest error")
    public String getLastError() {
        return status().lastError();
    }

    @ManagedAttribute(description = "When the newest error happened (ISO-8601)")
    public String getLastErrorSince() {
        return Objects.toString(status().lastErrorAt(), null);
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

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (getHealthCheck() == null && endpoint.getComponent().isHealthCheckConsumerEnabled()) {
            setHealthCheck(new SfStreamConsumerHealthCheck(getRouteId(), this::status));
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
        MarkerCommitter committer = worker.prepare(store, executors, this, this::subscribe, this::leaveTransport,
                dispatcher::writeMarker, cause -> getExceptionHandler().handleException(cause.getMessage(), cause));
        dispatcher.start(endpoint.eventMapper(), store, committer, metrics);
        commitScheduler = executors.newSingleThreadScheduledExecutor(this, "SfStreamCommitter[" + markerKey + "]");
        long interval = Math.max(10, config.getReplayCommitInterval().toMillis());
        commitScheduler.scheduleWithFixedDelay(dispatcher::writeMarker, interval, interval, TimeUnit.MILLISECONDS);
        dispatcherThread = executors.newSingleThreadExecutor(this, "SfStreamConsumer[" + getChannel() + "]");
        dispatcherThread.execute(dispatcher);
        worker.begin(this::subscribe);
    }

    private void subscribe() {
        dispatcher.attach(endpoint.transport().open(dispatcher));
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
        worker.stopping();
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
        // after the last commit: the next holder continues exactly from it
        worker.release(executors);
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
