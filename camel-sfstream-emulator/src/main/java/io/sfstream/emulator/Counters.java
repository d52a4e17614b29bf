package io.sfstream.emulator;

import java.util.Map;

/**
 * A snapshot of the emulator's counters.
 *
 * @param logins                   successful grants at the OAuth token endpoint
 * @param handshakes               successful Bayeux handshakes
 * @param liveSessions             Bayeux sessions currently alive
 * @param subscriptionsPerChannel  live subscribers per bare channel (a PushTopic filter is not part of the key)
 * @param eventsDelivered          event messages written to clients in connect responses
 */
public record Counters(long logins, long handshakes, int liveSessions, Map<String, Integer> subscriptionsPerChannel,
                       long eventsDelivered) {

    /** Live subscribers of one bare channel, 0 when none. */
    public int subscriptions(String channel) {
        return subscriptionsPerChannel.getOrDefault(channel, 0);
    }
}
