package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamApi;
import io.sfstream.camel.SfStreamEndpoint;
import io.sfstream.camel.internal.transport.TransportFactory;

import java.util.ServiceLoader;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** With this module on the classpath, ServiceLoader finds the Pub/Sub transport and api=PUBSUB endpoints are created. */
class PubSubModuleFoundTest {

    @Test
    void theFactoryIsAServiceAndEndpointsAreCreated() throws Exception {
        assertThat(ServiceLoader.load(TransportFactory.class).stream().map(ServiceLoader.Provider::type))
                .contains(PubSubTransportFactory.class);
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            SfStreamEndpoint endpoint = context.getEndpoint("sfstream:/data/AccountChangeEvent?api=PUBSUB"
                                                            + "&clientId=c&clientSecret=s&username=u&password=p",
                    SfStreamEndpoint.class);
            assertThat(endpoint.getConfiguration().getApi()).isEqualTo(SfStreamApi.PUBSUB);
        }
    }
}
