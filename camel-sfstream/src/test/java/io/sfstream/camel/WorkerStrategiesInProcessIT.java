package io.sfstream.camel;

import io.sfstream.camel.replay.SubscriptionRecord;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Worker strategies between routes of one CamelContext sharing a ConcurrentMap store, as operators see them: which
 * worker holds the subscription in health details and JMX attributes, a standby that continues from the holder's
 * marker, a displaced holder that reports why it stopped. The multi-JVM scenarios (data grid, file store, kill -9,
 * kill -STOP) are in the WorkerStrategies*IT classes.
 */
class WorkerStrategiesInProcessIT extends EmulatorTestSupport {

    private final Map<String, String> markers = new ConcurrentHashMap<>();
    private final RecordingExceptionHandler errors = new RecordingExceptionHandler();
    private String channel;

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        registry.bind("markers", markers);
        registry.bind("errors", errors);
        registry.bind("repository", new MemoryStateRepository());
    }

    @BeforeEach
    void newChannel() {
        channel = "/event/" + uniqueName("Workers") + "__e";
    }

    private String uri(String workerId, String strategy) {
        return uri(workerId, strategy, "#markers");
    }

    private String uri(String workerId, String strategy, String store) {
        return "sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=" + store + "&exceptionHandler=#errors&workerId="
               + workerId + "&strategy=" + strategy + "&leaseDuration=2s&replayCommitInterval=50ms";
    }

    private void route(String workerId, String strategy) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(workerId, strategy)).routeId(workerId).to("mock:" + workerId);
            }
        });
    }

    private SfStreamConsumer consumer(String routeId) {
        return (SfStreamConsumer) context.getRoute(routeId).getConsumer();
    }

    /** The consumer's readiness check itself (Camel's consumer repository delegates to it), checked for secrets. */
    private HealthCheck.Result readiness(String routeId) {
        HealthCheck.Result result = consumer(routeId).getHealthCheck().call();
        SecretLeakAppender.check("readiness of " + routeId, result.getMessage().orElse("") + " " + result.getDetails(),
                result.getError().orElse(null));
        return result;
    }

    @Test
    void aStandbyIsReadyNamesTheHolderAndContinuesFromItsMarkerWhenItLeaves() throws Exception {
        List<Long> first = emulator().publish(channel, 3, 100);
        MockEndpoint a = getMockEndpoint("mock:a");
        a.expectedMessageCount(3);
        route("a", "WAIT_FOR_FREE");
        a.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        route("b", "WAIT_FOR_FREE");

        SfStreamConsumer standby = consumer("b");
        assertThat(standby.getLeaseState()).isEqualTo("STANDBY");
        assertThat(standby.getLeaseHolder()).isEqualTo("a");
        assertThat(consumer("a").getLeaseState()).isEqualTo("HOLDING");
        assertThat(consumer("a").getLeaseHolder()).isEqualTo("a");
        HealthCheck.Result health = readiness("b");
        assertThat(health.getState()).as("a standby is ready, not active").isEqualTo(HealthCheck.State.UP);
        assertThat(health.getDetails()).containsEntry("sfstream.lease.state", "STANDBY")
                .containsEntry("sfstream.lease.holder", "a").containsEntry("sfstream.workerId", "b")
                .containsEntry("sfstream.strategy", "WAIT_FOR_FREE");
        assertThat(emulator().counters().subscriptions(channel)).as("the standby does not subscribe").isEqualTo(1);

        context.getRouteController().stopRoute("a");
        List<Long> later = emulator().publish(channel, 2, 100);
        MockEndpoint b = getMockEndpoint("mock:b");
        b.expectedMessageCount(2);
        b.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));

        assertThat(replayIdsOf(b)).as("after a's last commit, nothing again").containsExactlyElementsOf(later);
        assertThat(replayIdsOf(a)).containsExactlyElementsOf(first);
        assertThat(standby.getLeaseState()).isEqualTo("HOLDING");
        assertThat(SubscriptionRecord.parse(channel, markers.get(channel)).lease().epoch()).isEqualTo(2);
        await().atMost(5, TimeUnit.SECONDS).until(() -> Long.valueOf(later.get(1)).equals(storedReplayId(markers, channel)));
    }

    @Test
    void openIfFreeOnAMapWaitsOutTheHolderThenRefusesOnceItRenews() throws Exception {
        route("a", "OPEN_IF_FREE");
        await().atMost(10, TimeUnit.SECONDS).until(() -> emulator().counters().subscriptions(channel) == 1);

        // a map (a data grid's, say) cannot prove the holder alive: the route starts and waits, readiness DOWN
        route("b", "OPEN_IF_FREE");
        assertThat(consumer("b").getLeaseState()).isEqualTo("STANDBY");
        assertThat(readiness("b").getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(readiness("b").getDetails()).containsEntry("sfstream.lease.holder", "a")
                .containsKey("sfstream.lease.secondsLeft");

        // a renews within a third of its 2 s lease: it lives, so b refuses, as OPEN_IF_FREE says
        await().atMost(5, TimeUnit.SECONDS).until(() -> "LOST".equals(consumer("b").getLeaseState()));
        assertThat(errors.of(SubscriptionInUseException.class)).singleElement().satisfies(e -> assertThat(e)
                .hasMessageContaining("Worker b").hasMessageContaining("held by worker a").hasMessageContaining("renewed"));
        assertThat(readiness("b").getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(consumer("a").getLeaseState()).isEqualTo("HOLDING");
        assertThat(emulator().counters().subscriptions(channel)).isEqualTo(1);
    }

    @Test
    void openIfFreeFailsToStartWhileAWorkerTheStoreProvesAliveHoldsTheSubscription() throws Exception {
        String file = java.nio.file.Path.of("target", "in-process-workers", channel.substring(7) + ".properties")
                .toAbsolutePath().toString();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("a", "OPEN_IF_FREE", file)).routeId("a").to("mock:a");
            }
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> emulator().counters().subscriptions(channel) == 1);

        assertThat(rootCause(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("b", "OPEN_IF_FREE", file)).routeId("b").to("mock:b");
            }
        }))).isInstanceOf(SubscriptionInUseException.class)
                .hasMessageContaining("Worker b").hasMessageContaining("held by worker a");
        assertThat(consumer("a").getLeaseState()).isEqualTo("HOLDING");
        assertThat(emulator().counters().subscriptions(channel)).isEqualTo(1);
    }

    @Test
    void takeOverDisplacesTheHolderWhichStopsAndReportsWhy() throws Exception {
        route("a", "OPEN_IF_FREE");
        await().atMost(10, TimeUnit.SECONDS).until(() -> emulator().counters().subscriptions(channel) == 1);

        route("b", "TAKE_OVER");

        // a notices at its next renewal (leaseDuration/3, no events to commit here) plus a store round trip: see README
        await("the displaced worker notices within leaseDuration/3 and a margin").atMost(2000 / 3 + 1000,
                TimeUnit.MILLISECONDS).until(() -> "LOST".equals(consumer("a").getLeaseState()));
        assertThat(errors.of(SubscriptionInUseException.class)).singleElement()
                .satisfies(e -> assertThat(e.getHolder()).isEqualTo("b"));
        HealthCheck.Result health = readiness("a");
        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("Worker a lost the subscription"));
        assertThat(consumer("a").getLastError()).contains("worker b");

        MockEndpoint a = getMockEndpoint("mock:a");
        MockEndpoint b = getMockEndpoint("mock:b");
        b.expectedMessageCount(2);
        List<Long> published = emulator().publish(channel, 2, 100);
        b.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(b)).containsExactlyElementsOf(published);
        assertThat(a.getReceivedCounter()).as("the displaced worker consumes nothing").isZero();

        assertThat(rootCause(() -> route("c", "TAKE_OVER"))).isInstanceOf(SubscriptionInUseException.class)
                .hasMessageContaining("the holder uses TAKE_OVER too");
    }

    @Test
    void theSupervisingRouteControllerRetriesAnOpenIfFreeRouteUntilTheSubscriptionIsFree() throws Exception {
        // the file store proves the holder alive, so the route fails to start and the controller retries it
        String file = java.nio.file.Path.of("target", "in-process-workers", channel.substring(7) + ".properties")
                .toAbsolutePath().toString();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("a", "OPEN_IF_FREE", file)).routeId("a").to("mock:a");
            }
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> emulator().counters().subscriptions(channel) == 1);
        try (org.apache.camel.impl.DefaultCamelContext other = new org.apache.camel.impl.DefaultCamelContext()) {
            useEmulator(other, emulator());
            other.getRegistry().bind("markers", markers);
            other.getRegistry().bind("errors", errors);
            var supervising = other.getRouteController().supervising();
            supervising.setInitialDelay(0);
            supervising.setBackOffDelay(200);
            supervising.setBackOffMaxAttempts(0); // forever
            other.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri("b", "OPEN_IF_FREE", file)).routeId("b").to("mock:b");
                }
            });
            other.start();
            await().atMost(10, TimeUnit.SECONDS).until(() -> supervising.getRestartingRoutes().size()
                                                              + supervising.getExhaustedRoutes().size() > 0
                                                              || other.getRouteController().getRouteStatus("b").isStarted());
            assertThat(other.getRouteController().getRouteStatus("b").isStarted()).as("held by a").isFalse();

            context.getRouteController().stopRoute("a");

            await().atMost(15, TimeUnit.SECONDS).until(() -> other.getRouteController().getRouteStatus("b").isStarted());
            SfStreamConsumer b = (SfStreamConsumer) other.getRoute("b").getConsumer();
            assertThat(b.getLeaseState()).isEqualTo("HOLDING");
            MockEndpoint mock = other.getEndpoint("mock:b", MockEndpoint.class);
            mock.expectedMessageCount(1);
            List<Long> published = emulator().publish(channel, 1, 100);
            mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
            assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published);
        }
    }

    @Test
    void strategiesOtherThanTheDefaultNeedAnAtomicStore() {
        assertThat(rootCause(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replayStore=#repository&strategy=WAIT_FOR_FREE").routeId("repo")
                        .to("mock:repo");
            }
        }))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strategy=WAIT_FOR_FREE needs a replay store with atomic operations");
        assertThat(rootCause(() -> context.getEndpoint("sfstream:" + channel + "?strategy=CONCURRENT")))
                .hasMessageContaining("strategy=CONCURRENT is not supported").hasMessageContaining("every subscriber");
    }

    /** What the action threw, unwrapped down to the first exception (Camel wraps start failures, or not). */
    private static Throwable rootCause(org.assertj.core.api.ThrowableAssert.ThrowingCallable action) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(action);
        assertThat(thrown).as("expected a failure").isNotNull();
        while (thrown.getCause() != null && thrown.getCause() != thrown) {
            thrown = thrown.getCause();
        }
        return thrown;
    }
}
