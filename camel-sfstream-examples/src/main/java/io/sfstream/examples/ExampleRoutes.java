package io.sfstream.examples;

import io.sfstream.camel.SfStreamConstants;
import org.apache.camel.builder.RouteBuilder;

/**
 * The Java DSL example: logs every event of a PushTopic. The platform event and the change events are consumed by the
 * YAML ({@code routes/low-ink.yaml}) and XML ({@code routes/account-changes.xml}) examples.
 */
public class ExampleRoutes extends RouteBuilder {

    static final String ORDERS_TOPIC = "/topic/OrderUpdates";
    static final String LOW_INK_EVENT = "/event/Low_Ink__e";
    static final String ACCOUNT_CHANGES = "/data/AccountChangeEvent";

    @Override
    public void configure() {
        from("sfstream:" + ORDERS_TOPIC + "?replay=ALL_EVENTS").routeId("orders")
                .log("PushTopic ${header." + SfStreamConstants.EVENT_TYPE + "} replayId=${header."
                     + SfStreamConstants.REPLAY_ID + "} ${body}");
    }
}
