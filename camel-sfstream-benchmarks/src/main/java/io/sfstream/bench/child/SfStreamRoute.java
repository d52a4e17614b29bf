package io.sfstream.bench.child;

import java.time.Instant;

import io.sfstream.camel.SfStreamApi;
import io.sfstream.camel.SfStreamComponent;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.SfStreamConstants;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;

/**
 * Variants (c), (d) and (e): a Camel route from sfstream that only counts.
 * <ul>
 * <li>(c) {@code replayCommit=ON_RECEIVE}, markers in memory (the default store);</li>
 * <li>(d) {@code replayCommit=ON_COMPLETION}, the crash-safe file store in a fresh directory (a stored marker would
 *     make the next run resume instead of draining);</li>
 * <li>(e) (d) with {@code .threads(4)}: exchanges complete out of order on four threads;</li>
 * <li>(g) (d) over the Pub/Sub API ({@code api=PUBSUB}, TLS to the emulator, a platform event channel).</li>
 * </ul>
 * Every other option keeps its default (maxPendingCount 100, bodyType MAP).
 */
final class SfStreamRoute implements ChildMain.VariantConsumer {

    private static final String ROUTE_ID = "bench";

    private final ChildMain.Settings settings;
    private final Probe probe;
    private final String variant;
    private CamelContext camel;

    SfStreamRoute(ChildMain.Settings settings, Probe probe, String variant) {
        this.settings = settings;
        this.probe = probe;
        this.variant = variant;
    }

    String uri() {
        String replay = settings.replayFrom() == -2 ? "ALL_EVENTS" : settings.replayFrom() == -1 ? "NEW_EVENTS"
            : Long.toString(settings.replayFrom());
        String uri = "sfstream:" + settings.channel() + "?replay=" + replay
            + (settings.sfstreamOptions().isEmpty() ? "" : "&" + settings.sfstreamOptions());
        if ("c".equals(variant)) {
            return uri + "&replayCommit=ON_RECEIVE";
        }
        return uri + "&replayCommit=ON_COMPLETION&replayStore=file:" + settings.storeDir().resolve("markers");
    }

    @Override
    public void prepare() throws Exception {
        camel = new DefaultCamelContext();
        SfStreamComponent component = new SfStreamComponent();
        SfStreamConfiguration config = component.getConfiguration();
        config.setLoginUrl(settings.baseUrl());
        config.setClientId(SalesforceEmulator.CLIENT_ID);
        config.setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        config.setUsername(SalesforceEmulator.USERNAME);
        config.setPassword(SalesforceEmulator.PASSWORD);
        if ("g".equals(variant)) {
            // TLS with the JVM's trust (the orchestrator's trust store holds the emulator's certificate)
            config.setApi(SfStreamApi.PUBSUB);
            config.setPubSubHost(ChildMain.Settings.PUBSUB_HOST);
            config.setPubSubPort(settings.pubSubPort());
        }
        camel.addComponent("sfstream", component);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                RouteDefinition route = from(uri()).routeId(ROUTE_ID).autoStartup(false);
                if ("e".equals(variant)) {
                    route.threads(4).process(SfStreamRoute.this::count);
                } else {
                    route.process(SfStreamRoute.this::count);
                }
            }
        });
        camel.start();
    }

    private void count(Exchange exchange) {
        long created = probe.wantsCreatedDate()
            ? exchange.getMessage().getHeader(SfStreamConstants.CREATED_DATE, Instant.class).toEpochMilli() : 0;
        if ("g".equals(variant)) {
            // the Pub/Sub API's replay id: the base64 text of its opaque bytes
            probe.opaqueEvent(exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID), created);
        } else {
            probe.event(exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class), created);
        }
    }

    @Override
    public void start() throws Exception {
        camel.getRouteController().startRoute(ROUTE_ID);
    }
}
