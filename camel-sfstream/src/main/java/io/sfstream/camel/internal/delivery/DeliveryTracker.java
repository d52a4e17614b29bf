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
        private final long sequence;
        private boolean done;

        private Ticket(ReplayMarker marker, long sequence) {
            this.marker = marker;
            this.sequence = sequence;
        }

        ReplayMarker marker() {
            return marker;
        }

        /** The arrival number of the (last) event of the ticket since the consumer started: what metrics count by. */
        long sequence() {
            return sequence;
        }
    }

    // guarded by this; in hand-over order
    private final Deque<Ticket> inFlight = new ArrayDeque<>();

    /**
     * @param marker   where the event puts the watermark once done, or null for an event that has no position
     * @param sequence the arrival number of the event (the batch's last one) since the consumer started, increasing
     *                 with hand-over order
     */
    synchronized Ticket handedOver(ReplayMarker marker, long sequence) {
        Ticket ticket = new Ticket(marker, sequence);
        inFlight.addLast(ticket);
        return ticket;
    }

    /**
     * Marks the ticket done and returns the ticket that is the new watermark (its marker to commit, its sequence to
     * count), or null when it did not move (an earlier event is still in flight, or the ticket was done already).
     */
    synchronized Ticket done(Ticket ticket) {
        if (ticket.done) {
            return null;
        }
        ticket.done = true;
        Ticket watermark = null;
        while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
            Ticket next = inFlight.pollFirst();
            if (next.marker != null) {
                // an event without a position (null) moves nothing: the watermark is the newest position done
                watermark = next;
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
