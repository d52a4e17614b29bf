package io.sfstream.camel.replay;

import io.sfstream.camel.WorkerStrategy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who holds a subscription: the worker, the epoch of its tenure, its strategy and until when the lease runs unless
 * renewed. Every acquisition (a new holder, or the same worker coming back) increments the epoch, and a release only
 * ends the lease ({@code expiresAt} = the release time), so epochs of a subscription only ever grow: a marker write
 * fenced by (worker, epoch) can never be mistaken for another tenure's.
 * <p>
 * Liveness compares {@code expiresAt}, written with the holder's clock, with the reader's clock: workers on different
 * machines need clocks in sync well within the lease duration (NTP does that). Markers stay safe regardless, because
 * writes are fenced by epoch, not by time.
 *
 * @param workerId  the holder's worker id
 * @param epoch     the holder's tenure, from 1
 * @param strategy  the holder's strategy (a TAKE_OVER holder cannot be displaced by another TAKE_OVER worker)
 * @param expiresAt when the lease ends unless renewed
 */
public record SubscriptionLease(String workerId, long epoch, WorkerStrategy strategy, Instant expiresAt) {

    /** Worker ids appear in stored text and in messages: letters, digits and {@code . _ : @ -}, up to 100. */
    public static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,100}");

    public SubscriptionLease {
        Objects.requireNonNull(workerId, "workerId");
        if (!WORKER_ID.matcher(workerId).matches()) {
            throw new IllegalArgumentException("Invalid workerId '" + workerId
                                               + "': use 1 to 100 letters, digits or . _ : @ -");
        }
        if (epoch < 1) {
            throw new IllegalArgumentException("Invalid lease epoch " + epoch + " of worker " + workerId);
        }
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether the lease still runs at {@code now}. */
    public boolean isLive(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** Whether both leases are the same tenure (same worker, same epoch), whatever their expiry. */
    public boolean sameTenure(SubscriptionLease other) {
        return other != null && workerId.equals(other.workerId) && epoch == other.epoch;
    }

    /** The same tenure running until {@code expiresAt}. */
    public SubscriptionLease until(Instant expiresAt) {
        return new SubscriptionLease(workerId, epoch, strategy, expiresAt);
    }

    /** Text form: {@code workerId,epoch,strategy,expiresAt}. */
    String format() {
        return workerId + ',' + epoch + ',' + strategy + ',' + expiresAt;
    }

    static SubscriptionLease parse(String key, String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("Invalid lease stored for " + key + ": '" + text
                                               + "' (expected workerId,epoch,strategy,expiresAt)");
        }
        try {
            return new SubscriptionLease(parts[0], Long.parseLong(parts[1]), WorkerStrategy.valueOf(parts[2]),
                    Instant.parse(parts[3]));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("Invalid lease stored for " + key + ": '" + text + "' (" + e.getMessage()
                                               + ")", e);
        }
    }

    @Override
    public String toString() {
        return "worker " + workerId + " (epoch " + epoch + ", " + strategy + ", until " + expiresAt + ")";
    }
}
