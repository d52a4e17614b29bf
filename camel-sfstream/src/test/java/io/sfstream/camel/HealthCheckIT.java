package io.sfstream.camel;

import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionLease;
import io.sfstream.camel.replay.SubscriptionRecord;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The readiness check of a consumer, through Camel's consumer health checks: UP while connected, DOWN with details
 * once an outage lasts connectionTimeout, UP again when the server answers.
 */
class HealthCheckIT extends EmulatorTestSupport {

    private final RecordingExceptionHandler errors = new RecordingExceptionHandler();

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        registry.bind("errors", errors);
    }

    @AfterEach
    void clearFaults() {
        emulator().faults().reset();
    }

    /** The consumer's readiness, its message, error and details checked for secrets each time it is read. */
    private HealthCheck.Result readiness(String routeId) {
        HealthCheck.Result result = HealthCheckHelper.invokeReadiness(context).stream()
            .filter(r -> r.getCheck().getId().equals("consumer:" + routeId)).findFirst().orElseThrow();
        SecretLeakAppender.check("readiness of " + routeId, result.getMessage().orElse("") + " " + result.getDetails(),
            result.getError().orElse(null));
        return result;
    }

    @Test
    void downWhileDisconnectedPastConnectionTimeoutThenUpAgain() throws Exception {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        registry.register(new ConsumersHealthCheckRepository());
        String channel = "/topic/" + uniqueName("Health");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&exceptionHandler=#errors&connectionTimeout=1s"
                     + "&timeToWaitBeforeConnectionRetry=100ms&maxReconnectDelay=300ms")
                    .routeId("health").to("mock:health");
            }
        });
        getMockEndpoint("mock:health").expectedMessageCount(2);
        emulator().publish(channel, 2, 50);
        getMockEndpoint("mock:health").assertIsSatisfied(20_000);
        SfStreamConsumer consumer = (SfStreamConsumer) context.getRoute("health").getConsumer();
        assertThat(consumer.getHealthCheck()).isInstanceOf(SfStreamConsumerHealthCheck.class);
        await().atMost(10, TimeUnit.SECONDS).until(() -> readiness("health").getState() == HealthCheck.State.UP);
        // the position of the newest event as text, next to its replayId
        Map<String, Object> up = readiness("health").getDetails();
        assertThat(up.get("sfstream.lastReceivedPosition")).isEqualTo(String.valueOf(up.get("sfstream.lastReceivedReplayId")));

        emulator().faults().failNextRequests(100_000, 503);
        await().atMost(20, TimeUnit.SECONDS).until(() -> readiness("health").getState() == HealthCheck.State.DOWN);
        HealthCheck.Result down = readiness("health");
        assertThat(down.getMessage()).get().asString().contains(channel).contains("connectionTimeout");
        Map<String, Object> details = down.getDetails();
        assertThat(details).containsEntry("sfstream.channel", channel).containsKey("sfstream.state")
            .containsKey("sfstream.unhealthySince").containsKey("sfstream.lastError");
        assertThat(details.toString()).doesNotContain(io.sfstream.emulator.SalesforceEmulator.PASSWORD)
            .doesNotContain(io.sfstream.emulator.SalesforceEmulator.CLIENT_SECRET);

        emulator().faults().reset();
        await().atMost(20, TimeUnit.SECONDS).until(() -> readiness("health").getState() == HealthCheck.State.UP);
    }

    @Test
    void downAfterAFailedExchangeStoppedDelivery() throws Exception {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        registry.register(new ConsumersHealthCheckRepository());
        String channel = "/topic/" + uniqueName("HealthFail");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&exceptionHandler=#errors").routeId("failing")
                    .throwException(new IllegalStateException("boom"));
            }
        });
        emulator().publish(channel, 1, 50);
        await().atMost(20, TimeUnit.SECONDS).until(() -> readiness("failing").getState() == HealthCheck.State.DOWN);
        assertThat(readiness("failing").getMessage()).get().asString().contains("failed exchange");
    }

    @Test
    void downWhileWaitingOutAHolderTheGridCannotProveAliveThenTakesOverWithoutAnError() throws Exception {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        registry.register(new ConsumersHealthCheckRepository());
        String channel = "/event/" + uniqueName("Unproven") + "__e";
        // a data grid's map: what a predecessor killed with kill -9 left behind, a lease running 4 more seconds
        Map<String, String> grid = new java.util.concurrent.ConcurrentHashMap<>();
        long marker = emulator().publish(channel, java.util.Map.of());
        java.time.Instant expires = java.time.Instant.now().plusSeconds(4);
        grid.put(channel, new SubscriptionRecord(ReplayMarker.of(marker),
                new SubscriptionLease("host-1-dead", 3, WorkerStrategy.OPEN_IF_FREE, expires)).format());
        context.getRegistry().bind("grid", grid);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the default strategy, OPEN_IF_FREE
                from("sfstream:" + channel + "?replayStore=#grid&exceptionHandler=#errors").routeId("unproven")
                    .to("mock:unproven");
            }
        });
        List<Long> published = emulator().publish(channel, 3, 50);

        // the route started (no exception ended the application) and waits, DOWN, naming the holder and the time left
        await().atMost(5, TimeUnit.SECONDS).until(() -> readiness("unproven").getState() == HealthCheck.State.DOWN);
        HealthCheck.Result waiting = readiness("unproven");
        assertThat(waiting.getMessage()).get().asString().contains("host-1-dead", "cannot prove");
        assertThat(waiting.getDetails()).containsEntry("sfstream.lease.holder", "host-1-dead")
            .containsKey("sfstream.lease.secondsLeft").containsEntry("sfstream.lease.state", "STANDBY");
        assertThat(getMockEndpoint("mock:unproven").getReceivedCounter()).isZero();

        // the lease expires unrenewed: this worker takes over, continues after the marker, and is UP
        await().atMost(15, TimeUnit.SECONDS).until(() -> getMockEndpoint("mock:unproven").getReceivedCounter() >= 3);
        assertThat(replayIdsOf(getMockEndpoint("mock:unproven"))).containsExactlyElementsOf(published);
        assertThat(java.time.Instant.now()).isAfterOrEqualTo(expires);
        await().atMost(5, TimeUnit.SECONDS).until(() -> readiness("unproven").getState() == HealthCheck.State.UP);
        assertThat(errors.errors).as("waiting is not an error").isEmpty();
        assertThat(storedReplayId(grid, channel)).isNotNull();
    }
}
