package io.sfstream.camel;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness of one sfstream consumer, picked up by Camel's consumer health checks ({@code camel.health.consumersEnabled})
 * when the component's {@code healthCheckConsumerEnabled} is true (default). DOWN while the session has been unable to
 * reconnect for {@code connectionTimeout}, after the session stopped for good ({@code maxErroneousPeriod}) and after a
 * failed exchange stopped delivery ({@code ignoreSubscriberErrors=false}), after this worker lost the subscription to
 * another worker, and while an OPEN_IF_FREE worker waits out a holder its store cannot prove alive or dead; UP otherwise, including a WAIT_FOR_FREE worker standing by (ready, not active: its
 * {@code sfstream.lease.state} detail says STANDBY). The details name the channel, the session state and since when,
 * the newest error (never a credential), this worker's id and strategy, and the lease holder as last seen.
 * <p>
 * Implements {@link HealthCheck} directly so that the component needs only camel-api; Camel's health registry
 * (camel-health) runs it.
 */
final class SfStreamConsumerHealthCheck implements HealthCheck {

    private final SfStreamConsumer consumer;
    private volatile boolean enabled = true;

    SfStreamConsumerHealthCheck(SfStreamConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public String getGroup() {
        return "camel";
    }

    @Override
    public String getId() {
        return "consumer:sfstream:" + consumer.getRouteId();
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
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(this);
        builder.detail("sfstream.channel", consumer.getChannel());
        builder.detail("sfstream.state", consumer.getSessionState());
        detail(builder, "sfstream.stateSince", consumer.getStateSince());
        detail(builder, "sfstream.lastError", consumer.getLastError());
        detail(builder, "sfstream.lastErrorSince", consumer.getLastErrorSince());
        detail(builder, "sfstream.unhealthySince", consumer.getUnhealthySince());
        builder.detail("sfstream.pendingCount", consumer.getPendingCount());
        builder.detail("sfstream.lastReceivedReplayId", consumer.getLastReceivedReplayId());
        builder.detail("sfstream.lastCommittedReplayId", consumer.getLastCommittedReplayId());
        builder.detail("sfstream.workerId", consumer.getWorkerId());
        builder.detail("sfstream.strategy", consumer.getStrategy());
        builder.detail("sfstream.lease.state", consumer.getLeaseState());
        SubscriptionLease holder = consumer.leaseHolder();
        if (holder != null) {
            builder.detail("sfstream.lease.holder", holder.workerId());
            builder.detail("sfstream.lease.epoch", holder.epoch());
            builder.detail("sfstream.lease.expiresAt", holder.expiresAt().toString());
        }
        SfStreamException fatal = consumer.getFatalError();
        if (fatal != null) {
            return builder.down().message("The session of " + consumer.getChannel() + " stopped for good: "
                                          + fatal.getMessage()).error(fatal).build();
        }
        SubscriberErrorException failure = consumer.getFailure();
        if (failure != null) {
            return builder.down().message("Delivery on " + consumer.getChannel() + " stopped after a failed exchange: "
                                          + failure.getMessage()).error(failure).build();
        }
        SubscriptionInUseException lost = consumer.getLeaseLost();
        if (lost != null) {
            return builder.down().message(lost.getMessage()).error(lost).build();
        }
        SubscriptionLease waitingOut = consumer.leaseWaitingOut();
        if (waitingOut != null) {
            long secondsLeft = Math.max(0, Duration.between(Instant.now(), waitingOut.expiresAt())
                    .toSeconds());
            builder.detail("sfstream.lease.secondsLeft", secondsLeft);
            return builder.down().message("Waiting for subscription " + consumer.getChannel() + ": it is held by worker "
                                          + waitingOut.workerId() + ", which the replay store cannot prove alive or"
                                          + " dead; this worker takes over if that lease expires unrenewed (in "
                                          + secondsLeft + " s, at " + waitingOut.expiresAt()
                                          + ") and refuses to start if it is renewed").build();
        }
        if (consumer.isConnectionTimedOut()) {
            return builder.down().message("The session of " + consumer.getChannel() + " has been disconnected since "
                                          + consumer.getUnhealthySince() + ", longer than connectionTimeout "
                                          + consumer.getEndpoint().getConfiguration().getConnectionTimeout())
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
