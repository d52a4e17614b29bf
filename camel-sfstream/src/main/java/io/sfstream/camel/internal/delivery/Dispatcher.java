package io.sfstream.camel.internal.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.sfstream.camel.ReplayCommit;
import io.sfstream.camel.ReplayCommitter;
import io.sfstream.camel.ReplayFallback;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.SfStreamConstants;
import io.sfstream.camel.SfStreamException;
import io.sfstream.camel.SubscriberErrorException;
import io.sfstream.camel.SubscriptionException;
import io.sfstream.camel.internal.transport.Channel;
import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.StreamEvent;
import io.sfstream.camel.internal.transport.Subscriber;
import io.sfstream.camel.internal.transport.Transport;
import io.sfstream.camel.internal.transport.TransportError;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.ReplayMarkerStore;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery of one channel, from event to exchange to committed marker: the transport offers events on its thread
 * ({@link #offer}), the dispatcher thread ({@link #run}) maps them to exchanges in the order they came and hands them to
 * the route, and each exchange's completion ({@link Delivery}) tells the {@link DeliveryTracker} it is done, whose
 * watermark the {@link MarkerCommitter} writes. A full queue makes the transport hold back ({@link #isFull()}); room
 * again asks it for more.
 */
public final class Dispatcher implements Subscriber, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** What the dispatcher needs from the worker side of the consumer that owns it. */
    public interface Host {

        /** Whether another worker took the subscription: nothing more is delivered until a restart. */
        boolean leaseLost();

        /** Without a lease true; with one, whether this worker still holds it (renewing it after a pause). */
        boolean mayProcess();

        /**
         * Delivery stopped for good (a failed exchange, the transport failed for good): leave the transport if asked,
         * write the marker and hand the subscription on.
         */
        void stepDown(boolean leaveTransport);
    }

    private final Channel channel;
    private final String markerKey;
    private final SfStreamConfiguration config;
    private final StartAt defaultStart;
    /** Creates, runs and releases the exchanges, and owns the exception handler. */
    private final DefaultConsumer camel;
    private final Host host;
    /** Events taken from the transport and not yet completed by the route: queued plus in flight. */
    private final PendingEvents pending;
    /** Exchanges started and not yet done, for graceful shutdown. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final DeliveryTracker tracker = new DeliveryTracker();
    /** The first processing failure that stopped delivery, with ignoreSubscriberErrors=false. */
    private final AtomicReference<SubscriberErrorException> failure = new AtomicReference<>();
    /** Set when the transport stopped for good (maxErroneousPeriod); cleared by a restart. */
    private final AtomicReference<SfStreamException> fatalError = new AtomicReference<>();
    private EventMapper mapper;
    private ReplayMarkerStore store;
    private volatile MarkerCommitter committer;
    /** Received/committed/failed hooks: Micrometer meters when a MeterRegistry is bound, else no-ops. */
    private volatile ConsumerMetrics metrics = ConsumerMetrics.NONE;
    // volatile: read by exchange-completion threads to ask the transport for more
    private volatile Transport.Subscription subscription;
    // volatile: written by the transport thread, read by health checks, JMX and the dev console
    private volatile String lastReceived;
    /**
     * Arrival number of the newest event offered since the start, on the transport's thread ({@link #offer},
     * {@link #onLatest}). Metrics count received, committed and lag by it on both APIs: a Pub/Sub position has no
     * arithmetic.
     */
    private long arrivals;
    /**
     * Arrival number of the newest event the dispatcher thread took. Events are queued and taken in arrival order, and
     * once {@link #offer} drops one (draining, stopped delivering) it queues none after it until the next start, so the
     * n-th event taken is the n-th that arrived.
     */
    private long taken;

    public Dispatcher(Channel channel, String markerKey, SfStreamConfiguration config, StartAt defaultStart,
                      DefaultConsumer camel, Host host) {
        this.camel = camel;
        this.channel = channel;
        this.markerKey = markerKey;
        this.config = config;
        this.defaultStart = defaultStart;
        this.host = host;
        this.pending = new PendingEvents(config.getMaxPendingCount(), config.getMaxBatchSize(), config.getBatchTimeout());
    }

    // ------------------------------------------------------------------ lifecycle, the consumer's thread

    /** Empties everything for a new start with these parts; {@link #run} is then started on the dispatcher thread. */
    public void start(EventMapper eventMapper, ReplayMarkerStore markerStore, MarkerCommitter markerCommitter,
                      ConsumerMetrics consumerMetrics) {
        tracker.clear();
        pending.reset();
        inFlight.set(0);
        failure.set(null);
        fatalError.set(null);
        arrivals = 0;
        taken = 0;
        this.mapper = eventMapper;
        this.store = markerStore;
        this.committer = markerCommitter;
        this.metrics = consumerMetrics;
    }

    /** The transport subscription events come from, or null to forget it; returns the one it replaces. */
    public Transport.Subscription attach(Transport.Subscription opened) {
        Transport.Subscription previous = subscription;
        subscription = opened;
        return previous;
    }

    /** The transport subscription events come from, or null. */
    public Transport.Subscription subscription() {
        return subscription;
    }

    /** Pauses delivery: the exchange in flight finishes, queued events wait, the transport holds back. */
    public void suspend() {
        pending.suspend();
    }

    /** Continues with the first queued event; the transport fetches again once there is room. */
    public void resume() {
        pending.resume();
        Transport.Subscription current = subscription;
        if (current != null) {
            current.more();
        }
    }

    /** Starts nothing new: buffered events not yet started are left for the next start. */
    public void drain() {
        pending.drain();
    }

    /** Events queued but not started are dropped: never committed, they come again on the next start. */
    public void stop() {
        pending.stop();
    }

    /** Writes the newest committed marker to the store now (intervals, stop, stepping down). */
    public void writeMarker() {
        MarkerCommitter current = committer;
        if (current == null) {
            return;
        }
        try {
            current.writeAndFlush();
        } catch (RuntimeException e) {
            camel.getExceptionHandler().handleException("Cannot write the replay marker of " + markerKey, e);
        }
    }

    // ------------------------------------------------------------------ status, any thread

    public int pendingCount() {
        return pending.size();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public ReplayMarker committedMarker() {
        MarkerCommitter current = committer;
        return current == null ? null : current.written();
    }

    /** The position of the newest event received, or null. */
    public String lastReceived() {
        return lastReceived;
    }

    public SubscriberErrorException failure() {
        return failure.get();
    }

    public SfStreamException fatalError() {
        return fatalError.get();
    }

    // ------------------------------------------------------------------ Subscriber, the transport's thread

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public StartAt startAt() {
        Optional<ReplayMarker> stored = store.read(markerKey);
        if (stored.isPresent()) {
            LOG.info("{} resumes after the stored replay marker {} of {}", channel, stored.get(), markerKey);
            return StartAt.after(stored.get().position());
        }
        return defaultStart;
    }

    @Override
    public Optional<StartAt> fallbackFor(String rejectedPosition, String error) {
        ReplayFallback fallback = config.getReplayFallback();
        if (fallback == ReplayFallback.NONE) {
            return Optional.empty();
        }
        long replayId = fallback == ReplayFallback.ALL_EVENTS ? -2 : -1;
        reportLogged(
                "Salesforce rejected replayId " + rejectedPosition + " of " + channel + " (" + error
                                                        + "); replayFallback=" + fallback + " resubscribes with " + replayId
                                                        + " and replaces the stale marker once events flow",
                new SubscriptionException(channel.subscription(), error, "Stale replay marker " + rejectedPosition + " of "
                                                                         + markerKey + " replaced by " + fallback));
        return Optional.of(fallback == ReplayFallback.ALL_EVENTS ? StartAt.ALL : StartAt.NEW);
    }

    @Override
    public void offer(StreamEvent event) {
        if (event.position() != null) {
            lastReceived = event.position();
        }
        long sequence = ++arrivals;
        if (metrics != ConsumerMetrics.NONE) {
            metrics.received(sequence, event.position());
        }
        if (pending.isDraining() || stoppedDelivering()) {
            // never started, never committed: the next start (or the next holder) resumes before it
            return;
        }
        pending.add(event);
    }

    @Override
    public boolean isFull() {
        return pending.isFull();
    }

    @Override
    public int room() {
        return pending.room();
    }

    @Override
    public void onLatest(String position) {
        // only with nothing queued, in flight or awaiting a manual commit: every event handed over is committed, so
        // nothing before the server's newest position is left unprocessed; never while draining, when offer drops
        // events unprocessed and the server's newest position may be one of them
        if (position == null || pending.isDraining() || pending.size() > 0 || inFlight.get() > 0 || !tracker.isEmpty()
                || stoppedDelivering() || !host.mayProcess()) {
            return;
        }
        ReplayMarker written = committedMarker();
        if (written != null && written.position().equals(position)) {
            return;
        }
        LOG.debug("{} is quiet: its marker moves to the newest position {}", channel, position);
        commit(new ReplayMarker(position, null), arrivals);
    }

    @Override
    public void onSubscribed(StartAt from) {
        LOG.debug("{} subscribed {}", channel, from);
    }

    @Override
    public void onError(TransportError error) {
        reportLogged(error.cause().getMessage(), error.cause());
    }

    @Override
    public void onFatal(SfStreamException error) {
        if (fatalError.compareAndSet(null, error)) {
            // the route stays started and delivers nothing more until it is restarted
            reportLogged(error.getMessage(), error);
            host.stepDown(false);
        }
    }

    /**
     * Reports an error that the transport has logged already, once for all its channels: to the exception handler the
     * route chose (bridgeErrorHandler, exceptionHandler=#bean), but not to Camel's default one, which would only log it
     * again, once per consumer and with a stack trace.
     */
    private void reportLogged(String message, SfStreamException error) {
        ExceptionHandler handler = camel.getExceptionHandler();
        if (!(handler instanceof LoggingExceptionHandler)) {
            handler.handleException(message, error);
        }
    }

    // ------------------------------------------------------------------ dispatcher thread

    /** The dispatcher loop: until stopped, takes the next event (or batch) and hands it to the route. */
    @Override
    public void run() {
        while (true) {
            List<StreamEvent> batch;
            try {
                batch = pending.nextBatch();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch == null) {
                return;
            }
            taken += batch.size();
            if (pending.isDraining() || stoppedDelivering() || !host.mayProcess()) {
                // never started: left for the next start (or the next holder), which resumes from the committed marker
                released(batch.size());
                continue;
            }
            process(batch, taken);
        }
    }

    /** A failed exchange or a lost lease stopped delivery until the route restarts. */
    private boolean stoppedDelivering() {
        return failure.get() != null || host.leaseLost();
    }

    /** @param sequence the arrival number of the batch's last event */
    private void process(List<StreamEvent> batch, long sequence) {
        StreamEvent last = batch.get(batch.size() - 1);
        Exchange exchange = camel.createExchange(false);
        Message message = exchange.getMessage();
        Instant createdDate = null;
        try {
            if (batch.size() == 1 && config.getMaxBatchSize() == 1) {
                createdDate = mapper.map(last, message);
            } else {
                createdDate = mapBatch(batch, exchange);
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
        // an event the server sent without a position can fail or be skipped, but no marker can point at it
        ReplayMarker marker = last.position() == null ? null : new ReplayMarker(last.position(), createdDate);
        inFlight.incrementAndGet();
        if (exchange.getException() != null) {
            // the event cannot become a message: same policy as a failed exchange, without running the route
            DeliveryTracker.Ticket ticket = tracker.handedOver(marker, sequence);
            failed(ticket, last.position(), exchange.getException());
            finished(exchange, batch.size());
            return;
        }
        ReplayCommit policy = config.getReplayCommit();
        DeliveryTracker.Ticket ticket = policy == ReplayCommit.ON_RECEIVE ? null : tracker.handedOver(marker, sequence);
        if (policy == ReplayCommit.ON_RECEIVE) {
            if (marker != null) {
                commit(marker, sequence);
            }
        } else if (policy == ReplayCommit.MANUAL) {
            message.setHeader(SfStreamConstants.REPLAY_COMMITTER, (ReplayCommitter) () -> done(ticket));
        }
        Delivery delivery = new Delivery(exchange, ticket, last.position(), batch.size(), policy);
        exchange.getExchangeExtension().addOnCompletion(delivery);
        camel.getAsyncProcessor().process(exchange, delivery);
    }

    /**
     * One exchange on its way through the route: as its on-completion it commits (ON_COMPLETION) or stops delivery
     * (a failure), and as its callback it frees the room its events took. One object per exchange for both roles.
     */
    private final class Delivery implements Synchronization, AsyncCallback {
        private final Exchange exchange;
        /** Null with ON_RECEIVE, which committed at hand-over. */
        private final DeliveryTracker.Ticket ticket;
        private final String position;
        private final int events;
        private final ReplayCommit policy;

        Delivery(Exchange exchange, DeliveryTracker.Ticket ticket, String position, int events, ReplayCommit policy) {
            this.exchange = exchange;
            this.ticket = ticket;
            this.position = position;
            this.events = events;
            this.policy = policy;
        }

        @Override
        public void onComplete(Exchange completed) {
            // MANUAL commits when the route calls the committer; ON_RECEIVE committed already
            if (policy == ReplayCommit.ON_COMPLETION) {
                Dispatcher.this.done(ticket);
            }
        }

        @Override
        public void onFailure(Exchange failedExchange) {
            failed(ticket, position, failedExchange.getException());
        }

        @Override
        public void done(boolean doneSync) {
            finished(exchange, events);
        }
    }

    /** @return the creation time of the batch's last event, or null */
    private Instant mapBatch(List<StreamEvent> batch, Exchange exchange) {
        List<Object> bodies = new ArrayList<>(batch.size());
        List<Map<String, Object>> headers = new ArrayList<>(batch.size());
        Message item = null;
        Instant createdDate = null;
        for (StreamEvent event : batch) {
            item = new DefaultMessage(exchange.getContext());
            createdDate = mapper.map(event, item);
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
                camel.getExceptionHandler().handleException("Processing event " + exchange.getMessage()
                        .getHeader(SfStreamConstants.REPLAY_ID) + " of " + channel
                                                        + " failed; skipped (ignoreSubscriberErrors=true)",
                        exchange, exchange.getException());
            }
        } finally {
            camel.releaseExchange(exchange, false);
            inFlight.decrementAndGet();
            released(events);
        }
    }

    // ------------------------------------------------------------------ commits, any thread

    private void done(DeliveryTracker.Ticket ticket) {
        if (ticket == null) {
            return;
        }
        DeliveryTracker.Ticket watermark = tracker.done(ticket);
        if (watermark != null) {
            commit(watermark.marker(), watermark.sequence());
        }
    }

    /** @param sequence the arrival number of the event the marker moves past: the metrics count by it */
    private void commit(ReplayMarker marker, long sequence) {
        committer.commit(marker);
        if (metrics != ConsumerMetrics.NONE) {
            metrics.committed(sequence);
        }
    }

    private void failed(DeliveryTracker.Ticket ticket, String position, Exception cause) {
        if (config.isIgnoreSubscriberErrors()) {
            done(ticket);
            return;
        }
        SubscriberErrorException error = new SubscriberErrorException(channel.subscription(), position, cause);
        if (failure.compareAndSet(null, error)) {
            // reported once, through the exception handler (logged by default, routed with bridgeErrorHandler)
            camel.getExceptionHandler().handleException(error.getMessage(), error);
            // the marker stays before this event; no event of the channel is taken until the route restarts
            host.stepDown(true);
        }
    }

    /** Once half the bound is free again, a transport holding back for this endpoint may fetch again. */
    private void released(int events) {
        Transport.Subscription current = subscription;
        if (pending.release(events) && current != null) {
            current.more();
        }
    }
}
