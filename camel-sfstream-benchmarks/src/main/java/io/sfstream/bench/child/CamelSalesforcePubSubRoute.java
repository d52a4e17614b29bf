package io.sfstream.bench.child;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Variant (h): camel-salesforce 4.18.0's {@code salesforce:pubSubSubscribe} consumer with {@code replayPreset=EARLIEST}
 * in a route that only counts, configured like the emulator's {@code CamelSalesforcePubSubFidelityTest}: it always
 * speaks TLS with the JVM's default trust, which the orchestrator points at a trust store holding the emulator's
 * certificate. Every other option keeps its default ({@code pubSubBatchSize=100}, {@code pubSubDeserializeType=AVRO}:
 * a GenericRecord body).
 */
final class CamelSalesforcePubSubRoute implements ChildMain.VariantConsumer {

    private static final String ROUTE_ID = "bench";

    private final ChildMain.Settings settings;
    private final Probe probe;
    private CamelContext camel;

    CamelSalesforcePubSubRoute(ChildMain.Settings settings, Probe probe) {
        this.settings = settings;
        this.probe = probe;
    }

    @Override
    public void prepare() throws Exception {
        camel = new DefaultCamelContext();
        SalesforceComponent component = new SalesforceComponent();
        component.setLoginUrl(settings.baseUrl());
        component.setClientId(SalesforceEmulator.CLIENT_ID);
        component.setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        component.setUserName(SalesforceEmulator.USERNAME);
        component.setPassword(SalesforceEmulator.PASSWORD);
        component.setAuthenticationType(AuthenticationType.USERNAME_PASSWORD);
        component.setPubSubHost(ChildMain.Settings.PUBSUB_HOST);
        component.setPubSubPort(settings.pubSubPort());
        camel.addComponent("salesforce", component);
        String preset = settings.replayFrom() == -2 ? "EARLIEST" : "LATEST";
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("salesforce:pubSubSubscribe:" + settings.channel() + "?replayPreset=" + preset).routeId(ROUTE_ID)
                    .autoStartup(false).process(CamelSalesforcePubSubRoute.this::count);
            }
        });
        camel.start();
    }

    private void count(Exchange exchange) {
        // only the latency run reads a creation date, and that run is not made over the Pub/Sub API
        probe.opaqueEvent(exchange.getMessage().getHeader("CamelSalesforcePubSubReplayId"), 0);
    }

    @Override
    public void start() throws Exception {
        camel.getRouteController().startRoute(ROUTE_ID);
    }
}
