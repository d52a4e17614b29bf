package io.sfstream.camel;

import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionRecord;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs Camel against the Salesforce emulator (the real CometD server on loopback). The sfstream component gets the
 * emulator's credentials at component level, so routes name only the channel and their own options.
 */
abstract class EmulatorTestSupport extends CamelTestSupport {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private static final AtomicInteger CHANNEL_SEQUENCE = new AtomicInteger();

    static SalesforceEmulator emulator() {
        return EMULATOR.emulator();
    }

    /** A channel name no other test of the run has used, so retained events of one test never reach another. */
    static String uniqueName(String prefix) {
        return prefix + CHANNEL_SEQUENCE.incrementAndGet();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        useEmulator(context, emulator());
        return context;
    }

    /** Gives the sfstream component of the context the emulator's login URL and credentials. */
    static void useEmulator(CamelContext context, SalesforceEmulator emulator) {
        SfStreamComponent component = new SfStreamComponent();
        SfStreamConfiguration config = component.getConfiguration();
        config.setLoginUrl(emulator.baseUrl());
        config.setClientId(SalesforceEmulator.CLIENT_ID);
        config.setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        config.setUsername(SalesforceEmulator.USERNAME);
        config.setPassword(SalesforceEmulator.PASSWORD);
        context.addComponent("sfstream", component);
        context.getPropertiesComponent().addInitialProperty("emulator.url", emulator.baseUrl());
    }

    /** The replayId stored under the key (the marker part of a record with a lease), or null. */
    static Long storedReplayId(Map<String, String> store, String key) {
        String text = store.get(key);
        ReplayMarker marker = text == null ? null : SubscriptionRecord.parse(key, text).marker();
        return marker == null ? null : marker.replayId();
    }

    void addRoute(String from, String to) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(from).to(to);
            }
        });
    }

    static List<Long> replayIdsOf(MockEndpoint mock) {
        return mock.getReceivedExchanges().stream()
                .map(e -> e.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class)).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> bodyMap(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        assertThat(body).isInstanceOf(Map.class);
        return (Map<String, Object>) body;
    }
}
