package io.sfstream.camel.internal.delivery;

import io.sfstream.camel.replay.ReplayMarker;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Tracks the events of one subscription from hand-over to completion and yields the low watermark: the newest event
 * such that it and every event handed over before it are done. Replay ids are not contiguous, so order is the order
 * of hand-over, never arithmetic on ids. A marker is therefore never committed past an event still in flight, however
 * out of order a route ({@code threads()}, async producers, {@code seda}) completes its exchanges.
 */
final class DeliveryTracker {

    /** One event or batch handed to the route. */
    static final class Ticket {
        private final ReplayMarker marker;
        private boolean done;

        private Ticket(ReplayMarker marker) {
            this.marker = marker;
        }

        ReplayMarker marker() {
            return marker;
        }
    }

    // guarded by this; in hand-over order
    private final Deque<Ticket> inFlight = new ArrayDeque<>();

    /** @param marker where the event puts the watermark once done, or null for an event that has no position */
    synchronized Ticket handedOver(ReplayMarker marker) {
        Ticket ticket = new Ticket(marker);
        inFlight.addLast(ticket);
        return ticket;
    }

    /**
     * Marks the ticket done and returns the new watermark, or null when it did not move (an earlier event is still in
     * flight, or the ticket was done already).
     */
    synchronized ReplayMarker done(Ticket ticket) {
        if (ticket.done) {
            return null;
        }
        ticket.done = true;
        ReplayMarker watermark = null;
        while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
            ReplayMarker marker = inFlight.pollFirst().marker;
            if (marker != null) {
                // an event without a position (null) moves nothing: the watermark is the newest position done
                watermark = marker;
            }
        }
        return watermark;
    }

    /** Whether every event handed over is done. */
    synchronized boolean isEmpty() {
        return inFlight.isEmpty();
    }

    synchronized void clear() {
        inFlight.clear();
    }
}
