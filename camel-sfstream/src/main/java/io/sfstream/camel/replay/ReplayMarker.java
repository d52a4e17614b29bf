package io.sfstream.camel.replay;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The position of a subscription: the replayId of the last event fully processed and, when the event carried it, when
 * that event was created.
 * <p>
 * Stored as text: {@code <replayId>} or {@code <replayId>|<ISO-8601 instant>}, e.g.
 * {@code 104853|2026-11-21T18:02:11.208Z}. Plain numbers written by other tools are read too.
 *
 * @param replayId the replayId; the subscription resumes with the events after it
 * @param date     when the event was created, or null
 */
public record ReplayMarker(long replayId, Instant date) {

    private static final char SEPARATOR = '|';

    public static ReplayMarker of(long replayId) {
        return new ReplayMarker(replayId, null);
    }

    /** The stored text form. */
    public String format() {
        return date == null ? Long.toString(replayId) : replayId + String.valueOf(SEPARATOR) + date;
    }

    /**
     * Reads the stored text form.
     *
     * @throws IllegalArgumentException naming the key when the text is not a marker: a corrupt store must stop the
     *                                  subscription, not silently restart it from the default
     */
    public static ReplayMarker parse(String key, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Empty replay marker stored for " + key);
        }
        String trimmed = text.strip();
        int separator = trimmed.indexOf(SEPARATOR);
        String id = separator < 0 ? trimmed : trimmed.substring(0, separator);
        try {
            long replayId = Long.parseLong(id);
            Instant date = separator < 0 || separator == trimmed.length() - 1
                    ? null : Instant.parse(trimmed.substring(separator + 1));
            return new ReplayMarker(replayId, date);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("Invalid replay marker stored for " + key + ": '" + trimmed
                                               + "' (expected <replayId> or <replayId>|<ISO-8601 date>)", e);
        }
    }

    @Override
    public String toString() {
        return format();
    }
}
