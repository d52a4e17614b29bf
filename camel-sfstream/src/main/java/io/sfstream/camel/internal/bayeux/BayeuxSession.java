package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.BayeuxTransportException;
import io.sfstream.camel.SalesforceLoginException;
import io.sfstream.camel.SfStreamException;
import io.sfstream.camel.SubscriptionException;
import io.sfstream.camel.TransportTimeoutException;
import io.sfstream.camel.internal.login.AccessToken;
import io.sfstream.camel.internal.login.SalesforceLogin;
import io.sfstream.camel.internal.transport.Channel;
import io.sfstream.camel.internal.transport.Subscriber;
import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.StreamEvent;
import io.sfstream.camel.internal.transport.OutageTracker;
import io.sfstream.camel.internal.transport.TransportError;
import io.sfstream.camel.internal.bayeux.BayeuxMessages.Advice;
import io.sfstream.camel.internal.bayeux.ChannelSubscription.Status;
import io.sfstream.camel.internal.bayeux.RetryPace.Pace;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.sfstream.camel.internal.bayeux.BayeuxMessages.errorOf;
import static io.sfstream.camel.internal.bayeux.BayeuxMessages.isInvalidReplayId;
import static io.sfstream.camel.internal.bayeux.BayeuxMessages.isLimit;
import static io.sfstream.camel.internal.bayeux.BayeuxMessages.isSuccessful;
import static io.sfstream.camel.internal.bayeux.BayeuxMessages.reconnectAdvice;
import static io.sfstream.camel.internal.bayeux.BayeuxMessages.replyTo;

/**
 * One Bayeux long-polling session with Salesforce, carrying the channels of every sfstream endpoint that shares the
 * component's credentials (Salesforce caps concurrent streaming clients per org).
 * <p>
 * Thread confinement instead of locks: every field below that is not final is read and written only on the session's
 * single scheduler thread. Public entry points hop onto it; HTTP answers arrive on the HTTP client's threads and hop
 * onto it too. So events are handed over in the order the server sent them, and the state machine needs no locking.
 * <p>
 * States and their transitions, all made by {@link #transition}, which refuses what {@link SessionState} does not allow:
 *
 * <pre>
 * IDLE -> LOGGING_IN -> HANDSHAKING -> CONNECTED (connect, connect, ...)
 * any active state -> WAITING_TO_RETRY -> LOGGING_IN | HANDSHAKING | CONNECTED   (after the wait, see Pace)
 * CONNECTED -> HANDSHAKING        (403::Unknown client, advice handshake: at once)
 * CONNECTED -> WAITING_TO_RETRY -> HANDSHAKING
 *                                 (a request failed without a Bayeux reply: back-off; a server /meta/disconnect: at once)
 * CONNECTED -> WAITING_TO_RETRY -> LOGGING_IN   (401::Authentication invalid: at once)
 * any active state -> FAILED     (failing for maxErroneousPeriod: terminal, listeners get a fatal error)
 * any -> CLOSED                   (close(): /meta/disconnect is sent when connected)
 * </pre>
 * A Bayeux session whose request failed without a reply is never used again (see {@link #onTransportError}): every
 * channel resumes through a new handshake after the last event it took, so an event in a lost response is replayed.
 * <p>
 * An outage begins with the first failure after a successful handshake or connect and ends with the next one. Once it
 * has lasted {@code connectionTimeout}, a {@link TransportTimeoutException} is reported once and the statistics say
 * timed out; once it has lasted {@code maxErroneousPeriod}, the session fails for good.
 */
public final class BayeuxSession {

    private static final Logger LOG = LoggerFactory.getLogger(BayeuxSession.class);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Added to advice.timeout so the HTTP read timeout never fires before the server releases a held connect. */
    private static final Duration CONNECT_TIMEOUT_MARGIN = Duration.ofSeconds(30);
    private static final Duration DISCONNECT_WAIT = Duration.ofSeconds(2);

    private final String name;
    private final SalesforceLogin login;
    private final BayeuxRequests transport;
    private final ObjectMapper json;
    private final BayeuxMessages messages;
    private final String apiVersion;
    private final ScheduledExecutorService scheduler;
    private final RetryPace pace;
    private final Clock clock;
    private final SessionStatistics statistics;
    private final OutageTracker outage;
    /** Flow control: a full listener holds the next connect back. */
    private final ConnectHold hold;

    // confined to the scheduler thread
    private final Map<String, ChannelSubscription> subscriptions = new LinkedHashMap<>();
    private SessionState state = SessionState.IDLE;
    /** States entered whose step has not run yet: {@link #transition} runs them one after the other, never nested. */
    private final ArrayDeque<SessionState> steps = new ArrayDeque<>();
    /** Whether {@link #transition} is running steps (a transition made by a step only queues its own). */
    private boolean stepping;
    private AccessToken token;
    private URI cometdUrl;
    private String clientId;
    /** Incremented on every handshake so that answers belonging to an earlier Bayeux session are recognised. */
    private int generation;
    private boolean connectOutstanding;
    /** What the end of the current back-off does (WAITING_TO_RETRY only). */
    private SessionState retryTarget = SessionState.CONNECTED;
    /** Numbers each back-off, so that only the timer of the current one may end it. */
    private long retrySequence;
    private boolean firstConnect;
    private Advice advice = Advice.DEFAULT;
    /** When the current back-off ends (WAITING_TO_RETRY only). */
    private Instant retryDue;
    private Instant stateSince;
    private SfStreamException fatal;

    BayeuxSession(String name, SalesforceLogin login, BayeuxRequests transport, ObjectMapper json, String apiVersion,
                  ScheduledExecutorService scheduler, BackOff backOff, Clock clock, Duration connectionTimeout,
                  Duration maxErroneousPeriod) {
        this.name = name;
        this.login = login;
        this.transport = transport;
        this.json = json;
        this.messages = new BayeuxMessages(json);
        this.apiVersion = apiVersion;
        this.scheduler = scheduler;
        this.pace = new RetryPace(backOff);
        this.clock = clock;
        this.stateSince = clock.instant();
        this.statistics = new SessionStatistics(stateSince);
        this.outage = new OutageTracker("Session " + name, connectionTimeout, maxErroneousPeriod, clock, this::later,
                new OutageTracker.Listener() {
                    @Override
                    public void timedOut(TransportTimeoutException timeout) {
                        statistics.timedOut();
                        LOG.warn("{}", timeout.getMessage());
                        reportToAll(timeout);
                    }

                    @Override
                    public void failedForGood(SfStreamException fatal) {
                        failForGood(fatal);
                    }
                });
        this.hold = new ConnectHold(ConnectHold.KEEP_ALIVE, this::later);
    }

    // ------------------------------------------------------------------ entry points, any thread

    /** Adds a channel; the session logs in and handshakes on its first channel. */
    void subscribe(Subscriber listener) {
        onSessionThread(() -> {
            String key = listener.channel().subscription();
            if (subscriptions.containsKey(key)) {
                throw new IllegalStateException("Channel " + key + " is already subscribed on session " + name);
            }
            ChannelSubscription subscription = new ChannelSubscription(listener);
            subscriptions.put(key, subscription);
            switch (state) {
                case IDLE -> transition(SessionState.LOGGING_IN, "first channel " + key);
                case CONNECTED -> sendSubscribe(subscription);
                case FAILED -> listener.onFatal(fatal);
                default -> LOG.debug("Session {}: {} will be subscribed after the handshake", name, key);
            }
        });
    }

    /** Removes a channel and unsubscribes it on the server. */
    void unsubscribe(Subscriber listener) {
        onSessionThread(() -> {
            String key = listener.channel().subscription();
            ChannelSubscription subscription = subscriptions.get(key);
            if (subscription == null || subscription.listener != listener) {
                return;
            }
            subscriptions.remove(key);
            if (state == SessionState.CONNECTED && subscription.takesEvents()) {
                send(messages.unsubscribe(clientId, key), REQUEST_TIMEOUT, replies -> {
                    JsonNode reply = replyTo(replies, "/meta/unsubscribe");
                    LOG.info("Session {}: unsubscribed {}{}", name, key,
                            reply != null && !isSuccessful(reply) ? " (server: " + errorOf(reply) + ")" : "");
                }, error -> LOG.debug("Session {}: unsubscribe of {} failed: {}", name, key, error.getMessage()));
            }
        });
    }

    /** A listener that was full has room again: fetch more if the session was holding back for it. */
    public void resume(Subscriber listener) {
        onSessionThread(() -> {
            if (hold.isHeld() && state == SessionState.CONNECTED && !anyListenerFull()) {
                hold.release();
                LOG.debug("Session {}: {} drained; fetching again", name, listener.channel());
                connect();
            }
        });
    }

    /**
     * Sends {@code /meta/disconnect} when connected, waits briefly for it, and stops the session. The access token is
     * not revoked: other applications of the same user may share it.
     */
    void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                if (state == SessionState.CONNECTED && clientId != null) {
                    ArrayNode batch = json.createArrayNode().add(messages.disconnect(clientId));
                    transport.send(cometdUrl, token.value(), batch, DISCONNECT_WAIT)
                            .whenComplete((replies, error) -> done.complete(null));
                } else {
                    done.complete(null);
                }
                transition(SessionState.CLOSED, "closed");
            });
            done.get(DISCONNECT_WAIT.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("Session {}: disconnect not confirmed: {}", name, e.getMessage());
        }
    }

    /** A snapshot for health checks and JMX; safe from any thread. */
    public SessionStatistics statistics() {
        return statistics;
    }

    String name() {
        return name;
    }

    // ------------------------------------------------------------------ state machine, session thread only

    /**
     * The one place the state changes: refuses a move that {@link SessionState#isUpdateableTo} does not allow, and
     * runs the step of the new state (log in, handshake, subscribe and connect) only after the transition that asked
     * for it has finished, so that a step's own transition (a login's handshake) never runs inside another one.
     */
    private void transition(SessionState next, String reason) {
        SessionState previous = state;
        if (!previous.isUpdateableTo(next)) {
            LOG.debug("Session {}: {} -> {} refused ({})", name, previous, next, reason);
            return;
        }
        state = next;
        stateSince = clock.instant();
        statistics.state(next, stateSince);
        LOG.debug("Session {}: {} -> {} ({})", name, previous, next, reason);
        if (next == SessionState.CLOSED) {
            outage.close();
            clientId = null;
            subscriptions.clear();
            steps.clear();
            return;
        }
        steps.add(next);
        if (stepping) {
            return;
        }
        stepping = true;
        try {
            SessionState step;
            while ((step = steps.poll()) != null) {
                // a later transition may have left the state whose step was queued
                if (step == state) {
                    runStep(step);
                }
            }
        } finally {
            stepping = false;
        }
    }

    private void runStep(SessionState entered) {
        switch (entered) {
            case LOGGING_IN -> logIn();
            case HANDSHAKING -> handshake();
            case CONNECTED -> {
                subscribePending();
                connect();
            }
            default -> {
                // IDLE, WAITING_TO_RETRY and FAILED wait for an event
            }
        }
    }

    private void retry(SessionState after, SfStreamException cause, Pace pace) {
        if (state == SessionState.FAILED || state == SessionState.CLOSED) {
            return;
        }
        boolean failedForGood = outage.failure(cause);
        statistics.unhealthy(outage.since());
        if (failedForGood) {
            return;
        }
        Duration delay = this.pace.next(pace);
        Instant due = clock.instant().plus(delay);
        if (state == SessionState.WAITING_TO_RETRY) {
            // another request of the same outage failed (a connect and a subscribe were both under way): one back-off
            // whose end does the strongest of the pending actions, and no second report of it; an answer that allows
            // an earlier retry than the one scheduled (the server is reachable again) moves the retry forward
            if (recoveryRank(after) < recoveryRank(retryTarget)) {
                retryTarget = after;
            }
            if (due.isBefore(retryDue)) {
                LOG.debug("Session {}: {}; retrying {} in {} ms instead", name, cause.getMessage(), retryTarget,
                        delay.toMillis());
                scheduleRetry(delay, due);
            } else {
                LOG.debug("Session {}: {} while waiting to retry; the retry will do {}", name, cause.getMessage(),
                        retryTarget);
            }
            return;
        }
        // once per session, whatever number of channels it carries; the consumers' default handlers do not log again
        if (pace == Pace.ANSWER && delay.isZero()) {
            LOG.info("Session {}: {}; {} now", name, cause.getMessage(), describe(after));
        } else {
            LOG.warn("Session {}: {}; {} in {} ms", name, cause.getMessage(), describe(after), delay.toMillis());
        }
        LOG.debug("Session {}: the failure in full", name, cause);
        reportToAll(cause);
        retryTarget = after;
        transition(SessionState.WAITING_TO_RETRY, "before " + after);
        scheduleRetry(delay, due);
    }

    private void scheduleRetry(Duration delay, Instant due) {
        retryDue = due;
        // a timer of an earlier wait must not end this one
        long wait = ++retrySequence;
        later(delay, () -> {
            if (state == SessionState.WAITING_TO_RETRY && wait == retrySequence) {
                transition(retryTarget, "back-off over");
            }
        });
    }

    private static String describe(SessionState action) {
        return switch (action) {
            case LOGGING_IN -> "logging in again";
            case HANDSHAKING -> "handshaking again (every channel resumes after its last event)";
            default -> "reconnecting";
        };
    }

    /** A new login also handshakes and reconnects, a handshake also reconnects: lower ranks do more. */
    private static int recoveryRank(SessionState action) {
        return switch (action) {
            case LOGGING_IN -> 0;
            case HANDSHAKING -> 1;
            default -> 2;
        };
    }

    private void logIn() {
        try {
            token = login.login();
            statistics.loggedIn();
            cometdUrl = URI.create(token.instanceUrl() + "/cometd/" + apiVersion);
            LOG.info("Session {}: logged in with the {} flow; streaming endpoint {}", name, login.flow().displayName(),
                    cometdUrl);
            transition(SessionState.HANDSHAKING, "logged in");
        } catch (SalesforceLoginException e) {
            // rejected credentials will be rejected again: wait as long as the policy allows, not the first delay
            retry(SessionState.LOGGING_IN, e, e.isCredentialsRejected() ? Pace.LIMIT : Pace.TRANSPORT);
        }
    }

    private void handshake() {
        transport.clearCookies();
        clientId = null;
        connectOutstanding = false;
        hold.release();
        generation++;
        for (ChannelSubscription subscription : subscriptions.values()) {
            if (subscription.status() != Status.FAILED) {
                subscription.moveTo(Status.PENDING);
            }
        }
        send(messages.handshake(), REQUEST_TIMEOUT, this::onHandshakeReply, this::onTransportError);
    }

    private void onHandshakeReply(List<JsonNode> replies) {
        JsonNode reply = replyTo(replies, "/meta/handshake");
        if (reply == null) {
            retry(SessionState.HANDSHAKING, new BayeuxTransportException("Handshake answer without a /meta/handshake reply", 200, null),
                    Pace.TRANSPORT);
            return;
        }
        if (!isSuccessful(reply) || !reply.hasNonNull("clientId")) {
            String error = errorOf(reply);
            SfStreamException cause = new SfStreamException("Salesforce denied the handshake: " + error);
            if (error.contains("401::")) {
                retry(SessionState.LOGGING_IN, cause, Pace.ANSWER);
            } else if (isLimit(error)) {
                retry(SessionState.HANDSHAKING, limitReached(error), Pace.LIMIT);
            } else {
                retry(SessionState.HANDSHAKING, cause, Pace.ANSWER);
            }
            return;
        }
        if (!reply.path("ext").path("replay").asBoolean(false)) {
            LOG.warn("Session {}: the server did not confirm the replay extension; replayIds may be ignored", name);
        }
        clientId = reply.get("clientId").asText();
        firstConnect = true;
        pace.handshakeSucceeded();
        healthy();
        statistics.handshaked();
        LOG.info("Session {}: Bayeux handshake done with {}", name, cometdUrl);
        transition(SessionState.CONNECTED, "handshake successful");
    }

    private void subscribePending() {
        for (ChannelSubscription subscription : subscriptions.values()) {
            if (subscription.status() == Status.PENDING) {
                sendSubscribe(subscription);
            }
        }
    }

    private void connect() {
        if (state != SessionState.CONNECTED || connectOutstanding) {
            return;
        }
        connectOutstanding = true;
        Duration timeout = Duration.ofMillis(advice.timeoutMs()).plus(CONNECT_TIMEOUT_MARGIN);
        send(messages.connect(clientId, firstConnect), timeout, this::onConnectReply, error -> {
            connectOutstanding = false;
            onTransportError(error);
        });
    }

    private void onConnectReply(List<JsonNode> replies) {
        connectOutstanding = false;
        JsonNode reply = replyTo(replies, "/meta/connect");
        advice = advice.updatedBy(reply);
        JsonNode serverDisconnect = replyTo(replies, "/meta/disconnect");
        if (serverDisconnect != null) {
            retry(SessionState.HANDSHAKING, new SfStreamException("Salesforce closed the Bayeux session (server /meta/disconnect)"),
                    Pace.ANSWER);
            return;
        }
        if (reply == null) {
            // events without a connect reply: keep polling
            connectWhenRoom(0);
            return;
        }
        if (isSuccessful(reply)) {
            firstConnect = false;
            pace.connectSucceeded();
            healthy();
            connectWhenRoom(advice.intervalMs());
            return;
        }
        String error = errorOf(reply);
        String reconnect = reconnectAdvice(reply);
        if (error.startsWith("401::") || error.contains("does not match the session")) {
            retry(SessionState.LOGGING_IN, new SfStreamException("Salesforce rejected the session token: " + error), Pace.ANSWER);
        } else if (error.startsWith("403::Unknown client") || "handshake".equals(reconnect)) {
            handshakeAgain(error);
        } else if (isLimit(error)) {
            retry(SessionState.HANDSHAKING, limitReached(error), Pace.LIMIT);
        } else if ("none".equals(reconnect)) {
            retry(SessionState.LOGGING_IN, new SfStreamException("Salesforce ended the session (advice none): " + error),
                    Pace.LIMIT);
        } else {
            retry(SessionState.CONNECTED, new SfStreamException("Bayeux connect failed: " + error), Pace.ANSWER);
        }
    }

    /** Connects after {@code delayMs}, unless a full endpoint holds the connect back (see {@link ConnectHold}). */
    private void connectWhenRoom(long delayMs) {
        if (!anyListenerFull()) {
            scheduleConnect(delayMs);
            return;
        }
        LOG.debug("Session {}: an endpoint is full; holding the next connect back for up to {} s", name,
                hold.keepAlive().toSeconds());
        int expectedGeneration = generation;
        hold.hold(() -> {
            if (generation == expectedGeneration && state == SessionState.CONNECTED) {
                LOG.debug("Session {}: connecting while an endpoint is still full, to keep the session alive", name);
                connect();
            }
        });
    }

    private boolean anyListenerFull() {
        for (ChannelSubscription subscription : subscriptions.values()) {
            if (subscription.listener.isFull()) {
                return true;
            }
        }
        return false;
    }

    private void scheduleConnect(long delayMs) {
        if (delayMs <= 0) {
            connect();
        } else {
            int expectedGeneration = generation;
            later(Duration.ofMillis(delayMs), () -> {
                if (generation == expectedGeneration) {
                    connect();
                }
            });
        }
    }

    private void sendSubscribe(ChannelSubscription subscription) {
        Channel channel = subscription.listener.channel();
        long from = subscription.replayFrom();
        subscription.subscribing(from);
        send(messages.subscribe(clientId, channel.subscription(), channel.name(), from), REQUEST_TIMEOUT, replies -> onSubscribeReply(subscription, from, replies),
                error -> {
                    if (subscription.status() == Status.SUBSCRIBING) {
                        subscription.moveTo(Status.PENDING);
                    }
                    onTransportError(error);
                });
    }

    private void onSubscribeReply(ChannelSubscription subscription, long from, List<JsonNode> replies) {
        if (subscriptions.get(subscription.listener.channel().subscription()) != subscription
                || subscription.status() != Status.SUBSCRIBING) {
            return;
        }
        Channel channel = subscription.listener.channel();
        JsonNode reply = replyTo(replies, "/meta/subscribe");
        if (isSuccessful(reply)) {
            subscription.subscribed(from, clock.instant());
            if (subscription.resumesNewEvents()) {
                LOG.info("Session {}: subscribed {} again with every retained event, skipping those created before {}"
                         + " (less {}): it has received no event since it subscribed from new events", name, channel,
                        subscription.newEventsSince(), ChannelSubscription.CLOCK_SKEW_MARGIN);
            } else {
                LOG.info("Session {}: subscribed {} after replayId {}", name, channel, from);
            }
            subscription.listener.onSubscribed(ChannelSubscription.startAtOf(from));
            return;
        }
        String error = reply == null ? "no /meta/subscribe reply" : errorOf(reply);
        if (error.contains("403::Unknown client")) {
            subscription.moveTo(Status.PENDING);
            handshakeAgain(error);
        } else if (error.contains("401::")) {
            subscription.moveTo(Status.PENDING);
            retry(SessionState.LOGGING_IN, new SfStreamException("Salesforce rejected the session token: " + error), Pace.ANSWER);
        } else if (isLimit(error)) {
            subscription.moveTo(Status.PENDING);
            retryChannel(subscription, new SubscriptionException(channel.subscription(), error,
                    "Salesforce streaming limit reached while subscribing " + channel + " (" + error
                    + "); waiting maxReconnectDelay before each further attempt"), pace.longest());
        } else if (error.contains("503::") || reply == null) {
            subscription.moveTo(Status.PENDING);
            retryChannel(subscription, new SubscriptionException(channel.subscription(), error,
                    "Salesforce could not subscribe " + channel + " for now: " + error), Duration.ZERO);
        } else if (isInvalidReplayId(error) && fallBack(subscription, from, error)) {
            sendSubscribe(subscription);
        } else {
            subscription.moveTo(Status.FAILED);
            String hint = isInvalidReplayId(error)
                    ? " The replayId " + from + " is no longer retained by Salesforce: set replayFallback=ALL_EVENTS or"
                      + " NEW_EVENTS to start over automatically, or remove the stored marker."
                    : "";
            SubscriptionException failure = new SubscriptionException(channel.subscription(), error,
                    "Salesforce refused the subscription to " + channel + " (replayId " + from + "): " + error + hint);
            LOG.error("Session {}: {}", name, failure.getMessage());
            subscription.listener.onError(new TransportError(isInvalidReplayId(error)
                    ? TransportError.Kind.STALE_POSITION : TransportError.Kind.FATAL, failure, true));
        }
    }

    /** Asks the listener for a fallback after a rejected replayId; true when the channel is to be resubscribed. */
    private boolean fallBack(ChannelSubscription subscription, long rejected, String error) {
        if (subscription.isFallback(rejected)) {
            return false;
        }
        Optional<StartAt> fallback = subscription.listener.fallbackFor(Long.toString(rejected), error);
        if (fallback.isEmpty()) {
            return false;
        }
        subscription.fallBackTo(fallback.get());
        statistics.countFallback();
        LOG.warn("Session {}: Salesforce rejected replayId {} of {} ({}); resubscribing with {}", name, rejected,
                subscription.listener.channel(), error, subscription.replayFrom());
        return true;
    }

    /** A temporary refusal of one channel: retry that channel alone after a back-off, never the whole session. */
    private void retryChannel(ChannelSubscription subscription, SubscriptionException cause, Duration minimumDelay) {
        Duration delay = pace.next(Pace.TRANSPORT);
        if (delay.compareTo(minimumDelay) < 0) {
            delay = minimumDelay;
        }
        LOG.warn("Session {}: {}; retrying in {} ms", name, cause.getMessage(), delay.toMillis());
        subscription.listener.onError(new TransportError(isLimit(cause.getMessage())
                ? TransportError.Kind.LIMIT : TransportError.Kind.TRANSIENT, cause, false));
        int expectedGeneration = generation;
        later(delay, () -> {
            if (generation == expectedGeneration && state == SessionState.CONNECTED && subscription.status() == Status.PENDING
                    && subscriptions.get(subscription.listener.channel().subscription()) == subscription) {
                sendSubscribe(subscription);
            }
        });
    }

    /**
     * A request failed without a Bayeux reply (refused, reset, timed out, an HTTP error, a body that is not Bayeux). The
     * client cannot know what the lost response carried: a CometD server does not send again the events it wrote into
     * a response that failed, while the Bayeux session itself lives on. So the session is never trusted again: a new
     * handshake subscribes every channel with the replay extension after the last event it took.
     */
    private void onTransportError(Throwable error) {
        SfStreamException cause = error instanceof SfStreamException sfe
                ? sfe : new BayeuxTransportException("Bayeux request failed: " + SalesforceLogin.describe(error), 0, error);
        if (cause instanceof BayeuxTransportException bte && (bte.getHttpStatus() == 401 || bte.getHttpStatus() == 403)) {
            retry(SessionState.LOGGING_IN, cause, Pace.ANSWER);
        } else {
            retry(SessionState.HANDSHAKING, cause, Pace.TRANSPORT);
        }
    }

    /**
     * The server asks for a new handshake (403::Unknown client, advice handshake): routine, so done at once and not
     * reported, unless it repeats before a connect succeeded.
     */
    private void handshakeAgain(String error) {
        statistics.reconnected();
        if (state == SessionState.CONNECTED && pace.actOnFirstAnswer()) {
            LOG.info("Session {}: server asks for a new handshake ({}); channels resume after their last event", name, error);
            transition(SessionState.HANDSHAKING, error);
        } else {
            retry(SessionState.HANDSHAKING, new SfStreamException("Salesforce asks for a new handshake again: " + error),
                    Pace.ANSWER);
        }
    }

    // ------------------------------------------------------------------ messages

    private void handEvents(List<StreamEvent> events) {
        for (StreamEvent event : events) {
            String channelName = event.channel();
            ChannelSubscription subscription = subscriptionOf(channelName);
            if (subscription == null || !subscription.takesEvents()) {
                LOG.trace("Session {}: dropped an event of {} (not subscribed)", name, channelName);
                continue;
            }
            String position = event.position();
            // the reader gives a position only to a non-negative long replayId (see BayeuxResponseReader.positionOf)
            if (position == null) {
                statistics.countMalformed();
                SubscriptionException malformed = new SubscriptionException(channelName, null,
                        "Skipped an event of " + channelName + " without a valid data.event.replayId"
                                                                        + " (a non-negative integer)");
                LOG.warn("Session {}: {}", name, malformed.getMessage());
                subscription.listener.onError(new TransportError(TransportError.Kind.TRANSIENT, malformed, false));
                continue;
            }
            long replayId = Long.parseLong(position);
            // the date is read only in the replay that judges it: never on the usual path
            Instant createdAt = subscription.judgesDates()
                    ? event.fields().createdAt(subscription.listener.channel().kind()) : null;
            if (!subscription.take(replayId, createdAt)) {
                // replayed again after a new handshake: already taken once in this process, or older than the start
                LOG.trace("Session {}: dropped replayId {} of {} (already taken)", name, replayId, channelName);
                continue;
            }
            subscription.listener.offer(event);
            statistics.countReceived();
        }
    }

    private ChannelSubscription subscriptionOf(String channelName) {
        ChannelSubscription exact = subscriptions.get(channelName);
        if (exact != null) {
            return exact;
        }
        // events of a filtered PushTopic subscription arrive on the bare channel
        for (ChannelSubscription subscription : subscriptions.values()) {
            if (subscription.listener.channel().name().equals(channelName)) {
                return subscription;
            }
        }
        return null;
    }

    /**
     * Sends one message and handles the answer on the session thread: events first (whatever the request), then the
     * reply. Answers that belong to an earlier handshake are ignored: their channels are resubscribed anyway.
     */
    private void send(ObjectNode message, Duration timeout, Consumer<List<JsonNode>> onReplies,
                      Consumer<Throwable> onError) {
        int gen = generation;
        ArrayNode batch = json.createArrayNode().add(message);
        LOG.trace("Session {}: >> {}", name, message);
        transport.send(cometdUrl, token.value(), batch, timeout)
                .whenComplete((response, error) -> onSessionThread(() -> {
                    if (state == SessionState.CLOSED || state == SessionState.FAILED || gen != generation) {
                        return;
                    }
                    if (error != null) {
                        onError.accept(error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error);
                        return;
                    }
                    LOG.trace("Session {}: << {} {}", name, response.replies(), response.events());
                    handEvents(response.events());
                    onReplies.accept(response.replies());
                }));
    }

    private static SfStreamException limitReached(String error) {
        return new SfStreamException("Salesforce streaming limit reached (" + error
                                     + "); waiting maxReconnectDelay before each further attempt");
    }

    // ------------------------------------------------------------------ outages

    private void failForGood(SfStreamException fatal) {
        this.fatal = fatal;
        LOG.error("{}", fatal.getMessage());
        statistics.failed(fatal, clock.instant());
        statistics.fatal(fatal.getMessage());
        transition(SessionState.FAILED, "maxErroneousPeriod exceeded");
        clientId = null;
        for (ChannelSubscription subscription : new ArrayList<>(subscriptions.values())) {
            subscription.listener.onFatal(fatal);
        }
    }

    /** A successful handshake or connect ends the outage. */
    private void healthy() {
        Duration lasted = outage.healthy();
        if (lasted != null) {
            LOG.info("Session {}: connected again after {} ms", name, lasted.toMillis());
            statistics.unhealthy(null);
        }
    }

    private void reportToAll(SfStreamException error) {
        statistics.failed(error, clock.instant());
        TransportError classified = new TransportError(kindOf(error), error, false);
        for (ChannelSubscription subscription : new ArrayList<>(subscriptions.values())) {
            subscription.listener.onError(classified);
        }
    }

    /** The kind of a session-wide error, for subscribers that know nothing of Bayeux. */
    static TransportError.Kind kindOf(SfStreamException error) {
        if (error instanceof SalesforceLoginException login && login.isCredentialsRejected()) {
            return TransportError.Kind.CREDENTIALS;
        }
        if (error instanceof BayeuxTransportException transport
                && (transport.getHttpStatus() == 401 || transport.getHttpStatus() == 403)) {
            return TransportError.Kind.CREDENTIALS;
        }
        if (error.getMessage() != null && error.getMessage().startsWith("Salesforce streaming limit reached")) {
            return TransportError.Kind.LIMIT;
        }
        return TransportError.Kind.TRANSIENT;
    }

    /** Runs {@code action} on the session thread after {@code delay}. */
    private void later(Duration delay, Runnable action) {
        try {
            scheduler.schedule(() -> onSessionThread(action), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Session {}: already stopped", name);
        }
    }

    private void onSessionThread(Runnable action) {
        Runnable guarded = () -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                // never let one bad message or listener kill the session thread
                LOG.error("Session {}: unexpected error: {}", name, e.getMessage(), e);
            }
        };
        try {
            scheduler.execute(guarded);
        } catch (RejectedExecutionException e) {
            LOG.debug("Session {}: already stopped", name);
        }
    }

    @Override
    public String toString() {
        return "BayeuxSession[" + name + "]";
    }
}
