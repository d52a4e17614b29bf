package io.sfstream.camel;

import io.sfstream.camel.replay.SubscriptionLease;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness of one sfstream consumer, picked up by Camel's consumer health checks ({@code camel.health.consumersEnabled})
 * when the component's {@code healthCheckConsumerEnabled} is true (default). DOWN while the session has been unable to
 * reconnect for {@code connectionTimeout}, after the session stopped for good ({@code maxErroneousPeriod}) and after a
 * failed exchange stopped delivery ({@code ignoreSubscriberErrors=false}), after this worker lost the subscription to
 * another worker, and while an OPEN_IF_FREE worker waits out a holder its store cannot prove alive or dead; UP otherwise, including a WAIT_FOR_FREE worker standing by (ready, not active: its
 * {@code sfstream.lease.state} detail says STANDBY). The details name the channel, the session state and since when,
 * the newest error (never a credential), this worker's id and strategy, and the lease holder as last seen. The replay
 * progress is there twice: {@code sfstream.lastReceivedReplayId} and {@code sfstream.lastCommittedReplayId} as numbers
 * (-1 on the Pub/Sub API, whose positions are no numbers), and {@code sfstream.lastReceivedPosition} and
 * {@code sfstream.lastCommittedPosition} as the position's text on both APIs (absent before the first).
 * <p>
 * Implements {@link HealthCheck} directly so that the component needs only camel-api; Camel's health registry
 * (camel-health) runs it.
 */
final class SfStreamConsumerHealthCheck implements HealthCheck {

    private final String routeId;
    private final Supplier<ConsumerStatus> status;
    private volatile boolean enabled = true;

    SfStreamConsumerHealthCheck(String routeId, Supplier<ConsumerStatus> status) {
        this.routeId = routeId;
        this.status = status;
    }

    @Override
    public String getGroup() {
        return "camel";
    }

    @Override
    public String getId() {
        return "consumer:sfstream:" + routeId;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public Result call(Map<String, Object> options) {
        ConsumerStatus now = status.get();
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(this);
        builder.detail("sfstream.channel", now.channel());
        builder.detail("sfstream.state", now.state());
        detail(builder, "sfstream.stateSince", now.stateSince());
        detail(builder, "sfstream.lastError", now.lastError());
        detail(builder, "sfstream.lastErrorSince", now.lastErrorAt());
        detail(builder, "sfstream.unhealthySince", now.unhealthySince());
        builder.detail("sfstream.pendingCount", now.pendingCount());
        builder.detail("sfstream.lastReceivedReplayId", now.lastReceivedReplayId());
        builder.detail("sfstream.lastCommittedReplayId", now.lastCommittedReplayId());
        // the positions as text: the replayIds above are -1 on the Pub/Sub API, whose positions are no numbers
        detail(builder, "sfstream.lastReceivedPosition", now.lastReceivedPosition());
        detail(builder, "sfstream.lastCommittedPosition", now.lastCommittedPosition());
        builder.detail("sfstream.workerId", now.workerId());
        builder.detail("sfstream.strategy", now.strategy());
        builder.detail("sfstream.lease.state", now.leaseState());
        SubscriptionLease holder = now.leaseHolder();
        if (holder != null) {
            builder.detail("sfstream.lease.holder", holder.workerId());
            builder.detail("sfstream.lease.epoch", holder.epoch());
            builder.detail("sfstream.lease.expiresAt", holder.expiresAt().toString());
        }
        SfStreamException problem = now.problem();
        if (problem == now.fatalError() && problem != null) {
            return builder.down().message("The session of " + now.channel() + " stopped for good: "
                                          + problem.getMessage()).error(problem).build();
        }
        if (problem == now.failure() && problem != null) {
            return builder.down().message("Delivery on " + now.channel() + " stopped after a failed exchange: "
                                          + problem.getMessage()).error(problem).build();
        }
        if (problem != null) {
            return builder.down().message(problem.getMessage()).error(problem).build();
        }
        SubscriptionLease waitingOut = now.waitingOut();
        if (waitingOut != null) {
            long secondsLeft = Math.max(0, Duration.between(Instant.now(), waitingOut.expiresAt()).toSeconds());
            builder.detail("sfstream.lease.secondsLeft", secondsLeft);
            return builder.down().message("Waiting for subscription " + now.channel() + ": it is held by worker "
                                          + waitingOut.workerId() + ", which the replay store cannot prove alive or"
                                          + " dead; this worker takes over if that lease expires unrenewed (in "
                                          + secondsLeft + " s, at " + waitingOut.expiresAt()
                                          + ") and refuses to start if it is renewed").build();
        }
        if (now.connectionTimedOut()) {
            return builder.down().message("The session of " + now.channel() + " has been disconnected since "
                                          + now.unhealthySince() + ", longer than connectionTimeout "
                                          + now.connectionTimeout())
                .build();
        }
        return builder.up().build();
    }

    private static void detail(HealthCheckResultBuilder builder, String key, Object value) {
        if (value != null) {
            builder.detail(key, value.toString());
        }
    }
}
