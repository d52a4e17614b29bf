package io.sfstream.camel.replay;

import java.util.Objects;

/**
 * Everything a store keeps for one subscription key: the replay marker and, when workers coordinate, the lease. Kept
 * together in one value so that one atomic compare-and-set both checks the lease and moves the marker (the fencing of
 * {@link ReplayMarkerStore#compareAndSet}).
 * <p>
 * Text form: the marker's ({@code 104853|2026-11-21T18:02:11.208Z}), followed, when there is a lease, by
 * {@code ;lease=workerId,epoch,strategy,expiresAt}; a leased subscription without a marker yet is just the lease part.
 * A value without a lease is exactly a {@link ReplayMarker}'s text, so stores written before leases existed read
 * unchanged.
 *
 * @param marker the replay marker, or null before the first commit
 * @param lease  the lease, or null when no worker ever took one
 */
public record SubscriptionRecord(ReplayMarker marker, SubscriptionLease lease) {

    private static final String LEASE = ";lease=";

    public SubscriptionRecord {
        if (marker == null && lease == null) {
            throw new IllegalArgumentException("A subscription record needs a marker, a lease or both");
        }
    }

    public static SubscriptionRecord of(ReplayMarker marker) {
        return new SubscriptionRecord(Objects.requireNonNull(marker, "marker"), null);
    }

    /** This record with another marker and the same lease. */
    public SubscriptionRecord withMarker(ReplayMarker newMarker) {
        return new SubscriptionRecord(Objects.requireNonNull(newMarker, "marker"), lease);
    }

    /** This record with another lease and the same marker. */
    public SubscriptionRecord withLease(SubscriptionLease newLease) {
        return new SubscriptionRecord(marker, Objects.requireNonNull(newLease, "lease"));
    }

    public String format() {
        String markerText = marker == null ? "" : marker.format();
        return lease == null ? markerText : markerText + LEASE + lease.format();
    }

    /**
     * @throws IllegalArgumentException naming the key when the text is neither a marker nor a record
     */
    public static SubscriptionRecord parse(String key, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Empty replay marker stored for " + key);
        }
        String trimmed = text.strip();
        int at = trimmed.indexOf(LEASE);
        if (at < 0) {
            return of(ReplayMarker.parse(key, trimmed));
        }
        ReplayMarker marker = at == 0 ? null : ReplayMarker.parse(key, trimmed.substring(0, at));
        return new SubscriptionRecord(marker, SubscriptionLease.parse(key, trimmed.substring(at + LEASE.length())));
    }

    @Override
    public String toString() {
        return format();
    }
}
