package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.internal.transport.StatusBoard;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The status every transport keeps ({@link StatusBoard}) plus what only a Bayeux session counts: events received,
 * malformed messages, replay fallbacks, and why it stopped for good. Written by the session thread, read by health
 * checks, JMX and tests from any thread.
 */
public final class SessionStatistics extends StatusBoard<SessionState> {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private volatile String fatalError;

    SessionStatistics(Instant since) {
        super(SessionState.IDLE, since);
    }

    void countReceived() {
        received.incrementAndGet();
    }

    void countMalformed() {
        malformed.incrementAndGet();
    }

    void countFallback() {
        fallbacks.incrementAndGet();
    }

    long fallbacks() {
        return fallbacks.get();
    }

    void fatal(String message) {
        fatalError = message;
    }

    /** Why the session stopped for good (maxErroneousPeriod), or null. */
    public String fatalError() {
        return fatalError;
    }

    public SessionState sessionState() {
        return current();
    }

    long received() {
        return received.get();
    }

    long malformed() {
        return malformed.get();
    }
}
