package io.sfstream.camel.pubsub;

import java.util.Base64;

import com.google.protobuf.ByteString;

/**
 * Pub/Sub replay ids as the delivery core's opaque positions: the base64 text (with padding) of the bytes, stored as
 * given and never computed with.
 */
final class ReplayIds {

    private ReplayIds() {
    }

    /** The position of a replay id, or null when the server sent none. */
    static String position(ByteString replayId) {
        return replayId == null || replayId.isEmpty() ? null : Base64.getEncoder().encodeToString(replayId.toByteArray());
    }

    /**
     * The replay id of a position.
     *
     * @throws IllegalArgumentException when the position is not base64 (a Streaming API marker, for instance)
     */
    static ByteString replayId(String position) {
        return ByteString.copyFrom(Base64.getDecoder().decode(position));
    }
}
