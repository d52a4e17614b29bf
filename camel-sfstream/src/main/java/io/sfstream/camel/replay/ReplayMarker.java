package io.sfstream.camel.replay;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The position of a subscription: the position of the last event fully processed and, when the event carried it, when
 * that event was created.
 * <p>
 * The position is opaque text, as the transport wrote it: the decimal replayId for the Streaming API, base64 of the
 * replay id's bytes for the Pub/Sub API. Stored as text: {@code <position>} or {@code <position>|<ISO-8601 instant>},
 * e.g. {@code 104853|2026-11-21T18:02:11.208Z}, exactly as releases before opaque positions wrote it. Plain numbers
 * written by other tools are read too.
 *
 * @param position the position; the subscription resumes with the events after it
 * @param date     when the event was created, or null
 */
public record ReplayMarker(String position, Instant date) {

    private static final char SEPARATOR = '|';
    /** Base64 with padding: a decimal position is told apart by its digits, garbage such as {@code abc} by its length. */
    private static final Pattern BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
                                                          + "|[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=");

    public ReplayMarker {
        Objects.requireNonNull(position, "position");
        if (position.isEmpty() || position.indexOf(SEPARATOR) >= 0 || position.indexOf(';') >= 0) {
            throw new IllegalArgumentException("Invalid replay position '" + position + "'");
        }
    }

    /** A Streaming API marker: the replayId as its decimal position. */
    public ReplayMarker(long replayId, Instant date) {
        this(Long.toString(replayId), date);
    }

    public static ReplayMarker of(long replayId) {
        return new ReplayMarker(replayId, null);
    }

    public static ReplayMarker of(String position) {
        return new ReplayMarker(position, null);
    }

    /**
     * The Streaming API's replayId of this position.
     *
     * @throws NumberFormatException when the position is not decimal (a Pub/Sub API position)
     */
    public long replayId() {
        return Long.parseLong(position);
    }

    /** Whether the position is a decimal replayId (Streaming API). */
    public boolean isReplayId() {
        return isDecimal(position);
    }

    /** Whether {@code position} is a decimal replayId (Streaming API) rather than an opaque Pub/Sub API position. */
    public static boolean isReplayId(String position) {
        return position != null && isDecimal(position);
    }

    /** The stored text form. */
    public String format() {
        return date == null ? position : position + SEPARATOR + date;
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
            // a decimal replayId is kept as its number (042 and 42 are one position), anything else must be base64
            String position = isDecimal(id) ? Long.toString(Long.parseLong(id)) : base64(id);
            Instant date = separator < 0 || separator == trimmed.length() - 1
                    ? null : Instant.parse(trimmed.substring(separator + 1));
            return new ReplayMarker(position, date);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("Invalid replay marker stored for " + key + ": '" + trimmed
                                               + "' (expected <replayId> or <replayId>|<ISO-8601 date>)", e);
        }
    }

    private static boolean isDecimal(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() <= start) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String base64(String text) {
        if (!BASE64.matcher(text).matches()) {
            throw new NumberFormatException("neither a replayId nor base64: " + text);
        }
        return text;
    }

    @Override
    public String toString() {
        return format();
    }
}
