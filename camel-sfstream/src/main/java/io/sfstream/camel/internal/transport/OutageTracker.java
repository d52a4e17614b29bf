package io.sfstream.camel.internal.transport;

import io.sfstream.camel.SfStreamException;
import io.sfstream.camel.TransportTimeoutException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * The outage rules every transport shares. An outage begins with the first failure after the transport was last
 * healthy and ends at the next success. Once it has lasted {@code connectionTimeout}, a {@link TransportTimeoutException}
 * is reported once (the transport keeps reconnecting); once it has lasted {@code maxErroneousPeriod}, the transport
 * fails for good. Both deadlines are checked by timers too, so an outage spent waiting out a long back-off still ends
 * on time.
 * <p>
 * Not thread-safe: a transport calls it, and runs its timers, on its own single thread.
 */
public final class OutageTracker {

    /** What the tracker tells its transport; both are called on the transport's thread. */
    public interface Listener {
        /** The outage has lasted connectionTimeout; reported once per outage. */
        void timedOut(TransportTimeoutException timeout);

        /** The outage has lasted maxErroneousPeriod: the transport must stop for good. */
        void failedForGood(SfStreamException fatal);
    }

    private final String name;
    /** Zero: never time out. */
    private final Duration connectionTimeout;
    /** Zero: never fail for good. */
    private final Duration maxErroneousPeriod;
    private final Clock clock;
    /** Runs an action after a delay on the transport's thread. */
    private final BiConsumer<Duration, Runnable> timer;
    private final Listener listener;

    /** The first failure of the current outage, or null while healthy. */
    private Instant since;
    /** Numbers each outage, so that a timer of an earlier one does nothing. */
    private int outage;
    private boolean timeoutReported;
    private boolean over;
    private SfStreamException lastFailure;

    /** @param name what failed, as the messages name it: "Session sfstream-1", "The Pub/Sub stream of /event/X__e" */
    public OutageTracker(String name, Duration connectionTimeout, Duration maxErroneousPeriod, Clock clock,
                         BiConsumer<Duration, Runnable> timer, Listener listener) {
        this.name = name;
        this.connectionTimeout = positiveOrZero(connectionTimeout);
        this.maxErroneousPeriod = positiveOrZero(maxErroneousPeriod);
        this.clock = clock;
        this.timer = timer;
        this.listener = listener;
    }

    /**
     * Records a failure: starts an outage when none is running and applies the deadlines. True when the transport has
     * just failed for good (or had already), so the caller must not retry.
     */
    public boolean failure(SfStreamException cause) {
        if (over) {
            return true;
        }
        lastFailure = cause;
        if (since == null) {
            since = clock.instant();
            timeoutReported = false;
            int current = ++outage;
            check(current, connectionTimeout);
            check(current, maxErroneousPeriod);
        }
        return apply();
    }

    /**
     * A success ends the outage. Returns how long it lasted, or null when there was none.
     */
    public Duration healthy() {
        if (since == null) {
            return null;
        }
        Duration lasted = Duration.between(since, clock.instant());
        since = null;
        timeoutReported = false;
        outage++;
        return lasted;
    }

    /** When the current outage began, or null while healthy. */
    public Instant since() {
        return since;
    }

    /** The newest failure, or null. */
    public SfStreamException lastFailure() {
        return lastFailure;
    }

    /** The transport closes: no timer of this tracker reports anything any more. */
    public void close() {
        over = true;
    }

    private void check(int expectedOutage, Duration after) {
        if (!after.isZero()) {
            timer.accept(after, () -> {
                if (outage == expectedOutage && since != null) {
                    apply();
                }
            });
        }
    }

    /** True when the transport has failed for good. */
    private boolean apply() {
        if (over) {
            return true;
        }
        Duration lasting = Duration.between(since, clock.instant());
        if (!maxErroneousPeriod.isZero() && lasting.compareTo(maxErroneousPeriod) >= 0) {
            over = true;
            listener.failedForGood(new SfStreamException(name + " has been failing for "
                    + lasting.toMillis() + " ms, longer than maxErroneousPeriod=" + maxErroneousPeriod
                    + "; it stopped for good: restart the route to try again. Last error: " + lastMessage(), lastFailure));
            return true;
        }
        if (!timeoutReported && !connectionTimeout.isZero() && lasting.compareTo(connectionTimeout) >= 0) {
            timeoutReported = true;
            listener.timedOut(new TransportTimeoutException(name + " has been unable to connect to"
                    + " Salesforce for " + lasting.toMillis() + " ms (connectionTimeout=" + connectionTimeout
                    + "); still reconnecting. Last error: " + lastMessage(), connectionTimeout, lastFailure));
        }
        return false;
    }

    private String lastMessage() {
        return lastFailure == null ? "none" : lastFailure.getMessage();
    }

    private static Duration positiveOrZero(Duration duration) {
        return duration == null || duration.isNegative() ? Duration.ZERO : duration;
    }
}
