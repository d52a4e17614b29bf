package io.sfstream.camel;

import io.sfstream.camel.internal.bayeux.SessionRegistry;
import io.sfstream.camel.internal.delivery.BackgroundPreload;
import io.sfstream.camel.internal.transport.Channel;
import io.sfstream.camel.internal.transport.TransportFactories;
import io.sfstream.camel.replay.StoreRegistry;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

/**
 * The {@code sfstream} component: consumes Salesforce streaming events. Endpoints with the same credentials share one
 * Bayeux session.
 */
@Component("sfstream")
public class SfStreamComponent extends HealthCheckComponent {

    @Metadata(description = "Component-level defaults of every option; endpoint options override them.")
    private SfStreamConfiguration configuration = new SfStreamConfiguration();

    private final SessionRegistry sessions = new SessionRegistry();
    private final StoreRegistry stores = new StoreRegistry();
    /** Transports of other APIs than the Streaming API (the Pub/Sub API), found with ServiceLoader. */
    private final TransportFactories plugins = new TransportFactories(SfStreamComponent.class.getClassLoader());

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Channel channel = Channel.parse(remaining);
        SfStreamEndpoint endpoint = new SfStreamEndpoint(uri, this, channel, configuration.copy());
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    @Override
    protected void doBuild() throws Exception {
        super.doBuild();
        // the earliest moment of the component's life with a CamelContext: overlap our class loading with Camel's start
        BackgroundPreload.start(getCamelContext());
    }

    @Override
    protected void doStop() throws Exception {
        sessions.closeAll();
        plugins.closeAll();
        stores.stopAll();
        super.doStop();
    }

    public SfStreamConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(SfStreamConfiguration configuration) {
        this.configuration = configuration;
    }

    SessionRegistry sessions() {
        return sessions;
    }

    TransportFactories plugins() {
        return plugins;
    }

    StoreRegistry stores() {
        return stores;
    }
}
