package io.sfstream.camel.pubsub;

import io.sfstream.camel.ChannelMeters;
import io.sfstream.camel.RecordingExceptionHandler;
import io.sfstream.camel.SfStreamConstants;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What users look at moves on the Pub/Sub path too: the positions as text in JMX and the readiness details (the
 * replayId attributes stay -1, a base64 position being no number), and the Micrometer meters, which count events by
 * arrival order rather than by replayId.
 */
class PubSubObservabilityIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final int EVENTS = 5;

    private final MeterRegistry meters = new SimpleMeterRegistry();

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @Override
    protected boolean useJmx() {
        return true;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("meters", meters);
        context.getRegistry().bind("quiet", new RecordingExceptionHandler());
        HealthCheckRegistry.get(context).register(new ConsumersHealthCheckRepository());
        return context;
    }

    private double count(String name, String channel) {
        return ChannelMeters.count(meters, name, channel);
    }

    private double lag(String channel) {
        return ChannelMeters.lag(meters, channel);
    }

    private Map<String, Object> readinessDetails(String routeId) {
        HealthCheck.Result result = HealthCheckHelper.invokeReadiness(context).stream()
                .filter(r -> r.getCheck().getId().equals("consumer:" + routeId)).findFirst().orElseThrow();
        return result.getDetails();
    }

    @Test
    void positionsAndMetersMoveOverPubSub() throws Exception {
        String channel = "/event/" + uniqueName("Observed") + "__e";
        for (int i = 0; i < EVENTS; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
        MockEndpoint mock = getMockEndpoint("mock:observed");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayCommitInterval=50ms").routeId("observed")
                        .to(mock);
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> mock.getReceivedCounter() == EVENTS);
        String last = mock.getReceivedExchanges().get(EVENTS - 1).getMessage()
                .getHeader(SfStreamConstants.REPLAY_ID, String.class);
        assertThat(last).matches("[A-Za-z0-9+/]+=*");

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = consumerMBean(server);
        assertThat(server.getAttribute(name, "LastReceivedPosition")).isEqualTo(last);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> last.equals(server.getAttribute(name, "LastCommittedPosition")));
        // the numeric attributes are kept for the Streaming API: a base64 position is no number
        assertThat(server.getAttribute(name, "LastReceivedReplayId")).isEqualTo(-1L);
        assertThat(server.getAttribute(name, "LastCommittedReplayId")).isEqualTo(-1L);

        Map<String, Object> details = readinessDetails("observed");
        assertThat(details).containsEntry("sfstream.lastReceivedPosition", last)
                .containsEntry("sfstream.lastCommittedPosition", last);
        assertThat(details.toString()).doesNotContain(SalesforceEmulator.PASSWORD)
                .doesNotContain(SalesforceEmulator.CLIENT_SECRET);
        for (String token : emulator().issuedTokens()) {
            assertThat(details.toString()).doesNotContain(token);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(count("sfstream.events.received", channel)).isEqualTo(EVENTS);
            assertThat(count("sfstream.events.committed", channel)).isEqualTo(EVENTS);
            assertThat(lag(channel)).isZero();
        });
        assertThat(count("sfstream.events.failed", channel)).isZero();
        assertThat(count("sfstream.events.redelivered", channel)).isZero();
    }

    @Test
    void eventsReceivedAgainAfterARestartCountAsRedelivered() throws Exception {
        String channel = "/event/" + uniqueName("Redelivered") + "__e";
        for (int i = 0; i < EVENTS; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
        AtomicBoolean failedOnce = new AtomicBoolean();
        MockEndpoint mock = getMockEndpoint("mock:redelivered");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayCommitInterval=20ms&exceptionHandler=#quiet")
                        .routeId("redelivered")
                        .process(exchange -> {
                            if (Integer.valueOf(2).equals(payload(exchange).get("Seq__c"))
                                && failedOnce.compareAndSet(false, true)) {
                                throw new IllegalStateException("fails once");
                            }
                        })
                        .to(mock);
            }
        });
        // the third event fails: delivery stops, the marker stays after the second
        await().atMost(Duration.ofSeconds(20)).until(() -> count("sfstream.events.failed", channel) == 1
                && count("sfstream.events.committed", channel) == 2);
        context.getRouteController().stopRoute("redelivered");
        double firstRun = count("sfstream.events.received", channel);
        assertThat(lag(channel)).as("received after the marker, not committed").isEqualTo(firstRun - 2);

        context.getRouteController().startRoute("redelivered");
        await().atMost(Duration.ofSeconds(20)).until(() -> mock.getReceivedCounter() == EVENTS);
        List<Object> seqs = mock.getReceivedExchanges().stream().map(e -> payload(e).get("Seq__c")).toList();
        assertThat(seqs).containsExactly(0, 1, 2, 3, 4);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            // the events after the marker that the first run had received come again, told by their equal positions
            assertThat(count("sfstream.events.redelivered", channel)).isEqualTo(firstRun - 2);
            assertThat(count("sfstream.events.received", channel)).isEqualTo(firstRun + 3);
            assertThat(count("sfstream.events.committed", channel)).isEqualTo(EVENTS);
            assertThat(lag(channel)).isZero();
        });
    }
}
