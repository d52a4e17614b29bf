package io.sfstream.camel.internal.transport;

import java.util.Objects;

import io.sfstream.camel.SfStreamException;

/**
 * An error of a transport as the delivery core hears it: already classified, so the core needs no knowledge of the
 * wire.
 *
 * @param kind          what kind of error
 * @param cause         the error, safe to log (never a credential)
 * @param channelFailed whether the transport gave up on the subscriber's channel until the endpoint restarts
 */
public record TransportError(Kind kind, SfStreamException cause, boolean channelFailed) {

    public enum Kind {
        /** The credentials or the token were refused. */
        CREDENTIALS,
        /** A failure the transport retries by itself (network, server errors, a skipped malformed event). */
        TRANSIENT,
        /** The server no longer retains the position asked for. */
        STALE_POSITION,
        /** An org or server limit: retried at the slowest pace. */
        LIMIT,
        /** Given up: the channel or the whole transport delivers nothing more until restarted. */
        FATAL
    }

    public TransportError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(cause, "cause");
    }
}
