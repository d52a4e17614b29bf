package io.sfstream.emulator;

import java.util.List;

/**
 * A snapshot of the Pub/Sub API's counters.
 *
 * @param calls           gRPC calls that reached the service (after fault injection and authentication)
 * @param streamsOpen     Subscribe and ManagedSubscribe streams open now
 * @param eventsDelivered events written to Subscribe/ManagedSubscribe streams, in total
 * @param maxOutstanding  the largest number of events requested and not yet delivered on any one stream, ever: what
 *                        a client's flow control let the server owe it at most
 * @param streams         the open streams
 */
public record PubSubStats(long calls, int streamsOpen, long eventsDelivered, int maxOutstanding, List<Stream> streams) {

    /**
     * One open stream.
     *
     * @param id         the emulator's number for it
     * @param rpc        {@code Subscribe} or {@code ManagedSubscribe}
     * @param topic      its topic (null until the first request)
     * @param requested  events requested on it in total (after the cap of 100 outstanding)
     * @param delivered  events delivered on it
     * @param pending    events requested and not delivered yet (the last {@code pending_num_requested})
     * @param maxPending the largest {@code pending} it had
     */
    public record Stream(long id, String rpc, String topic, long requested, long delivered, int pending,
                         int maxPending) {
    }
}
