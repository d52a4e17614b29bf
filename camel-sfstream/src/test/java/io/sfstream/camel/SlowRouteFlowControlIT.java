package io.sfstream.camel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Flow control with a route that stops taking events for longer than the session's keep-alive
 * (the session's keep-alive, 30 s): maxPendingCount=20, 10 events per response, the route blocked on its first
 * event. The session fills the endpoint (two responses), holds its next connect back, and connects anyway once the
 * keep-alive is due, taking exactly one more response: pending reaches the bound plus one response and no more. The
 * server expires a session 38 s after a response without a connect (Salesforce: 40 s), so the forced connect is what
 * keeps it alive: one handshake for the whole run. Then the route goes on at 2 ms per event: every event once, in
 * order, and none late after a quiet period.
 */
class SlowRouteFlowControlIT extends CamelTestSupport {

    private static final int EVENTS_PER_RESPONSE = 10;
    private static final int MAX_PENDING = 20;
    private static final int EVENTS = 200;
    /** The session connects at the latest this long after a response, even while an endpoint is full (documented). */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
    private static final Duration SESSION_TIMEOUT = KEEP_ALIVE.plusSeconds(8);
    /**
     * The most events one response of the emulator may carry: its maximum, and up to twice that when its pump (queueing
     * the next batch once a response is taken) races the flush of that response on a loaded machine.
     */
    private static final int RESPONSE_LIMIT = 2 * EVENTS_PER_RESPONSE;

    @RegisterExtension
    static final EmulatorExtension SLOW = new EmulatorExtension(SalesforceEmulator.builder()
            .connectHold(Duration.ofMillis(300)).sessionTimeout(SESSION_TIMEOUT)
            .maxEventsPerResponse(EVENTS_PER_RESPONSE));

    private final AtomicInteger maxPending = new AtomicInteger();
    private final CountDownLatch gate = new CountDownLatch(1);

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        EmulatorTestSupport.useEmulator(context, SLOW.emulator());
        return context;
    }

    @AfterEach
    void openGate() {
        gate.countDown();
    }

    @Test
    void aRouteStuckPastTheKeepAliveGetsOneMoreResponseAndKeepsTheSession() throws Exception {
        SalesforceEmulator emulator = SLOW.emulator();
        String channel = "/topic/SlowRoute";
        List<Long> published = emulator.publish(channel, EVENTS, 50);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&maxPendingCount=" + MAX_PENDING
                     + "&timeToWaitBeforeConnectionRetry=100ms&maxReconnectDelay=500ms")
                        .routeId("slow")
                        .process(e -> {
                            maxPending.accumulateAndGet(slowConsumer().getPendingCount(), Math::max);
                            // the route's work: stuck until the test lets it go, then 2 ms per event
                            assertThat(gate.await(60, TimeUnit.SECONDS)).as("gate opened").isTrue();
                            Thread.sleep(2);
                        })
                        .to("mock:slow");
            }
        });
        // the endpoint is full (two responses taken): the next connect is held back, so nothing more is fetched
        await("endpoint full").atMost(20, TimeUnit.SECONDS)
                .until(() -> emulator.counters().eventsDelivered() >= MAX_PENDING);
        long fullAt = System.nanoTime();
        AtomicLong fetched = new AtomicLong(emulator.counters().eventsDelivered());
        await("the connect is held back").during(2, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> emulator.counters().eventsDelivered() == fetched.get());
        long whenFull = fetched.get();
        assertThat(whenFull).as("events fetched when the endpoint became full")
                .isLessThan(MAX_PENDING + RESPONSE_LIMIT);
        try {
            await("the keep-alive connect while the endpoint is full").atMost(KEEP_ALIVE.plusSeconds(8))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        maxPending.accumulateAndGet(slowConsumer().getPendingCount(), Math::max);
                        fetched.set(emulator.counters().eventsDelivered());
                        return fetched.get() > whenFull;
                    });
        } catch (ConditionTimeoutException e) {
            // say which way it went wrong: no connect at all, or a connect that failed and cost a new handshake
            throw new AssertionError("No keep-alive response within " + KEEP_ALIVE.plusSeconds(8) + ": handshakes "
                                     + emulator.counters().handshakes() + ", logins " + emulator.counters().logins()
                                     + ", session " + slowConsumer().getSessionState(), e);
        }
        long heldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fullAt);
        assertThat(heldMs).as("the connect was held back until the keep-alive (ms)")
                .isGreaterThanOrEqualTo(KEEP_ALIVE.toMillis() - 2_000);
        // the forced connect takes one response; the endpoint is still full, so nothing more is fetched
        await("nothing fetched after the keep-alive connect's response").during(1, TimeUnit.SECONDS)
                .atMost(3, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    maxPending.accumulateAndGet(slowConsumer().getPendingCount(), Math::max);
                    return emulator.counters().eventsDelivered() == fetched.get();
                });
        long forcedResponse = fetched.get() - whenFull;
        System.out.printf("SlowRouteFlowControlIT: %d events fetched when full, the connect held %d ms, then one"
                          + " response of %d events; pending at most %d%n", whenFull, heldMs, forcedResponse,
                maxPending.get());
        assertThat(forcedResponse).as("events of the keep-alive connect's response").isBetween(1L, (long) RESPONSE_LIMIT);

        gate.countDown();
        MockEndpoint mock = getMockEndpoint("mock:slow");
        await().atMost(60, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() >= EVENTS);
        await("no late duplicate").during(1500, TimeUnit.MILLISECONDS).atMost(3, TimeUnit.SECONDS)
                .until(() -> mock.getReceivedCounter() == EVENTS);
        assertThat(EmulatorTestSupport.replayIdsOf(mock)).containsExactlyElementsOf(published);
        assertThat(maxPending.get()).as("largest pending count: what the endpoint held when full plus one response")
                .isLessThanOrEqualTo((int) whenFull + RESPONSE_LIMIT);
        assertThat(emulator.counters().handshakes()).as("handshakes: the session never expired").isEqualTo(1);
        assertThat(emulator.counters().logins()).isEqualTo(1);
    }

    private SfStreamConsumer slowConsumer() {
        return (SfStreamConsumer) context.getRoute("slow").getConsumer();
    }
}
