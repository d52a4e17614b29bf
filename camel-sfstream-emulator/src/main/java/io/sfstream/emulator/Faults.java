package io.sfstream.emulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fault injection. Every fault is one-shot or counted, and {@link #reset()} clears them all.
 * "Bayeux requests" are the HTTP requests under {@code /cometd/...}; the token endpoint has its own fault. "Pub/Sub
 * calls" are the gRPC calls of the Pub/Sub API; stopping and restarting its server, resetting its streams and expiring
 * tokens are actions on {@link SalesforceEmulator}.
 */
public final class Faults {

    private final AtomicInteger failRequests = new AtomicInteger();
    private volatile int failStatus = 500;
    private final AtomicInteger htmlRequests = new AtomicInteger();
    private volatile int htmlStatus = 503;
    private final AtomicLong stallMillis = new AtomicLong();
    private final AtomicInteger stallRequests = new AtomicInteger();
    private final AtomicInteger failSubscribes = new AtomicInteger();
    private final AtomicReference<String> subscribeFailureReason = new AtomicReference<>("503::Server is too busy");
    private final AtomicInteger failLogins = new AtomicInteger();
    private final AtomicInteger cutEventResponses = new AtomicInteger();
    private volatile int loginStatus = 500;
    private final AtomicInteger failPubSubCalls = new AtomicInteger();
    private final AtomicReference<PubSubFailure> pubSubFailure = new AtomicReference<>(
        new PubSubFailure(io.grpc.Status.Code.UNAVAILABLE, PubSubErrors.SERVICE_UNAVAILABLE));
    private final AtomicInteger pubSubStreamLimit = new AtomicInteger();
    private final AtomicLong pubSubStallMillis = new AtomicLong();
    private final AtomicInteger pubSubStalls = new AtomicInteger();
    private final AtomicInteger emptyLatestKeepalives = new AtomicInteger();
    private final AtomicInteger corruptPubSubPayloads = new AtomicInteger();
    private final AtomicInteger omittedPubSubReplayIds = new AtomicInteger();

    /** How an injected Pub/Sub call failure ends the call: a gRPC status and the {@code error-code} trailer (or none). */
    record PubSubFailure(io.grpc.Status.Code status, String errorCode) {
    }

    Faults() {
    }

    /** The next {@code k} Bayeux requests answer {@code httpStatus} with a short plain-text body. */
    public void failNextRequests(int k, int httpStatus) {
        failStatus = httpStatus;
        failRequests.set(k);
    }

    /** The next {@code k} Bayeux requests answer HTTP 503 with an HTML maintenance page. */
    public void htmlNextRequests(int k) {
        htmlNextRequests(k, 503);
    }

    /** The next {@code k} Bayeux requests answer {@code httpStatus} (e.g. 200 or 503) with an HTML page. */
    public void htmlNextRequests(int k, int httpStatus) {
        htmlStatus = httpStatus;
        htmlRequests.set(k);
    }

    /** The next Bayeux request is stalled for {@code d} before it is processed (so its response comes late). */
    public void stallResponses(Duration d) {
        stallNextRequests(1, d);
    }

    /** The next {@code k} Bayeux requests are each stalled for {@code d} before they are processed. */
    public void stallNextRequests(int k, Duration d) {
        stallMillis.set(d.toMillis());
        stallRequests.set(k);
    }

    /**
     * The next {@code k} {@code /meta/subscribe} messages fail with {@code error} and {@code ext.sfdc.failureReason}
     * set to {@code failureReason}, e.g. {@code "503::Server is too busy"}.
     */
    public void failNextSubscribes(int k, String failureReason) {
        subscribeFailureReason.set(failureReason);
        failSubscribes.set(k);
    }

    /** The next {@code k} token endpoint requests answer {@code httpStatus}. */
    public void failNextLogins(int k, int httpStatus) {
        loginStatus = httpStatus;
        failLogins.set(k);
    }

    /**
     * The next {@code k} Pub/Sub calls (any RPC) end at once with {@code status} and, unless null, the trailer
     * {@code error-code: errorCode}, e.g. {@code UNAVAILABLE} and {@code sfdc.platform.eventbus.grpc.service.unavailable}.
     */
    public void failNextPubSubCalls(int k, io.grpc.Status.Code status, String errorCode) {
        pubSubFailure.set(new PubSubFailure(status, errorCode));
        failPubSubCalls.set(k);
    }

    /**
     * At most {@code n} Pub/Sub streams (Subscribe, ManagedSubscribe, PublishStream) open at once; one more ends with
     * {@code RESOURCE_EXHAUSTED} and {@code sfdc.platform.eventbus.grpc.concurrent.client.limit.exceeded}. 0: no limit.
     */
    public void limitPubSubStreams(int n) {
        pubSubStreamLimit.set(Math.max(0, n));
    }

    /**
     * The next {@code k} Pub/Sub keepalives (responses without events) carry an empty {@code latest_replay_id}, as a
     * faulty server or proxy might send them.
     */
    public void emptyLatestReplayIdInNextKeepalives(int k) {
        emptyLatestKeepalives.set(k);
    }

    /**
     * The next {@code k} events sent on Subscribe or ManagedSubscribe streams carry a payload that does not decode with
     * their schema: the second half of its Avro bytes is cut off (at least one byte), so any Avro reader runs out of
     * input. The schema id, the replay id and the stored event are unchanged: a later replay sends the intact event.
     */
    public void corruptNextPubSubPayloads(int k) {
        corruptPubSubPayloads.set(k);
    }

    /**
     * The next {@code k} events sent on Subscribe or ManagedSubscribe streams carry an empty {@code replay_id} (their
     * payload and schema id are intact, and the response's {@code latest_replay_id} still names the stream's position).
     */
    public void omitReplayIdInNextPubSubEvents(int k) {
        omittedPubSubReplayIds.set(k);
    }

    /** The next {@code k} Pub/Sub responses (stream batches or unary answers) are each held back for {@code d}. */
    public void stallPubSubResponses(int k, Duration d) {
        pubSubStallMillis.set(d.toMillis());
        pubSubStalls.set(k);
    }

    /**
     * The next {@code k} Bayeux responses that carry events are cut off: the session has already taken the events off
     * its queue (as CometD does when it writes them into a response), then the connection is closed before the response
     * is sent. The client sees a reset or an early end of the response; the events are gone on the server's side while
     * the Bayeux session lives on, exactly as when a real CometD server loses the connection of a response in flight.
     * Only the replay extension brings them back.
     */
    public void cutNextEventResponses(int k) {
        cutEventResponses.set(k);
    }

    /** Clears every pending fault. */
    public void reset() {
        failPubSubCalls.set(0);
        emptyLatestKeepalives.set(0);
        corruptPubSubPayloads.set(0);
        omittedPubSubReplayIds.set(0);
        pubSubStreamLimit.set(0);
        pubSubStalls.set(0);
        failRequests.set(0);
        htmlRequests.set(0);
        stallRequests.set(0);
        failSubscribes.set(0);
        failLogins.set(0);
        cutEventResponses.set(0);
    }

    // ---- consumed by the emulator ----

    /** @return the HTTP status to fail this request with, or 0 */
    int takeRequestFailure() {
        return take(failRequests) ? failStatus : 0;
    }

    /** @return the HTTP status of the HTML page to answer, or 0 */
    int takeHtmlFailure() {
        return take(htmlRequests) ? htmlStatus : 0;
    }

    long takeStall() {
        return take(stallRequests) ? stallMillis.get() : 0;
    }

    /** @return the failure reason for this subscribe, or null */
    String takeSubscribeFailure() {
        return take(failSubscribes) ? subscribeFailureReason.get() : null;
    }

    boolean armedToCutEventResponse() {
        return cutEventResponses.get() > 0;
    }

    boolean takeEventResponseCut() {
        return take(cutEventResponses);
    }

    int takeLoginFailure() {
        return take(failLogins) ? loginStatus : 0;
    }

    /** @return how to fail this Pub/Sub call, or null */
    PubSubFailure takePubSubFailure() {
        return take(failPubSubCalls) ? pubSubFailure.get() : null;
    }

    int pubSubStreamLimit() {
        return pubSubStreamLimit.get();
    }

    boolean takeEmptyLatestKeepalive() {
        return take(emptyLatestKeepalives);
    }

    boolean takeCorruptPubSubPayload() {
        return take(corruptPubSubPayloads);
    }

    boolean takeOmittedPubSubReplayId() {
        return take(omittedPubSubReplayIds);
    }

    long takePubSubStall() {
        return take(pubSubStalls) ? pubSubStallMillis.get() : 0;
    }

    private static boolean take(AtomicInteger counter) {
        while (true) {
            int n = counter.get();
            if (n <= 0) {
                return false;
            }
            if (counter.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }
}
