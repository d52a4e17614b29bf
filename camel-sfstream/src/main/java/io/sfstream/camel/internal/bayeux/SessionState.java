package io.sfstream.camel.internal.bayeux;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a {@link BayeuxSession} and which may follow which (the model is CometD's {@code BayeuxClient},
 * whose one {@code update()} asks {@code isUpdateableTo}). Every change of state goes through
 * {@code BayeuxSession.transition}, which refuses a move this table does not allow.
 *
 * <pre>
 * IDLE -> LOGGING_IN -> HANDSHAKING -> CONNECTED (connect, connect, ...)
 * LOGGING_IN | HANDSHAKING | CONNECTED -> WAITING_TO_RETRY -> LOGGING_IN | HANDSHAKING | CONNECTED
 * CONNECTED -> HANDSHAKING     (403::Unknown client, advice handshake: at once)
 * any active state -> FAILED  (failing for maxErroneousPeriod: terminal until closed)
 * any state -> CLOSED         (terminal)
 * </pre>
 */
public enum SessionState {
    IDLE,
    LOGGING_IN,
    HANDSHAKING,
    CONNECTED,
    WAITING_TO_RETRY,
    /** Terminal: failing for longer than maxErroneousPeriod. */
    FAILED,
    CLOSED;

    /** Whether the session may move from this state to {@code next}. */
    public boolean isUpdateableTo(SessionState next) {
        return next != null && successors().contains(next);
    }

    private Set<SessionState> successors() {
        return switch (this) {
            case IDLE -> EnumSet.of(LOGGING_IN, CLOSED);
            case LOGGING_IN -> EnumSet.of(HANDSHAKING, WAITING_TO_RETRY, FAILED, CLOSED);
            case HANDSHAKING -> EnumSet.of(CONNECTED, WAITING_TO_RETRY, FAILED, CLOSED);
            case CONNECTED -> EnumSet.of(HANDSHAKING, WAITING_TO_RETRY, FAILED, CLOSED);
            case WAITING_TO_RETRY -> EnumSet.of(LOGGING_IN, HANDSHAKING, CONNECTED, FAILED, CLOSED);
            case FAILED -> EnumSet.of(CLOSED);
            case CLOSED -> EnumSet.noneOf(SessionState.class);
        };
    }
}
