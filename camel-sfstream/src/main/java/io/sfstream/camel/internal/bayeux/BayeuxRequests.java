package io.sfstream.camel.internal.bayeux;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * What a {@link BayeuxSession} asks of the wire: send one batch of Bayeux messages and hand back the answer. The HTTP
 * implementation is {@link BayeuxTransport}; a session test drives the session with a fake one.
 */
interface BayeuxRequests {

    /** Sends the batch; the future completes with the parsed response or fails with a classified transport error. */
    CompletableFuture<BayeuxResponse> send(URI url, String accessToken, ArrayNode messages, Duration timeout);

    /** Forgets the cookies of the previous Bayeux session (before a new handshake). */
    void clearCookies();
}
