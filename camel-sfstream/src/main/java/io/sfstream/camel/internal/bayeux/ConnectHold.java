package io.sfstream.camel.internal.bayeux;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Flow control of a Bayeux session. While an endpoint holds maxPendingCount unprocessed events, the next
 * {@code /meta/connect} waits until it drains, so the server keeps further events. Salesforce drops a client that sends
 * no connect within 40 s of a response, so the held connect is sent anyway after the keep-alive; the events of that
 * response are taken too, and the bound is exceeded by at most one response. Holding a connect back never drops an
 * event, so no resubscription (and no gap between an old and a new subscription stream) is ever needed.
 * <p>
 * Not thread-safe: used, and its timers run, on the session's thread.
 */
final class ConnectHold {

    /** Salesforce drops a client without a connect within 40 s of a response; stay well inside that. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

    private final Duration keepAlive;
    /** Runs an action after a delay on the session thread. */
    private final BiConsumer<Duration, Runnable> timer;
    private boolean held;
    /** Numbers each hold, so that only the keep-alive timer of the current hold may end it. */
    private long holdSequence;

    ConnectHold(Duration keepAlive, BiConsumer<Duration, Runnable> timer) {
        this.keepAlive = keepAlive;
        this.timer = timer;
    }

    /**
     * Holds the next connect back; {@code keepAliveConnect} runs after the keep-alive unless the hold was released or
     * dropped before.
     */
    void hold(Runnable keepAliveConnect) {
        held = true;
        long hold = ++holdSequence;
        timer.accept(keepAlive, () -> {
            if (held && hold == holdSequence) {
                held = false;
                keepAliveConnect.run();
            }
        });
    }

    /** Ends the hold; true when a connect was held back (so the caller sends it now). */
    boolean release() {
        boolean wasHeld = held;
        held = false;
        holdSequence++;
        return wasHeld;
    }

    boolean isHeld() {
        return held;
    }

    Duration keepAlive() {
        return keepAlive;
    }
}
