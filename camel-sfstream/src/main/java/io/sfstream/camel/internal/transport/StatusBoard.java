package io.sfstream.camel.internal.transport;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every transport tells about its connection (see {@link TransportStatus}), kept one way for all of them: written
 * by the transport's thread, read by health checks, JMX and the dev console from any thread. Each value is volatile
 * and independent of the others. A transport adds what only it has by extending it.
 *
 * @param <S> the transport's state machine
 */
public class StatusBoard<S extends Enum<S>> implements TransportStatus {

    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile S state;
    private volatile Instant stateSince;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile Instant unhealthySince;
    private volatile boolean timedOut;

    public StatusBoard(S initial, Instant since) {
        this.state = initial;
        this.stateSince = since;
    }

    public void state(S next, Instant since) {
        this.state = next;
        this.stateSince = since;
    }

    public void loggedIn() {
        logins.incrementAndGet();
    }

    /** A session (Bayeux handshake) or stream (Pub/Sub Subscribe) was opened. */
    public void handshaked() {
        handshakes.incrementAndGet();
    }

    /** A reconnection that needed a new session or stream. */
    public void reconnected() {
        reconnects.incrementAndGet();
    }

    public void failed(Exception error, Instant at) {
        lastError = error.getMessage();
        lastErrorAt = at;
    }

    /** The transport started failing at {@code since} (null: it is connected again, and no longer timed out). */
    public void unhealthy(Instant since) {
        this.unhealthySince = since;
        if (since == null) {
            timedOut = false;
        }
    }

    /** The current outage has lasted connectionTimeout. */
    public void timedOut() {
        timedOut = true;
    }

    /** The state as the transport's own type. */
    public S current() {
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
        return reconnects.get();
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public Instant lastErrorAt() {
        return lastErrorAt;
    }

    /** When the current outage began: the first failure since the transport was last healthy; null when none. */
    @Override
    public Instant unhealthySince() {
        return unhealthySince;
    }

    /** Whether the current outage has lasted connectionTimeout: the readiness check reports DOWN. */
    @Override
    public boolean isTimedOut() {
        return timedOut;
    }
}
