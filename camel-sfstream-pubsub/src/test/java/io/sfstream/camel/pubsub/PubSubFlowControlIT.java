package io.sfstream.camel.pubsub;

import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slow route never makes the client hold more than maxPendingCount events, as the emulator counts them; a stream
 * the server closes for idleness while the route is full resumes after the last event handed over.
 */
class PubSubFlowControlIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder()
            .pubSubIdleTimeout(Duration.ofMillis(1500))
            .pubSubKeepaliveInterval(Duration.ofMillis(500))
            .pubSubMaxEventsPerResponse(7));

    private static final int EVENTS = 300;
    private static final int MAX_PENDING = 10;

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @Test
    void aSlowRouteBoundsWhatIsRequestedAndResumesAfterAnIdleClose() throws Exception {
        String channel = "/event/" + uniqueName("Flow") + "__e";
        for (int i = 0; i < EVENTS; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
        Semaphore gate = new Semaphore(0);
        AtomicInteger completed = new AtomicInteger();
        MockEndpoint mock = getMockEndpoint("mock:flow");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&maxPendingCount=" + MAX_PENDING)
                        .process(e -> gate.acquire())
                        .to(mock)
                        .process(e -> completed.incrementAndGet());
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> emulator().pubSubStats().eventsDelivered() >= MAX_PENDING);
        // the route is stuck: longer than the server's idle timeout, never more than the bound delivered and not done
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> emulator().pubSubStats().eventsDelivered() - completed.get() <= MAX_PENDING);
        assertThat(emulator().pubSubStats().eventsDelivered()).isEqualTo(MAX_PENDING);

        // a trickle: what is delivered and not completed stays within the bound all along
        for (int i = 0; i < 40; i++) {
            gate.release(1);
            int done = i;
            await().atMost(Duration.ofSeconds(5)).until(() -> completed.get() > done);
            assertThat(emulator().pubSubStats().eventsDelivered() - completed.get()).isLessThanOrEqualTo(MAX_PENDING);
        }
        gate.release(EVENTS);
        await().atMost(Duration.ofSeconds(30)).until(() -> completed.get() == EVENTS);
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> mock.getReceivedCounter() == EVENTS);
        List<Object> seqs = mock.getReceivedExchanges().stream().map(e -> payload(e).get("Seq__c")).toList();
        assertThat(seqs).containsExactlyElementsOf(IntStream.range(0, EVENTS).boxed().map(Object.class::cast).toList());
        assertThat(positions(mock)).doesNotHaveDuplicates();
        // no stream was ever owed more than the bound, and the server delivered every event once
        assertThat(emulator().pubSubStats().maxOutstanding()).isLessThanOrEqualTo(MAX_PENDING);
        assertThat(emulator().pubSubStats().eventsDelivered()).isEqualTo(EVENTS);
    }
}
