package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.Subscriber;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel of a Bayeux session: its subscriber, its subscription status and where it resumes. Confined to the
 * session's thread.
 */
final class ChannelSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelSubscription.class);

    /**
     * How far Salesforce's clock may be behind this host's: when a new-events subscription is replayed (see
     * {@link #replayFrom}), events created up to this long before it was first confirmed are delivered rather than
     * risk skipping one created after it.
     */
    static final Duration CLOCK_SKEW_MARGIN = Duration.ofSeconds(30);

    enum Status {
        /** Waiting for a handshake to subscribe. */
        PENDING,
        SUBSCRIBING,
        SUBSCRIBED,
        /** Salesforce refused the channel for good (unknown channel, invalid replayId). */
        FAILED
    }

    final Subscriber listener;
    /** Changed only by {@link #moveTo}. */
    private Status status = Status.PENDING;
    /** The replayId of the last event the listener took in this session object's life, or null. */
    private Long lastTaken;
    /** Set when Salesforce rejected the stored marker: where to start until an event was taken. */
    private Long fallback;
    /**
     * When a subscription from new events (-1) was first confirmed while no event had been taken: the channel's start,
     * which no replayId marks. Null otherwise.
     */
    private Instant newEventsSince;
    /**
     * Whether the subscription under way replays every retained event for a new-events channel (see {@link #replayFrom}):
     * only then are events older than its start skipped. A live subscription's events are never judged by date, so a
     * server clock behind this host's cannot make one look old.
     */
    private boolean replayingForNewEvents;

    ChannelSubscription(Subscriber listener) {
        this.listener = listener;
    }

    Status status() {
        return status;
    }

    /** The one place a channel's status changes, traced. */
    void moveTo(Status next) {
        if (status != next) {
            LOG.trace("{}: {} -> {}", listener.channel(), status, next);
            status = next;
        }
    }

    /** Whether events of this channel are taken: it is subscribed, or its subscribe reply is on its way. */
    boolean takesEvents() {
        return status == Status.SUBSCRIBED || status == Status.SUBSCRIBING;
    }

    /**
     * Takes the event with {@code replayId} unless this process took it already (a new handshake replays after the
     * last event taken, and a server may repeat). True when the event is new.
     */
    boolean take(long replayId, Instant createdAt) {
        if (lastTaken != null && replayId <= lastTaken) {
            return false;
        }
        if (lastTaken == null && replayingForNewEvents && createdAt != null
                && createdAt.isBefore(newEventsSince.minus(CLOCK_SKEW_MARGIN))) {
            // replayed from all retained events for a new-events channel (see replayFrom): older than its start
            return false;
        }
        lastTaken = replayId;
        return true;
    }

    /**
     * A subscribe with {@code from} is sent. Its events may arrive before its reply (the session hands events before
     * replies), so what a replay skips is decided here.
     */
    void subscribing(long from) {
        moveTo(Status.SUBSCRIBING);
        replayingForNewEvents = from == -2 && resumesNewEvents();
    }

    /** Whether {@link #take} judges events by their creation date now: so the session reads it only then. */
    boolean judgesDates() {
        return lastTaken == null && replayingForNewEvents;
    }

    /** A subscribe with {@code from} succeeded at {@code now}. */
    void subscribed(long from, Instant now) {
        moveTo(Status.SUBSCRIBED);
        if (from == -1 && lastTaken == null && newEventsSince == null) {
            newEventsSince = now;
        }
    }

    /**
     * The replayId a subscribe sends: after the last event taken; else, for a channel already subscribed from new
     * events, all retained events (-2), of which {@link #take} skips those created before that first subscription, so
     * that events published while a new session was being set up are not skipped as a second -1 would; else the
     * fallback; else the subscriber's start.
     */
    long replayFrom() {
        if (lastTaken != null) {
            return lastTaken;
        }
        if (newEventsSince != null) {
            return -2;
        }
        return fallback != null ? fallback : replayIdOf(listener.startAt());
    }

    /** Whether a subscribe resumes a new-events channel that has taken no event yet (see {@link #replayFrom}). */
    boolean resumesNewEvents() {
        return lastTaken == null && newEventsSince != null;
    }

    /** When the channel's new-events subscription was first confirmed, or null. */
    Instant newEventsSince() {
        return newEventsSince;
    }

    /** Whether {@code replayId} is the fallback already tried (so a second rejection of it is final). */
    boolean isFallback(long replayId) {
        return fallback != null && fallback == replayId;
    }

    /** Starts over at {@code start} after Salesforce rejected the position this channel asked for. */
    void fallBackTo(StartAt start) {
        lastTaken = null;
        newEventsSince = null;
        replayingForNewEvents = false;
        fallback = replayIdOf(start);
    }

    /** The replayId a Bayeux subscribe sends for a start: -1 new events, -2 all retained, else the decimal position. */
    static long replayIdOf(StartAt start) {
        return switch (start.kind()) {
            case NEW -> -1;
            case ALL -> -2;
            case AFTER -> Long.parseLong(start.position());
        };
    }

    /** The start a subscribe with {@code replayId} made. */
    static StartAt startAtOf(long replayId) {
        return replayId == -1 ? StartAt.NEW : replayId == -2 ? StartAt.ALL : StartAt.after(Long.toString(replayId));
    }
}
