package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.Counters;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.throttling.ThrottlingInflightRoutePolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer is Suspendable: suspending pauses delivery (queued events wait, the session fetches nothing more),
 * resuming continues in order without loss; the same through ThrottlingInflightRoutePolicy.
 */
class SuspendResumeIT extends FaultTestSupport {

    @Test
    void suspendRouteAndResumeRouteLoseNothing() throws Exception {
        String channel = "/topic/" + uniqueName("Suspend");
        route("r", channel, "maxPendingCount=10");
        assertThat(consumer("r")).isInstanceOf(org.apache.camel.Suspendable.class);
        List<Long> published = new ArrayList<>(emulator().publish(channel, 5, 50));
        assertReceivedExactly("r", published);

        context.getRouteController().suspendRoute("r");
        assertThat(context.getRouteController().getRouteStatus("r")).isEqualTo(ServiceStatus.Suspended);
        Counters suspended = emulator().counters();
        published.addAll(emulator().publish(channel, 40, 50));
        MockEndpoint mock = getMockEndpoint("mock:r");
        // nothing is delivered while suspended, and the endpoint takes at most one response beyond its bound
        await().during(1500, TimeUnit.MILLISECONDS).atMost(3, TimeUnit.SECONDS)
                .until(() -> mock.getReceivedCounter() == 5 && consumer("r").getPendingCount() <= 10 + 40);
        assertThat(emulator().counters().handshakes()).isEqualTo(suspended.handshakes());

        context.getRouteController().resumeRoute("r");
        assertReceivedExactly("r", published);
        assertThat(emulator().counters().handshakes()).isEqualTo(suspended.handshakes());
        assertThat(errors.errors).isEmpty();
    }

    @Test
    void throttlingInflightRoutePolicyLosesNothing() throws Exception {
        String channel = "/topic/" + uniqueName("Throttled");
        List<Long> started = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger suspensions = new java.util.concurrent.atomic.AtomicInteger();
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
        awaitSubscribed(channel);
        List<Long> published = emulator().publish(channel, 200, 50);
        MockEndpoint mock = getMockEndpoint("mock:t");
        await().atMost(60, TimeUnit.SECONDS).until(() -> mock.getReceivedCounter() >= 200);
        assertThat(started).containsExactlyElementsOf(published);
        assertThat(suspensions.get()).as("exchanges completed while the policy had the consumer suspended").isPositive();
        assertThat(replayIdsOf(mock)).containsExactlyInAnyOrderElementsOf(published);
        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer("t").getPendingCount() == 0);
        assertThat(errors.errors).isEmpty();
    }
}
