package io.sfstream.camel.pubsub;

import io.sfstream.camel.SalesforceLoginException;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.SfStreamException;
import io.sfstream.camel.SubscriptionException;
import io.sfstream.camel.TransportTimeoutException;
import io.sfstream.camel.internal.login.AccessToken;
import io.sfstream.camel.internal.login.SalesforceLogin;
import io.sfstream.camel.internal.transport.OutageTracker;
import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.StatusBoard;
import io.sfstream.camel.internal.transport.StreamEvent;
import io.sfstream.camel.internal.transport.Subscriber;
import io.sfstream.camel.internal.transport.Transport;
import io.sfstream.camel.internal.transport.TransportError;
import io.sfstream.camel.internal.transport.TransportStatus;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.sfstream.camel.pubsub.proto.ConsumerEvent;
import io.sfstream.camel.pubsub.proto.FetchRequest;
import io.sfstream.camel.pubsub.proto.FetchResponse;
import io.sfstream.camel.pubsub.proto.ReplayPreset;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's channel over the Pub/Sub API: one Subscribe stream at a time, resubscribed after the last event
 * handed over whenever a stream ends. Pull-based flow control: the server is never asked for more events than the
 * subscriber has room for ({@code num_requested} at most 100 outstanding). Every method runs on the connection's
 * thread, which is also the gRPC executor of the stream's callbacks; {@link #more()}, {@link #close()} and
 * {@link #status()} may be called from any thread.
 */
final class PubSubStream implements Transport.Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubStream.class);

    /** Salesforce counts at most 100 outstanding requested events per stream. */
    static final int MAX_REQUESTED = 100;
    /** How long a new stream must stay open to end an outage when no response came yet. */
    static final Duration HEALTHY_AFTER = Duration.ofSeconds(1);

    enum State {
        /** Created, not yet opened. */
        IDLE,
        /** Logging in (if needed) and opening a stream. */
        CONNECTING,
        /** A stream is open: events flow as requested. */
        SUBSCRIBED,
        /** The server closed an idle stream while the subscriber was full: reopened once it has room. */
        WAITING_FOR_ROOM,
        /** A stream failed: reopened after a back-off. */
        WAITING_TO_RETRY,
        /** Given up on the channel (stale position without fallback, maxErroneousPeriod): until the endpoint restarts. */
        FAILED,
        /** Closed by the endpoint. */
        CLOSED;

        private static final Map<State, EnumSet<State>> NEXT = Map.of(
                IDLE, EnumSet.of(CONNECTING, CLOSED),
                CONNECTING, EnumSet.of(SUBSCRIBED, WAITING_TO_RETRY, FAILED, CLOSED),
                SUBSCRIBED, EnumSet.of(CONNECTING, WAITING_FOR_ROOM, WAITING_TO_RETRY, FAILED, CLOSED),
                WAITING_FOR_ROOM, EnumSet.of(CONNECTING, CLOSED),
                WAITING_TO_RETRY, EnumSet.of(CONNECTING, FAILED, CLOSED),
                FAILED, EnumSet.of(CLOSED),
                CLOSED, EnumSet.noneOf(State.class));

        boolean mayMoveTo(State next) {
            return NEXT.get(this).contains(next);
        }
    }

    private final PubSubConnection connection;
    private final Subscriber subscriber;
    private final EventReader reader;
    private final Runnable onClosed;
    private final ScheduledExecutorService thread;
    private final Clock clock;
    private final DoubleSupplier random;
    private final String topic;
    private final int maxPendingCount;
    private final Duration retryDelay;
    private final Duration maxRetryDelay;
    /** connectionTimeout and maxErroneousPeriod, by the rules (and timers) the Streaming API's session uses too. */
    private final OutageTracker outage;
    private final boolean rawBitmaps;
    private final StreamStatus status;

    // --- only on the connection's thread
    /** Numbers the streams: callbacks of a stream that is no longer the current one are ignored. */
    private int epoch;
    private ClientCallStreamObserver<FetchRequest> requests;
    private AccessToken tokenUsed;
    /** Where the current stream started: the position a replay id error rejects. */
    private StartAt startedAt;
    /** Where to start after a replay fallback until an event was handed over. */
    private StartAt fallbackStart;
    /** The position of the last event handed to the subscriber: every new stream starts after it. */
    private String lastHanded;
    /**
     * The newest position the server reported (latest_replay_id) on a stream that started from new events (LATEST) and
     * handed nothing over yet: a new stream starts after it (CUSTOM), never LATEST again, so that events published
     * while the stream was down (reset, expired token, server restart) are not skipped.
     */
    private String latestSeen;
    /** Whether the current stream started from new events (LATEST, or after {@link #latestSeen}). */
    private boolean fromNewEvents;
    /** Events requested on the current stream and not yet received. */
    private int owed;
    private int failures;
    private boolean authRetried;
    private boolean reportedEmptyLatest;
    private ScheduledFuture<?> retry;
    /** The connection's thread, once known: {@link #close()} called on it closes at once instead of waiting. */
    private volatile Thread owner;

    PubSubStream(PubSubConnection connection, Subscriber subscriber, SfStreamConfiguration config, EventReader reader,
                 Clock clock, DoubleSupplier random, Runnable onClosed) {
        this.connection = connection;
        this.subscriber = subscriber;
        this.reader = reader;
        this.onClosed = onClosed;
        this.thread = connection.thread();
        this.clock = clock;
        this.random = random;
        this.topic = subscriber.channel().name();
        this.maxPendingCount = config.getMaxPendingCount();
        this.retryDelay = config.getTimeToWaitBeforeConnectionRetry();
        this.maxRetryDelay = config.getMaxReconnectDelay();
        this.rawBitmaps = config.isPubSubRawBitmaps();
        this.status = new StreamStatus(clock.instant());
        this.outage = new OutageTracker("The Pub/Sub stream of " + topic, config.getConnectionTimeout(),
                config.getMaxErroneousPeriod(), clock, this::later, new OutageTracker.Listener() {
                    @Override
                    public void timedOut(TransportTimeoutException timeout) {
                        status.timedOut();
                        report(TransportError.Kind.TRANSIENT, timeout);
                    }

                    @Override
                    public void failedForGood(SfStreamException fatal) {
                        cancel();
                        if (retry != null) {
                            retry.cancel(false);
                        }
                        if (move(State.FAILED, "maxErroneousPeriod")) {
                            subscriber.onFatal(fatal);
                        }
                    }
                });
    }

    /** Opens the first stream, on the connection's thread. */
    void open() {
        thread.execute(this::connect);
    }

    // ------------------------------------------------------------------ Transport.Subscription, any thread

    @Override
    public void more() {
        try {
            thread.execute(this::onMore);
        } catch (RejectedExecutionException e) {
            // the connection is closing
        }
    }

    @Override
    public TransportStatus status() {
        return status;
    }

    @Override
    public void close() {
        if (Thread.currentThread() == owner) {
            // called back from a subscriber method on the connection's thread: waiting for the thread would stall it
            shutdown();
            return;
        }
        Future<?> done;
        try {
            done = thread.submit(this::shutdown);
        } catch (RejectedExecutionException e) {
            return;
        }
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Closing the Pub/Sub stream of {} did not finish: {}", topic, e.toString());
        }
    }

    // ------------------------------------------------------------------ the state machine, connection's thread

    /** The only way the state changes: refuses (and logs) a move the state does not allow. */
    private boolean move(State next, String why) {
        State current = status.current();
        if (!current.mayMoveTo(next)) {
            LOG.debug("{} Pub/Sub stream stays {}: no move to {} ({})", topic, current, next, why);
            return false;
        }
        LOG.debug("{} Pub/Sub stream {} -> {} ({})", topic, current, next, why);
        status.state(next, clock.instant());
        return true;
    }

    private void connect() {
        owner = Thread.currentThread();
        if (!move(State.CONNECTING, "open a stream")) {
            return;
        }
        retry = null;
        epoch++;
        StartAt start;
        try {
            start = lastHanded != null ? StartAt.after(lastHanded)
                    : latestSeen != null ? StartAt.after(latestSeen)
                    : fallbackStart != null ? fallbackStart : subscriber.startAt();
            fromNewEvents = lastHanded == null && (latestSeen != null || start.kind() == StartAt.Kind.NEW);
        } catch (RuntimeException e) {
            // the store could not be read: retried like a connection failure
            failed(new TransportError(TransportError.Kind.TRANSIENT, new SfStreamException("Cannot read where "
                                                                                           + topic + " starts: "
                                                                                           + e.getMessage(), e), false),
                    false);
            return;
        }
        FetchRequest.Builder first = FetchRequest.newBuilder().setTopicName(topic);
        switch (start.kind()) {
            case NEW -> first.setReplayPreset(ReplayPreset.LATEST);
            case ALL -> first.setReplayPreset(ReplayPreset.EARLIEST);
            case AFTER -> {
                try {
                    first.setReplayPreset(ReplayPreset.CUSTOM).setReplayId(ReplayIds.replayId(start.position()));
                } catch (IllegalArgumentException e) {
                    // a Streaming API marker (a decimal replayId) is no Pub/Sub replay id: as stale as an expired one
                    startedAt = start;
                    rejected(start, "not a Pub/Sub replay id (base64 of its bytes)");
                    return;
                }
            }
            default -> throw new IllegalStateException("unknown start " + start);
        }
        try {
            tokenUsed = connection.token();
        } catch (SalesforceLoginException e) {
            failed(new TransportError(TransportError.Kind.CREDENTIALS, e, false), false);
            return;
        } catch (SfStreamException e) {
            failed(new TransportError(TransportError.Kind.TRANSIENT, e, false), false);
            return;
        }
        int n = wanted(0);
        first.setNumRequested(n);
        Responses responses = new Responses(epoch);
        try {
            connection.stub(tokenUsed).subscribe(responses);
            requests = responses.requests;
            requests.onNext(first.build());
        } catch (IllegalStateException e) {
            giveUp(new TransportError(TransportError.Kind.FATAL, new SfStreamException(e.getMessage()), true));
            return;
        }
        owed = n;
        startedAt = start;
        status.handshaked();
        move(State.SUBSCRIBED, "stream open, " + n + " requested");
        LOG.info("{} subscribed over the Pub/Sub API ({}) starting {}", topic, connection.name(), describe(start));
        subscriber.onSubscribed(start);
        // a quiet channel may see its first response (a keepalive) only minutes later: a stream that stayed open for
        // a second was accepted (refusals come at once), so the outage is over
        int opened = epoch;
        thread.schedule(() -> {
            if (opened == epoch && status.current() == State.SUBSCRIBED) {
                healthy();
            }
        }, HEALTHY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onMore() {
        if (status.current() == State.SUBSCRIBED) {
            request();
        } else if (status.current() == State.WAITING_FOR_ROOM && subscriber.room() > 0) {
            connect();
        }
    }

    /** How many to request now, given {@code outstanding}: never more than the room left nor 100 outstanding. */
    private int wanted(int outstanding) {
        long room = Math.min(MAX_REQUESTED, subscriber.room());
        return (int) Math.max(0, room - outstanding);
    }

    /** Asks for more when the subscriber has room: at once when nothing is owed, else once half a request is free. */
    private void request() {
        int n = wanted(owed);
        int threshold = Math.max(1, Math.min(MAX_REQUESTED, maxPendingCount) / 2);
        if (n <= 0 || (owed > 0 && n < threshold)) {
            return;
        }
        requests.onNext(FetchRequest.newBuilder().setTopicName(topic).setNumRequested(n).build());
        owed += n;
        LOG.trace("{} requested {} ({} owed)", topic, n, owed);
    }

    private void onResponse(FetchResponse response) {
        healthy();
        failures = 0;
        authRetried = false;
        int stream = epoch;
        for (ConsumerEvent event : response.getEventsList()) {
            owed = Math.max(0, owed - 1);
            StreamEvent read = read(event, response.getRpcId());
            if (stream != epoch) {
                // reading it ended the stream (GetSchema failed): the next one starts after the last event handed over
                return;
            }
            if (read == null) {
                continue;
            }
            subscriber.offer(read);
            if (read.position() != null) {
                lastHanded = read.position();
            }
        }
        if (response.getEventsCount() == 0) {
            keepalive(response);
        }
        request();
    }

    /** A response without events: when the server owes events and has none, its latest position is ours. */
    private void keepalive(FetchResponse response) {
        String latest = ReplayIds.position(response.getLatestReplayId());
        if (latest == null) {
            if (!reportedEmptyLatest) {
                reportedEmptyLatest = true;
                report(TransportError.Kind.TRANSIENT, new SubscriptionException(topic, null,
                        "A Pub/Sub keepalive of " + topic + " (rpc " + response.getRpcId()
                                                                                   + ") has no latest_replay_id: the marker"
                                                                                   + " of a quiet channel cannot move"));
            }
            return;
        }
        if (lastHanded == null && fromNewEvents) {
            // started from new events and none came yet: a new stream must start after this position, not LATEST again
            latestSeen = latest;
        }
        if (owed > 0) {
            // nothing newer exists than what was handed over: a committed marker may move there
            subscriber.onLatest(latest);
        }
    }

    /** The event as the subscriber takes it (unreadable ones included), or null to skip it. */
    private StreamEvent read(ConsumerEvent event, String rpcId) {
        String position = ReplayIds.position(event.getReplayId());
        String schemaId = event.getEvent().getSchemaId();
        if (position == null) {
            // handed over without a position: it fails like an exchange (or is skipped with ignoreSubscriberErrors),
            // and no marker can move to it, first event of a stream or not
            String after = lastHanded != null ? lastHanded
                    : startedAt != null && startedAt.kind() == StartAt.Kind.AFTER ? startedAt.position() : null;
            return StreamEvent.unreadable(topic, null, "An event of " + topic + " (schema " + schemaId + ", EventUuid "
                                                       + event.getEvent().getId() + ") has no replay id"
                                                       + (after == null ? "" : "; it came after " + after));
        }
        Schema schema;
        try {
            schema = connection.schema(schemaId, tokenUsed);
        } catch (StatusRuntimeException e) {
            ended(e, "GetSchema " + schemaId);
            return null;
        }
        if (schema == null) {
            return StreamEvent.unreadable(topic, position, "Event " + position + " of " + topic
                                                           + " cannot be read: GetSchema knows no schema " + schemaId);
        }
        try {
            EventReader.Decoded decoded = reader.read(subscriber.channel().kind(), schemaId, schema,
                    event.getEvent().getPayload().toByteArray(), event.getEvent().getId(), position, rawBitmaps);
            return new StreamEvent(topic, position,
                    rpcId.isEmpty() ? decoded.fields() : decoded.fields().withRpcId(rpcId), decoded.data());
        } catch (IOException e) {
            return StreamEvent.unreadable(topic, position, "Event " + position + " of " + topic
                                                           + " does not decode with its schema " + schemaId + ": "
                                                           + e.getMessage());
        }
    }

    /** The current stream ended with an error (or a GetSchema call failed): classify and resubscribe or give up. */
    private void ended(Throwable error, String what) {
        cancel();
        Status grpc = Status.fromThrowable(error);
        Metadata trailers = Status.trailersFromThrowable(error);
        String code = trailers == null ? null : trailers.get(PubSubConnection.ERROR_CODE);
        String message = what + " of " + topic + " failed: " + grpc.getCode()
                         + (grpc.getDescription() == null ? "" : " " + grpc.getDescription())
                         + (code == null ? "" : " (" + code + ")")
                         // the network or TLS failure under UNAVAILABLE "io exception", e.g. an untrusted certificate
                         + (rootCause(error) == error ? "" : ": " + SalesforceLogin.describe(rootCause(error)));
        String kind = code == null ? "" : code;
        if (grpc.getCode() == Status.Code.UNAUTHENTICATED || kind.endsWith(".auth.error")
                || kind.endsWith(".auth.refresh.invalid")) {
            connection.refused(tokenUsed);
            report(TransportError.Kind.CREDENTIALS, new SubscriptionException(topic, code, message));
            if (!authRetried) {
                // a token expired: log in again at once
                authRetried = true;
                connect();
            } else {
                retryLater(false);
            }
            return;
        }
        if (kind.endsWith(".replayid.corrupted") || kind.endsWith(".replayid.validation.failed")) {
            if (startedAt != null && startedAt.kind() == StartAt.Kind.AFTER) {
                rejected(startedAt, message);
                return;
            }
        }
        boolean limit = kind.endsWith(".concurrent.client.limit.exceeded")
                        || grpc.getCode() == Status.Code.RESOURCE_EXHAUSTED;
        failed(new TransportError(limit ? TransportError.Kind.LIMIT : TransportError.Kind.TRANSIENT,
                new SubscriptionException(topic, code, message), false), limit);
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The server rejected the position the stream started after: fall back, or give up on the channel. */
    private void rejected(StartAt start, String error) {
        cancel();
        Optional<StartAt> fallback = subscriber.fallbackFor(start.position(), error);
        if (fallback.isEmpty()) {
            giveUp(new TransportError(TransportError.Kind.STALE_POSITION, new SubscriptionException(topic, error,
                    "The Pub/Sub API rejected the position " + start.position() + " of " + topic + " (" + error
                                                                                                 + ") and replayFallback=NONE:"
                                                                                                 + " nothing more is consumed until the endpoint restarts"),
                    true));
            return;
        }
        fallbackStart = fallback.get();
        lastHanded = null;
        latestSeen = null;
        // at once, from the fallback
        if (move(State.WAITING_TO_RETRY, "replay fallback to " + fallbackStart)) {
            retry = thread.schedule(this::connect, 0, TimeUnit.MILLISECONDS);
        }
    }

    private void failed(TransportError error, boolean slowest) {
        report(error.kind(), error.cause());
        boolean failedForGood = outage.failure(error.cause());
        status.unhealthy(outage.since());
        if (!failedForGood) {
            retryLater(slowest);
        }
    }

    /** A response, or a stream that stayed open, ends the outage. */
    private void healthy() {
        if (outage.healthy() != null) {
            status.unhealthy(null);
        }
    }

    /** Runs an action after a delay on the connection's thread (the outage's deadlines). */
    private void later(Duration delay, Runnable action) {
        try {
            thread.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: the connection is closing", topic);
        }
    }

    private void retryLater(boolean slowest) {
        if (!move(State.WAITING_TO_RETRY, "retry")) {
            return;
        }
        long base = retryDelay.toMillis() << Math.min(failures, 16);
        long delay = slowest ? maxRetryDelay.toMillis() : Math.min(maxRetryDelay.toMillis(), base);
        delay = (long) (delay * (0.5 + random.getAsDouble() / 2));
        failures++;
        status.reconnected();
        LOG.info("{} resubscribes over the Pub/Sub API in {} ms after {}", topic, delay,
                lastHanded == null ? "no event yet" : "the last event handed over");
        retry = thread.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void giveUp(TransportError error) {
        if (move(State.FAILED, error.kind().name())) {
            report(error.kind(), error.cause());
        }
    }

    /** The server ended the stream normally: it closes a stream that asked for nothing for about 60 s. */
    private void completed() {
        cancel();
        status.reconnected();
        if (subscriber.room() > 0) {
            LOG.info("{}: the Pub/Sub API closed the stream; resubscribing after the last event handed over", topic);
            connect();
        } else if (move(State.WAITING_FOR_ROOM, "closed by the server while full")) {
            LOG.info("{}: the Pub/Sub API closed the idle stream; resubscribing once the route has room", topic);
        }
    }

    private void report(TransportError.Kind kind, SfStreamException cause) {
        status.failed(cause, clock.instant());
        LOG.warn("{}", cause.getMessage());
        subscriber.onError(new TransportError(kind, cause, false));
    }

    private void cancel() {
        epoch++;
        owed = 0;
        if (requests != null) {
            try {
                requests.cancel("resubscribing", null);
            } catch (RuntimeException e) {
                // already closed
            }
            requests = null;
        }
    }

    private void shutdown() {
        State before = status.current();
        if (!move(State.CLOSED, "closed by the endpoint")) {
            return;
        }
        if (retry != null) {
            retry.cancel(false);
        }
        outage.close();
        cancel();
        LOG.info("{} unsubscribed from the Pub/Sub API ({}) after {}", topic, connection.name(), before);
        onClosed.run();
    }

    private static String describe(StartAt start) {
        return switch (start.kind()) {
            case NEW -> "with new events (LATEST)";
            case ALL -> "with every retained event (EARLIEST)";
            case AFTER -> "after " + start.position() + " (CUSTOM)";
        };
    }

    /** The callbacks of one stream, on the connection's thread; ignored once the stream is no longer current. */
    private final class Responses implements ClientResponseObserver<FetchRequest, FetchResponse> {
        private final int stream;
        private ClientCallStreamObserver<FetchRequest> requests;

        Responses(int stream) {
            this.stream = stream;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<FetchRequest> requestStream) {
            this.requests = requestStream;
        }

        private boolean current() {
            return stream == epoch && status.current() == State.SUBSCRIBED;
        }

        @Override
        public void onNext(FetchResponse response) {
            if (current()) {
                onResponse(response);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (current()) {
                ended(t, "The Pub/Sub stream");
            }
        }

        @Override
        public void onCompleted() {
            if (current()) {
                completed();
            }
        }
    }

    /** The stream's status for health checks, JMX and the dev console; logins are the connection's, shared by its streams. */
    private final class StreamStatus extends StatusBoard<State> {

        StreamStatus(Instant since) {
            super(State.IDLE, since);
        }

        @Override
        public long logins() {
            return connection.logins();
        }
    }
}
