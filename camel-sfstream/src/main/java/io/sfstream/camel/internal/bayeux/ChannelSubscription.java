package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.Subscriber;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel of a Bayeux session: its subscriber, its subscription status and where it resumes. Confined to the
 * session's thread.
 */
final class ChannelSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelSubscription.class);

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
    boolean take(long replayId) {
        if (lastTaken != null && replayId <= lastTaken) {
            return false;
        }
        lastTaken = replayId;
        return true;
    }

    /** The replayId a subscribe sends: after the last event taken, else the fallback, else the subscriber's start. */
    long replayFrom() {
        if (lastTaken != null) {
            return lastTaken;
        }
        return fallback != null ? fallback : replayIdOf(listener.startAt());
    }

    /** Whether {@code replayId} is the fallback already tried (so a second rejection of it is final). */
    boolean isFallback(long replayId) {
        return fallback != null && fallback == replayId;
    }

    /** Starts over at {@code start} after Salesforce rejected the position this channel asked for. */
    void fallBackTo(StartAt start) {
        lastTaken = null;
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
