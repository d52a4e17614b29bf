package io.sfstream.examples;

import io.sfstream.camel.SfStreamConstants;
import org.apache.camel.builder.RouteBuilder;

/**
 * The Java DSL examples: logs every event of a PushTopic over the Streaming API, and every change event of Account over
 * the Pub/Sub API (gRPC, {@code api=PUBSUB}, from the {@code camel-sfstream-pubsub} artifact). The platform event and
 * the change events over the Streaming API are consumed by the YAML ({@code routes/low-ink.yaml}) and XML
 * ({@code routes/account-changes.xml}) examples.
 */
public class ExampleRoutes extends RouteBuilder {

    static final String ORDERS_TOPIC = "/topic/OrderUpdates";
    static final String LOW_INK_EVENT = "/event/Low_Ink__e";
    static final String ACCOUNT_CHANGES = "/data/AccountChangeEvent";
    /** The Pub/Sub route's marker key: the XML route keeps the channel's own marker (a Streaming API replayId). */
    static final String PUBSUB_SUBSCRIPTION = "account-changes-pubsub";

    @Override
    public void configure() {
        from("sfstream:" + ORDERS_TOPIC + "?replay=ALL_EVENTS").routeId("orders")
                .log("PushTopic ${header." + SfStreamConstants.EVENT_TYPE + "} replayId=${header."
                     + SfStreamConstants.REPLAY_ID + "} ${body}");

        // the same change events as the XML route, over the Pub/Sub API; its own subscriptionName keeps its own
        // marker (a Pub/Sub replay id, base64 text) beside the XML route's
        from("sfstream:" + ACCOUNT_CHANGES + "?api=PUBSUB&replay=ALL_EVENTS&subscriptionName=" + PUBSUB_SUBSCRIPTION)
                .routeId("account-changes-pubsub")
                .log("Pub/Sub change event ${header." + SfStreamConstants.CHANGE_TYPE + "} ${header."
                     + SfStreamConstants.ENTITY_NAME + "} replayId=${header." + SfStreamConstants.REPLAY_ID
                     + "}");
    }
}
