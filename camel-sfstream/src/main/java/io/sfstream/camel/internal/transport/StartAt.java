package io.sfstream.camel.internal.transport;

import java.util.Objects;

/**
 * Where a subscription starts: with new events only, with every event the server retains, or after an opaque position
 * (a stored marker's).
 *
 * @param kind     which of the three
 * @param position the position whose successors are wanted (AFTER), else null
 */
public record StartAt(Kind kind, String position) {

    public enum Kind {
        NEW,
        ALL,
        AFTER
    }

    public static final StartAt NEW = new StartAt(Kind.NEW, null);
    public static final StartAt ALL = new StartAt(Kind.ALL, null);

    public StartAt {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.AFTER) != (position != null)) {
            throw new IllegalArgumentException("A position belongs to AFTER, and AFTER needs one: " + kind + " " + position);
        }
    }

    public static StartAt after(String position) {
        return new StartAt(Kind.AFTER, position);
    }

    @Override
    public String toString() {
        return kind == Kind.AFTER ? "after " + position : kind.name();
    }
}
