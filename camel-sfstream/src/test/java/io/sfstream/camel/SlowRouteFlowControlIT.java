package io.sfstream.camel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Flow control with a slow route: maxPendingCount=20, 10 ms per event, 1,000 retained events (about 10 s of work
 * against a server that drops sessions without a connect for 3 s). The pending count never exceeds the bound plus one
 * response, every event arrives in order, and the server never expired the session (one handshake).
 */
class SlowRouteFlowControlIT extends CamelTestSupport {

    private static final int EVENTS_PER_RESPONSE = 10;

    @RegisterExtension
    static final EmulatorExtension SLOW = new EmulatorExtension(SalesforceEmulator.builder()
            .connectHold(Duration.ofMillis(300)).sessionTimeout(Duration.ofSeconds(3))
            .maxEventsPerResponse(EVENTS_PER_RESPONSE));

    private final AtomicInteger maxPending = new AtomicInteger();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        EmulatorTestSupport.useEmulator(context, SLOW.emulator());
        return context;
    }

    @Test
    void slowRouteKeepsTheBoundAndTheSession() throws Exception {
        SalesforceEmulator emulator = SLOW.emulator();
        String channel = "/topic/SlowRoute";
        List<Long> published = emulator.publish(channel, 1000, 50);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&maxPendingCount=20"
                     + "&timeToWaitBeforeConnectionRetry=100ms&maxReconnectDelay=500ms")
                        .routeId("slow")
                        .process(e -> {
                            SfStreamConsumer consumer = (SfStreamConsumer) getContext().getRoute("slow").getConsumer();
                            maxPending.accumulateAndGet(consumer.getPendingCount(), Math::max);
                            Thread.sleep(10);
                        })
                        .to("mock:slow");
            }
        });
        long start = System.nanoTime();
        MockEndpoint mock = getMockEndpoint("mock:slow");
        await().atMost(120, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() >= 1000);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(tookMs).as("the route ran longer than the server's session timeout").isGreaterThan(3000);
        assertThat(EmulatorTestSupport.replayIdsOf(mock)).containsExactlyElementsOf(published);
        assertThat(maxPending.get()).as("largest pending count seen by the route").isPositive()
                .isLessThanOrEqualTo(20 + EVENTS_PER_RESPONSE);
        assertThat(emulator.counters().handshakes()).as("handshakes: the session never expired").isEqualTo(1);
        assertThat(emulator.counters().logins()).isEqualTo(1);
    }
}
