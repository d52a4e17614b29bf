package io.sfstream.camel;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and the current state of a Bayeux session, written by the session thread and read by health checks, JMX
 * and tests from any thread.
 */
final class SessionStatistics {

    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong rehandshakes = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    // volatile: written by the session thread, read by monitoring threads; each value is independent of the others
    private volatile BayeuxSession.State state = BayeuxSession.State.IDLE;
    private volatile Instant stateSince;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    void state(BayeuxSession.State state, Instant since) {
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

    BayeuxSession.State state() {
        return state;
    }

    Instant stateSince() {
        return stateSince;
    }

    long logins() {
        return logins.get();
    }

    long handshakes() {
        return handshakes.get();
    }

    long rehandshakes() {
        return rehandshakes.get();
    }

    long received() {
        return received.get();
    }

    long malformed() {
        return malformed.get();
    }

    String lastError() {
        return lastError;
    }

    Instant lastErrorAt() {
        return lastErrorAt;
    }
}
