package io.sfstream.bench.child;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Date;

/** Epoch milliseconds of a CreatedDate however a consumer hands it (Instant, date-time object, text or number). */
final class Timestamps {

    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX");

    private Timestamps() {
    }

    static long epochMillis(Object value) {
        if (value instanceof Instant i) {
            return i.toEpochMilli();
        }
        if (value instanceof ZonedDateTime z) {
            return z.toInstant().toEpochMilli();
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant().toEpochMilli();
        }
        if (value instanceof Date d) {
            return d.getTime();
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value != null) {
            String text = value.toString();
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException e) {
                return OffsetDateTime.parse(text, OFFSET).toInstant().toEpochMilli();
            }
        }
        throw new IllegalArgumentException("event without a CreatedDate");
    }
}
