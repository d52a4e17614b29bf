package io.sfstream.camel;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static io.sfstream.camel.SfStreamEndpointBuilder.sfstream;
import static org.assertj.core.api.Assertions.assertThat;

/** A Java route whose endpoint is built with the Endpoint DSL consumes events like one written as a URI. */
class EndpointDslIT extends EmulatorTestSupport {

    @Test
    void routeBuiltWithTheEndpointDslConsumes() throws Exception {
        String channel = "/topic/" + uniqueName("Dsl");
        List<Long> published = emulator().publish(channel, 5, 100);
        MockEndpoint mock = getMockEndpoint("mock:dsl");
        mock.expectedMessageCount(5);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(sfstream(channel).replay("ALL_EVENTS").maxPendingCount(42).bodyType(BodyType.STRING)
                        .replayCommit(ReplayCommit.ON_RECEIVE))
                        .routeId("dsl").to("mock:dsl");
            }
        });
        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(replayIdsOf(mock)).containsExactlyElementsOf(published);
        assertThat(mock.getReceivedExchanges().get(0).getMessage().getBody()).isInstanceOf(String.class);
        SfStreamEndpoint endpoint = (SfStreamEndpoint) context.getRoute("dsl").getEndpoint();
        assertThat(endpoint.getConfiguration().getMaxPendingCount()).isEqualTo(42);
    }
}
