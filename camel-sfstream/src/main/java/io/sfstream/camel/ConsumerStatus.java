package io.sfstream.camel;

import java.time.Duration;
import java.time.Instant;

import io.sfstream.camel.internal.transport.TransportStatus;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionLease;

/**
 * One consumer's status at one instant, read by JMX (the consumer's attributes), the health check and the dev console
 * alike. {@link #problem()} ranks the errors that stop delivery once for all of them: the transport failed for good,
 * then a failed exchange, then a lost lease.
 *
 * @param transport    the transport's status, or null before the consumer subscribed
 * @param committed    the newest marker written to the store, or null
 * @param lastReceived the position of the newest event received, or null
 * @param leaseState   NONE (no lease), IDLE, STANDBY, HOLDING, LOST or RELEASED
 * @param leaseHolder  the lease seen last (itself while holding), or null
 * @param waitingOut   the lease an OPEN_IF_FREE worker waits out at start, or null
 */
record ConsumerStatus(String channel, TransportStatus transport, int pendingCount, ReplayMarker committed,
                      String lastReceived, String workerId, String strategy, String leaseState,
                      SubscriptionLease leaseHolder, SubscriptionLease waitingOut, SfStreamException fatalError,
                      SubscriberErrorException failure, SubscriptionInUseException leaseLost,
                      Duration connectionTimeout) {

    /** The error that stopped delivery, by rank, or null while delivering. */
    SfStreamException problem() {
        if (fatalError != null) {
            return fatalError;
        }
        if (failure != null) {
            return failure;
        }
        return leaseLost;
    }

    /** The message of the newest error: what stopped delivery, else the transport's newest error; never a credential. */
    String lastError() {
        SfStreamException problem = problem();
        if (problem != null) {
            return problem.getMessage();
        }
        return transport == null ? null : transport.lastError();
    }

    String state() {
        return transport == null ? "IDLE" : transport.state();
    }

    Instant stateSince() {
        return transport == null ? null : transport.stateSince();
    }

    Instant lastErrorAt() {
        return transport == null ? null : transport.lastErrorAt();
    }

    Instant unhealthySince() {
        return transport == null ? null : transport.unhealthySince();
    }

    boolean connectionTimedOut() {
        return transport != null && transport.isTimedOut();
    }

    long logins() {
        return transport == null ? 0 : transport.logins();
    }

    long handshakes() {
        return transport == null ? 0 : transport.handshakes();
    }

    long reconnects() {
        return transport == null ? 0 : transport.reconnects();
    }

    /**
     * The replayId of the newest event received, -1 before the first and always -1 on the Pub/Sub API, whose positions
     * are no numbers: {@link #lastReceivedPosition()} shows them.
     */
    long lastReceivedReplayId() {
        return replayIdOf(lastReceived);
    }

    /**
     * The replayId of the newest marker written, -1 before the first and always -1 on the Pub/Sub API, whose positions
     * are no numbers: {@link #lastCommittedPosition()} shows them.
     */
    long lastCommittedReplayId() {
        return committed == null ? -1 : replayIdOf(committed.position());
    }

    /**
     * The position of the newest event received as text, exactly as its {@code CamelSfStreamReplayId} header shows it
     * (the decimal replayId on the Streaming API, the base64 replay id on the Pub/Sub API); null before the first.
     */
    String lastReceivedPosition() {
        return lastReceived;
    }

    /** The position of the newest marker written as text, exactly as the store holds it (without its date); or null. */
    String lastCommittedPosition() {
        return committed == null ? null : committed.position();
    }

    String leaseHolderId() {
        return leaseHolder == null ? null : leaseHolder.workerId();
    }

    private static long replayIdOf(String position) {
        // decided by looking: a Pub/Sub position would otherwise throw a NumberFormatException at every read
        if (!ReplayMarker.isReplayId(position)) {
            return -1;
        }
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException beyondLong) {
            return -1;
        }
    }
}
