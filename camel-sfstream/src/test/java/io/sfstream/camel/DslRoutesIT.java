package io.sfstream.camel;

import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route loaded from YAML DSL and from XML DSL resolves the sfstream options through the generated configurers
 * and drains the emulator's retained events.
 */
class DslRoutesIT extends EmulatorTestSupport {

    @Test
    void yamlRouteConsumesEvents() throws Exception {
        runs("/topic/YamlOrders", "routes/yaml-orders.yaml", "mock:yaml", "yaml-orders");
    }

    @Test
    void xmlRouteConsumesEvents() throws Exception {
        runs("/event/XmlOrder__e", "routes/xml-orders.xml", "mock:xml", "xml-orders");
    }

    private void runs(String channel, String resource, String mockUri, String routeId) throws Exception {
        List<Long> published = emulator().publish(channel, 25, 100);
        MockEndpoint mock = getMockEndpoint(mockUri);
        mock.expectedMessageCount(25);
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.resolveMandatoryResource(context, "classpath:" + resource));
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published);
        assertThat(mock.getReceivedExchanges().get(0).getMessage().getBody()).isInstanceOf(JsonNode.class);
        SfStreamEndpoint endpoint = (SfStreamEndpoint) context.getRoute(routeId).getEndpoint();
        assertThat(endpoint.getConfiguration().getMaxPendingCount()).isEqualTo(42);
        assertThat(endpoint.getConfiguration().getReplay()).isEqualTo("ALL_EVENTS");
    }
}
