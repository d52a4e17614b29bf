package io.sfstream.camel;

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
}
