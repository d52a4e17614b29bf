package io.sfstream.bench.child;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Variant (f): camel-salesforce 4.18.0's {@code salesforce:subscribe} consumer in a route that only counts, configured
 * like the emulator's fidelity test (username-password login against the emulator, API 62.0).
 */
final class CamelSalesforceRoute implements ChildMain.VariantConsumer {

    private static final String ROUTE_ID = "bench";

    private final ChildMain.Settings settings;
    private final Probe probe;
    private CamelContext camel;

    CamelSalesforceRoute(ChildMain.Settings settings, Probe probe) {
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
        camel.addComponent("salesforce", component);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("salesforce:subscribe:" + settings.topicName() + "?replayId=" + settings.replayFrom()
                    + "&apiVersion=62.0").routeId(ROUTE_ID).autoStartup(false).process(CamelSalesforceRoute.this::count);
            }
        });
        camel.start();
    }

    private void count(Exchange exchange) {
        long created = probe.wantsCreatedDate()
            ? Timestamps.epochMillis(exchange.getMessage().getHeader("CamelSalesforceCreatedDate")) : 0;
        probe.event(exchange.getMessage().getHeader("CamelSalesforceReplayId", Number.class).longValue(), created);
    }

    @Override
    public void start() throws Exception {
        camel.getRouteController().startRoute(ROUTE_ID);
    }
}
