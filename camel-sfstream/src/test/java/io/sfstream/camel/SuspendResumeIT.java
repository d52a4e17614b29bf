package io.sfstream.camel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.throttling.ThrottlingInflightRoutePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer is Suspendable: suspending pauses delivery (queued events wait, the session fetches at most the
 * response already under way), resuming continues in order without loss; the same through
 * ThrottlingInflightRoutePolicy.
 * <p>
 * The emulator of this class answers a connect with at most {@value #EVENTS_PER_RESPONSE} events, so "one response" is
 * a known number and far more is published while suspended than the bound lets the client fetch.
 */
class SuspendResumeIT extends CamelTestSupport {

    private static final int EVENTS_PER_RESPONSE = 10;
    private static final int MAX_PENDING = 10;
    private static final String FAST_RETRY = "timeToWaitBeforeConnectionRetry=100ms&maxReconnectDelay=500ms";

    @RegisterExtension
    static final EmulatorExtension SMALL_RESPONSES = new EmulatorExtension(SalesforceEmulator.builder()
            .connectHold(Duration.ofMillis(300)).maxEventsPerResponse(EVENTS_PER_RESPONSE));

    private static final AtomicInteger CHANNELS = new AtomicInteger();

    private final RecordingExceptionHandler errors = new RecordingExceptionHandler();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        EmulatorTestSupport.useEmulator(context, emulator());
        return context;
    }

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        registry.bind("errors", errors);
    }

    private static SalesforceEmulator emulator() {
        return SMALL_RESPONSES.emulator();
    }

    private SfStreamConsumer consumer(String routeId) {
        return (SfStreamConsumer) context.getRoute(routeId).getConsumer();
    }

    @Test
    void suspendRouteFetchesAtMostOneResponseAndResumeRouteLosesNothing() throws Exception {
        String channel = "/topic/Suspend" + CHANNELS.incrementAndGet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?exceptionHandler=#errors&maxPendingCount=" + MAX_PENDING + "&"
                     + FAST_RETRY).routeId("r").to("mock:r");
            }
        });
        await().atMost(20, TimeUnit.SECONDS).until(() -> emulator().counters().subscriptions(channel) >= 1);
        assertThat(consumer("r")).isInstanceOf(org.apache.camel.Suspendable.class);
        MockEndpoint mock = getMockEndpoint("mock:r");
        List<Long> published = new ArrayList<>(emulator().publish(channel, 5, 50));
        await().atMost(20, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() >= 5);

        context.getRouteController().suspendRoute("r");
        assertThat(context.getRouteController().getRouteStatus("r")).isEqualTo(ServiceStatus.Suspended);
        long handshakes = emulator().counters().handshakes();
        long deliveredAtSuspend = emulator().counters().eventsDelivered();
        // six times what the client may take while suspended: its bound plus the one response already under way
        int whileSuspended = 6 * (MAX_PENDING + EVENTS_PER_RESPONSE);
        published.addAll(emulator().publish(channel, whileSuspended, 50));
        AtomicInteger maxPending = new AtomicInteger();
        AtomicInteger maxFetched = new AtomicInteger();
        // nothing is delivered while suspended, and the client fetches at most one response beyond its bound; watched
        // for 3 s, many times the 300 ms a connect is held, so a client that kept connecting would fetch everything
        await("while suspended: nothing delivered, at most maxPendingCount + one response fetched")
                .during(3, TimeUnit.SECONDS).atMost(6, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    maxPending.accumulateAndGet(consumer("r").getPendingCount(), Math::max);
                    long fetched = emulator().counters().eventsDelivered() - deliveredAtSuspend;
                    maxFetched.accumulateAndGet((int) fetched, Math::max);
                    return mock.getReceivedCounter() == 5 && maxPending.get() <= MAX_PENDING + EVENTS_PER_RESPONSE
                           && maxFetched.get() <= MAX_PENDING + EVENTS_PER_RESPONSE;
                });
        System.out.printf("SuspendResumeIT: suspended with %d published, the client fetched %d, pending at most %d%n",
                whileSuspended, maxFetched.get(), maxPending.get());
        assertThat(emulator().counters().handshakes()).isEqualTo(handshakes);

        context.getRouteController().resumeRoute("r");
        await().atMost(30, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() >= published.size());
        // late duplicates would come after the last expected event: the count must stay put for a while
        await().during(1500, TimeUnit.MILLISECONDS).atMost(3, TimeUnit.SECONDS)
                .until(() -> mock.getReceivedCounter() == published.size());
        assertThat(EmulatorTestSupport.replayIdsOf(mock)).containsExactlyElementsOf(published);
        assertThat(emulator().counters().handshakes()).isEqualTo(handshakes);
        assertThat(errors.errors).isEmpty();
    }

    @Test
    void throttlingInflightRoutePolicyLosesNothing() throws Exception {
        String channel = "/topic/Throttled" + CHANNELS.incrementAndGet();
        List<Long> started = new CopyOnWriteArrayList<>();
        AtomicInteger suspensions = new AtomicInteger();
        ThrottlingInflightRoutePolicy policy = new ThrottlingInflightRoutePolicy();
        policy.setMaxInflightExchanges(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?exceptionHandler=#errors&maxPendingCount=20&" + FAST_RETRY)
                        .routeId("t").routePolicy(policy)
                        .process(e -> started.add(e.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class)))
                        // asynchronous: the dispatcher could start the next exchange at once, so the policy suspends
                        .delay(5).asyncDelayed()
                        .process(e -> {
                            if (consumer("t").isSuspended()) {
                                suspensions.incrementAndGet();
                            }
                        })
                        .to("mock:t");
            }
        });
        await().atMost(20, TimeUnit.SECONDS).until(() -> emulator().counters().subscriptions(channel) >= 1);
        List<Long> published = emulator().publish(channel, 200, 50);
        MockEndpoint mock = getMockEndpoint("mock:t");
        await().atMost(60, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() >= 200);
        assertThat(started).containsExactlyElementsOf(published);
        assertThat(suspensions.get()).as("exchanges completed while the policy had the consumer suspended").isPositive();
        await().during(1500, TimeUnit.MILLISECONDS).atMost(3, TimeUnit.SECONDS)
                .until(() -> mock.getReceivedCounter() == 200);
        assertThat(EmulatorTestSupport.replayIdsOf(mock)).containsExactlyInAnyOrderElementsOf(published);
        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer("t").getPendingCount() == 0);
        assertThat(errors.errors).isEmpty();
    }
}
