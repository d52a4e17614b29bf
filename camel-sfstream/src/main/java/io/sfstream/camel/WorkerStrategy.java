package io.sfstream.camel;

/**
 * How a consumer behaves when other workers (instances of the same route, in this or other JVMs) use the same
 * subscription, coordinated through a lease in the replay marker store. The names and semantics follow RavenDB's data
 * subscription workers.
 */
public enum WorkerStrategy {
    /** Start only if no live worker holds the subscription; otherwise fail to start, without retrying. */
    OPEN_IF_FREE,
    /** Stand by, consuming nothing, until the holder leaves or its lease expires; then continue from its marker. */
    WAIT_FOR_FREE,
    /** Displace the holder, unless it uses TAKE_OVER too (then this worker fails to start). */
    TAKE_OVER,
    /**
     * Not supported: Salesforce broadcasts every event of a channel to every subscriber, and the stream has one replay
     * position, so concurrent workers cannot split it without each reading everything. Rejected at endpoint creation.
     */
    CONCURRENT
}
