package io.sfstream.examples;

import io.sfstream.camel.SfStreamConstants;
import org.apache.camel.builder.RouteBuilder;

/**
 * Logs every event of three channels, one of each common kind.
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
        from("sfstream:" + LOW_INK_EVENT + "?replay=ALL_EVENTS").routeId("low-ink")
                .log("Platform event replayId=${header." + SfStreamConstants.REPLAY_ID + "} uuid=${header."
                     + SfStreamConstants.EVENT_UUID + "} ${body}");
        from("sfstream:" + ACCOUNT_CHANGES + "?replay=ALL_EVENTS").routeId("account-changes")
                .log("Change event ${header." + SfStreamConstants.CHANGE_TYPE + "} ${header."
                     + SfStreamConstants.ENTITY_NAME + "} replayId=${header." + SfStreamConstants.REPLAY_ID + "}");
    }
}
