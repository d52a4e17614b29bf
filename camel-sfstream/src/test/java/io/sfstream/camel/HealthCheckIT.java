package io.sfstream.camel;

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
}
