package io.sfstream.camel;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.sfstream.camel.pubsub.PubSubTestSupport;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The access token on the Pub/Sub path (the {@code accesstoken} header of every gRPC call) never shows: not in the log
 * (SecretLeakCheck watches every line, io.grpc and io.netty at INFO as users have them by default), not in what the
 * exception handler is handed (an expired token, a reset stream), not in the readiness details, not in any JMX attribute
 * of the consumer.
 */
class PubSubSecretsIT extends CamelTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private final RecordingExceptionHandler handler = new RecordingExceptionHandler();

    @Override
    protected boolean useJmx() {
        return true;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        PubSubTestSupport.useEmulator(context, SF.emulator());
        context.getRegistry().bind("handler", handler);
        HealthCheckRegistry.get(context).register(new ConsumersHealthCheckRepository());
        return context;
    }

    @Test
    void theAccessTokenNeverShowsOnThePubSubPath() throws Exception {
        SalesforceEmulator emulator = SF.emulator();
        String channel = "/event/Secrets__e";
        MockEndpoint mock = getMockEndpoint("mock:secrets");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&exceptionHandler=#handler").routeId("secrets").to(mock);
            }
        });
        emulator.publish(channel, Map.of("Seq__c", 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> mock.getReceivedCounter() == 1);

        // an expired token ends the stream with UNAUTHENTICATED: reported, logged in again, resubscribed
        emulator.expireTokens();
        emulator.publish(channel, Map.of("Seq__c", 2));
        await().atMost(Duration.ofSeconds(20)).until(() -> mock.getReceivedCounter() == 2);
        // a reset stream: reported, resubscribed with the new token
        emulator.resetPubSubStreams();
        emulator.publish(channel, Map.of("Seq__c", 3));
        await().atMost(Duration.ofSeconds(20)).until(() -> mock.getReceivedCounter() == 3);

        List<String> tokens = emulator.issuedTokens();
        assertThat(tokens).as("a second login after the expiry").hasSizeGreaterThanOrEqualTo(2);
        assertThat(handler.errors).as("the expired token and the reset were reported").isNotEmpty();

        List<String> seen = new ArrayList<>();
        for (Throwable error : handler.errors) {
            for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
                seen.add(String.valueOf(t));
            }
        }
        SfStreamConsumer consumer = (SfStreamConsumer) context.getRoute("secrets").getConsumer();
        seen.add(String.valueOf(consumer.getLastError()));
        HealthCheck.Result readiness = HealthCheckHelper.invokeReadiness(context).stream()
                .filter(r -> r.getCheck().getId().contains("secrets")).findFirst().orElseThrow();
        seen.add(String.valueOf(readiness.getDetails()));
        seen.add(readiness.getMessage().orElse(""));
        seen.addAll(jmxAttributesOfTheConsumer());

        for (String token : tokens) {
            assertThat(seen).noneSatisfy(text -> assertThat(text).contains(token));
            assertThat(SecretLeakAppender.leaks()).noneSatisfy(leak -> assertThat(leak).contains(token));
        }
        assertThat(seen).noneSatisfy(text -> assertThat(text).containsPattern(SecretLeakAppender.TOKEN_SHAPE));
    }

    private static List<String> jmxAttributesOfTheConsumer() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = PubSubTestSupport.consumerMBean(server);
        List<String> values = new ArrayList<>();
        for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
            try {
                values.add(attribute.getName() + "=" + server.getAttribute(name, attribute.getName()));
            } catch (Exception e) {
                values.add(attribute.getName() + " unreadable: " + e);
            }
        }
        assertThat(values).as("the consumer's attributes").anySatisfy(v -> assertThat(v).startsWith("SessionState="));
        return values;
    }
}
