package io.sfstream.camel.internal.bayeux;

import java.time.Duration;

/**
 * How long a session waits before it recovers, by what told it to recover. Counts failures since the last success, so
 * that a server that keeps failing is not hammered while one that answers again is served at once.
 * <p>
 * Not thread-safe: used on the session's thread.
 */
final class RetryPace {

    /** What told the session to recover. */
    enum Pace {
        /**
         * The server could not be reached or gave no Bayeux answer: exponential back-off with jitter, reset by a
         * successful handshake or connect.
         */
        TRANSPORT,
        /**
         * Salesforce answered and said what to do (401, 403::Unknown client, advice handshake, a server disconnect): the
         * server is reachable, so the first such answer is acted on at once, whatever back-off an earlier outage built
         * up; only a repeat before the next successful connect backs off, so a server that keeps refusing is not hammered.
         */
        ANSWER,
        /** An org limit or rejected credentials: retrying soon cannot help, so every attempt waits maxReconnectDelay. */
        LIMIT
    }

    private final BackOff backOff;
    /** Transport failures since the last successful handshake or connect: the exponent of the back-off. */
    private int transportFailures;
    /** Answers acted on (new login, new handshake) since the last successful connect: the first one is acted on at once. */
    private int answersActedOn;

    RetryPace(BackOff backOff) {
        this.backOff = backOff;
    }

    /** The wait before the next recovery at {@code pace}, counted as one more of its kind. */
    Duration next(Pace pace) {
        return switch (pace) {
            case TRANSPORT -> backOff.delay(transportFailures++);
            case ANSWER -> answersActedOn++ == 0 ? Duration.ZERO : backOff.delay(answersActedOn - 2);
            case LIMIT -> backOff.max();
        };
    }

    /**
     * True, and counted, when no answer was acted on since the last successful connect: the server's request is then
     * followed at once, without a back-off.
     */
    boolean actOnFirstAnswer() {
        if (answersActedOn != 0) {
            return false;
        }
        answersActedOn++;
        return true;
    }

    /** The longest wait: maxReconnectDelay. */
    Duration longest() {
        return backOff.max();
    }

    /** A handshake succeeded: the server is reachable again. */
    void handshakeSucceeded() {
        transportFailures = 0;
    }

    /** A connect succeeded: the session works again. */
    void connectSucceeded() {
        transportFailures = 0;
        answersActedOn = 0;
    }
}
