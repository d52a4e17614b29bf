package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamApi;
import io.sfstream.camel.SfStreamComponent;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.SfStreamConstants;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.PubSubStats;
import io.sfstream.emulator.SalesforceEmulator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;

/**
 * Camel tests against the emulator's Pub/Sub API, plaintext on loopback; the channels are unique per test. Public for
 * the static helpers, which PubSubSecretsIT (in the component's package) uses as well.
 */
public abstract class PubSubTestSupport extends CamelTestSupport {

    private static final AtomicInteger CHANNEL_SEQUENCE = new AtomicInteger();

    /** The emulator, started once per class: subclasses register it with {@code @RegisterExtension}. */
    abstract EmulatorExtension emulatorExtension();

    SalesforceEmulator emulator() {
        return emulatorExtension().emulator();
    }

    static String uniqueName(String prefix) {
        return prefix + CHANNEL_SEQUENCE.incrementAndGet();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        useEmulator(context, emulator());
        return context;
    }

    /** The sfstream component of the context, logging in to the emulator and consuming its Pub/Sub API. */
    public static void useEmulator(CamelContext context, SalesforceEmulator emulator) {
        SfStreamComponent component = new SfStreamComponent();
        configureFor(component.getConfiguration(), emulator);
        context.addComponent("sfstream", component);
    }

    /**
     * Credentials and the Pub/Sub endpoint of the emulator; every other option keeps its default (reconnect delays
     * included), so that fault tests recover as users' consumers do.
     */
    static void configureFor(SfStreamConfiguration config, SalesforceEmulator emulator) {
        config.setLoginUrl(emulator.baseUrl());
        config.setClientId(SalesforceEmulator.CLIENT_ID);
        config.setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        config.setUsername(SalesforceEmulator.USERNAME);
        config.setPassword(SalesforceEmulator.PASSWORD);
        config.setApi(SfStreamApi.PUBSUB);
        config.setPubSubHost("127.0.0.1");
        config.setPubSubPort(emulator.pubSubPort());
        config.setPubSubPlaintext(true);
    }

    void addRoute(String from, String to) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(from).to(to);
            }
        });
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> body(Exchange exchange) {
        return exchange.getMessage().getBody(Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> payload(Exchange exchange) {
        return (Map<String, Object>) body(exchange).get("payload");
    }

    static List<String> positions(MockEndpoint mock) {
        return mock.getReceivedExchanges().stream()
                .map(e -> e.getMessage().getHeader(SfStreamConstants.REPLAY_ID, String.class)).toList();
    }

    /** The name of the JMX MBean of the (one) sfstream consumer. */
    public static ObjectName consumerMBean(MBeanServer server) throws Exception {
        return server.queryNames(new ObjectName("org.apache.camel:type=consumers,*"), null).stream()
                .filter(n -> n.getKeyProperty("name").contains("SfStreamConsumer")).findFirst().orElseThrow();
    }

    /** The emulator's counters of the Subscribe streams of {@code topic}. */
    List<PubSubStats.Stream> streams(String topic) {
        return emulator().pubSubStats().streams().stream().filter(s -> topic.equals(s.topic())).toList();
    }
}
