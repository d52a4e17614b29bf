package io.sfstream.camel.internal.transport;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the creation times Salesforce puts in events, for headers and for transports that must compare them. */
public final class EventTimestamps {

    private EventTimestamps() {
    }

    /**
     * Salesforce's own form, {@code 2016-03-29T16:40:08.208Z}, read without DateTimeFormatter (whose general parser cost
     * about a tenth of a drain's CPU); null for anything else, which the general parsers then read.
     */
    public static Instant utcMillis(String text) {
        if (text.length() != 24 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(19) != '.' || text.charAt(23) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int millis = digits(text, 20, 3);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || millis < 0) {
            return null;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, millis * 1_000_000L);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * Salesforce's own form of {@code epochMillis}, {@code 2016-03-29T16:40:08.208Z}, written without DateTimeFormatter
     * (which builds zone rules per call): the inverse of {@link #utcMillis}, for transports that get epoch milliseconds.
     */
    public static String formatUtcMillis(long epochMillis) {
        long epochDay = Math.floorDiv(epochMillis, 86_400_000L);
        int millisOfDay = (int) Math.floorMod(epochMillis, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        if (date.getYear() < 0 || date.getYear() > 9999) {
            return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
        }
        char[] text = "0000-00-00T00:00:00.000Z".toCharArray();
        put(text, 0, date.getYear(), 4);
        put(text, 5, date.getMonthValue(), 2);
        put(text, 8, date.getDayOfMonth(), 2);
        put(text, 11, millisOfDay / 3_600_000, 2);
        put(text, 14, millisOfDay / 60_000 % 60, 2);
        put(text, 17, millisOfDay / 1000 % 60, 2);
        put(text, 20, millisOfDay % 1000, 3);
        return new String(text);
    }

    private static void put(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The decimal number of {@code length} ASCII digits at {@code from}, or -1. */
    private static int digits(String text, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** ISO-8601 text or epoch milliseconds; anything else (or null) gives no header rather than a failed exchange. */
    public static Instant instant(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return Instant.ofEpochMilli(node.asLong());
        }
        if (node.isTextual()) {
            Instant fast = utcMillis(node.textValue());
            if (fast != null) {
                return fast;
            }
            try {
                return Instant.parse(node.asText());
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(node.asText(),
                            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX")).toInstant();
                } catch (DateTimeParseException again) {
                    return null;
                }
            }
        }
        return null;
    }
}
