package io.sfstream.camel.replay;

import java.util.Optional;

import org.apache.camel.Service;

/**
 * Where replay markers live: one marker per subscription key (the bare channel, or the endpoint's
 * {@code subscriptionName}). Implementations must be thread-safe.
 * <p>
 * The consumer calls {@link #write} with the newest marker of a key as often as events complete, and {@link #flush}
 * from one committer thread at intervals and on graceful stop; a store may keep writes in memory until flush. After a
 * crash, a store must hold, for every key, either the marker of the last completed flush or a later one, never a torn
 * value.
 * <p>
 * Lifecycle: the consumer starts the store if it is not started yet and stops it only if it started it.
 * <p>
 * <b>Atomic stores.</b> Worker strategies ({@code strategy}) need one more operation: an atomic compare-and-set of a key's
 * {@link SubscriptionRecord} (marker and lease together), across every process that shares the store. A store that can
 * do it returns true from {@link #isAtomic()} and implements {@link #readRecord} and {@link #compareAndSet}; the lease
 * protocol itself (acquire, renew, fence, release) is written once on top of these two, so a custom store gets every
 * strategy by implementing them. A store that cannot leaves the defaults: consumers on it do not coordinate, and a
 * strategy other than OPEN_IF_FREE is refused at startup.
 */
public interface ReplayMarkerStore extends Service {

    /** The marker stored for the key, if any. */
    Optional<ReplayMarker> read(String key);

    /** Records the marker of the key; durable stores may buffer it until {@link #flush()}. */
    void write(String key, ReplayMarker marker);

    /** Makes every marker written so far durable. */
    void flush();

    /** Whether {@link #write} is durable before {@link #flush()} is called (false for buffered stores). */
    default boolean isWriteThrough() {
        return true;
    }

    /** Whether {@link #readRecord} and {@link #compareAndSet} are atomic across every process sharing the store. */
    default boolean isAtomic() {
        return false;
    }

    /**
     * Whether workers outside this CamelContext can see the store (false for the in-memory default): on a store that
     * cannot be shared, who holds a lease is an implementation detail, logged at DEBUG only.
     */
    default boolean isShared() {
        return true;
    }

    /**
     * The record of the key (marker and lease) as the other processes see it now, including buffered writes of this
     * process. Stores that are not atomic have no leases: the default wraps {@link #read}.
     */
    default Optional<SubscriptionRecord> readRecord(String key) {
        return read(key).map(SubscriptionRecord::of);
    }

    /**
     * Atomically replaces the record of the key with {@code replacement} if it currently equals {@code expected}
     * (null: the key has no value), durably before returning true.
     *
     * @return false when the current record is another one (nothing changed)
     * @throws UnsupportedOperationException when the store is not {@linkplain #isAtomic() atomic}
     */
    default boolean compareAndSet(String key, SubscriptionRecord expected, SubscriptionRecord replacement) {
        throw new UnsupportedOperationException(this + " has no atomic compare-and-set");
    }

    /**
     * Ties a tenure (a worker's lease of {@code epoch} on the key) to the life of this process, for stores that can prove
     * a holder dead (see {@link #holderLiveness}). A worker calls it before it writes a lease of that epoch and closes the
     * returned tenure when the lease ends; while it is open, {@link #holderLiveness} answers ALIVE for that tenure in
     * every process, and once this process dies it answers GONE. The default ties nothing.
     *
     * @return the open tenure, or null when another worker is taking the same epoch at this moment (read again)
     */
    default Tenure openTenure(String key, long epoch) {
        return Tenure.NONE;
    }

    /**
     * Whether the process that holds {@code lease} lives, as far as the store can prove it. A store that ties tenures to
     * processes (the file store: the holder's OS-level lock disappears with its process) answers ALIVE or GONE, and a
     * GONE holder's lease is taken at once instead of after it expires; the default, for stores that cannot tell (a map
     * of a data grid), is UNKNOWN, and such a lease is waited out.
     */
    default Liveness holderLiveness(String key, SubscriptionLease lease) {
        return Liveness.UNKNOWN;
    }

    /** What a store can prove about a lease holder's process. */
    enum Liveness {
        ALIVE,
        GONE,
        UNKNOWN
    }

    /** A tenure opened by {@link #openTenure}: closing it ends the proof of life. */
    interface Tenure extends AutoCloseable {

        /** For stores that tie nothing to a process. */
        Tenure NONE = () -> {
        };

        @Override
        void close();
    }
}
