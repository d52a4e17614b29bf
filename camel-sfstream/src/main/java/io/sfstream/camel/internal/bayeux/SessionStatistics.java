package io.sfstream.camel.internal.bayeux;

import io.sfstream.camel.internal.transport.TransportStatus;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and the current state of a Bayeux session, written by the session thread and read by health checks, JMX
 * and tests from any thread.
 */
public final class SessionStatistics implements TransportStatus {

    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong rehandshakes = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    // volatile: written by the session thread, read by monitoring threads; each value is independent of the others
    private volatile SessionState state = SessionState.IDLE;
    private volatile Instant stateSince;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile Instant unhealthySince;
    private volatile boolean timedOut;
    private volatile String fatalError;

    void state(SessionState state, Instant since) {
        this.state = state;
        this.stateSince = since;
    }

    void loggedIn() {
        logins.incrementAndGet();
    }

    void handshaked() {
        handshakes.incrementAndGet();
    }

    void rehandshake() {
        rehandshakes.incrementAndGet();
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

    void failed(Exception error, Instant at) {
        lastError = error.getMessage();
        lastErrorAt = at;
    }

    /** The session started failing at {@code since} (null: it is connected again). */
    void unhealthy(Instant since) {
        this.unhealthySince = since;
        if (since == null) {
            timedOut = false;
        }
    }

    void timedOut() {
        timedOut = true;
    }

    void fatal(String message) {
        fatalError = message;
    }

    /** When the current outage began: the first failure since the last successful handshake or connect; null when none. */
    @Override
    public Instant unhealthySince() {
        return unhealthySince;
    }

    /** Whether the current outage has lasted connectionTimeout: the readiness check reports DOWN. */
    @Override
    public boolean isTimedOut() {
        return timedOut;
    }

    /** Why the session stopped for good (maxErroneousPeriod), or null. */
    public String fatalError() {
        return fatalError;
    }

    public SessionState sessionState() {
        return state;
    }

    @Override
    public String state() {
        return state.name();
    }

    @Override
    public Instant stateSince() {
        return stateSince;
    }

    @Override
    public long logins() {
        return logins.get();
    }

    @Override
    public long handshakes() {
        return handshakes.get();
    }

    @Override
    public long reconnects() {
        return rehandshakes.get();
    }

    long received() {
        return received.get();
    }

    long malformed() {
        return malformed.get();
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public Instant lastErrorAt() {
        return lastErrorAt;
    }
}
