package io.sfstream.quarkus.example;

import io.sfstream.camel.SfStreamConstants;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/** One sfstream route; its options (credentials, replay) are camel.component.sfstream.* in application.properties. */
@ApplicationScoped
public class OrdersRoute extends RouteBuilder {

    @Inject
    ReceivedEvents received;

    @Override
    public void configure() {
        from("sfstream:{{orders.channel}}").routeId("orders")
            .process(e -> received.add(e.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class)))
            .log("Order event ${header.CamelSfStreamReplayId}: ${body}");
    }
}
