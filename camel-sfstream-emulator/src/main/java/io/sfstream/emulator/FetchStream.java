package io.sfstream.emulator;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.sfstream.emulator.pubsub.proto.CommitReplayResponse;
import io.sfstream.emulator.pubsub.proto.ConsumerEvent;
import io.sfstream.emulator.pubsub.proto.FetchResponse;
import io.sfstream.emulator.pubsub.proto.ManagedFetchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Subscribe or ManagedSubscribe stream: a cursor in the channel's event log, the number of events the client is
 * still owed, and the two timers of Salesforce's stream (closed after an idle period with nothing requested; an empty
 * keepalive response when no events flowed for a while). Every method runs under the stream's monitor, so responses
 * are written one at a time; delivery itself runs on the emulator's Pub/Sub executor.
 */
final class FetchStream {

    private static final Logger LOG = LoggerFactory.getLogger(FetchStream.class);

    /** Salesforce's cap on what a client may have outstanding on one stream. */
    static final int MAX_REQUESTED = 100;

    enum State {
        /** Waiting for the first request, which names the topic and the replay start. */
        AWAITING_FIRST,
        /** Delivering. */
        OPEN,
        /** Ended by either side; nothing more is written. */
        CLOSED
    }

    private final PubSubService service;
    private final long id;
    private final String rpc;
    private final String token;
    private final ServerCallStreamObserver<Object> out;
    private final boolean managed;

    private State state = State.AWAITING_FIRST;
    private String channel;
    private EventLog log;
    private long cursor;
    private int pending;
    private long requested;
    private long delivered;
    private int maxPending;
    private boolean pumpScheduled;
    private long stalledUntil;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> keepaliveTimer;
    /** The managed subscription this stream holds, or null. */
    private PubSubService.Managed subscription;

    @SuppressWarnings("unchecked")
    FetchStream(PubSubService service, long id, String rpc, String token, ServerCallStreamObserver<?> out,
                boolean managed) {
        this.service = service;
        this.id = id;
        this.rpc = rpc;
        this.token = token;
        this.out = (ServerCallStreamObserver<Object>) out;
        this.managed = managed;
    }

    long id() {
        return id;
    }

    String token() {
        return token;
    }

    synchronized String channel() {
        return channel;
    }

    synchronized boolean isOpen() {
        return state != State.CLOSED;
    }

    synchronized PubSubStats.Stream stats() {
        return new PubSubStats.Stream(id, rpc, channel, requested, delivered, pending, maxPending);
    }

    synchronized PubSubService.Managed subscription() {
        return subscription;
    }

    // ------------------------------------------------------------------ requests

    /** The first request: the topic, the position to start after, what is requested. */
    synchronized void open(String channel, EventLog log, long startAfter, int numRequested,
                           PubSubService.Managed subscription) {
        if (state != State.AWAITING_FIRST) {
            return;
        }
        this.channel = channel;
        this.log = log;
        this.cursor = startAfter;
        this.subscription = subscription;
        state = State.OPEN;
        LOG.info("Pub/Sub {} stream {} on {} opened", rpc, id, channel);
        armKeepalive();
        request(numRequested);
    }

    /** A later request: more events wanted (capped at {@link #MAX_REQUESTED} outstanding). */
    synchronized void request(int numRequested) {
        if (state != State.OPEN) {
            return;
        }
        if (numRequested > 0) {
            int granted = Math.min(numRequested, MAX_REQUESTED - pending);
            if (granted > 0) {
                pending += granted;
                requested += granted;
                maxPending = Math.max(maxPending, pending);
                service.outstanding(pending);
            }
        }
        if (pending > 0) {
            cancelIdle();
            schedulePump();
        } else {
            armIdle();
        }
    }

    /** A managed stream's commit: answered at once in an event-less response. */
    synchronized void commit(String commitRequestId, ByteString replayId, PubSubService.Managed sub) {
        if (state != State.OPEN) {
            return;
        }
        CommitReplayResponse.Builder answer = CommitReplayResponse.newBuilder().setCommitRequestId(commitRequestId)
            .setReplayId(replayId).setProcessTime(System.currentTimeMillis());
        Long position = PubSubReplayIds.decode(channel, replayId);
        if (position == null || !service.resumable(log, position)) {
            answer.setError(io.sfstream.emulator.pubsub.proto.Error.newBuilder()
                .setCode(io.sfstream.emulator.pubsub.proto.ErrorCode.COMMIT)
                .setMsg("The replay id to commit is not valid for " + channel));
        } else {
            sub.committed(position);
        }
        send(List.of(), answer.build());
    }

    // ------------------------------------------------------------------ delivery

    /** Events were published on the channel. */
    synchronized void published() {
        if (state == State.OPEN && pending > 0) {
            schedulePump();
        }
    }

    private void schedulePump() {
        if (!pumpScheduled) {
            pumpScheduled = true;
            long delay = Math.max(0, stalledUntil - System.currentTimeMillis());
            service.schedule(this::pump, delay);
        }
    }

    private synchronized void pump() {
        pumpScheduled = false;
        if (state != State.OPEN) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now < stalledUntil) {
            schedulePump();
            return;
        }
        while (pending > 0) {
            List<EventLog.Entry> entries = log.after(cursor, Math.min(pending, service.maxEventsPerResponse()));
            if (entries.isEmpty()) {
                break;
            }
            long stall = service.faults().takePubSubStall();
            if (stall > 0) {
                LOG.info("Stalling Pub/Sub stream {} for {} ms (fault injection)", id, stall);
                stalledUntil = now + stall;
                schedulePump();
                return;
            }
            List<ConsumerEvent> events = new ArrayList<>(entries.size());
            for (EventLog.Entry e : entries) {
                events.add(withFaults(service.consumerEvent(channel, e), e.replayId()));
            }
            cursor = entries.get(entries.size() - 1).replayId();
            pending -= entries.size();
            delivered += entries.size();
            service.delivered(entries.size());
            send(events, null);
            if (state != State.OPEN) {
                return;
            }
        }
        if (pending == 0) {
            armIdle();
        }
    }

    /**
     * The event as it goes on the wire: with a cut payload or without its replay id when such a fault is armed. The
     * cached event and the stored one stay intact.
     */
    private ConsumerEvent withFaults(ConsumerEvent event, long position) {
        boolean corrupt = service.faults().takeCorruptPubSubPayload();
        boolean noReplayId = service.faults().takeOmittedPubSubReplayId();
        if (!corrupt && !noReplayId) {
            return event;
        }
        ConsumerEvent.Builder faulty = event.toBuilder();
        if (corrupt) {
            ByteString payload = event.getEvent().getPayload();
            faulty.getEventBuilder().setPayload(payload.substring(0, payload.size() / 2));
            LOG.info("Pub/Sub stream {} on {}: event {} goes out with {} of its {} payload bytes (fault injection)", id,
                channel, position, payload.size() / 2, payload.size());
        }
        if (noReplayId) {
            faulty.clearReplayId();
            LOG.info("Pub/Sub stream {} on {}: event {} goes out without its replay id (fault injection)", id, channel,
                position);
        }
        return faulty.build();
    }

    private void send(List<ConsumerEvent> events, CommitReplayResponse commit) {
        ByteString latest = events.isEmpty() && commit == null && service.faults().takeEmptyLatestKeepalive()
            ? ByteString.EMPTY : PubSubReplayIds.encode(channel, cursor);
        String rpcId = UUID.randomUUID().toString();
        try {
            if (managed) {
                ManagedFetchResponse.Builder r = ManagedFetchResponse.newBuilder().addAllEvents(events)
                    .setLatestReplayId(latest).setRpcId(rpcId).setPendingNumRequested(pending);
                if (commit != null) {
                    r.setCommitResponse(commit);
                }
                out.onNext(r.build());
            } else {
                out.onNext(FetchResponse.newBuilder().addAllEvents(events).setLatestReplayId(latest).setRpcId(rpcId)
                    .setPendingNumRequested(pending).build());
            }
        } catch (RuntimeException e) {
            // the call was cancelled under us
            LOG.debug("Pub/Sub stream {} could not be written: {}", id, e.toString());
            closed();
            return;
        }
        armKeepalive();
    }

    // ------------------------------------------------------------------ timers

    private void armIdle() {
        if (idleTimer == null && state == State.OPEN) {
            idleTimer = service.schedule(this::idleExpired, service.idleTimeout().toMillis());
        }
    }

    private void cancelIdle() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    private synchronized void idleExpired() {
        idleTimer = null;
        if (state == State.OPEN && pending == 0) {
            LOG.info("Pub/Sub stream {} on {}: nothing requested for {}, closing it", id, channel,
                service.idleTimeout());
            end(null, null);
        }
    }

    private void armKeepalive() {
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel(false);
        }
        keepaliveTimer = service.schedule(this::keepalive, service.keepaliveInterval().toMillis());
    }

    private synchronized void keepalive() {
        keepaliveTimer = null;
        if (state == State.OPEN) {
            LOG.debug("Pub/Sub stream {}: keepalive", id);
            send(List.of(), null);
        }
    }

    // ------------------------------------------------------------------ ending

    /**
     * Ends the stream from the server's side: with {@code status} (and the {@code error-code} trailer when not null),
     * or completed normally when {@code status} is null.
     */
    synchronized void end(Status status, String errorCode) {
        if (state == State.CLOSED) {
            return;
        }
        closed();
        try {
            if (status == null) {
                out.onCompleted();
            } else {
                LOG.info("Pub/Sub stream {} on {} ends: {} {}", id, channel, status, errorCode == null ? "" : errorCode);
                out.onError(PubSubErrors.error(status, errorCode));
            }
        } catch (RuntimeException e) {
            LOG.debug("Pub/Sub stream {} already gone: {}", id, e.toString());
        }
    }

    /** The stream is over (ended by us, cancelled or completed by the client): release everything. */
    synchronized void closed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cancelIdle();
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel(false);
            keepaliveTimer = null;
        }
        service.removed(this);
    }

    /** The client half-closed: Salesforce ends the stream too. */
    synchronized void clientCompleted() {
        end(null, null);
    }

}
