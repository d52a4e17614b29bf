package io.sfstream.camel.internal.transport;

import java.time.Instant;

/** What a transport tells about its connection, for the consumer's status; safe from any thread. */
public interface TransportStatus {

    /** The connection's state (IDLE, CONNECTED, WAITING_TO_RETRY, FAILED, ...). */
    String state();

    /** Since when it is in that state, or null. */
    Instant stateSince();

    long logins();

    long handshakes();

    /** Reconnections that needed a new session (expired session, server disconnect). */
    long reconnects();

    /** The message of the newest error, or null. */
    String lastError();

    Instant lastErrorAt();

    /** When the current outage began, or null while connected. */
    Instant unhealthySince();

    /** Whether the outage has lasted connectionTimeout. */
    boolean isTimedOut();
}
