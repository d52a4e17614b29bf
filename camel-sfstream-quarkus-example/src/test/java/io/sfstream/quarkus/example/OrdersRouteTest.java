package io.sfstream.quarkus.example;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sfstream.camel.SfStreamComponent;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Camel Quarkus application (JVM mode) consumes from the emulator with its options from application.properties. */
@QuarkusTest
@QuarkusTestResource(EmulatorResource.class)
class OrdersRouteTest {

    @Inject
    CamelContext camelContext;

    @Inject
    ReceivedEvents received;

    @Test
    void receivesRetainedAndNewEventsInOrder() {
        assertThat(camelContext.getComponent("sfstream", SfStreamComponent.class).getConfiguration().getMaxPendingCount())
            .isEqualTo(42);
        List<Long> published = EmulatorResource.emulator.publish("/topic/QuarkusOrders", 3, 50);
        await().atMost(30, TimeUnit.SECONDS).until(() -> received.replayIds().containsAll(published));
        List<Long> more = EmulatorResource.emulator.publish("/topic/QuarkusOrders", 2, 50);
        await().atMost(30, TimeUnit.SECONDS).until(() -> received.replayIds().containsAll(more));
        assertThat(received.replayIds()).containsSubsequence(published.get(0), published.get(2), more.get(0), more.get(1));
    }
}
